package dev.weft.core.filter.cors;

import java.util.List;

/**
 * A CORS policy, Envoy's {@code CorsPolicy}, as given on a route, a virtual host or the filter (its default). Every
 * field may be left out (null): the filter takes each field from the most specific level that gives it, route, then
 * virtual host, then the filter's default, as Envoy's CORS filter does. Immutable.
 *
 * @param allowOrigins                 origins allowed to read responses; null: not given here
 * @param allowMethods                 {@code access-control-allow-methods} of preflight replies, or {@code *}: echo
 *                                     the requested method
 * @param allowHeaders                 {@code access-control-allow-headers} of preflight replies, or {@code *}: echo
 *                                     the requested headers
 * @param exposeHeaders                {@code access-control-expose-headers} of actual responses
 * @param maxAge                       {@code access-control-max-age} of preflight replies, in seconds
 * @param allowCredentials             send {@code access-control-allow-credentials: true}
 * @param forwardNotMatchingPreflights a preflight from an origin not allowed goes upstream untouched (Envoy's
 *                                     default, true); false: the proxy answers it 200 without any CORS header
 */
public record CorsPolicy(List<OriginMatcher> allowOrigins, String allowMethods, String allowHeaders,
                         String exposeHeaders, String maxAge, Boolean allowCredentials,
                         Boolean forwardNotMatchingPreflights) {
    public CorsPolicy {
        allowOrigins = allowOrigins == null ? null : List.copyOf(allowOrigins);
    }
}
