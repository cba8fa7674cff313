package dev.weft.core.http1;

import dev.weft.codec.http1.RequestHead;
import dev.weft.core.config.RouteAction;
import dev.weft.core.config.RouteMatch;
import dev.weft.core.router.Route;

/** Builds the Location of a redirect route from the request URL and the route's replacements (Envoy's rules). */
public final class Redirects {
    private Redirects() {
    }

    static String location(RouteAction.Redirect r, Route route, RequestHead head, String requestHost) {
        return location(r, route, head.host(), head.path(), head.query(), requestHost);
    }

    /** The same from the parts of any request (HTTP/2 gives them as pseudo-headers). */
    public static String location(RouteAction.Redirect r, Route route, String hostHeader, String requestPath,
                                  String query, String requestHost) {
        String scheme = r.httpsRedirect() ? "https" : "http";
        String host = r.hostRedirect() != null ? r.hostRedirect() : requestHost;
        String port = "";
        if (r.portRedirect() != 0) {
            port = ":" + r.portRedirect();
        } else if (!r.httpsRedirect() && r.hostRedirect() == null) {
            port = originalPort(hostHeader);
        }
        String path = requestPath == null ? "/" : requestPath;
        if (r.pathRedirect() != null) {
            path = r.pathRedirect();
        } else if (r.prefixRewrite() != null && route.match().pathKind() == RouteMatch.PathKind.PREFIX) {
            String prefix = route.match().path();
            path = r.prefixRewrite() + path.substring(Math.min(prefix.length(), path.length()));
            if (path.isEmpty()) {
                path = "/";
            }
        }
        String suffix = r.stripQuery() || query == null ? "" : "?" + query;
        return scheme + "://" + host + port + path + suffix;
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
