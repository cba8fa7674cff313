package dev.weft.core.filter.extauthz;

import dev.weft.core.cluster.Cluster;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.filter.UpstreamCall;
import dev.weft.core.proxy.ResponseFlag;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Envoy's external authorization filter with an HTTP service: asks the authorization server about each request with
 * a blocking call on the request's own virtual thread, then lets it through (200), refuses it with the server's
 * answer (any other status below 500), or, when the server cannot decide (unreachable, timed out, an invalid or a 5xx
 * response), refuses it with {@code status_on_error} or lets it through under {@code failure_mode_allow}.
 *
 * <p>Shared by every request of its listener; holds only immutable config and counters.
 */
final class ExtAuthzFilter implements HttpFilter {
    private static final System.Logger LOG = System.getLogger("weft.filter.ext_authz");
    /** A check answer is a verdict and a few headers; a larger body is not an authorization server's. */
    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    /** Envoy's header telling the upstream that authorization failed and was waived by failure_mode_allow. */
    static final String FAILURE_MODE_ALLOWED_HEADER = "x-envoy-auth-failure-mode-allowed";
    /** Envoy's header of an allowing response listing request headers to drop before the request goes upstream. */
    static final String HEADERS_TO_REMOVE = "x-envoy-auth-headers-to-remove";
    /** Envoy's header telling the server whether the body it got is the start of a longer one. */
    static final String PARTIAL_BODY = "x-envoy-auth-partial-body";
    private static final byte[] NO_BODY = new byte[0];
    static final String DENIED = "ext_authz_denied";
    static final String ERROR = "ext_authz_error";
    private static final String NAMESPACE = "ext_authz";
    /**
     * Never copied from the server's response to the request or to the client: hop-by-hop fields (RFC 9110 section
     * 7.6.1), framing (the proxy sets its own), host, and the date and server fields the proxy writes itself.
     */
    private static final Set<String> NOT_COPIED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length", "host", "date", "server");

    private final ExtAuthzConfig config;
    private final Cluster cluster;
    private final ExtAuthzStats stats;

    ExtAuthzFilter(ExtAuthzConfig config, Cluster cluster, ExtAuthzStats stats) {
        this.config = config;
        this.cluster = cluster;
        this.stats = stats;
    }

    @Override
    public LocalReply onRequest(FilterRequest request, Object routeConfig) {
        if (request.route() == null) {
            return null; // as Envoy: no route, no check; the router answers 404
        }
        List<String[]> headers = CheckRequest.headers(config, request);
        byte[] body = NO_BODY;
        ExtAuthzConfig.BodySettings settings = config.body();
        if (settings != null && !(routeConfig instanceof ExtAuthzConfig.PerRoute r && r.disableRequestBodyCheck())) {
            FilterRequest.Body b;
            try {
                b = request.body(settings.maxRequestBytes());
            } catch (InterruptedIOException e) {
                return LocalReply.text(408, "request timeout\n", ResponseFlag.NONE, "request_body_timeout");
            } catch (IOException e) {
                return LocalReply.text(400, "bad request\n", ResponseFlag.NONE, "ext_authz_request_body_unreadable");
            }
            if (b != null) {
                if (!b.whole() && !settings.allowPartialMessage()) {
                    // Envoy's decoder buffer limit: the request is refused before the server is asked
                    request.decision("ext_authz:body over max_request_bytes");
                    return LocalReply.text(413, "Payload Too Large", ResponseFlag.NONE, "request_payload_too_large");
                }
                body = b.bytes();
                headers.add(new String[] {PARTIAL_BODY, Boolean.toString(!b.whole())});
            }
        }
        long start = System.nanoTime();
        UpstreamCall.Response response;
        try {
            response = UpstreamCall.call(cluster, request.method(), CheckRequest.target(config.pathPrefix(), request),
                    request.authority(), headers, body, config.timeoutNanos(), MAX_RESPONSE_BYTES);
        } catch (UpstreamCall.CallException e) {
            if (e.failure() == UpstreamCall.Failure.TIMEOUT) {
                stats.timeout().increment();
            }
            LOG.log(System.Logger.Level.DEBUG, () -> "authorization call to " + config.cluster() + " failed: "
                    + e.getMessage());
            return error(request, start, "error", reason(e.failure()));
        }
        int status = response.status();
        if (status >= 500 || status < 200) {
            // Envoy's HTTP client: a 5xx means the server could not decide, which is an error, not a denial
            return error(request, start, Integer.toString(status), status < 600 ? "status " + status
                    : "invalid_response");
        }
        record(request, start, Integer.toString(status));
        if (status == 200) {
            return allow(request, response);
        }
        return deny(request, response);
    }

