package dev.weft.core.filter.cors;

import dev.weft.admin.stats.Counter;
import dev.weft.core.config.PerFilterConfig;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.router.Route;
import java.util.ArrayList;
import java.util.List;

/**
 * Cross-Origin Resource Sharing, Envoy's CORS filter with the Fetch standard's rules (section 3.2, "CORS protocol"):
 * answers preflights from allowed origins itself and adds {@code access-control-*} headers to the responses of
 * actual requests from allowed origins. Requests without {@code Origin}, or whose route, virtual host and filter
 * give no policy, pass untouched. Shared by every request of a listener; stateless.
 */
final class CorsFilter implements HttpFilter {
    /** Envoy's response code detail of an answered preflight. */
    static final String PREFLIGHT_DETAIL = "cors_response";
    private static final LocalReply PREFLIGHT_NOT_ALLOWED = new LocalReply(200, "", null, List.of(),
            ResponseFlag.NONE, PREFLIGHT_DETAIL);

    private final String name;
    private final CorsPolicy defaultPolicy;
    private final Counter originValid;
    private final Counter originInvalid;
    private final Counter preflight;

    CorsFilter(CorsConfig config, FilterContext context) {
        this.name = config.name();
        this.defaultPolicy = config.defaultPolicy();
        this.originValid = context.counter(CorsStat.ORIGIN_VALID.suffix(), CorsStat.ORIGIN_VALID.help());
        this.originInvalid = context.counter(CorsStat.ORIGIN_INVALID.suffix(), CorsStat.ORIGIN_INVALID.help());
        this.preflight = context.counter(CorsStat.PREFLIGHT.suffix(), CorsStat.PREFLIGHT.help());
    }

    @Override
    public LocalReply onRequest(FilterRequest request, Object routeConfig) {
        // the chain hands over the route's override, else the host's; each field falls back on its own (Envoy)
        Route route = request.route();
        CorsPolicy r = route == null ? null : policy(route.config().perFilterConfig().get(name));
        CorsPolicy v = route == null ? null : policy(route.virtualHost().config().perFilterConfig().get(name));
        CorsPolicy d = defaultPolicy;
        if (r == null && v == null && d == null) {
            return null;
        }
        // Fetch 3.2.5: a response whose access-control-allow-origin depends on Origin says so to caches, whether or not
        // this request had one, so a cached non-CORS response is never served to a CORS request
        request.addResponseHeader("vary", "origin");
        String origin = request.header("origin");
        if (origin == null || origin.isEmpty()) {
            return null; // not a CORS request; Envoy leaves it out of the stats
        }
        List<OriginMatcher> origins = r != null && r.allowOrigins() != null ? r.allowOrigins()
                : v != null && v.allowOrigins() != null ? v.allowOrigins()
                : d != null && d.allowOrigins() != null ? d.allowOrigins() : List.of();
        boolean allowed = OriginMatcher.anyMatches(origins, origin);
        (allowed ? originValid : originInvalid).increment();
        boolean credentials = Boolean.TRUE.equals(first(r == null ? null : r.allowCredentials(),
                v == null ? null : v.allowCredentials(), d == null ? null : d.allowCredentials()));
        String requestedMethod = request.header("access-control-request-method");
        // Fetch 3.2.2: a CORS-preflight request is OPTIONS with Origin and Access-Control-Request-Method
        if ("OPTIONS".equals(request.method()) && requestedMethod != null && !requestedMethod.isEmpty()) {
            if (!allowed) {
                // Envoy forwards it untouched by default: the upstream may know the origin; the browser fails the
                // preflight anyway unless someone allows it
                Boolean forward = first(r == null ? null : r.forwardNotMatchingPreflights(),
                        v == null ? null : v.forwardNotMatchingPreflights(),
                        d == null ? null : d.forwardNotMatchingPreflights());
                if (forward == null || forward) {
                    return null;
                }
                preflight.increment();
                return PREFLIGHT_NOT_ALLOWED;
            }
            preflight.increment();
            return preflightReply(request, origin, requestedMethod, credentials, r, v, d);
        }
        if (!allowed) {
            return null;
        }
        // set, not add: an upstream that answers CORS itself must not make the header two-valued, which browsers refuse
        request.setResponseHeader("access-control-allow-origin", origin);
        if (credentials) {
            request.setResponseHeader("access-control-allow-credentials", "true");
        }
        String expose = first(r == null ? null : r.exposeHeaders(), v == null ? null : v.exposeHeaders(),
                d == null ? null : d.exposeHeaders());
        if (expose != null) {
            request.setResponseHeader("access-control-expose-headers", expose);
        }
        return null;
    }

    /**
     * The proxy's own 200 to an allowed preflight (Fetch 3.2.3): the origin echoed (never {@code *}, which a
     * credentialed request may not get), the allowed methods and headers ({@code *} in the policy echoes the
     * requested ones, as Envoy does, which also works with credentials), and how long the browser may cache it.
     */
    private static LocalReply preflightReply(FilterRequest request, String origin, String requestedMethod,
                                             boolean credentials, CorsPolicy r, CorsPolicy v, CorsPolicy d) {
        List<String[]> h = new ArrayList<>(5);
        h.add(new String[] {"access-control-allow-origin", origin});
        if (credentials) {
            h.add(new String[] {"access-control-allow-credentials", "true"});
        }
        String methods = first(r == null ? null : r.allowMethods(), v == null ? null : v.allowMethods(),
                d == null ? null : d.allowMethods());
        if (methods != null) {
            h.add(new String[] {"access-control-allow-methods", methods.equals("*") ? requestedMethod : methods});
        }
        String headers = first(r == null ? null : r.allowHeaders(), v == null ? null : v.allowHeaders(),
                d == null ? null : d.allowHeaders());
        if (headers != null && headers.equals("*")) {
            headers = request.header("access-control-request-headers");
        }
        if (headers != null && !headers.isEmpty()) {
            h.add(new String[] {"access-control-allow-headers", headers});
        }
        String maxAge = first(r == null ? null : r.maxAge(), v == null ? null : v.maxAge(),
                d == null ? null : d.maxAge());
        if (maxAge != null) {
            h.add(new String[] {"access-control-max-age", maxAge});
        }
        return new LocalReply(200, "", null, h, ResponseFlag.NONE, PREFLIGHT_DETAIL);
    }

    private static CorsPolicy policy(PerFilterConfig c) {
        return c == null || c.disabled() || !(c.config() instanceof CorsPolicy p) ? null : p;
    }

    private static <T> T first(T a, T b, T c) {
        return a != null ? a : b != null ? b : c;
    }
}
