package dev.weft.codec.http2;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.weft.codec.http2.FrameType.DATA;
import static dev.weft.codec.http2.FrameType.HEADERS;
import static dev.weft.codec.http2.FrameType.PRIORITY;
import static dev.weft.codec.http2.FrameType.PUSH_PROMISE;
import static dev.weft.codec.http2.FrameType.RST_STREAM;
import static dev.weft.codec.http2.FrameType.WINDOW_UPDATE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9113 section 5.1, as a table: every state by every stream frame, received and sent. */
class StreamStateMachineTest {
    private static final int ID = 3;

    /** A machine in {@code start}: a state, or CLOSED_BY_END_STREAM, CLOSED_BY_RST_SENT, CLOSED_BY_RST_RECEIVED. */
    private static StreamStateMachine in(String start) throws Http2Exception {
        StreamStateMachine m = new StreamStateMachine(ID);
        switch (start) {
            case "IDLE" -> { }
            case "RESERVED_LOCAL" -> m.sentPromise();
            case "RESERVED_REMOTE" -> m.receivedPromise();
            case "OPEN" -> m.received(HEADERS, false);
            case "HALF_CLOSED_LOCAL" -> {
                m.received(HEADERS, false);
                m.sent(DATA, true);
            }
            case "HALF_CLOSED_REMOTE" -> m.received(HEADERS, true);
            case "CLOSED_BY_END_STREAM" -> {
                m.received(HEADERS, true);
                m.sent(HEADERS, true);
            }
            case "CLOSED_BY_RST_SENT" -> {
                m.received(HEADERS, false);
                m.sent(RST_STREAM, false);
            }
            case "CLOSED_BY_RST_RECEIVED" -> {
                m.received(HEADERS, false);
                m.received(RST_STREAM, false);
            }
            default -> throw new IllegalArgumentException(start);
        }
        return m;
    }

    private static int type(String frame) {
        return switch (frame) {
            case "DATA" -> DATA;
            case "HEADERS" -> HEADERS;
            case "PRIORITY" -> PRIORITY;
            case "RST_STREAM" -> RST_STREAM;
            case "WINDOW_UPDATE" -> WINDOW_UPDATE;
            case "PUSH_PROMISE" -> PUSH_PROMISE;
            default -> throw new IllegalArgumentException(frame);
        };
    }

