package dev.weft.core.filter.jwt;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.StatName;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.stats.StatDescriptor;

/**
 * {@code http.<stat_prefix>.jwt_authn.*}: the jwt_authn filter's counters (Envoy's names where Envoy has them), and
 * the per-provider ones {@code http.<stat_prefix>.jwt_authn.<provider>.allowed|denied}, which Prometheus sees as
 * {@code weft_http_jwt_authn_provider_allowed{http_conn_manager_prefix="...",jwt_provider="..."}}.
 */
enum JwtStat implements StatDescriptor {
    ALLOWED(StatDescriptor.counter("jwt_authn.allowed", "Requests the jwt_authn filter let through.")),
    DENIED(StatDescriptor.counter("jwt_authn.denied", "Requests the jwt_authn filter answered with 401 or 403.")),
    JWKS_FETCH_SUCCESS(StatDescriptor.counter("jwt_authn.jwks_fetch_success", "Remote JWKS fetches that succeeded.")),
    JWKS_FETCH_FAILED(StatDescriptor.counter("jwt_authn.jwks_fetch_failed",
            "Remote JWKS fetches that failed (the last good keys stay in use).")),
    JWT_CACHE_HIT(StatDescriptor.counter("jwt_authn.jwt_cache_hit", "Tokens found in the verified-token cache.")),
    JWT_CACHE_MISS(StatDescriptor.counter("jwt_authn.jwt_cache_miss", "Tokens verified in full (not cached).")),
    CLAIM_TO_HEADER_INVALID(StatDescriptor.counter("jwt_authn.claim_to_header_invalid",
            "claim_to_headers values not sent because they are not valid header values.")),
    PROVIDER_ALLOWED(StatDescriptor.counter("jwt_authn.<provider>.allowed", "Tokens the provider verified.")),
    PROVIDER_DENIED(StatDescriptor.counter("jwt_authn.<provider>.denied", "Tokens the provider rejected."));

    private final Spec spec;

    JwtStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }

    /** The filter-wide counter of this stat (not the per-provider ones). */
    Counter counter(FilterContext context) {
        return context.counter(suffix(), help());
    }

    /** A per-provider counter: flat {@code http.<prefix>.jwt_authn.<provider>.<x>}, the provider as a label. */
    Counter counter(FilterContext context, String provider) {
        String last = this == PROVIDER_ALLOWED ? "allowed" : "denied";
        StatName name = new StatName("http." + context.statPrefix() + ".jwt_authn." + provider + "." + last,
                StatName.PROMETHEUS_PREFIX + "http_jwt_authn_provider_" + last,
                java.util.List.of("http_conn_manager_prefix", "jwt_provider"),
                java.util.List.of(context.statPrefix(), provider));
        return context.stats().counter(name, help());
    }
}
