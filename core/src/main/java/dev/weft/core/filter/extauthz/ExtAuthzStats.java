package dev.weft.core.filter.extauthz;

import dev.weft.admin.stats.Counter;
import dev.weft.core.filter.FilterContext;

/**
 * The filter's counters, Envoy's {@code http.<stat_prefix>.ext_authz.*}: resolved once when the filter is built,
 * incremented lock-free on the request path. Several ext_authz filters of one listener share them, as in Envoy
 * without a filter {@code stat_prefix}.
 */
record ExtAuthzStats(Counter ok, Counter denied, Counter error, Counter timeout, Counter failureModeAllowed) {

    static ExtAuthzStats of(FilterContext context) {
        return new ExtAuthzStats(
                context.counter("ext_authz.ok", "Requests the authorization server allowed"),
                context.counter("ext_authz.denied", "Requests the authorization server denied"),
                context.counter("ext_authz.error", "Authorization calls that failed (unreachable, timed out, "
                        + "invalid or 5xx response)"),
                context.counter("ext_authz.timeout", "Authorization calls that timed out (also counted in error)"),
                context.counter("ext_authz.failure_mode_allowed", "Failed authorization calls whose request was "
                        + "let through by failure_mode_allow"));
    }
}
