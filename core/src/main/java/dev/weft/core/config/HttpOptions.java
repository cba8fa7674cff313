package dev.weft.core.config;

/**
 * HTTP/1.1 options of a listener.
 *
 * @param maxRequestHeadersKb    limit on the request line plus all header fields, in KiB (default 60, as Envoy)
 * @param maxRequestHeadersCount limit on the number of header fields (default 100, as Envoy)
 * @param serverHeader           value of the {@code server} header on local replies (default "weft")
 * @param xffAppend              append the downstream address to {@code x-forwarded-for} (default true)
 * @param generateRequestId      add {@code x-request-id} when the request has none (default true)
 * @param xffNumTrustedHops      how many proxies in front of this listener are trusted to append to
 *                               {@code x-forwarded-for}: the client address policies see ({@code remote_ip}) is the
 *                               entry that many places from the right; 0 (the default) trusts none and uses the
 *                               connection's peer address, as Envoy's {@code xff_num_trusted_hops}
 * @param rejectNonCanonicalPaths on a listener with HTTP filters, refuse (400) a path that other spellings of could
 *                               get past the policies: dot segments, empty segments, percent-encoded unreserved
 *                               characters or slashes (default true)
 */
public record HttpOptions(
        int maxRequestHeadersKb,
        int maxRequestHeadersCount,
        String serverHeader,
        boolean xffAppend,
        boolean generateRequestId,
        int xffNumTrustedHops,
        boolean rejectNonCanonicalPaths) {

    public HttpOptions(int maxRequestHeadersKb, int maxRequestHeadersCount, String serverHeader, boolean xffAppend,
                       boolean generateRequestId) {
        this(maxRequestHeadersKb, maxRequestHeadersCount, serverHeader, xffAppend, generateRequestId, 0, true);
    }
}
