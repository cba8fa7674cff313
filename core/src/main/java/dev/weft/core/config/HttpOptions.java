package dev.weft.core.config;

/**
 * HTTP/1.1 options of a listener.
 *
 * @param maxRequestHeadersKb    limit on the request line plus all header fields, in KiB (default 60, as Envoy)
 * @param maxRequestHeadersCount limit on the number of header fields (default 100, as Envoy)
 * @param serverHeader           value of the {@code server} header on local replies (default "weft")
 * @param xffAppend              append the downstream address to {@code x-forwarded-for} (default true)
 * @param generateRequestId      add {@code x-request-id} when the request has none (default true)
 */
public record HttpOptions(
        int maxRequestHeadersKb,
        int maxRequestHeadersCount,
        String serverHeader,
        boolean xffAppend,
        boolean generateRequestId) {
}
