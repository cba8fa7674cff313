package dev.weft.codec.http2;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.weft.codec.http2.Bytes.cat;
import static dev.weft.codec.http2.Bytes.hex;
import static dev.weft.codec.http2.Bytes.setting;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Http2SettingsTest {

    @Test
    void startsAtTheRfcDefaults() {
        Http2Settings s = new Http2Settings();
        assertEquals(4096, s.headerTableSize());
        assertTrue(s.enablePush());
        assertEquals(Http2Settings.UNLIMITED, s.maxConcurrentStreams());
        assertEquals(65_535, s.initialWindowSize());
        assertEquals(16_384, s.maxFrameSize());
        assertEquals(Http2Settings.UNLIMITED, s.maxHeaderListSize());
        assertEquals(0, s.payloadLength());
    }

    @Test
    void appliesAReceivedPayloadAndIgnoresUnknownSettings() throws Http2Exception {
        Http2Settings s = new Http2Settings();
        ByteBuffer payload = ByteBuffer.wrap(cat(setting(1, 0xFFFF_FFFFL), setting(2, 0), setting(3, 100),
                setting(4, 1 << 20), setting(5, 1 << 24 - 1), setting(6, 8192), setting(0x8, 1), setting(0xFFFF, 7)));
        int delta = s.apply(payload, false);
        assertEquals((1 << 20) - 65_535, delta);
        assertEquals(0xFFFF_FFFFL, s.headerTableSize(), "an unsigned 32-bit value");
        assertFalse(s.enablePush());
        assertEquals(100, s.maxConcurrentStreams());
        assertEquals(1 << 20, s.initialWindowSize());
        assertEquals(1 << 23, s.maxFrameSize());
        assertEquals(8192, s.maxHeaderListSize());
        assertEquals(0, payload.position(), "the position is not moved");
        assertEquals(0, s.payloadLength(), "received settings are not ours to send");
    }

    @Test
    void theLastValueOfARepeatedSettingWins() throws Http2Exception {
        Http2Settings s = new Http2Settings();
        assertEquals(-65_535 + 10, s.apply(ByteBuffer.wrap(cat(setting(4, 5), setting(4, 10))), false));
        assertEquals(10, s.initialWindowSize());
        assertEquals(0, s.apply(ByteBuffer.wrap(cat(setting(4, 10))), false), "no change, no delta");
        assertEquals(0, s.apply(ByteBuffer.allocate(0), false), "an empty SETTINGS changes nothing");
        assertEquals(-10, s.apply(ByteBuffer.wrap(setting(4, 0)), false), "a window of 0 is allowed");
    }

    @Test
    void acceptsTheBoundaries() throws Http2Exception {
        Http2Settings s = new Http2Settings();
        s.apply(ByteBuffer.wrap(cat(setting(4, 0x7FFF_FFFF), setting(5, 16_384), setting(2, 1))), false);
        assertEquals(Integer.MAX_VALUE, s.initialWindowSize());
        assertEquals(16_384, s.maxFrameSize());
        s.apply(ByteBuffer.wrap(cat(setting(5, 16_777_215), setting(2, 0))), true);
        assertEquals(16_777_215, s.maxFrameSize());
        assertFalse(s.enablePush(), "a server may send ENABLE_PUSH 0");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            // id | value | from a server | error | message
            "2 | 2 | false | PROTOCOL_ERROR | SETTINGS_ENABLE_PUSH 2, must be 0 or 1",
            "2 | 1 | true | PROTOCOL_ERROR | SETTINGS_ENABLE_PUSH 1 from a server, only 0 is allowed",
            "4 | 2147483648 | false | FLOW_CONTROL_ERROR | SETTINGS_INITIAL_WINDOW_SIZE 2147483648, must be at most "
                    + "2147483647",
            "4 | 4294967295 | false | FLOW_CONTROL_ERROR | SETTINGS_INITIAL_WINDOW_SIZE 4294967295, must be at most "
                    + "2147483647",
            "5 | 16383 | false | PROTOCOL_ERROR | SETTINGS_MAX_FRAME_SIZE 16383, must be within 16384..16777215",
            "5 | 16777216 | false | PROTOCOL_ERROR | SETTINGS_MAX_FRAME_SIZE 16777216, must be within "
                    + "16384..16777215",
            "5 | 0 | false | PROTOCOL_ERROR | SETTINGS_MAX_FRAME_SIZE 0, must be within 16384..16777215",
    })
    void rejectsInvalidValuesAsConnectionErrors(int id, long value, boolean fromServer, ErrorCode error,
                                                 String message) {
        Http2Settings s = new Http2Settings();
        // a valid entry before the invalid one is not applied either
        ByteBuffer payload = ByteBuffer.wrap(cat(setting(3, 7), setting(id, value)));
        Http2Exception e = assertThrows(Http2Exception.class, () -> s.apply(payload, fromServer));
        assertTrue(e.isConnectionError());
        assertEquals(error, e.error());
        assertEquals(message, e.getMessage());
        assertEquals(Http2Settings.UNLIMITED, s.maxConcurrentStreams(), "all or nothing");
    }

    @Test
    void rejectsAPayloadThatIsNotAMultipleOfSix() {
        Http2Exception e = assertThrows(Http2Exception.class,
                () -> new Http2Settings().apply(ByteBuffer.wrap(cat(setting(3, 7), 0)), false));
        assertTrue(e.isConnectionError());
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.error());
        assertEquals("SETTINGS frame length 7, must be a multiple of 6", e.getMessage());
    }

    @Test
    void writesTheSettingsSetExplicitlyInIdOrder() {
        Http2Settings s = new Http2Settings().maxHeaderListSize(16_384).initialWindowSize(65_535).maxFrameSize(1 << 20)
                .headerTableSize(0);
        assertEquals(24, s.payloadLength());
        ByteBuffer out = ByteBuffer.allocate(24);
        s.writePayload(out);
        // an explicitly set default (INITIAL_WINDOW_SIZE 65535) is written: it may undo an earlier change
        assertEquals(hex(cat(setting(1, 0), setting(4, 65_535), setting(5, 1 << 20), setting(6, 16_384))),
                hex(out.array()));
        assertThrows(java.nio.BufferOverflowException.class, () -> s.writePayload(ByteBuffer.allocate(23)));
    }

    @Test
    void settersValidateLikeTheWire() {
        Http2Settings s = new Http2Settings();
        assertThrows(IllegalArgumentException.class, () -> s.maxFrameSize(16_383));
        assertThrows(IllegalArgumentException.class, () -> s.initialWindowSize(-1));
        assertThrows(IllegalArgumentException.class, () -> s.set(Http2Settings.HEADER_TABLE_SIZE, 1L << 32));
        assertThrows(IllegalArgumentException.class, () -> s.set(7, 1));
        assertThrows(IllegalArgumentException.class, () -> s.get(0));
        assertEquals(0, s.payloadLength(), "a rejected value is not marked");
        s.set(Http2Settings.ENABLE_PUSH, 0);
        assertEquals(0, s.get(Http2Settings.ENABLE_PUSH));
        s.reset();
        assertTrue(s.enablePush());
        assertEquals(0, s.payloadLength());
    }
}
