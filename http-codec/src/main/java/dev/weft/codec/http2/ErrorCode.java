package dev.weft.codec.http2;

/**
 * The HTTP/2 error codes of RFC 9113 section 7, carried by RST_STREAM and GOAWAY frames.
 *
 * <p>An error code is a 32-bit unsigned value on the wire. Codes this enum does not know must not trigger special
 * behaviour (RFC 9113 section 7): {@link #of(long)} maps them to {@link #INTERNAL_ERROR} for handling, while
 * {@link FrameListener#onRstStream} and {@link FrameListener#onGoAway} still hand over the raw value for logging.
 */
public enum ErrorCode {
    /** Graceful shutdown, or a stream that is no longer needed. */
    NO_ERROR(0x0),
    /** An unspecific protocol error, the usual answer to a peer that breaks a rule. */
    PROTOCOL_ERROR(0x1),
    INTERNAL_ERROR(0x2),
    /** The peer violated flow control (RFC 9113 section 5.2). */
    FLOW_CONTROL_ERROR(0x3),
    /** A SETTINGS frame was not acknowledged in time (RFC 9113 section 6.5.3). */
    SETTINGS_TIMEOUT(0x4),
    /** A frame arrived on a stream that was already half-closed or closed. */
    STREAM_CLOSED(0x5),
    /** A frame had an invalid size (RFC 9113 section 4.2). */
    FRAME_SIZE_ERROR(0x6),
    /** The stream was refused before any application processing (safe to retry). */
    REFUSED_STREAM(0x7),
    /** The stream is no longer needed. */
    CANCEL(0x8),
    /** The field compression context can no longer be maintained (RFC 9113 section 4.3). */
    COMPRESSION_ERROR(0x9),
    /** The connection of a CONNECT request was reset or abnormally closed (RFC 9113 section 8.5). */
    CONNECT_ERROR(0xa),
    /** The peer behaves in a way that might generate excessive load. */
    ENHANCE_YOUR_CALM(0xb),
    /** The transport does not meet minimum security requirements (RFC 9113 section 9.2). */
    INADEQUATE_SECURITY(0xc),
    /** HTTP/1.1 is required instead of HTTP/2. */
    HTTP_1_1_REQUIRED(0xd);

    private static final ErrorCode[] BY_CODE = values();

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    /** The value on the wire. */
    public int code() {
        return code;
    }

    /**
     * The error code for a received value.
     *
     * @param code the unsigned 32-bit value from a RST_STREAM or GOAWAY frame
     * @return the matching constant, or {@link #INTERNAL_ERROR} for a code this enum does not define (RFC 9113
     *         section 7: unknown codes MAY be treated as equivalent to INTERNAL_ERROR)
     */
    public static ErrorCode of(long code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[(int) code] : INTERNAL_ERROR;
    }

    /** Whether {@code code} is one of the codes RFC 9113 section 7 defines. */
    public static boolean isKnown(long code) {
        return code >= 0 && code < BY_CODE.length;
    }
}
