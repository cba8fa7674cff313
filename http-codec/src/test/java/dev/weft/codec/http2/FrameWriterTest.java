package dev.weft.codec.http2;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;

import static dev.weft.codec.http2.Bytes.cat;
import static dev.weft.codec.http2.Bytes.filled;
import static dev.weft.codec.http2.Bytes.frame;
import static dev.weft.codec.http2.Bytes.hex;
import static dev.weft.codec.http2.Bytes.setting;
import static dev.weft.codec.http2.Bytes.u32;
import static dev.weft.codec.http2.Bytes.zeros;
import static dev.weft.codec.http2.FrameFlags.END_HEADERS;
import static dev.weft.codec.http2.FrameFlags.END_STREAM;
import static dev.weft.codec.http2.FrameFlags.PADDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every writer against a byte fixture, then read back through a {@link FrameReader} (round trip). */
class FrameWriterTest {
    private static final String FIRST = "SETTINGS ack=false []";

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(Bytes.ascii(s));
    }

    /** Writes with {@code write}, compares with {@code expected}, and reads it back as a server would. */
    private static void assertWrites(Consumer<ByteBuffer> write, byte[] expected, String... events) {
        assertWritesAs(true, write, expected, events);
    }

    private static void assertWritesAs(boolean server, Consumer<ByteBuffer> write, byte[] expected, String... events) {
        ByteBuffer out = ByteBuffer.allocate(expected.length + 7);
        write.accept(out);
        assertEquals(hex(expected), hex(Bytes.written(out)));
        // the same call into a buffer exactly one byte too small writes nothing
        ByteBuffer tight = ByteBuffer.allocate(expected.length - 1);
        assertThrows(BufferOverflowException.class, () -> write.accept(tight));
        assertEquals(0, tight.position(), "nothing written on overflow");
        byte[] stream = server ? Bytes.clientStart(expected) : Bytes.serverStart(expected);
        List<String> expectedEvents = new ArrayList<>();
        expectedEvents.add(FIRST);
        expectedEvents.addAll(List.of(events));
        expectedEvents.add("rest 0");
        assertEquals(expectedEvents, Splits.allWays(server ? Splits.server() : Splits.client(), stream));
    }

    @Test
    void writesThePreface() {
        ByteBuffer out = ByteBuffer.allocate(30);
        FrameWriter.writePreface(out);
        assertEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                new String(Bytes.written(out), java.nio.charset.StandardCharsets.US_ASCII));
        assertThrows(BufferOverflowException.class, () -> FrameWriter.writePreface(ByteBuffer.allocate(23)));
    }

    @Test
    void writesAFrameHeader() {
        assertWrites(out -> FrameWriter.writeFrameHeader(out, 0, 0xa, 0x3, 7), frame(0xa, 0x3, 7),
                "UNKNOWN type=10 s=7 flags=3 []");
        ByteBuffer out = ByteBuffer.allocate(9);
        FrameWriter.writeFrameHeader(out, 0xABCDEF, 0xFF, 0xFF, Integer.MAX_VALUE);
        assertEquals("abcdefffff7fffffff", hex(Bytes.written(out)));
        ByteBuffer nine = ByteBuffer.allocate(9);
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.writeFrameHeader(nine, 1 << 24, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.writeFrameHeader(nine, 0, 256, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> FrameWriter.writeFrameHeader(nine, 0, 0, 0, -1));
    }

    @Test
    void writesData() {
        assertWrites(out -> FrameWriter.writeData(out, 1, bytes("hello"), true),
                frame(FrameType.DATA, END_STREAM, 1, "hello"), "DATA s=1 end=true flow=5 [hello]");
        assertWrites(out -> FrameWriter.writeData(out, 3, bytes(""), false), frame(FrameType.DATA, 0, 3),
                "DATA s=3 end=false flow=0 []");
    }

    @Test
    void writesPaddedData() {
        assertWrites(out -> FrameWriter.writeData(out, 1, bytes("hi"), false, 3),
                frame(FrameType.DATA, PADDED, 1, 3, "hi", zeros(3)), "DATA s=1 end=false flow=6 [hi]");
        assertWrites(out -> FrameWriter.writeData(out, 1, bytes("hi"), true, 0),
                frame(FrameType.DATA, PADDED | END_STREAM, 1, 0, "hi"), "DATA s=1 end=true flow=3 [hi]");
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeData(ByteBuffer.allocate(300), 1, bytes(""), false, 256));
    }

    @Test
    void consumesTheSourceBuffer() {
        ByteBuffer data = bytes("abc");
        FrameWriter.writeData(ByteBuffer.allocate(20), 1, data, false);
        assertFalse(data.hasRemaining());
        ByteBuffer block = ByteBuffer.wrap(filled(40_000, 'h'));
        FrameWriter.writeHeaders(ByteBuffer.allocate(40_100), 1, block, false, 16_384);
        assertFalse(block.hasRemaining());
    }

    @Test
    void writesHeadersInOneFrameWhenTheyFit() {
        assertWrites(out -> FrameWriter.writeHeaders(out, 1, bytes("\u0082\u0086"), true, 16_384),
                frame(FrameType.HEADERS, END_STREAM | END_HEADERS, 1, 0x82, 0x86),
                "HEADERS s=1 end=true dep=-1 excl=false w=16 [\\x82\\x86]");
        assertWrites(out -> FrameWriter.writeHeaders(out, 1, bytes(""), false, 16_384),
                frame(FrameType.HEADERS, END_HEADERS, 1), "HEADERS s=1 end=false dep=-1 excl=false w=16 []");
    }

    @Test
    void writesHeadersWithPriority() {
        assertWrites(out -> FrameWriter.writeHeaders(out, 5, bytes("abc"), false, 16_384, 3, true, 256),
                frame(FrameType.HEADERS, END_HEADERS | FrameFlags.PRIORITY, 5, u32(0x8000_0003L), 255, "abc"),
                "HEADERS s=5 end=false dep=3 excl=true w=256 [abc]");
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeHeaders(ByteBuffer.allocate(100), 5, bytes("a"), false, 16_384, 5, false, 16));
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeHeaders(ByteBuffer.allocate(100), 5, bytes("a"), false, 16_384, 3, false, 0));
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeHeaders(ByteBuffer.allocate(100), 5, bytes("a"), false, 16_384, 3, false, 257));
    }

    @Test
    void splitsALargeBlockIntoContinuationFrames() {
        byte[] block = cat(filled(16_384, 'a'), filled(16_384, 'b'), filled(7232, 'c'));
        byte[] expected = cat(frame(FrameType.HEADERS, END_STREAM, 1, filled(16_384, 'a')),
                frame(FrameType.CONTINUATION, 0, 1, filled(16_384, 'b')),
                frame(FrameType.CONTINUATION, END_HEADERS, 1, filled(7232, 'c')));
        assertWrites(out -> FrameWriter.writeHeaders(out, 1, ByteBuffer.wrap(block), true, 16_384), expected,
                "HEADERS s=1 end=true dep=-1 excl=false w=16 [" + "a".repeat(16_384) + "b".repeat(16_384)
                        + "c".repeat(7232) + "]");
        assertEquals(expected.length, FrameWriter.fieldBlockFramesLength(block.length, 0, 16_384));
    }

    @Test
    void splitsExactlyAtTheFrameSize() {
        // the priority fields take 5 bytes of the first frame
        byte[] block = filled(16_384, 'x');
        byte[] expected = cat(
                frame(FrameType.HEADERS, FrameFlags.PRIORITY, 1, u32(0), 15, filled(16_379, 'x')),
                frame(FrameType.CONTINUATION, END_HEADERS, 1, filled(5, 'x')));
        assertWrites(out -> FrameWriter.writeHeaders(out, 1, ByteBuffer.wrap(block), false, 16_384, 0, false, 16),
                expected, "HEADERS s=1 end=false dep=0 excl=false w=16 [" + "x".repeat(16_384) + "]");
        // a block of exactly one frame needs no CONTINUATION
        assertEquals(9 + 16_384, FrameWriter.fieldBlockFramesLength(16_384, 0, 16_384));
        assertEquals(9 + 16_385 + 9, FrameWriter.fieldBlockFramesLength(16_385, 0, 16_384));
        assertEquals(9 + 4, FrameWriter.fieldBlockFramesLength(0, 4, 16_384));
    }

    @Test
    void writesPushPromise() {
        assertWritesAs(false, out -> FrameWriter.writePushPromise(out, 1, 2, bytes("blk"), 16_384),
                frame(FrameType.PUSH_PROMISE, END_HEADERS, 1, u32(2), "blk"), "PUSH_PROMISE s=1 promised=2 [blk]");
        byte[] block = filled(20_000, 'p');
        byte[] expected = cat(frame(FrameType.PUSH_PROMISE, 0, 1, u32(4), filled(16_380, 'p')),
                frame(FrameType.CONTINUATION, END_HEADERS, 1, filled(3620, 'p')));
        assertWritesAs(false, out -> FrameWriter.writePushPromise(out, 1, 4, ByteBuffer.wrap(block), 16_384), expected,
                "PUSH_PROMISE s=1 promised=4 [" + "p".repeat(20_000) + "]");
    }

    @Test
    void writesPriority() {
        assertWrites(out -> FrameWriter.writePriority(out, 3, 1, false, 16),
                frame(FrameType.PRIORITY, 0, 3, u32(1), 15), "PRIORITY s=3 dep=1 excl=false w=16");
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writePriority(ByteBuffer.allocate(20), 3, 3, false, 16));
    }

    @Test
    void writesRstStream() {
        assertWrites(out -> FrameWriter.writeRstStream(out, 7, ErrorCode.REFUSED_STREAM),
                frame(FrameType.RST_STREAM, 0, 7, u32(7)), "RST_STREAM s=7 code=7");
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeRstStream(ByteBuffer.allocate(20), 0, ErrorCode.CANCEL));
    }

    @Test
    void writesSettingsAndAck() {
        Http2Settings settings = new Http2Settings().maxConcurrentStreams(100).initialWindowSize(1 << 20)
                .enablePush(false);
        assertWrites(out -> FrameWriter.writeSettings(out, settings),
                frame(FrameType.SETTINGS, 0, 0, setting(2, 0), setting(3, 100), setting(4, 1 << 20)),
                "SETTINGS ack=false [\\x00\\x02\\x00\\x00\\x00\\x00\\x00\\x03\\x00\\x00\\x00d\\x00\\x04\\x00\\x10"
                        + "\\x00\\x00]");
        assertWrites(FrameWriter::writeSettingsAck, frame(FrameType.SETTINGS, FrameFlags.ACK, 0),
                "SETTINGS ack=true []");
    }

    @Test
    void writesPing() {
        assertWrites(out -> FrameWriter.writePing(out, true, 0x0102_0304_0506_0708L),
                frame(FrameType.PING, FrameFlags.ACK, 0, u32(0x0102_0304L), u32(0x0506_0708L)),
                "PING ack=true opaque=102030405060708");
    }

    @Test
    void writesGoAway() {
        assertWrites(out -> FrameWriter.writeGoAway(out, 5, ErrorCode.ENHANCE_YOUR_CALM, bytes("flood")),
                frame(FrameType.GOAWAY, 0, 0, u32(5), u32(0xb), "flood"), "GOAWAY last=5 code=11 [flood]");
        assertWrites(out -> FrameWriter.writeGoAway(out, 0, ErrorCode.NO_ERROR, null),
                frame(FrameType.GOAWAY, 0, 0, u32(0), u32(0)), "GOAWAY last=0 code=0 []");
    }

    @Test
    void writesWindowUpdate() {
        assertWrites(out -> FrameWriter.writeWindowUpdate(out, 0, Integer.MAX_VALUE),
                frame(FrameType.WINDOW_UPDATE, 0, 0, u32(0x7FFF_FFFFL)), "WINDOW_UPDATE s=0 inc=2147483647");
        assertWrites(out -> FrameWriter.writeWindowUpdate(out, 3, 1),
                frame(FrameType.WINDOW_UPDATE, 0, 3, u32(1)), "WINDOW_UPDATE s=3 inc=1");
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeWindowUpdate(ByteBuffer.allocate(20), 1, 0));
    }

    @Test
    void rejectsFramesNoStreamCouldCarry() {
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeData(ByteBuffer.allocate(20), 0, bytes("a"), false));
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeHeaders(ByteBuffer.allocate(20), 0, bytes("a"), false, 16_384));
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writeHeaders(ByteBuffer.allocate(20), 1, bytes("a"), false, 100));
        assertThrows(IllegalArgumentException.class,
                () -> FrameWriter.writePushPromise(ByteBuffer.allocate(20), 1, 0, bytes("a"), 16_384));
    }
}
