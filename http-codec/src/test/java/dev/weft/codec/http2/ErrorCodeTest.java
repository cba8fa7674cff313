package dev.weft.codec.http2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorCodeTest {

    @ParameterizedTest
    @CsvSource({"NO_ERROR, 0", "PROTOCOL_ERROR, 1", "INTERNAL_ERROR, 2", "FLOW_CONTROL_ERROR, 3",
            "SETTINGS_TIMEOUT, 4", "STREAM_CLOSED, 5", "FRAME_SIZE_ERROR, 6", "REFUSED_STREAM, 7", "CANCEL, 8",
            "COMPRESSION_ERROR, 9", "CONNECT_ERROR, 10", "ENHANCE_YOUR_CALM, 11", "INADEQUATE_SECURITY, 12",
            "HTTP_1_1_REQUIRED, 13"})
    void hasTheRfc9113Values(ErrorCode error, int code) {
        assertEquals(code, error.code());
        assertSame(error, ErrorCode.of(code));
        assertTrue(ErrorCode.isKnown(code));
    }

    @Test
    void unknownCodesAreHandledAsInternalError() {
        assertEquals(14, ErrorCode.values().length);
        assertSame(ErrorCode.INTERNAL_ERROR, ErrorCode.of(0xe));
        assertSame(ErrorCode.INTERNAL_ERROR, ErrorCode.of(0xFFFF_FFFFL));
        assertSame(ErrorCode.INTERNAL_ERROR, ErrorCode.of(-1));
        assertFalse(ErrorCode.isKnown(0xe));
    }

    @Test
    void exceptionsTellConnectionFromStreamErrors() {
        Http2Exception c = Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PING frame length 7, must be 8");
        assertTrue(c.isConnectionError());
        assertEquals(0, c.streamId());
        assertEquals("connection error PROTOCOL_ERROR: PING frame length 7, must be 8", c.toString());
        Http2Exception s = Http2Exception.stream(3, ErrorCode.STREAM_CLOSED, "DATA frame on closed stream 3");
        assertFalse(s.isConnectionError());
        assertEquals(3, s.streamId());
        assertEquals(ErrorCode.STREAM_CLOSED, s.error());
        assertEquals(0, s.getStackTrace().length, "stackless");
        assertThrows(IllegalArgumentException.class, () -> Http2Exception.stream(0, ErrorCode.CANCEL, "x"));
    }

    @Test
    void frameTypeNames() {
        assertEquals("WINDOW_UPDATE", FrameType.name(FrameType.WINDOW_UPDATE));
        assertEquals("type 0xa", FrameType.name(0xa));
        assertFalse(FrameType.isKnown(10));
    }
}
