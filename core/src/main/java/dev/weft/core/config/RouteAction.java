package dev.weft.core.config;

import java.time.Duration;

/** What a matched route does: exactly one of {@code route}, {@code direct_response}, {@code redirect} in the YAML. */
public sealed interface RouteAction {

    /**
     * Forward to a cluster.
     *
     * @param cluster       the name of a configured cluster
     * @param prefixRewrite replaces the matched prefix (only with a PREFIX match); null keeps the path
     * @param hostRewrite   replaces the Host header (Envoy's host_rewrite_literal); null keeps it
     * @param timeout       from the end of the request to the end of the response head; ZERO disables (default 15s)
     */
    record Forward(String cluster, String prefixRewrite, String hostRewrite, Duration timeout) implements RouteAction {
    }

    /**
     * Answer locally.
     *
     * @param status 200..599
     * @param body   may be empty, never null
     * @param contentType content-type of the body (default text/plain; charset=utf-8)
     */
    record DirectResponse(int status, String body, String contentType) implements RouteAction {
    }

    /**
     * Answer with a redirect built from the request URL and these replacements.
     *
     * @param httpsRedirect scheme becomes https (and the port is dropped unless portRedirect is set)
     * @param hostRedirect  null keeps the host
     * @param portRedirect  0 keeps the port
     * @param pathRedirect  replaces the whole path; null keeps it
     * @param prefixRewrite replaces the matched prefix; null keeps it (not with pathRedirect)
     * @param responseCode  301, 302, 303, 307 or 308 (default 301)
     * @param stripQuery    drop the query string
     */
    record Redirect(boolean httpsRedirect, String hostRedirect, int portRedirect, String pathRedirect,
                    String prefixRewrite, int responseCode, boolean stripQuery) implements RouteAction {
    }
}
