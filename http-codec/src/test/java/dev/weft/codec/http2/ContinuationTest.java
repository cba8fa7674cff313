package dev.weft.codec.http2;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import static dev.weft.codec.http2.Bytes.clientStart;
import static dev.weft.codec.http2.Bytes.filled;
import static dev.weft.codec.http2.Bytes.frame;
import static dev.weft.codec.http2.Bytes.serverStart;
import static dev.weft.codec.http2.Bytes.u32;
import static dev.weft.codec.http2.Bytes.zeros;
import static dev.weft.codec.http2.FrameFlags.END_HEADERS;
import static dev.weft.codec.http2.FrameFlags.END_STREAM;
import static dev.weft.codec.http2.FrameFlags.PADDED;
import static dev.weft.codec.http2.FrameType.CONTINUATION;
import static dev.weft.codec.http2.FrameType.DATA;
import static dev.weft.codec.http2.FrameType.HEADERS;
import static dev.weft.codec.http2.FrameType.PING;
import static dev.weft.codec.http2.FrameType.PUSH_PROMISE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Field blocks over HEADERS or PUSH_PROMISE and CONTINUATION frames (RFC 9113 sections 6.2, 6.6 and 6.10). */
class ContinuationTest {
    private static final String FIRST = "SETTINGS ack=false []";
    private static final byte[] OPEN_BLOCK = frame(HEADERS, END_STREAM | PADDED | FrameFlags.PRIORITY, 3, 1,
            u32(0x8000_0001L), 41, "ab", 0);

    @Test
    void reassemblesABlockWithTheFlagsOfTheHeadersFrame() {
        byte[] data = clientStart(OPEN_BLOCK, frame(CONTINUATION, 0, 3, "cd"),
                frame(CONTINUATION, END_HEADERS, 3, "e"));
        assertEquals(List.of(FIRST, "HEADERS s=3 end=true dep=1 excl=true w=42 [abcde]", "rest 0"),
                Splits.allWays(Splits.server(), data));
    }

    @Test
    void reassemblesAPushPromiseBlock() {
        byte[] data = serverStart(frame(PUSH_PROMISE, PADDED, 1, 2, u32(2), "ab", 0, 0),
                frame(CONTINUATION, END_HEADERS, 1, "cd"));
        assertEquals(List.of(FIRST, "PUSH_PROMISE s=1 promised=2 [abcd]", "rest 0"),
                Splits.allWays(Splits.client(), data));
    }

    @Test
    void blocksFollowEachOtherAndReuseTheBuffer() {
        byte[] data = clientStart(
                frame(HEADERS, 0, 1, filled(3000, 'x')), frame(CONTINUATION, END_HEADERS, 1, "y"),
                frame(HEADERS, 0, 3, "a"), frame(CONTINUATION, END_HEADERS, 3, "b"),
                frame(DATA, END_STREAM, 3, "d"));
        List<String> events = Splits.allWays(Splits.server(), data);
        assertEquals(5, events.size());
        assertEquals("HEADERS s=1 end=false dep=-1 excl=false w=16 [" + "x".repeat(3000) + "y]", events.get(1));
        assertEquals("HEADERS s=3 end=false dep=-1 excl=false w=16 [ab]", events.get(2));
    }

    @Test
    void aFrameOfAnotherTypeInsideABlockIsAConnectionError() {
        assertRejected(frame(DATA, 0, 3, "x"), "connection PROTOCOL_ERROR: DATA frame on stream 3 inside the field "
                + "block of stream 3, expected CONTINUATION");
        assertRejected(frame(HEADERS, END_HEADERS, 5, "x"), "connection PROTOCOL_ERROR: HEADERS frame on stream 5 "
                + "inside the field block of stream 3, expected CONTINUATION");
        assertRejected(frame(PING, 0, 0, zeros(8)), "connection PROTOCOL_ERROR: PING frame on stream 0 inside the "
                + "field block of stream 3, expected CONTINUATION");
        assertRejected(frame(FrameType.PRIORITY, 0, 3, u32(1), 0), "connection PROTOCOL_ERROR: PRIORITY frame on "
                + "stream 3 inside the field block of stream 3, expected CONTINUATION");
    }

    @Test
    void anUnknownFrameInsideABlockIsAConnectionError() {
        // RFC 9113 section 5.5: even an extension frame may not interrupt a field block
        assertRejected(frame(0xb, 0, 3, "x"), "connection PROTOCOL_ERROR: type 0xb frame on stream 3 inside the field "
                + "block of stream 3, expected CONTINUATION");
    }

    @Test
    void aContinuationOnAnotherStreamIsAConnectionError() {
        assertRejected(frame(CONTINUATION, END_HEADERS, 5, "x"), "connection PROTOCOL_ERROR: CONTINUATION frame on "
                + "stream 5 inside the field block of stream 3");
    }

    @Test
    void aContinuationAfterTheBlockEndedIsAConnectionError() {
        byte[] data = clientStart(frame(HEADERS, END_HEADERS, 1, "a"), frame(CONTINUATION, END_HEADERS, 1, "b"));
        assertEquals(List.of(FIRST, "HEADERS s=1 end=false dep=-1 excl=false w=16 [a]",
                        "connection PROTOCOL_ERROR: CONTINUATION frame on stream 1 without a preceding HEADERS or "
                                + "PUSH_PROMISE"),
                Splits.allWays(Splits.server(), data));
    }

