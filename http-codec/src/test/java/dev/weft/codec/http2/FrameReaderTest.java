package dev.weft.codec.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.weft.codec.http2.Bytes.cat;
import static dev.weft.codec.http2.Bytes.clientStart;
import static dev.weft.codec.http2.Bytes.frame;
import static dev.weft.codec.http2.Bytes.frameWithLength;
import static dev.weft.codec.http2.Bytes.serverStart;
import static dev.weft.codec.http2.Bytes.setting;
import static dev.weft.codec.http2.Bytes.u32;
import static dev.weft.codec.http2.Bytes.zeros;
import static dev.weft.codec.http2.FrameFlags.END_HEADERS;
import static dev.weft.codec.http2.FrameFlags.END_STREAM;
import static dev.weft.codec.http2.FrameFlags.PADDED;
import static dev.weft.codec.http2.FrameType.CONTINUATION;
import static dev.weft.codec.http2.FrameType.DATA;
import static dev.weft.codec.http2.FrameType.GOAWAY;
import static dev.weft.codec.http2.FrameType.HEADERS;
import static dev.weft.codec.http2.FrameType.PING;
import static dev.weft.codec.http2.FrameType.PRIORITY;
import static dev.weft.codec.http2.FrameType.PUSH_PROMISE;
import static dev.weft.codec.http2.FrameType.RST_STREAM;
import static dev.weft.codec.http2.FrameType.SETTINGS;
import static dev.weft.codec.http2.FrameType.WINDOW_UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameReaderTest {
    private static final String FIRST = "SETTINGS ack=false []";
    private static final int PRIO = FrameFlags.PRIORITY;
    private static final byte[] PING_AFTER = frame(PING, 0, 0, zeros(8));
    private static final String PING_EVENT = "PING ack=false opaque=0";

    private static void assertServerReads(byte[] frames, String... events) {
        List<String> expected = new ArrayList<>();
        expected.add(FIRST);
        expected.addAll(List.of(events));
        expected.add("rest 0");
        assertEquals(expected, Splits.allWays(Splits.server(), clientStart(frames)));
    }

    private static void assertClientReads(byte[] frames, String... events) {
        List<String> expected = new ArrayList<>();
        expected.add(FIRST);
        expected.addAll(List.of(events));
        expected.add("rest 0");
        assertEquals(expected, Splits.allWays(Splits.client(), serverStart(frames)));
    }

    // --- every frame type, byte by byte ---

    @Test
    void readsData() {
        assertServerReads(frame(DATA, END_STREAM, 1, "hello"), "DATA s=1 end=true flow=5 [hello]");
        assertServerReads(frame(DATA, 0, 1), "DATA s=1 end=false flow=0 []");
    }

    @Test
    void readsPaddedDataWithoutThePadding() {
        // payload: Pad Length 3, "hi", 3 bytes of padding: all 6 bytes are flow-controlled
        assertServerReads(frame(DATA, PADDED, 3, 3, "hi", zeros(3)), "DATA s=3 end=false flow=6 [hi]");
        // padding may fill the whole rest of the payload
        assertServerReads(frame(DATA, PADDED | END_STREAM, 1, 4, zeros(4)), "DATA s=1 end=true flow=5 []");
        assertServerReads(frame(DATA, PADDED, 1, 0, "x"), "DATA s=1 end=false flow=2 [x]");
    }

    @Test
    void ignoresFlagsATypeDoesNotDefine() {
        // 0xf6: neither END_STREAM (0x1) nor PADDED (0x8)
        assertServerReads(frame(DATA, 0xf6, 1, "z"), "DATA s=1 end=false flow=1 [z]");
        // ACK means nothing on HEADERS... but 0x1 is END_STREAM there; PRIORITY (0x20) means nothing on DATA
        assertServerReads(frame(DATA, PRIO, 1, "abcde"), "DATA s=1 end=false flow=5 [abcde]");
        assertServerReads(frame(PING, END_HEADERS | PADDED, 0, zeros(8)), PING_EVENT);
    }

    @Test
    void readsHeaders() {
        assertServerReads(frame(HEADERS, END_HEADERS | END_STREAM, 1, 0x82, 0x86, 0x84),
                "HEADERS s=1 end=true dep=-1 excl=false w=16 [\\x82\\x86\\x84]");
        assertServerReads(frame(HEADERS, END_HEADERS, 1), "HEADERS s=1 end=false dep=-1 excl=false w=16 []");
    }

    @Test
    void readsHeadersWithPaddingAndPriority() {
        // Pad Length 2, E + dependency 3, weight 255 (256), fragment "abc", 2 bytes of padding
        assertServerReads(frame(HEADERS, END_HEADERS | PADDED | PRIO, 5, 2, u32(0x8000_0003L), 255, "abc", zeros(2)),
                "HEADERS s=5 end=false dep=3 excl=true w=256 [abc]");
        assertServerReads(frame(HEADERS, END_HEADERS | PRIO, 5, u32(0), 0, "abc"),
                "HEADERS s=5 end=false dep=0 excl=false w=1 [abc]");
        assertServerReads(frame(HEADERS, END_HEADERS | PADDED, 7, 1, "q", 0),
                "HEADERS s=7 end=false dep=-1 excl=false w=16 [q]");
    }

    @Test
    void readsPriority() {
        assertServerReads(frame(PRIORITY, 0, 5, u32(3), 15), "PRIORITY s=5 dep=3 excl=false w=16");
        assertServerReads(frame(PRIORITY, 0, 5, u32(0x8000_0000L), 255), "PRIORITY s=5 dep=0 excl=true w=256");
    }

    @Test
    void readsRstStreamWithTheRawCode() {
        assertServerReads(frame(RST_STREAM, 0, 1, u32(8)), "RST_STREAM s=1 code=8");
        assertServerReads(frame(RST_STREAM, 0, 1, u32(0xFFFF_FFFFL)), "RST_STREAM s=1 code=4294967295");
    }

    @Test
    void readsSettingsAndAck() {
        assertServerReads(frame(SETTINGS, 0, 0, setting(3, 100), setting(4, 0x10_0000)),
                "SETTINGS ack=false [\\x00\\x03\\x00\\x00\\x00d\\x00\\x04\\x00\\x10\\x00\\x00]");
        assertServerReads(frame(SETTINGS, FrameFlags.ACK, 0), "SETTINGS ack=true []");
    }

    @Test
    void readsPing() {
        assertServerReads(frame(PING, 0, 0, u32(0x0102_0304L), u32(0x0506_0708L)),
                "PING ack=false opaque=102030405060708");
        assertServerReads(frame(PING, FrameFlags.ACK, 0, u32(0xFFFF_FFFFL), u32(0xFFFF_FFFFL)),
                "PING ack=true opaque=ffffffffffffffff");
    }

    @Test
    void readsGoAway() {
        // the reserved bit of Last-Stream-ID is ignored
        assertServerReads(frame(GOAWAY, 0, 0, u32(0x8000_0007L), u32(11), "calm down"),
                "GOAWAY last=7 code=11 [calm down]");
        assertServerReads(frame(GOAWAY, 0, 0, u32(0), u32(0)), "GOAWAY last=0 code=0 []");
    }

    @Test
    void readsWindowUpdate() {
        assertServerReads(frame(WINDOW_UPDATE, 0, 0, u32(0x8000_0400L)), "WINDOW_UPDATE s=0 inc=1024");
        assertServerReads(frame(WINDOW_UPDATE, 0, 9, u32(0x7FFF_FFFFL)), "WINDOW_UPDATE s=9 inc=2147483647");
    }

    @Test
    void readsPushPromiseOnTheClient() {
        assertClientReads(frame(PUSH_PROMISE, END_HEADERS, 1, u32(2), "blk"), "PUSH_PROMISE s=1 promised=2 [blk]");
        assertClientReads(frame(PUSH_PROMISE, END_HEADERS | PADDED, 1, 1, u32(0x8000_0004L), "b", 0),
                "PUSH_PROMISE s=1 promised=4 [b]");
    }

    @Test
    void passesUnknownFrameTypesOn() {
        assertServerReads(cat(frame(0xa, 0xff, 1, "x"), frame(0xff, 0, 0)),
                "UNKNOWN type=10 s=1 flags=255 [x]", "UNKNOWN type=255 s=0 flags=0 []");
    }

    @Test
    void unknownFramesAreIgnoredByDefault() throws Http2Exception {
        FrameReader reader = new FrameReader(false, 16_384, 1024);
        ByteBuffer in = ByteBuffer.wrap(serverStart(frame(0xb, 0, 3, "ignored"), PING_AFTER));
        Recorder recorder = new Recorder();
        FrameListener delegating = new FrameListener() {
            @Override
            public void onData(int s, ByteBuffer d, int f, boolean e) throws Http2Exception {
                recorder.onData(s, d, f, e);
            }

            @Override
            public void onHeaders(int s, ByteBuffer b, boolean e, int d, boolean x, int w) throws Http2Exception {
                recorder.onHeaders(s, b, e, d, x, w);
            }

            @Override
            public void onDiscardedHeaders(int s, ByteBuffer b) throws Http2Exception {
                recorder.onDiscardedHeaders(s, b);
            }

            @Override
            public void onPriority(int s, int d, boolean x, int w) throws Http2Exception {
                recorder.onPriority(s, d, x, w);
            }

            @Override
            public void onRstStream(int s, long c) throws Http2Exception {
                recorder.onRstStream(s, c);
            }

            @Override
            public void onSettings(boolean a, ByteBuffer p) throws Http2Exception {
                recorder.onSettings(a, p);
            }

            @Override
            public void onPushPromise(int s, int p, ByteBuffer b) throws Http2Exception {
                recorder.onPushPromise(s, p, b);
            }

            @Override
            public void onPing(boolean a, long o) throws Http2Exception {
                recorder.onPing(a, o);
            }

            @Override
            public void onGoAway(int l, long c, ByteBuffer d) throws Http2Exception {
                recorder.onGoAway(l, c, d);
            }

            @Override
            public void onWindowUpdate(int s, int i) throws Http2Exception {
                recorder.onWindowUpdate(s, i);
            }
        };
        reader.read(in, delegating);
        assertEquals(List.of(FIRST, PING_EVENT), recorder.events);
        assertFalse(in.hasRemaining());
    }

    @Test
    void ignoresTheReservedBitOfStreamIds() {
        assertServerReads(frame(DATA, 0, 0x8000_0001, "a"), "DATA s=1 end=false flow=1 [a]");
        // with the reserved bit cleared the stream id is 0: a DATA frame on stream 0
        assertEquals("connection PROTOCOL_ERROR: DATA frame on stream 0",
                last(Splits.allWays(Splits.server(), clientStart(frame(DATA, 0, 0x8000_0000, "a")))));
    }

    @Test
    void restoresTheInputBufferAroundEachCallAndLeavesAPartialFrame() throws Http2Exception {
        byte[] data = clientStart(frame(DATA, 0, 1, "abc"), frame(PING, 0, 0, zeros(8)));
        ByteBuffer in = ByteBuffer.allocate(data.length + 10);
        in.put(data, 0, data.length - 3).flip(); // the PING is incomplete
        Recorder recorder = new Recorder();
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        reader.read(in, recorder);
        assertEquals(List.of(FIRST, "DATA s=1 end=false flow=3 [abc]"), recorder.events);
        assertEquals(data.length - 17, in.position(), "position at the start of the partial PING frame");
        assertEquals(data.length - 3, in.limit(), "limit restored");
        in.compact().put(data, data.length - 3, 3).flip();
        reader.read(in, recorder);
        assertEquals(PING_EVENT, last(recorder.events));
        assertFalse(in.hasRemaining());
    }

    // --- per-frame validation (RFC 9113 section 6) ---

    static Stream<Arguments> invalidFrames() {
        return Stream.of(
                // frames of a stream on stream 0
                bad("DATA on stream 0", frame(DATA, 0, 0, "a"), "connection PROTOCOL_ERROR: DATA frame on stream 0"),
                bad("HEADERS on stream 0", frame(HEADERS, END_HEADERS, 0, "a"),
                        "connection PROTOCOL_ERROR: HEADERS frame on stream 0"),
                bad("PRIORITY on stream 0", frame(PRIORITY, 0, 0, u32(1), 0),
                        "connection PROTOCOL_ERROR: PRIORITY frame on stream 0"),
                bad("RST_STREAM on stream 0", frame(RST_STREAM, 0, 0, u32(0)),
                        "connection PROTOCOL_ERROR: RST_STREAM frame on stream 0"),
                bad("CONTINUATION on stream 0", frame(CONTINUATION, END_HEADERS, 0),
                        "connection PROTOCOL_ERROR: CONTINUATION frame on stream 0"),
                badOnClient("PUSH_PROMISE on stream 0", frame(PUSH_PROMISE, END_HEADERS, 0, u32(2)),
                        "connection PROTOCOL_ERROR: PUSH_PROMISE frame on stream 0"),
                // connection frames on a stream
                bad("SETTINGS on a stream", frame(SETTINGS, 0, 1),
                        "connection PROTOCOL_ERROR: SETTINGS frame on stream 1, must be on stream 0"),
                bad("PING on a stream", frame(PING, 0, 3, zeros(8)),
                        "connection PROTOCOL_ERROR: PING frame on stream 3, must be on stream 0"),
                bad("GOAWAY on a stream", frame(GOAWAY, 0, 1, zeros(8)),
                        "connection PROTOCOL_ERROR: GOAWAY frame on stream 1, must be on stream 0"),
                // sizes
                bad("frame over the maximum size", frameWithLength(16_385, DATA, 0, 1, zeros(16_385)),
                        "connection FRAME_SIZE_ERROR: DATA frame length 16385 exceeds the maximum frame size 16384"),
                bad("frame header announcing too much", frameWithLength(0xFF_FFFF, PING, 0, 0, new byte[0]),
                        "connection FRAME_SIZE_ERROR: PING frame length 16777215 exceeds the maximum frame size 16384"),
                bad("RST_STREAM length 3", frame(RST_STREAM, 0, 1, 0, 0, 8),
                        "connection FRAME_SIZE_ERROR: RST_STREAM frame length 3, must be 4"),
                bad("RST_STREAM length 5", frame(RST_STREAM, 0, 1, u32(8), 0),
                        "connection FRAME_SIZE_ERROR: RST_STREAM frame length 5, must be 4"),
                bad("SETTINGS length 7", frame(SETTINGS, 0, 0, setting(1, 0), 0),
                        "connection FRAME_SIZE_ERROR: SETTINGS frame length 7, must be a multiple of 6"),
                bad("SETTINGS ACK with a payload", frame(SETTINGS, FrameFlags.ACK, 0, setting(1, 0)),
                        "connection FRAME_SIZE_ERROR: SETTINGS ACK frame length 6, must be 0"),
                bad("PING length 7", frame(PING, 0, 0, zeros(7)),
                        "connection FRAME_SIZE_ERROR: PING frame length 7, must be 8"),
                bad("PING length 9", frame(PING, FrameFlags.ACK, 0, zeros(9)),
                        "connection FRAME_SIZE_ERROR: PING frame length 9, must be 8"),
                bad("GOAWAY length 7", frame(GOAWAY, 0, 0, zeros(7)),
                        "connection FRAME_SIZE_ERROR: GOAWAY frame length 7, must be at least 8"),
                bad("WINDOW_UPDATE length 3 on the connection", frame(WINDOW_UPDATE, 0, 0, 0, 0, 1),
                        "connection FRAME_SIZE_ERROR: WINDOW_UPDATE frame length 3, must be 4"),
                bad("WINDOW_UPDATE length 5 on a stream", frame(WINDOW_UPDATE, 0, 1, u32(1), 0),
                        "connection FRAME_SIZE_ERROR: WINDOW_UPDATE frame length 5, must be 4"),
                bad("PADDED DATA without a Pad Length", frame(DATA, PADDED, 1),
                        "connection FRAME_SIZE_ERROR: DATA frame length 0, must be at least 1 with the PADDED flag"),
                bad("PADDED HEADERS without a Pad Length", frame(HEADERS, PADDED | END_HEADERS, 1),
                        "connection FRAME_SIZE_ERROR: HEADERS frame length 0, must be at least 1 with the PADDED flag"),
                bad("HEADERS too short for PRIORITY", frame(HEADERS, PRIO | END_HEADERS, 1, u32(0)),
                        "connection FRAME_SIZE_ERROR: HEADERS frame length 4, must be at least 5 with the PRIORITY "
                                + "flag"),
                bad("HEADERS too short for PADDED and PRIORITY",
                        frame(HEADERS, PADDED | PRIO | END_HEADERS, 1, 0, u32(0)),
                        "connection FRAME_SIZE_ERROR: HEADERS frame length 5, must be at least 6 with the PADDED and "
                                + "PRIORITY flags"),
                badOnClient("PUSH_PROMISE too short", frame(PUSH_PROMISE, END_HEADERS, 1, 0, 0, 2),
                        "connection FRAME_SIZE_ERROR: PUSH_PROMISE frame length 3, must be at least 4 for the promised "
                                + "stream id"),
                badOnClient("PADDED PUSH_PROMISE too short", frame(PUSH_PROMISE, END_HEADERS | PADDED, 1, 0, 0, 0, 2),
                        "connection FRAME_SIZE_ERROR: PUSH_PROMISE frame length 4, must be at least 5 with the PADDED "
                                + "flag"),
                // padding
                bad("DATA padding as long as the payload", frame(DATA, PADDED, 1, 5, zeros(4)),
                        "connection PROTOCOL_ERROR: DATA frame pad length 5 exceeds the 4 payload bytes after the "
                                + "fixed fields"),
                bad("DATA padding longer than the payload", frame(DATA, PADDED, 1, 255, "a"),
                        "connection PROTOCOL_ERROR: DATA frame pad length 255 exceeds the 1 payload bytes after the "
                                + "fixed fields"),
                bad("HEADERS padding too long", frame(HEADERS, PADDED | END_HEADERS, 1, 3, "ab"),
                        "connection PROTOCOL_ERROR: HEADERS frame pad length 3 exceeds the 2 payload bytes after the "
                                + "fixed fields"),
                bad("HEADERS padding too long after the priority fields",
                        frame(HEADERS, PADDED | PRIO | END_HEADERS, 1, 1, u32(0), 15),
                        "connection PROTOCOL_ERROR: HEADERS frame pad length 1 exceeds the 0 payload bytes after the "
                                + "fixed fields"),
                badOnClient("PUSH_PROMISE padding too long",
                        frame(PUSH_PROMISE, PADDED | END_HEADERS, 1, 2, u32(2), "a"),
                        "connection PROTOCOL_ERROR: PUSH_PROMISE frame pad length 2 exceeds the 1 payload bytes after "
                                + "the fixed fields"),
                // PUSH_PROMISE from a client
                bad("PUSH_PROMISE from a client", frame(PUSH_PROMISE, END_HEADERS, 1, u32(2)),
                        "connection PROTOCOL_ERROR: PUSH_PROMISE frame on stream 1 from a client"),
                // stream errors: the connection goes on with the next frame
                bad("PRIORITY length 4", frame(PRIORITY, 0, 3, u32(1)),
                        "stream 3 FRAME_SIZE_ERROR: PRIORITY frame length 4, must be 5"),
                bad("PRIORITY length 6", frame(PRIORITY, 0, 3, u32(1), 0, 0),
                        "stream 3 FRAME_SIZE_ERROR: PRIORITY frame length 6, must be 5"),
                bad("PRIORITY depending on itself", frame(PRIORITY, 0, 3, u32(0x8000_0003L), 0),
                        "stream 3 PROTOCOL_ERROR: PRIORITY frame on stream 3 depends on itself"),
                bad("WINDOW_UPDATE of 0 on a stream", frame(WINDOW_UPDATE, 0, 1, u32(0)),
                        "stream 1 PROTOCOL_ERROR: WINDOW_UPDATE frame with increment 0 on stream 1"),
                bad("WINDOW_UPDATE of 0 with the reserved bit", frame(WINDOW_UPDATE, 0, 5, u32(0x8000_0000L)),
                        "stream 5 PROTOCOL_ERROR: WINDOW_UPDATE frame with increment 0 on stream 5"),
                bad("WINDOW_UPDATE of 0 on the connection", frame(WINDOW_UPDATE, 0, 0, u32(0)),
                        "connection PROTOCOL_ERROR: WINDOW_UPDATE frame with increment 0 on the connection"),
                bad("CONTINUATION without a field block", frame(CONTINUATION, END_HEADERS, 1, "a"),
                        "connection PROTOCOL_ERROR: CONTINUATION frame on stream 1 without a preceding HEADERS or "
                                + "PUSH_PROMISE"));
    }

    private static Arguments bad(String name, byte[] frame, String error) {
        return Arguments.of(name, false, frame, error);
    }

    private static Arguments badOnClient(String name, byte[] frame, String error) {
        return Arguments.of(name, true, frame, error);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFrames")
    void rejectsInvalidFrames(String name, boolean client, byte[] frame, String error) {
        Supplier<FrameReader> readers = client ? Splits.client() : Splits.server();
        byte[] data = client ? serverStart(frame, PING_AFTER) : clientStart(frame, PING_AFTER);
        List<String> expected = error.startsWith("connection") ? List.of(FIRST, error)
                : List.of(FIRST, error, PING_EVENT, "rest 0"); // a stream error consumes the frame only
        assertEquals(expected, Splits.allWays(readers, data));
    }

    @Test
    void aFrameOverTheLimitFailsAsSoonAsItsHeaderArrives() {
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        ByteBuffer in = ByteBuffer.wrap(clientStart(frameWithLength(1 << 20, DATA, 0, 1, new byte[0])));
        Http2Exception e = assertThrows(Http2Exception.class, () -> reader.read(in, new Recorder()));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR, e.error());
        assertTrue(e.isConnectionError());
        assertEquals(0, e.streamId());
    }

    @Test
    void theMaximumFrameSizeCanBeRaisedAfterOurSettingsAreAcknowledged() throws Http2Exception {
        byte[] big = frame(DATA, 0, 1, zeros(20_000));
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        ByteBuffer in = ByteBuffer.wrap(clientStart());
        reader.read(in, new Recorder());
        reader.setMaxFrameSize(32_768);
        assertEquals(32_768, reader.maxFrameSize());
        Recorder recorder = new Recorder();
        reader.read(ByteBuffer.wrap(big), recorder);
        assertEquals(1, recorder.events.size());
        assertTrue(recorder.events.get(0).startsWith("DATA s=1 end=false flow=20000 "));
        assertThrows(IllegalArgumentException.class, () -> reader.setMaxFrameSize(16_383));
        assertThrows(IllegalArgumentException.class, () -> reader.setMaxFrameSize(1 << 24));
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(true, 100, 1024));
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(true, 16_384, 0));
    }

    @Test
    void headersDependingOnThemselvesAreDecodedThenReset() {
        // the block must still reach the HPACK decoder (RFC 9113 section 4.3): onDiscardedHeaders, then a stream error
        byte[] selfDependent = frame(HEADERS, END_HEADERS | PRIO | END_STREAM, 3, u32(3), 0, "ab");
        assertEquals(List.of(FIRST, "DISCARDED_HEADERS s=3 [ab]",
                        "stream 3 PROTOCOL_ERROR: HEADERS frame on stream 3 depends on itself", PING_EVENT, "rest 0"),
                Splits.allWays(Splits.server(), clientStart(selfDependent, PING_AFTER)));
        byte[] split = cat(frame(HEADERS, PRIO, 5, u32(0x8000_0005L), 0, "ab"),
                frame(CONTINUATION, END_HEADERS, 5, "cd"));
        assertEquals(List.of(FIRST, "DISCARDED_HEADERS s=5 [abcd]",
                        "stream 5 PROTOCOL_ERROR: HEADERS frame on stream 5 depends on itself", PING_EVENT, "rest 0"),
                Splits.allWays(Splits.server(), clientStart(split, PING_AFTER)));
    }

    @Test
    void aStreamErrorFromTheListenerLeavesTheReaderUsable() throws Http2Exception {
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        ByteBuffer in = ByteBuffer.wrap(clientStart(frame(DATA, 0, 1, "x"), PING_AFTER));
        Recorder recorder = new Recorder() {
            @Override
            public void onData(int streamId, ByteBuffer data, int flow, boolean endStream) {
                throw new IllegalStateException("unchecked");
            }
        };
        assertThrows(IllegalStateException.class, () -> reader.read(in, recorder));
        assertEquals(clientStart(frame(DATA, 0, 1, "x")).length, in.position(), "the frame is consumed");
        assertEquals(in.capacity(), in.limit(), "the limit is restored");
        FrameListener failing = new Recorder() {
            @Override
            public void onPing(boolean ack, long opaque) throws Http2Exception {
                throw Http2Exception.stream(1, ErrorCode.CANCEL, "listener");
            }
        };
        ByteBuffer pings = ByteBuffer.wrap(cat(PING_AFTER, PING_AFTER));
        assertThrows(Http2Exception.class, () -> reader.read(pings, failing));
        assertEquals(17, pings.position());
        reader.read(pings, recorder);
        assertEquals(List.of(FIRST, PING_EVENT), recorder.events);
    }

    @Test
    void aConnectionErrorBreaksTheReader() {
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        ByteBuffer in = ByteBuffer.wrap(clientStart(frame(DATA, 0, 0, "x")));
        assertThrows(Http2Exception.class, () -> reader.read(in, new Recorder()));
        assertThrows(IllegalStateException.class, () -> reader.read(ByteBuffer.wrap(PING_AFTER), new Recorder()));
    }

    @Test
    void countsEmptyFrames() throws Http2Exception {
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        byte[] data = clientStart(
                frame(DATA, 0, 1),                              // empty: counts
                frame(DATA, END_STREAM, 1),                     // ends the stream: does not count
                frame(DATA, PADDED, 1, 2, zeros(2)),            // padding only: counts
                frame(DATA, 0, 1, "x"),                         // data: does not count
                frame(HEADERS, END_HEADERS, 3),                 // empty block: counts
                frame(HEADERS, 0, 5),                           // empty fragment: counts
                frame(CONTINUATION, 0, 5),                      // counts
                frame(CONTINUATION, 0, 5, "a"),                 // does not count
                frame(CONTINUATION, END_HEADERS, 5));           // counts
        reader.read(ByteBuffer.wrap(data), new Recorder());
        assertEquals(6, reader.emptyFrameCount());
    }

    @Test
    void tellsAnOpenFieldBlockAndItsContinuationCount() throws Http2Exception {
        FrameReader reader = new FrameReader(true, 16_384, 1024);
        Recorder recorder = new Recorder();
        reader.read(ByteBuffer.wrap(clientStart(frame(HEADERS, 0, 1, "a"))), recorder);
        assertEquals(1, reader.openFieldBlockStreamId());
        assertEquals(0, reader.continuationCount());
        reader.read(ByteBuffer.wrap(cat(frame(CONTINUATION, 0, 1), frame(CONTINUATION, 0, 1, "b"))), recorder);
        assertEquals(2, reader.continuationCount());
        assertEquals(1, reader.emptyFrameCount());
        reader.read(ByteBuffer.wrap(frame(CONTINUATION, END_HEADERS, 1, "c")), recorder);
        assertEquals(0, reader.openFieldBlockStreamId());
        assertEquals(0, reader.continuationCount());
        assertEquals(List.of(FIRST, "HEADERS s=1 end=false dep=-1 excl=false w=16 [abc]"), recorder.events);
    }

    private static String last(List<String> events) {
        return events.get(events.size() - 1);
    }
}