    /**
     * expected: the new state (frame processed), "ignored" (discarded, state unchanged), or the error as
     * "connection CODE" / "stream CODE".
     */
    @ParameterizedTest(name = "received {1}{2} on {0}: {3}")
    @CsvSource({
            // idle: only HEADERS and PRIORITY (section 5.1)
            "IDLE, DATA, false, connection PROTOCOL_ERROR",
            "IDLE, DATA, true, connection PROTOCOL_ERROR",
            "IDLE, HEADERS, false, OPEN",
            "IDLE, HEADERS, true, HALF_CLOSED_REMOTE",
            "IDLE, PRIORITY, false, IDLE",
            "IDLE, RST_STREAM, false, connection PROTOCOL_ERROR",
            "IDLE, WINDOW_UPDATE, false, connection PROTOCOL_ERROR",
            "IDLE, PUSH_PROMISE, false, connection PROTOCOL_ERROR",
            // reserved (local): only RST_STREAM, PRIORITY, WINDOW_UPDATE
            "RESERVED_LOCAL, DATA, false, connection PROTOCOL_ERROR",
            "RESERVED_LOCAL, HEADERS, false, connection PROTOCOL_ERROR",
            "RESERVED_LOCAL, HEADERS, true, connection PROTOCOL_ERROR",
            "RESERVED_LOCAL, PRIORITY, false, RESERVED_LOCAL",
            "RESERVED_LOCAL, RST_STREAM, false, CLOSED",
            "RESERVED_LOCAL, WINDOW_UPDATE, false, RESERVED_LOCAL",
            "RESERVED_LOCAL, PUSH_PROMISE, false, connection PROTOCOL_ERROR",
            // reserved (remote): only HEADERS, RST_STREAM, PRIORITY
            "RESERVED_REMOTE, DATA, false, connection PROTOCOL_ERROR",
            "RESERVED_REMOTE, HEADERS, false, HALF_CLOSED_LOCAL",
            "RESERVED_REMOTE, HEADERS, true, CLOSED",
            "RESERVED_REMOTE, PRIORITY, false, RESERVED_REMOTE",
            "RESERVED_REMOTE, RST_STREAM, false, CLOSED",
            "RESERVED_REMOTE, WINDOW_UPDATE, false, connection PROTOCOL_ERROR",
            "RESERVED_REMOTE, PUSH_PROMISE, false, connection PROTOCOL_ERROR",
            // open: anything
            "OPEN, DATA, false, OPEN",
            "OPEN, DATA, true, HALF_CLOSED_REMOTE",
            "OPEN, HEADERS, false, OPEN",
            "OPEN, HEADERS, true, HALF_CLOSED_REMOTE",
            "OPEN, PRIORITY, false, OPEN",
            "OPEN, RST_STREAM, false, CLOSED",
            "OPEN, WINDOW_UPDATE, false, OPEN",
            "OPEN, PUSH_PROMISE, false, OPEN",
            // half-closed (local): the peer still sends
            "HALF_CLOSED_LOCAL, DATA, false, HALF_CLOSED_LOCAL",
            "HALF_CLOSED_LOCAL, DATA, true, CLOSED",
            "HALF_CLOSED_LOCAL, HEADERS, false, HALF_CLOSED_LOCAL",
            "HALF_CLOSED_LOCAL, HEADERS, true, CLOSED",
            "HALF_CLOSED_LOCAL, PRIORITY, false, HALF_CLOSED_LOCAL",
            "HALF_CLOSED_LOCAL, RST_STREAM, false, CLOSED",
            "HALF_CLOSED_LOCAL, WINDOW_UPDATE, false, HALF_CLOSED_LOCAL",
            "HALF_CLOSED_LOCAL, PUSH_PROMISE, false, HALF_CLOSED_LOCAL",
            // half-closed (remote): only WINDOW_UPDATE, PRIORITY, RST_STREAM; else a stream error STREAM_CLOSED
            "HALF_CLOSED_REMOTE, DATA, false, stream STREAM_CLOSED",
            "HALF_CLOSED_REMOTE, DATA, true, stream STREAM_CLOSED",
            "HALF_CLOSED_REMOTE, HEADERS, false, stream STREAM_CLOSED",
            "HALF_CLOSED_REMOTE, HEADERS, true, stream STREAM_CLOSED",
            "HALF_CLOSED_REMOTE, PRIORITY, false, HALF_CLOSED_REMOTE",
            "HALF_CLOSED_REMOTE, RST_STREAM, false, CLOSED",
            "HALF_CLOSED_REMOTE, WINDOW_UPDATE, false, HALF_CLOSED_REMOTE",
            "HALF_CLOSED_REMOTE, PUSH_PROMISE, false, connection PROTOCOL_ERROR",
            // closed after END_STREAM both ways: WINDOW_UPDATE and RST_STREAM ignored, DATA/HEADERS a connection error
            "CLOSED_BY_END_STREAM, DATA, false, connection STREAM_CLOSED",
            "CLOSED_BY_END_STREAM, DATA, true, connection STREAM_CLOSED",
            "CLOSED_BY_END_STREAM, HEADERS, true, connection STREAM_CLOSED",
            "CLOSED_BY_END_STREAM, PRIORITY, false, CLOSED",
            "CLOSED_BY_END_STREAM, RST_STREAM, false, ignored",
            "CLOSED_BY_END_STREAM, WINDOW_UPDATE, false, ignored",
            "CLOSED_BY_END_STREAM, PUSH_PROMISE, false, connection PROTOCOL_ERROR",
            // closed by our RST_STREAM: frames in flight are ignored
            "CLOSED_BY_RST_SENT, DATA, false, ignored",
            "CLOSED_BY_RST_SENT, DATA, true, ignored",
            "CLOSED_BY_RST_SENT, HEADERS, true, ignored",
            "CLOSED_BY_RST_SENT, PRIORITY, false, CLOSED",
            "CLOSED_BY_RST_SENT, RST_STREAM, false, ignored",
            "CLOSED_BY_RST_SENT, WINDOW_UPDATE, false, ignored",
            "CLOSED_BY_RST_SENT, PUSH_PROMISE, false, ignored",
            // closed by the peer's RST_STREAM: anything but PRIORITY is a stream error STREAM_CLOSED
            "CLOSED_BY_RST_RECEIVED, DATA, false, stream STREAM_CLOSED",
            "CLOSED_BY_RST_RECEIVED, HEADERS, false, stream STREAM_CLOSED",
            "CLOSED_BY_RST_RECEIVED, PRIORITY, false, CLOSED",
            "CLOSED_BY_RST_RECEIVED, RST_STREAM, false, stream STREAM_CLOSED",
            "CLOSED_BY_RST_RECEIVED, WINDOW_UPDATE, false, stream STREAM_CLOSED",
            "CLOSED_BY_RST_RECEIVED, PUSH_PROMISE, false, connection PROTOCOL_ERROR",
    })
    void received(String start, String frame, boolean endStream, String expected) throws Http2Exception {
        StreamStateMachine m = in(start);
        StreamState before = m.state();
        if (expected.startsWith("connection ") || expected.startsWith("stream ")) {
            Http2Exception e = assertThrows(Http2Exception.class, () -> m.received(type(frame), endStream));
            assertEquals(expected.startsWith("connection "), e.isConnectionError());
            assertEquals(expected.substring(expected.indexOf(' ') + 1), e.error().name());
            assertEquals(e.isConnectionError() ? 0 : ID, e.streamId());
            assertEquals(before, m.state(), "an error changes nothing");
        } else if (expected.equals("ignored")) {
            assertFalse(m.received(type(frame), endStream));
            assertEquals(before, m.state());
        } else {
            assertTrue(m.received(type(frame), endStream));
            assertEquals(StreamState.valueOf(expected), m.state());
        }
    }

