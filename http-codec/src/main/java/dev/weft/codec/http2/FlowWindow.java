package dev.weft.codec.http2;

/**
 * One HTTP/2 flow-control window (RFC 9113 sections 5.2 and 6.9): a signed 31-bit credit of one stream, or of the
 * connection ({@code streamId} 0). Errors are stream errors for a stream window and connection errors for the
 * connection window, as RFC 9113 section 6.9 requires.
 *
 * <p>An endpoint keeps two windows per stream and two for the connection: the <em>receive</em> window (the credit we
 * gave the peer: {@link #consume} on each received DATA frame, {@link #increment} when we send WINDOW_UPDATE) and the
 * <em>send</em> window (the credit the peer gave us: {@link #spend} before sending DATA, {@link #increment} on each
 * received WINDOW_UPDATE). A change of SETTINGS_INITIAL_WINDOW_SIZE moves every stream window, not the connection's,
 * by the difference ({@link #applyInitialDelta}, section 6.9.2), possibly below zero.
 */
public final class FlowWindow {
    /** The largest window, 2^31-1 (RFC 9113 section 6.9.1). */
    public static final int MAX_WINDOW = Integer.MAX_VALUE;
    /** The initial window of the connection and, by default, of every stream (RFC 9113 section 6.9.2). */
    public static final int DEFAULT_WINDOW = 65_535;

    private int streamId;
    private int window;

    /**
     * @param streamId 0 for the connection window
     * @param initial  the initial window: 65535 for the connection, SETTINGS_INITIAL_WINDOW_SIZE for a stream
     */
    public FlowWindow(int streamId, int initial) {
        reset(streamId, initial);
    }

    /** Reuses this object for another stream. */
    public void reset(int streamId, int initial) {
        if (streamId < 0 || initial < 0) {
            throw new IllegalArgumentException("stream id " + streamId + " and initial window " + initial
                    + " must not be negative");
        }
        this.streamId = streamId;
        this.window = initial;
    }

    public int streamId() {
        return streamId;
    }

    /** The credit left; negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease below what was in flight. */
    public int available() {
        return window;
    }

    /**
     * Receive side: the peer sent a DATA frame of {@code length} flow-controlled bytes (the whole payload, padding
     * included).
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR if the peer exceeded the window: a stream error on a stream window, a
     *                        connection error on the connection window; the window is unchanged then
     */
    public void consume(int length) throws Http2Exception {
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length);
        }
        if (length > 0 && length > window) { // an empty DATA frame is allowed with no window left (section 6.9.1)
            String message = "DATA of " + length + " bytes exceeds the flow-control window of " + window + " on "
                    + (streamId == 0 ? "the connection" : "stream " + streamId);
            throw streamId == 0 ? Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, message)
                    : Http2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR, message);
        }
        window -= length;
    }

    /**
     * Send side: we are about to send {@code length} flow-controlled bytes (0 is always allowed, even on a negative
     * window: an empty DATA frame).
     *
     * @throws IllegalStateException if {@code length} exceeds {@link #available()}: sending it would break the
     *                               peer's flow control (a bug of ours, not the peer's)
     */
    public void spend(int length) {
        if (length < 0 || length > 0 && length > window) {
            throw new IllegalStateException("cannot send " + length + " bytes with a window of " + window + " on "
                    + (streamId == 0 ? "the connection" : "stream " + streamId));
        }
        window -= length;
    }

    /**
     * A WINDOW_UPDATE: received (send side) or sent (receive side).
     *
     * @param increment 1 to 2^31-1, as {@link FrameReader} guarantees
     * @throws Http2Exception FLOW_CONTROL_ERROR if the window would exceed 2^31-1 (RFC 9113 section 6.9.1): a stream
     *                        error on a stream window, a connection error on the connection window; the window is
     *                        unchanged then
     */
    public void increment(int increment) throws Http2Exception {
        if (increment <= 0) {
            throw new IllegalArgumentException("window increment " + increment + " outside 1..2147483647");
        }
        if ((long) window + increment > MAX_WINDOW) {
            String message = "WINDOW_UPDATE of " + increment + " overflows the flow-control window of " + window
                    + " on " + (streamId == 0 ? "the connection" : "stream " + streamId);
            throw streamId == 0 ? Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, message)
                    : Http2Exception.stream(streamId, ErrorCode.FLOW_CONTROL_ERROR, message);
        }
        window += increment;
    }

    /**
     * A change of SETTINGS_INITIAL_WINDOW_SIZE by {@code delta} (new minus old, as {@link Http2Settings#apply}
     * returns): the window may become negative (RFC 9113 section 6.9.2).
     *
     * @throws Http2Exception a connection error FLOW_CONTROL_ERROR if the window would exceed 2^31-1 (section 6.9.2,
     *                        whatever the stream); the window is unchanged then
     */
    public void applyInitialDelta(int delta) throws Http2Exception {
        long updated = (long) window + delta;
        if (updated > MAX_WINDOW) {
            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "SETTINGS_INITIAL_WINDOW_SIZE change of "
                    + delta + " overflows the flow-control window of " + window + " on stream " + streamId);
        }
        if (updated < Integer.MIN_VALUE) {
            throw new IllegalArgumentException("window " + window + " + delta " + delta + " below -2^31");
        }
        window = (int) updated;
    }

    @Override
    public String toString() {
        return "FlowWindow{stream " + streamId + ": " + window + "}";
    }
}
