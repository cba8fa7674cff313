package dev.weft.core.filter;

import dev.weft.core.router.HeaderPlan;
import java.util.List;

/**
 * What a chain's header changes make of a request's header plans, the same for HTTP/1.1 and HTTP/2.
 *
 * @param request  the mutations of the request sent upstream: the filters' in front of the route's
 * @param response the mutations of the response sent downstream: the filters' with the route's
 * @param reply    the filters' response headers alone, for replies the proxy makes itself; null when none
 */
public record FilterPlans(HeaderPlan request, HeaderPlan response, HeaderPlan reply) {

    /** The plans after {@code fr}'s changes; the route's own plans when the filters changed no header. */
    public static FilterPlans of(FilterRequest fr, HeaderPlan request, HeaderPlan response) {
        if (!fr.mutated()) {
            return new FilterPlans(request, response, null);
        }
        List<String[]> set = fr.responseHeadersSet();
        List<String[]> added = fr.responseHeadersAdded();
        return new FilterPlans(request.with(fr.requestHeadersDropped(), fr.requestHeadersSet(), List.of()),
                response.with(List.of(), set, added),
                added.isEmpty() && set.isEmpty() ? null : HeaderPlan.EMPTY.with(List.of(), set, added));
    }
}