    @Test
    void aBlockOverTheLimitIsACalmDown() {
        Supplier<FrameReader> small = () -> new FrameReader(true, 16_384, 100);
        // 60 + 50 bytes: over 100 before END_HEADERS
        byte[] flood = clientStart(frame(HEADERS, 0, 1, filled(60, 'a')), frame(CONTINUATION, 0, 1, filled(50, 'b')));
        assertEquals(List.of(FIRST, "connection ENHANCE_YOUR_CALM: field block on stream 1 exceeds 100 bytes after 1 "
                + "CONTINUATION frames"), Splits.allWays(small, flood));
        // also when the last frame takes it over the limit
        byte[] last = clientStart(frame(HEADERS, 0, 1, filled(60, 'a')),
                frame(CONTINUATION, END_HEADERS, 1, filled(41, 'b')));
        assertEquals(List.of(FIRST, "connection ENHANCE_YOUR_CALM: field block on stream 1 exceeds 100 bytes after 1 "
                + "CONTINUATION frames"), Splits.allWays(small, last));
        // exactly the limit is fine
        byte[] exact = clientStart(frame(HEADERS, 0, 1, filled(60, 'a')),
                frame(CONTINUATION, END_HEADERS, 1, filled(40, 'b')));
        assertEquals(3, Splits.allWays(small, exact).size());
        // a HEADERS frame alone over the limit, if it must be buffered
        byte[] first = clientStart(frame(HEADERS, 0, 1, filled(101, 'a')));
        assertEquals(List.of(FIRST, "connection ENHANCE_YOUR_CALM: field block on stream 1 exceeds 100 bytes after 0 "
                + "CONTINUATION frames"), Splits.allWays(small, first));
        // a complete block in one frame is not buffered: only the frame size bounds it
        byte[] single = clientStart(frame(HEADERS, END_HEADERS, 1, filled(1000, 'a')));
        assertEquals(3, Splits.allWays(small, single).size());
    }

    @Test
    void emptyContinuationsAreCountedNotBuffered() throws Http2Exception {
        FrameReader reader = new FrameReader(true, 16_384, 100);
        Object[] frames = new Object[1001];
        frames[0] = frame(HEADERS, 0, 1, "a");
        for (int i = 1; i < frames.length; i++) {
            frames[i] = frame(CONTINUATION, 0, 1);
        }
        reader.read(ByteBuffer.wrap(clientStart(frames)), new Recorder());
        assertEquals(1000, reader.continuationCount(), "the caller decides how many it tolerates");
        assertEquals(1000, reader.emptyFrameCount());
        assertEquals(1, reader.openFieldBlockStreamId());
    }

    @Test
    void aBlockAtTheLimitGrowsTheBufferOnce() throws Http2Exception {
        FrameReader reader = new FrameReader(true, 16_384, 40_000);
        Recorder recorder = new Recorder();
        byte[] data = clientStart(frame(HEADERS, 0, 1, filled(16_384, 'a')),
                frame(CONTINUATION, 0, 1, filled(16_384, 'b')),
                frame(CONTINUATION, END_HEADERS, 1, filled(7232, 'c')));
        reader.read(ByteBuffer.wrap(data), recorder);
        assertEquals(2, recorder.events.size());
        assertEquals(("HEADERS s=1 end=false dep=-1 excl=false w=16 [" + "a".repeat(16_384) + "b".repeat(16_384)
                + "c".repeat(7232) + "]"), recorder.events.get(1));
    }

    @Test
    void theBlockIsClosedWhenTheListenerFails() throws Http2Exception {
        FrameReader reader = new FrameReader(true, 16_384, 100);
        Recorder failing = new Recorder() {
            @Override
            public void onHeaders(int streamId, ByteBuffer block, boolean end, int dep, boolean excl, int weight)
                    throws Http2Exception {
                throw Http2Exception.stream(streamId, ErrorCode.REFUSED_STREAM, "refused");
            }
        };
        ByteBuffer in = ByteBuffer.wrap(clientStart(frame(HEADERS, 0, 1, "a"), frame(CONTINUATION, END_HEADERS, 1, "b"),
                frame(DATA, 0, 1, "x")));
        Http2Exception e = assertThrows(Http2Exception.class, () -> reader.read(in, failing));
        assertEquals(ErrorCode.REFUSED_STREAM, e.error());
        assertEquals(0, reader.openFieldBlockStreamId());
        Recorder recorder = new Recorder();
        reader.read(in, recorder);
        assertEquals(List.of("DATA s=1 end=false flow=1 [x]"), recorder.events);
    }

    private static void assertRejected(byte[] intruder, String error) {
        byte[] data = clientStart(OPEN_BLOCK, frame(CONTINUATION, 0, 3, "cd"), intruder,
                frame(CONTINUATION, END_HEADERS, 3, "e"));
        assertEquals(List.of(FIRST, error), Splits.allWays(Splits.server(), data));
        assertEquals(List.of(FIRST, error), Splits.allWays(Splits.server(), clientStart(OPEN_BLOCK, intruder)));
    }
}
