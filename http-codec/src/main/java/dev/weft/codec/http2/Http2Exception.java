package dev.weft.codec.http2;

/**
 * An HTTP/2 error found in what the peer sent: either a connection error (RFC 9113 section 5.4.1), after which the
 * endpoint sends GOAWAY with {@link #error()} and closes the connection, or a stream error (section 5.4.2), after which
 * it sends RST_STREAM with {@link #error()} on {@link #streamId()} and the connection goes on.
 *
 * <p>Unlike the HTTP/1.1 exceptions these carry a precise message (e.g. {@code "PING frame length 7, must be 8"}), so
 * one is allocated per error; the stack trace is not filled in, so that a peer provoking stream errors costs little.
 * The message is for logs and may be sent as GOAWAY debug data: of what the peer sent it only quotes numbers, frame
 * type names and field names that passed validation (lowercase tokens), never values.
 */
public final class Http2Exception extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode error;
    private final int streamId;
    private final boolean connectionError;

    private Http2Exception(ErrorCode error, int streamId, boolean connectionError, String message) {
        super(message, null, false, false);
        this.error = error;
        this.streamId = streamId;
        this.connectionError = connectionError;
    }

    /** A connection error: GOAWAY with {@code error}, then close. */
    public static Http2Exception connection(ErrorCode error, String message) {
        return new Http2Exception(error, 0, true, message);
    }

    /**
     * A stream error: RST_STREAM with {@code error} on {@code streamId}; other streams are unaffected.
     *
     * @throws IllegalArgumentException if {@code streamId} is not positive (an error on stream 0 is a connection error)
     */
    public static Http2Exception stream(int streamId, ErrorCode error, String message) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream id > 0, got " + streamId);
        }
        return new Http2Exception(error, streamId, false, message);
    }

    /** True for a connection error, false for a stream error. */
    public boolean isConnectionError() {
        return connectionError;
    }

    /** The stream to reset for a stream error; 0 for a connection error. */
    public int streamId() {
        return streamId;
    }

    /** The code to send in RST_STREAM or GOAWAY. */
    public ErrorCode error() {
        return error;
    }

    @Override
    public String toString() {
        return (connectionError ? "connection error " : "stream error on stream " + streamId + " ") + error + ": "
                + getMessage();
    }
}