    /** expected: the new state, or "ISE" when the RFC forbids sending the frame in that state (our bug). */
    @ParameterizedTest(name = "sent {1}{2} on {0}: {3}")
    @CsvSource({
            "IDLE, HEADERS, false, OPEN",
            "IDLE, HEADERS, true, HALF_CLOSED_LOCAL",
            "IDLE, PRIORITY, false, IDLE",
            "IDLE, DATA, false, ISE",
            "IDLE, RST_STREAM, false, ISE",
            "IDLE, WINDOW_UPDATE, false, ISE",
            "RESERVED_LOCAL, HEADERS, false, HALF_CLOSED_REMOTE",
            "RESERVED_LOCAL, HEADERS, true, CLOSED",
            "RESERVED_LOCAL, RST_STREAM, false, CLOSED",
            "RESERVED_LOCAL, DATA, false, ISE",
            "RESERVED_LOCAL, WINDOW_UPDATE, false, ISE",
            "RESERVED_REMOTE, RST_STREAM, false, CLOSED",
            "RESERVED_REMOTE, WINDOW_UPDATE, false, RESERVED_REMOTE",
            "RESERVED_REMOTE, PRIORITY, false, RESERVED_REMOTE",
            "RESERVED_REMOTE, HEADERS, false, ISE",
            "RESERVED_REMOTE, DATA, false, ISE",
            "OPEN, DATA, false, OPEN",
            "OPEN, DATA, true, HALF_CLOSED_LOCAL",
            "OPEN, HEADERS, true, HALF_CLOSED_LOCAL",
            "OPEN, PUSH_PROMISE, false, OPEN",
            "OPEN, RST_STREAM, false, CLOSED",
            "OPEN, WINDOW_UPDATE, false, OPEN",
            "HALF_CLOSED_LOCAL, DATA, false, ISE",
            "HALF_CLOSED_LOCAL, HEADERS, true, ISE",
            "HALF_CLOSED_LOCAL, PUSH_PROMISE, false, ISE",
            "HALF_CLOSED_LOCAL, WINDOW_UPDATE, false, HALF_CLOSED_LOCAL",
            "HALF_CLOSED_LOCAL, RST_STREAM, false, CLOSED",
            "HALF_CLOSED_REMOTE, DATA, false, HALF_CLOSED_REMOTE",
            "HALF_CLOSED_REMOTE, DATA, true, CLOSED",
            "HALF_CLOSED_REMOTE, HEADERS, true, CLOSED",
            "HALF_CLOSED_REMOTE, PUSH_PROMISE, false, HALF_CLOSED_REMOTE",
            "HALF_CLOSED_REMOTE, RST_STREAM, false, CLOSED",
            "CLOSED_BY_END_STREAM, DATA, false, ISE",
            "CLOSED_BY_END_STREAM, WINDOW_UPDATE, false, ISE",
            "CLOSED_BY_END_STREAM, PRIORITY, false, CLOSED",
            "CLOSED_BY_RST_RECEIVED, RST_STREAM, false, CLOSED",
    })
    void sent(String start, String frame, boolean endStream, String expected) throws Http2Exception {
        StreamStateMachine m = in(start);
        StreamState before = m.state();
        if (expected.equals("ISE")) {
            assertThrows(IllegalStateException.class, () -> m.sent(type(frame), endStream));
            assertEquals(before, m.state());
        } else {
            m.sent(type(frame), endStream);
            assertEquals(StreamState.valueOf(expected), m.state());
        }
    }

