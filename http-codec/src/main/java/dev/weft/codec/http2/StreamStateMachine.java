package dev.weft.codec.http2;

import static dev.weft.codec.http2.FrameType.DATA;
import static dev.weft.codec.http2.FrameType.HEADERS;
import static dev.weft.codec.http2.FrameType.PRIORITY;
import static dev.weft.codec.http2.FrameType.PUSH_PROMISE;
import static dev.weft.codec.http2.FrameType.RST_STREAM;
import static dev.weft.codec.http2.FrameType.WINDOW_UPDATE;

/**
 * The state of one stream and its transitions (RFC 9113 section 5.1) on frames sent and received, with the error a
 * received frame that the state forbids calls for. Pure and small: one per stream, reusable with {@link #reset}.
 *
 * <p>The RFC has one "closed" state but three ways into it, which decide what a late frame means, so the machine
 * remembers which one it took: after we sent RST_STREAM, frames the peer sent before seeing it are ignored; after the
 * peer sent RST_STREAM, anything but PRIORITY is a stream error STREAM_CLOSED; after END_STREAM from both sides,
 * WINDOW_UPDATE and RST_STREAM are ignored and DATA or HEADERS are a connection error STREAM_CLOSED.
 *
 * <p>Field blocks are HEADERS here (CONTINUATION frames belong to the HEADERS or PUSH_PROMISE before them); SETTINGS,
 * PING and GOAWAY are not stream frames. Frames of unknown types are ignored (RFC 9113 section 5.5).
 */
public final class StreamStateMachine {
    private enum Closed { NOT, BY_END_STREAM, BY_RST_SENT, BY_RST_RECEIVED }

    private int streamId;
    private StreamState state;
    private Closed closed;

    /** An idle stream. */
    public StreamStateMachine(int streamId) {
        reset(streamId);
    }

