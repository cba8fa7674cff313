package dev.weft.core.filter.ratelimit;

import dev.weft.core.stats.StatDescriptor;

/**
 * {@code http.<listener stat_prefix>.[<filter stat_prefix>.]local_rate_limit.*}: Envoy's local rate limit stats
 * ({@code enabled}, {@code enforced}, {@code rate_limited}, {@code ok}) and the bucket table's overflow.
 */
public enum RateLimitStat implements StatDescriptor {
    ENABLED(StatDescriptor.counter("local_rate_limit.enabled",
            "Requests checked against a local rate limit bucket (filter_enabled sampled them in).")),
    OK(StatDescriptor.counter("local_rate_limit.ok", "Checked requests that got a token.")),
    RATE_LIMITED(StatDescriptor.counter("local_rate_limit.rate_limited",
            "Checked requests that found their bucket empty, enforced or not.")),
    ENFORCED(StatDescriptor.counter("local_rate_limit.enforced",
            "Over-limit requests refused with 429 (filter_enforced sampled them in).")),
    BUCKET_OVERFLOW(StatDescriptor.counter("local_rate_limit.bucket_overflow",
            "Requests of a new key that found max_buckets busy buckets and used the shared overflow bucket."));

    private final Spec spec;

    RateLimitStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