    @Test
    void errorsNameTheFrameAndTheState() throws Http2Exception {
        assertEquals("DATA frame on idle stream 3",
                assertThrows(Http2Exception.class, () -> in("IDLE").received(DATA, false)).getMessage());
        assertEquals("DATA frame on half-closed (remote) stream 3",
                assertThrows(Http2Exception.class, () -> in("HALF_CLOSED_REMOTE").received(DATA, false)).getMessage());
        assertEquals("HEADERS frame on stream 3 after END_STREAM in both directions",
                assertThrows(Http2Exception.class, () -> in("CLOSED_BY_END_STREAM").received(HEADERS, false))
                        .getMessage());
        assertEquals("WINDOW_UPDATE frame on stream 3 after it was reset by the peer",
                assertThrows(Http2Exception.class, () -> in("CLOSED_BY_RST_RECEIVED").received(WINDOW_UPDATE, false))
                        .getMessage());
    }

    @Test
    void promisesNeedAnIdleStream() throws Http2Exception {
        Http2Exception e = assertThrows(Http2Exception.class, () -> in("OPEN").receivedPromise());
        assertTrue(e.isConnectionError());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.error());
        assertEquals("PUSH_PROMISE promised stream 3 which is open, not idle", e.getMessage());
        assertThrows(IllegalStateException.class, () -> in("RESERVED_LOCAL").sentPromise());
    }

    @Test
    void activeStreamsCountAgainstTheConcurrencyLimit() throws Http2Exception {
        assertFalse(in("IDLE").isActive());
        assertFalse(in("RESERVED_REMOTE").isActive());
        assertTrue(in("OPEN").isActive());
        assertTrue(in("HALF_CLOSED_LOCAL").isActive());
        assertTrue(in("HALF_CLOSED_REMOTE").isActive());
        assertFalse(in("CLOSED_BY_END_STREAM").isActive());
    }

    @Test
    void unknownFrameTypesAreIgnoredAndConnectionFramesRejected() throws Http2Exception {
        StreamStateMachine m = in("OPEN");
        assertFalse(m.received(0xb, false));
        assertEquals(StreamState.OPEN, m.state());
        assertThrows(IllegalArgumentException.class, () -> m.received(FrameType.PING, false));
        assertThrows(IllegalArgumentException.class, () -> m.sent(FrameType.SETTINGS, false));
        assertThrows(IllegalArgumentException.class, () -> m.received(FrameType.CONTINUATION, false));
    }

    @Test
    void forgottenClosedStreams() throws Http2Exception {
        assertTrue(StreamStateMachine.receivedOnForgottenStream(5, PRIORITY));
        assertFalse(StreamStateMachine.receivedOnForgottenStream(5, WINDOW_UPDATE));
        assertFalse(StreamStateMachine.receivedOnForgottenStream(5, RST_STREAM));
        assertFalse(StreamStateMachine.receivedOnForgottenStream(5, PUSH_PROMISE));
        assertFalse(StreamStateMachine.receivedOnForgottenStream(5, 0xc));
        for (int type : new int[] {DATA, HEADERS}) {
            Http2Exception e = assertThrows(Http2Exception.class,
                    () -> StreamStateMachine.receivedOnForgottenStream(5, type));
            assertFalse(e.isConnectionError());
            assertEquals(5, e.streamId());
            assertEquals(ErrorCode.STREAM_CLOSED, e.error());
        }
    }

    @Test
    void resetReusesTheMachine() throws Http2Exception {
        StreamStateMachine m = in("CLOSED_BY_RST_SENT");
        m.reset(7);
        assertEquals(7, m.streamId());
        assertEquals(StreamState.IDLE, m.state());
        assertThrows(IllegalArgumentException.class, () -> m.reset(0));
    }
}