    /** Reuses this object for another, idle stream. */
    public void reset(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id " + streamId + " must be positive");
        }
        this.streamId = streamId;
        this.state = StreamState.IDLE;
        this.closed = Closed.NOT;
    }

    public int streamId() {
        return streamId;
    }

    public StreamState state() {
        return state;
    }

    /** Whether the stream counts against SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 section 5.1.2). */
    public boolean isActive() {
        return state == StreamState.OPEN || state == StreamState.HALF_CLOSED_LOCAL
                || state == StreamState.HALF_CLOSED_REMOTE;
    }

    /**
     * A frame received on this stream.
     *
     * @param type      a frame type; a PUSH_PROMISE is the one received on this, its associated, stream (the promised
     *                  stream goes through {@link #receivedPromise()})
     * @param endStream the END_STREAM flag of DATA or HEADERS
     * @return true to process the frame, false to discard it (still HPACK-decode a discarded field block and count a
     *         discarded DATA frame against the connection window)
     * @throws Http2Exception when the state forbids the frame: a connection PROTOCOL_ERROR for frames other than
     *                        HEADERS and PRIORITY on an idle stream, for frames other than RST_STREAM, PRIORITY and
     *                        WINDOW_UPDATE on a reserved (local) stream, for frames other than HEADERS, RST_STREAM and
     *                        PRIORITY on a reserved (remote) stream and for a PUSH_PROMISE on a stream neither open nor
     *                        half-closed (local); a stream STREAM_CLOSED for DATA or HEADERS on a half-closed (remote)
     *                        stream and for any frame but PRIORITY after the peer reset the stream; a connection
     *                        STREAM_CLOSED for DATA or HEADERS after END_STREAM from both sides
     */
    public boolean received(int type, boolean endStream) throws Http2Exception {
        if (!FrameType.isKnown(type)) {
            return false;
        }
        if (type == PRIORITY) {
            return true; // RFC 9113 section 5.1: PRIORITY is allowed in every state
        }
        requireStreamFrame(type);
        switch (state) {
            case IDLE -> {
                if (type != HEADERS) {
                    throw connection(ErrorCode.PROTOCOL_ERROR, type, "idle");
                }
                state = endStream ? StreamState.HALF_CLOSED_REMOTE : StreamState.OPEN;
            }
            case RESERVED_LOCAL -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_RECEIVED);
                } else if (type != WINDOW_UPDATE) {
                    throw connection(ErrorCode.PROTOCOL_ERROR, type, "reserved (local)");
                }
            }
            case RESERVED_REMOTE -> {
                if (type == HEADERS) {
                    state = endStream ? closeState(Closed.BY_END_STREAM) : StreamState.HALF_CLOSED_LOCAL;
                } else if (type == RST_STREAM) {
                    close(Closed.BY_RST_RECEIVED);
                } else {
                    throw connection(ErrorCode.PROTOCOL_ERROR, type, "reserved (remote)");
                }
            }
            case OPEN -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_RECEIVED);
                } else if (endStream && (type == DATA || type == HEADERS)) {
                    state = StreamState.HALF_CLOSED_REMOTE;
                }
            }
            case HALF_CLOSED_LOCAL -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_RECEIVED);
                } else if (endStream && (type == DATA || type == HEADERS)) {
                    close(Closed.BY_END_STREAM);
                }
            }
            case HALF_CLOSED_REMOTE -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_RECEIVED);
                } else if (type != WINDOW_UPDATE) {
                    if (type == PUSH_PROMISE) {
                        throw connection(ErrorCode.PROTOCOL_ERROR, type, "half-closed (remote)");
                    }
                    throw Http2Exception.stream(streamId, ErrorCode.STREAM_CLOSED,
                            FrameType.name(type) + " frame on half-closed (remote) stream " + streamId);
                }
            }
            case CLOSED -> {
                return receivedWhenClosed(type);
            }
        }
        return true;
    }

    private boolean receivedWhenClosed(int type) throws Http2Exception {
        if (closed == Closed.BY_RST_SENT) {
            return false; // RFC 9113 section 5.1: frames in flight when we reset the stream are ignored
        }
        if (type == PUSH_PROMISE) { // RFC 9113 section 6.6
            throw connection(ErrorCode.PROTOCOL_ERROR, type, "closed");
        }
        if (closed == Closed.BY_RST_RECEIVED) {
            throw Http2Exception.stream(streamId, ErrorCode.STREAM_CLOSED,
                    FrameType.name(type) + " frame on stream " + streamId + " after it was reset by the peer");
        }
        if (type == WINDOW_UPDATE || type == RST_STREAM) {
            return false; // RFC 9113 section 5.1: MUST be ignored for a short period after END_STREAM
        }
        throw Http2Exception.connection(ErrorCode.STREAM_CLOSED,
                FrameType.name(type) + " frame on stream " + streamId + " after END_STREAM in both directions");
    }

    /**
     * A frame received on a stream id the caller no longer tracks although it was used (see
     * {@link StreamIds#untrackedState}): a closed stream whose way of closing was forgotten. PRIORITY is processed;
     * WINDOW_UPDATE and RST_STREAM are ignored; so is a PUSH_PROMISE, which may predate a RST_STREAM we sent (RFC 9113
     * section 6.6: reset the promised stream); DATA and HEADERS are a stream error STREAM_CLOSED (section 5.1).
     *
     * @return true to process the frame, false to discard it
     */
    public static boolean receivedOnForgottenStream(int streamId, int type) throws Http2Exception {
        if (type == PRIORITY) {
            return true;
        }
        if (!FrameType.isKnown(type) || type == WINDOW_UPDATE || type == RST_STREAM || type == PUSH_PROMISE) {
            return false;
        }
        requireStreamFrame(type);
        throw Http2Exception.stream(streamId, ErrorCode.STREAM_CLOSED,
                FrameType.name(type) + " frame on closed stream " + streamId);
    }

    /** The peer reserved this idle stream with a PUSH_PROMISE on another stream: now reserved (remote). */
    public void receivedPromise() throws Http2Exception {
        if (state != StreamState.IDLE) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "PUSH_PROMISE promised stream " + streamId + " which is " + describe(state) + ", not idle");
        }
        state = StreamState.RESERVED_REMOTE;
    }

    /**
     * A frame we send on this stream.
     *
     * @throws IllegalStateException if RFC 9113 section 5.1 forbids sending it in this state (a bug of ours)
     */
    public void sent(int type, boolean endStream) {
        if (type == PRIORITY || !FrameType.isKnown(type)) {
            return;
        }
        requireStreamFrame(type);
        boolean ends = endStream && (type == DATA || type == HEADERS);
        switch (state) {
            case IDLE -> {
                if (type != HEADERS) {
                    throw cannotSend(type);
                }
                state = ends ? StreamState.HALF_CLOSED_LOCAL : StreamState.OPEN;
            }
            case RESERVED_LOCAL -> {
                if (type == HEADERS) {
                    state = ends ? closeState(Closed.BY_END_STREAM) : StreamState.HALF_CLOSED_REMOTE;
                } else if (type == RST_STREAM) {
                    close(Closed.BY_RST_SENT);
                } else {
                    throw cannotSend(type);
                }
            }
            case RESERVED_REMOTE -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_SENT);
                } else if (type != WINDOW_UPDATE) {
                    throw cannotSend(type);
                }
            }
            case OPEN -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_SENT);
                } else if (ends) {
                    state = StreamState.HALF_CLOSED_LOCAL;
                }
            }
            case HALF_CLOSED_LOCAL -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_SENT);
                } else if (type != WINDOW_UPDATE) {
                    throw cannotSend(type);
                }
            }
            case HALF_CLOSED_REMOTE -> {
                if (type == RST_STREAM) {
                    close(Closed.BY_RST_SENT);
                } else if (ends) {
                    close(Closed.BY_END_STREAM);
                }
            }
            case CLOSED -> {
                if (type != RST_STREAM) { // a RST_STREAM answers a stream error on a closed stream (section 5.4.2)
                    throw cannotSend(type);
                }
            }
        }
    }

    /** We reserved this idle stream with a PUSH_PROMISE on another stream: now reserved (local). */
    public void sentPromise() {
        if (state != StreamState.IDLE) {
            throw new IllegalStateException("cannot promise stream " + streamId + ", it is " + describe(state));
        }
        state = StreamState.RESERVED_LOCAL;
    }

    private void close(Closed how) {
        state = closeState(how);
    }

    private StreamState closeState(Closed how) {
        closed = how;
        return StreamState.CLOSED;
    }

    private Http2Exception connection(ErrorCode error, int type, String stateName) {
        return Http2Exception.connection(error,
                FrameType.name(type) + " frame on " + stateName + " stream " + streamId);
    }

    private IllegalStateException cannotSend(int type) {
        return new IllegalStateException("cannot send " + FrameType.name(type) + " on stream " + streamId + " in state "
                + describe(state));
    }

    private static void requireStreamFrame(int type) {
        if (type != DATA && type != HEADERS && type != RST_STREAM && type != PUSH_PROMISE && type != WINDOW_UPDATE) {
            throw new IllegalArgumentException(FrameType.name(type) + " is not a frame of a stream's state machine");
        }
    }

    private static String describe(StreamState state) {
        return switch (state) {
            case IDLE -> "idle";
            case RESERVED_LOCAL -> "reserved (local)";
            case RESERVED_REMOTE -> "reserved (remote)";
            case OPEN -> "open";
            case HALF_CLOSED_LOCAL -> "half-closed (local)";
            case HALF_CLOSED_REMOTE -> "half-closed (remote)";
            case CLOSED -> "closed";
        };
    }

    @Override
    public String toString() {
        return "stream " + streamId + " " + describe(state) + (closed == Closed.NOT ? "" : " " + closed);
    }
}
