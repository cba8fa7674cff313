package dev.weft.core.filter;

/**
 * One HTTP filter of a listener's chain, built once per config snapshot and shared by every request of that listener:
 * it keeps per-request state only in the {@link FilterRequest}.
 *
 * <p>{@link #onRequest} runs on the request's own virtual thread once the request head has arrived and the route is
 * known, in chain order, before the router acts. It may block (a JWKS fetch, an external authorization call): blocking
 * is the programming model. It returns {@code null} to let the request continue to the next filter, or a
 * {@link LocalReply} that ends the request at once (the remaining filters and the router are skipped). Headers it
 * sets through the request go upstream; response headers it adds go on whatever response the client gets, local
 * replies included.
 */
public interface HttpFilter {

    /**
     * @param request     the request, its connection and its route
     * @param routeConfig this filter's per-route (or per-virtual-host) override of the matched route, parsed by its
     *                    factory; null when the route has none
     * @return null to continue, or the reply that ends the request
     */
    LocalReply onRequest(FilterRequest request, Object routeConfig);

    /**
     * Called instead of {@link #onRequest} when the route disables this filter. A filter whose request headers the
     * upstream trusts (claims of a verified token, say) removes copies a client sent here, so that disabling it on a
     * route does not let clients forge them there.
     */
    default void onSkipped(FilterRequest request) {
    }
}
