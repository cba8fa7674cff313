package dev.weft.core.filter.extauthz;

import dev.weft.core.filter.FilterRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The request an HTTP authorization server gets, as Envoy's HTTP service sends it: the original method, the path
 * prefix followed by the original path and query, the original Host, {@code content-length} of what is sent along,
 * {@code authorization} and the headers {@code allowed_headers} lets through (as earlier filters left them, each name
 * once with its values joined), then {@code headers_to_add}.
 */
final class CheckRequest {
    /**
     * Never copied from the client's request: hop-by-hop fields (RFC 9110 section 7.6.1), framing the call sets
     * itself, the Host the call sends from the request's authority, Expect (nothing waits for a 100 here), and a
     * client's {@code x-envoy-auth-partial-body}, which only the proxy may say (as Envoy drops it).
     */
    static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "host", "content-length", "expect",
            "x-envoy-auth-partial-body");

    private CheckRequest() {
    }

    /** The request's path and query, behind the prefix. */
    static String target(String pathPrefix, FilterRequest request) {
        String path = request.path() == null || request.path().isEmpty() ? "/" : request.path();
        String query = request.query();
        return query == null ? pathPrefix + path : pathPrefix + path + "?" + query;
    }

    /** The header fields of the check request, lower-case name / value pairs ({@code host} is added by the call). */
    static List<String[]> headers(ExtAuthzConfig config, FilterRequest request) {
        List<String[]> out = new ArrayList<>(8);
        FilterRequest.Headers received = request.headers();
        for (int i = 0, n = received.size(); i < n; i++) {
            add(out, config, request, received.name(i));
        }
        for (String[] set : request.requestHeadersSet()) {
            add(out, config, request, set[0]);
        }
        // Envoy's connection manager adds these before any filter runs, so an allowed x- header list sees them
        if (allowed(config, "x-forwarded-for") && !has(out, "x-forwarded-for")) {
            out.add(new String[] {"x-forwarded-for", forwardedFor(request)});
        }
        if (allowed(config, "x-forwarded-proto") && !has(out, "x-forwarded-proto")) {
            out.add(new String[] {"x-forwarded-proto", request.scheme()});
        }
        for (String[] h : config.headersToAdd()) {
            out.removeIf(f -> f[0].equals(h[0])); // Envoy: OVERWRITE_IF_EXISTS_OR_ADD
            out.add(h);
        }
        return out;
    }

    private static void add(List<String[]> out, ExtAuthzConfig config, FilterRequest request, String name) {
        if (NOT_FORWARDED.contains(name) || !allowed(config, name) || has(out, name)) {
            return;
        }
        String value;
        if (name.equals("x-forwarded-for")) {
            value = forwardedFor(request);
        } else if (name.equals("x-forwarded-proto")) {
            value = request.scheme();
        } else if (name.equals("cookie")) {
            value = cookies(request);
        } else {
            value = request.header(name);
        }
        if (value != null) {
            out.add(new String[] {name, value});
        }
    }

    /** {@code authorization} always goes (Envoy's rule); the rest as {@code allowed_headers} says. */
    private static boolean allowed(ExtAuthzConfig config, String name) {
        return name.equals("authorization") || NameMatcher.any(config.allowedHeaders(), name);
    }

    private static boolean has(List<String[]> out, String name) {
        for (int i = 0, n = out.size(); i < n; i++) {
            if (out.get(i)[0].equals(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code x-forwarded-for} as the upstream will get it with the default {@code xff_append}: what the client sent
     * followed by the address of the connection's peer, so that the server learns who is asking.
     */
    private static String forwardedFor(FilterRequest request) {
        String received = request.header("x-forwarded-for");
        String peer = request.directRemoteAddress() == null || request.directRemoteAddress().getAddress() == null
                ? null : request.directRemoteAddress().getAddress().getHostAddress();
        if (peer == null) {
            return received;
        }
        return received == null ? peer : received + ", " + peer;
    }

    /** RFC 9113 section 8.2.3: HTTP/2 may split cookies into several fields; they are joined with "; ". */
    private static String cookies(FilterRequest request) {
        FilterRequest.Headers h = request.headers();
        String set = null;
        for (String[] f : request.requestHeadersSet()) {
            if (f[0].equals("cookie")) {
                set = f[1];
            }
        }
        if (set != null) {
            return set;
        }
        if (request.header("cookie") == null) {
            return null; // removed by an earlier filter, or never sent
        }
        StringBuilder b = null;
        for (int i = 0, n = h.size(); i < n; i++) {
            if (h.nameIs(i, "cookie")) {
                b = b == null ? new StringBuilder(h.value(i)) : b.append("; ").append(h.value(i));
            }
        }
        return b == null ? null : b.toString();
    }

}
