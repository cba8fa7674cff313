package dev.weft.codec.http1;

/**
 * Decides how a message body is delimited (RFC 9112 section 6.3), from a parsed head.
 */
public final class BodyFraming {
    private static final int NO_CONTENT = 204;   // RFC 9110 section 15.3.5: no content
    private static final int NOT_MODIFIED = 304; // RFC 9110 section 15.4.5: no content

    /** How the body ends. */
    public enum Kind {
        /** No body. */
        NONE,
        /** Exactly {@link MessageHead#contentLength()} bytes. */
        CONTENT_LENGTH,
        /** Chunked transfer coding: decode with {@link ChunkedDecoder}. */
        CHUNKED,
        /** Everything until the peer closes (responses only; also a CONNECT tunnel). */
        UNTIL_CLOSE
    }

    private BodyFraming() {
    }

    /**
     * The request body framing. A request never reads until close (RFC 9112 section 6.3 rule 6). A declared
     * {@code Content-Length: 0} is {@link Kind#CONTENT_LENGTH} with length 0, not NONE, so the proxy can forward the
     * declaration (some servers answer 411 to a POST without one); the caller reads nothing in that case.
     */
    public static Kind request(RequestHead h) {
        if (h.chunked()) {
            return Kind.CHUNKED; // RFC 9112 section 6.3 rule 4; the parser has rejected every other coding
        }
        if (h.contentLength() >= 0) {
            return Kind.CONTENT_LENGTH; // RFC 9112 section 6.3 rule 5
        }
        return Kind.NONE; // RFC 9112 section 6.3 rule 6
    }

    /**
     * The response body framing for a request with {@code requestMethod}. A 2xx answer to CONNECT is a tunnel,
     * reported as {@link Kind#UNTIL_CLOSE}: the proxy then relays bytes both ways until either side closes.
     */
    public static Kind response(String requestMethod, ResponseHead h) {
        int status = h.status();
        if ("HEAD".equals(requestMethod) || h.isInformational() || status == NO_CONTENT || status == NOT_MODIFIED) {
            return Kind.NONE; // RFC 9112 section 6.3 rule 1
        }
        if ("CONNECT".equals(requestMethod) && status / 100 == 2) {
            return Kind.UNTIL_CLOSE; // RFC 9112 section 6.3 rule 2: the connection becomes a tunnel
        }
        if (h.hasTransferEncoding()) {
            return h.chunked() ? Kind.CHUNKED : Kind.UNTIL_CLOSE; // RFC 9112 section 6.3 rules 3 and 4
        }
        if (h.contentLength() >= 0) {
            return Kind.CONTENT_LENGTH; // RFC 9112 section 6.3 rule 5
        }
        return Kind.UNTIL_CLOSE; // RFC 9112 section 6.3 rule 8
    }
}