    private static String reason(UpstreamCall.Failure failure) {
        return switch (failure) {
            case NO_UPSTREAM -> "no_healthy_upstream";
            case CONNECT -> "connect_failure";
            case TIMEOUT -> "timeout";
            case CLOSED -> "connection_closed";
            case INVALID_RESPONSE -> "invalid_response";
        };
    }

    private static void record(FilterRequest request, long start, String status) {
        request.metadata("ext_authz:status", status);
        request.metadata("ext_authz:duration_ms", Long.toString((System.nanoTime() - start) / 1_000_000));
    }

    /**
     * Applies an allowing answer: {@code allowed_upstream_headers} replace the request's, the ones to append join
     * a header the request has, {@code x-envoy-auth-headers-to-remove} drops headers, and
     * {@code allowed_client_headers_on_success} go on the client's response.
     */
    private LocalReply allow(FilterRequest request, UpstreamCall.Response response) {
        stats.ok().increment();
        List<String> remove = null;
        for (String[] h : response.headers()) {
            String name = h[0];
            if (name.equals(HEADERS_TO_REMOVE)) {
                remove = remove == null ? new ArrayList<>(4) : remove;
                for (String n : h[1].split(",")) {
                    String trimmed = n.trim().toLowerCase(Locale.ROOT);
                    // Envoy's isRemovableHeader: neither pseudo-headers nor Host
                    if (!trimmed.isEmpty() && !trimmed.startsWith(":") && !trimmed.equals("host")) {
                        remove.add(trimmed);
                    }
                }
                continue;
            }
            if (NOT_COPIED.contains(name)) {
                continue;
            }
            if (NameMatcher.any(config.upstreamHeaders(), name)) {
                request.setRequestHeader(name, h[1]);
            }
            if (NameMatcher.any(config.upstreamHeadersToAppend(), name)) {
                String present = request.header(name);
                if (present != null) {
                    request.setRequestHeader(name, present + "," + h[1]);
                }
            }
            if (!name.equals("content-type") && NameMatcher.any(config.clientHeadersOnSuccess(), name)) {
                request.addResponseHeader(name, h[1]);
            }
            if (NameMatcher.any(config.metadataFromHeaders(), name)) {
                request.metadata(NAMESPACE, name, h[1]);
            }
        }
        if (remove != null) {
            for (String n : remove) {
                request.removeRequestHeader(n);
            }
        }
        request.decision("ext_authz:allow");
        return null;
    }

    /** The server's answer goes to the client: its status, the headers the config lets through, its body. */
    private LocalReply deny(FilterRequest request, UpstreamCall.Response response) {
        stats.denied().increment();
        List<String[]> headers = new ArrayList<>();
        String contentType = null;
        for (String[] h : response.headers()) {
            String name = h[0];
            if (NOT_COPIED.contains(name) || name.equals(HEADERS_TO_REMOVE) || !toClient(name)) {
                continue;
            }
            if (name.equals("content-type")) {
                contentType = h[1];
            } else {
                headers.add(h);
            }
        }
        request.decision("ext_authz:deny " + response.status());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return new LocalReply(response.status(), body, contentType, headers, ResponseFlag.UAEX, DENIED);
    }

    /**
     * Envoy's {@code allowed_client_headers}: when unset, every header but Host; when set, the listed ones and
     * {@code www-authenticate} and {@code location} (status and content-length are the reply's own).
     */
    private boolean toClient(String name) {
        List<NameMatcher> allowed = config.clientHeaders();
        return allowed == null || name.equals("www-authenticate") || name.equals("location")
                || NameMatcher.any(allowed, name);
    }

    /** The server could not decide: refuse with {@code status_on_error}, or let through under failure_mode_allow. */
    private LocalReply error(FilterRequest request, long start, String status, String reason) {
        stats.error().increment();
        record(request, start, status);
        if (config.failureModeAllow()) {
            stats.failureModeAllowed().increment();
            if (config.failureModeAllowHeaderAdd()) {
                request.setRequestHeader(FAILURE_MODE_ALLOWED_HEADER, "true");
            }
            request.decision("ext_authz:error " + reason + ", allowed by failure_mode_allow");
            return null;
        }
        request.decision("ext_authz:error " + reason);
        return LocalReply.text(config.statusOnError(), "", ResponseFlag.UAEX, ERROR);
    }
}
