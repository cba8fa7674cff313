package dev.weft.codec.http1;

/**
 * Size bounds for HTTP/1.1 decoding; exceeding one maps to exactly one {@link Http1Violation}.
 *
 * @param maxRequestLineBytes request-line bytes, CRLF and ignored leading empty lines excluded -> 414
 * @param maxHeadBytes        start-line, field lines and all their CRLFs -> 431 (502 for a response head)
 * @param maxHeaderCount      field lines in a head (and in a trailer section) -> 431
 * @param maxChunkLineBytes   chunk-size line with its extensions, CRLF excluded -> 400
 * @param maxTrailerBytes     trailer section including the final CRLF -> 400
 */
public record Http1Limits(int maxRequestLineBytes, int maxHeadBytes, int maxHeaderCount, int maxChunkLineBytes,
                          int maxTrailerBytes) {
    public static final int DEFAULT_MAX_REQUEST_LINE_BYTES = 16 * 1024; // RFC 9112 section 3: at least 8000 octets SHOULD be supported
    public static final int DEFAULT_MAX_HEAD_BYTES = 60 * 1024;         // RFC 6585 section 5 (431); Envoy max_request_headers_kb default
    public static final int DEFAULT_MAX_HEADER_COUNT = 100;             // RFC 6585 section 5 (431); Envoy max_headers_count default
    public static final int DEFAULT_MAX_CHUNK_LINE_BYTES = 4096;        // RFC 9112 section 7.1.1: a server ought to limit chunk-ext length
    public static final int DEFAULT_MAX_TRAILER_BYTES = 16 * 1024;      // RFC 9110 section 6.5: trailers are bounded like any field section

    public static final Http1Limits DEFAULTS = new Http1Limits(DEFAULT_MAX_REQUEST_LINE_BYTES, DEFAULT_MAX_HEAD_BYTES,
            DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_CHUNK_LINE_BYTES, DEFAULT_MAX_TRAILER_BYTES);

    public Http1Limits {
        if (maxRequestLineBytes < 16 || maxHeadBytes < 16 || maxHeaderCount < 1 || maxChunkLineBytes < 17
                || maxTrailerBytes < 2) {
            throw new IllegalArgumentException("HTTP/1 limits too small: " + maxRequestLineBytes + ", " + maxHeadBytes
                    + ", " + maxHeaderCount + ", " + maxChunkLineBytes + ", " + maxTrailerBytes);
        }
    }
}
