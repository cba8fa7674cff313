package dev.weft.codec.http1;

/**
 * Every way an HTTP/1.1 message can be rejected by Weft's codec, with the status a server answers, a stable detail
 * string for the access log and the RFC section that makes it an error.
 *
 * <p>Weft is strict by default: no leniency is on. In particular a bare LF as a line terminator is rejected
 * ({@link #BARE_LF}) in request heads, response heads, chunk lines and trailers. RFC 9112 section 2.2 says a recipient
 * MAY accept a bare LF, but a proxy that finds message boundaries differently from the server behind it is the root
 * of request smuggling, so Weft never guesses. A bare CR is always an error (RFC 9112 section 2.2, MUST).
 *
 * <p>{@link #status()} is the status a server answers to a downstream <em>request</em> with this violation. When a
 * violation is found in an upstream <em>response</em> (by {@link ResponseHeadParser} or a {@link ChunkedDecoder} on a
 * response body), the proxy answers 502 whatever {@link #status()} says.
 */
public enum Http1Violation {
    CONTENT_LENGTH_WITH_TRANSFER_ENCODING(400, "http1.content_length_with_transfer_encoding", "RFC 9112 section 6.3"),
    DIFFERING_CONTENT_LENGTH(400, "http1.differing_content_length", "RFC 9110 section 8.6"),
    INVALID_CONTENT_LENGTH(400, "http1.invalid_content_length", "RFC 9110 section 8.6"),
    INVALID_TRANSFER_ENCODING(400, "http1.invalid_transfer_encoding", "RFC 9112 section 6.1"),
    TRANSFER_CODING_NOT_CHUNKED_LAST(400, "http1.transfer_coding_not_chunked_last", "RFC 9112 section 6.3"),
    /** Any coding but chunked, gzip/deflate/compress included: Weft does not decode transfer codings. */
    UNKNOWN_TRANSFER_CODING(501, "http1.unknown_transfer_coding", "RFC 9112 section 6.1"),
    CHUNKED_APPLIED_TWICE(400, "http1.chunked_applied_twice", "RFC 9112 section 7"),
    TRANSFER_ENCODING_IN_HTTP10(400, "http1.transfer_encoding_in_http10", "RFC 9112 section 6.1"),
    INVALID_CHUNK_SIZE(400, "http1.invalid_chunk_size", "RFC 9112 section 7.1"),
    /** Bad chunk-ext syntax, or no CRLF right after the chunk data. */
    INVALID_CHUNK_LINE(400, "http1.invalid_chunk_line", "RFC 9112 section 7.1"),
    CHUNK_EXTENSION_TOO_LONG(400, "http1.chunk_extension_too_long", "RFC 9112 section 7.1.1"),
    WHITESPACE_BEFORE_COLON(400, "http1.whitespace_before_colon", "RFC 9112 section 5.1"),
    /** Whitespace between the start-line and the first field line. */
    WHITESPACE_AFTER_START_LINE(400, "http1.whitespace_after_start_line", "RFC 9112 section 2.2"),
    OBS_FOLD(400, "http1.obs_fold", "RFC 9112 section 5.2"),
    /** Empty name, a non-token byte in the name, or a field line without a colon. */
    INVALID_FIELD_NAME(400, "http1.invalid_field_name", "RFC 9110 section 5.1"),
    /** NUL or another control character (HTAB excepted) in a field value. */
    INVALID_FIELD_VALUE(400, "http1.invalid_field_value", "RFC 9110 section 5.5"),
    BARE_CR(400, "http1.bare_cr", "RFC 9112 section 2.2"),
    BARE_LF(400, "http1.bare_lf", "RFC 9112 section 2.2"),
    INVALID_REQUEST_LINE(400, "http1.invalid_request_line", "RFC 9112 section 3"),
    INVALID_METHOD(400, "http1.invalid_method", "RFC 9112 section 3.1"),
    INVALID_TARGET(400, "http1.invalid_target", "RFC 9112 section 3.2"),
    /** A well-formed version that is not HTTP/1.x, e.g. HTTP/2.0 or HTTP/0.9. */
    INVALID_VERSION(505, "http1.invalid_version", "RFC 9110 section 15.6.6"),
    /** A version that does not match {@code HTTP/DIGIT.DIGIT}. */
    MALFORMED_VERSION(400, "http1.malformed_version", "RFC 9112 section 2.3"),
    REQUEST_LINE_TOO_LONG(414, "http1.request_line_too_long", "RFC 9112 section 3"),
    HEADERS_TOO_LARGE(431, "http1.headers_too_large", "RFC 6585 section 5"),
    TOO_MANY_HEADERS(431, "http1.too_many_headers", "RFC 6585 section 5"),
    MISSING_HOST(400, "http1.missing_host", "RFC 9112 section 3.2"),
    DUPLICATE_HOST(400, "http1.duplicate_host", "RFC 9112 section 3.2"),
    INVALID_HOST(400, "http1.invalid_host", "RFC 9112 section 3.2"),
    /** Trailer section over the limit; the body has begun, so no 431. */
    TRAILERS_TOO_LARGE(400, "http1.trailers_too_large", "RFC 9110 section 6.5"),
    INVALID_STATUS_LINE(502, "http1.invalid_status_line", "RFC 9112 section 4"),
    RESPONSE_HEADERS_TOO_LARGE(502, "http1.response_headers_too_large", "RFC 9112 section 4");

    private final int status;
    private final String detail;
    private final String rfc;

    Http1Violation(int status, String detail, String rfc) {
        this.status = status;
        this.detail = detail;
        this.rfc = rfc;
    }

    /** The status a server answers to a request with this violation (the proxy answers 502 for a response). */
    public int status() {
        return status;
    }

    /** Stable detail string for access logs and stats, e.g. {@code http1.obs_fold}. */
    public String detail() {
        return detail;
    }

    /** The RFC section that makes this an error, e.g. {@code RFC 9112 section 6.3}. */
    public String rfc() {
        return rfc;
    }
}
