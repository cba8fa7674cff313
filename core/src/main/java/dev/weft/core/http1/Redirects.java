package dev.weft.core.http1;

import dev.weft.codec.http1.RequestHead;
import dev.weft.core.config.RouteAction;
import dev.weft.core.config.RouteMatch;
import dev.weft.core.router.Route;

/** Builds the Location of a redirect route from the request URL and the route's replacements (Envoy's rules). */
final class Redirects {
    private Redirects() {
    }

    static String location(RouteAction.Redirect r, Route route, RequestHead head, String requestHost) {
        String scheme = r.httpsRedirect() ? "https" : "http";
        String host = r.hostRedirect() != null ? r.hostRedirect() : requestHost;
        String port = "";
        if (r.portRedirect() != 0) {
            port = ":" + r.portRedirect();
        } else if (!r.httpsRedirect() && r.hostRedirect() == null) {
            port = originalPort(head.host());
        }
        String path = head.path() == null ? "/" : head.path();
        if (r.pathRedirect() != null) {
            path = r.pathRedirect();
        } else if (r.prefixRewrite() != null && route.match().pathKind() == RouteMatch.PathKind.PREFIX) {
            String prefix = route.match().path();
            path = r.prefixRewrite() + path.substring(Math.min(prefix.length(), path.length()));
            if (path.isEmpty()) {
                path = "/";
            }
        }
        String q = head.query();
        String query = r.stripQuery() || q == null ? "" : "?" + q;
        return scheme + "://" + host + port + path + query;
    }

    /** ":port" of a Host header value, or "". */
    private static String originalPort(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        int close = hostHeader.lastIndexOf(']');
        int colon = hostHeader.lastIndexOf(':');
        return colon > close ? hostHeader.substring(colon) : "";
    }
}
