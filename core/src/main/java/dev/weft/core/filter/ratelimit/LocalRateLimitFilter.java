package dev.weft.core.filter.ratelimit;

import dev.weft.admin.stats.Counter;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.proxy.ResponseFlag;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Local rate limiting, Envoy's {@code local_ratelimit} HTTP filter: each request takes a token from its bucket (the
 * listener's, its route's or virtual host's own, split per key by a descriptor); with none left it gets a 429
 * {@code local_rate_limited} with response flag {@code RL}. Buckets live in this process only and start full with
 * every config snapshot.
 *
 * <p>Shared by every request of a listener. The hot path is a bucket lookup (a map read when keyed) and one CAS; a
 * route's limiter is made on its first request and kept for the snapshot's life.
 */
final class LocalRateLimitFilter implements HttpFilter {
    /** Envoy's reply body and response code detail. */
    static final String LIMITED_DETAIL = "local_rate_limited";
    private static final LocalReply LIMITED = LocalReply.text(429, LIMITED_DETAIL, ResponseFlag.RL, LIMITED_DETAIL);

    private final LocalRateLimitConfig config;
    private final LongSupplier clock;
    /** The listener's limiter, or null when only routes give limits. */
    private final Limiter listenerLimiter;
    /** The limiters of per-route and per-virtual-host overrides, by policy identity. */
    private final ConcurrentHashMap<LimitPolicy, Limiter> routeLimiters = new ConcurrentHashMap<>();
    private final Counter enabled;
    private final Counter ok;
    private final Counter rateLimited;
    private final Counter enforced;
    private final Counter overflow;

    /** @param clock the monotonic clock in nanoseconds ({@code System::nanoTime}) */
    LocalRateLimitFilter(LocalRateLimitConfig config, FilterContext context, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
        String prefix = config.statPrefix() == null ? "" : config.statPrefix() + ".";
        this.enabled = counter(context, prefix, RateLimitStat.ENABLED);
        this.ok = counter(context, prefix, RateLimitStat.OK);
        this.rateLimited = counter(context, prefix, RateLimitStat.RATE_LIMITED);
        this.enforced = counter(context, prefix, RateLimitStat.ENFORCED);
        this.overflow = counter(context, prefix, RateLimitStat.BUCKET_OVERFLOW);
        LimitPolicy p = config.policy();
        this.listenerLimiter = p.bucket() == null ? null : new Limiter(p, clock.getAsLong(), overflow);
    }

    private static Counter counter(FilterContext context, String prefix, RateLimitStat stat) {
        return context.counter(prefix + stat.suffix(), stat.help());
    }

    @Override
    public LocalReply onRequest(FilterRequest request, Object routeConfig) {
        Limiter limiter = routeConfig instanceof LimitPolicy p ? routeLimiter(p) : listenerLimiter;
        if (limiter == null) {
            return null;
        }
        LimitPolicy policy = limiter.policy();
        if (!sampled(policy.enabledPercent())) {
            return null;
        }
        enabled.increment();
        String key = policy.descriptor() == null ? null : policy.descriptor().key(request);
        long now = clock.getAsLong();
        long left = limiter.acquire(key, now);
        if (config.xRateLimitHeaders()) {
            // draft-polli-ratelimit-headers-03, as Envoy's enable_x_ratelimit_headers: DRAFT_VERSION_03
            request.addResponseHeader("x-ratelimit-limit", Long.toString(policy.bucket().maxTokens()));
            request.addResponseHeader("x-ratelimit-remaining", Long.toString(Math.max(left, 0)));
            request.addResponseHeader("x-ratelimit-reset", Long.toString(limiter.resetSeconds(now)));
        }
        if (left >= 0) {
            ok.increment();
            return null;
        }
        rateLimited.increment();
        String bucket = policy.descriptor() == null ? "shared" : policy.descriptor().describe(key);
        request.metadata("local_rate_limit:bucket", bucket);
        boolean enforce = sampled(policy.enforcedPercent());
        request.decision("ratelimit:" + (enforce ? "limited" : "over_limit_not_enforced") + " bucket=" + bucket
                + " limit=" + policy.origin());
        if (!enforce) {
            return null;
        }
        enforced.increment();
        return LIMITED;
    }

    private Limiter routeLimiter(LimitPolicy p) {
        Limiter l = routeLimiters.get(p);
        return l != null ? l : routeLimiters.computeIfAbsent(p, k -> new Limiter(k, clock.getAsLong(), overflow));
    }

    /** True for {@code percent} of calls: Envoy's runtime fractional percent with a fixed value. */
    private static boolean sampled(int percent) {
        return percent >= 100 || percent > 0 && ThreadLocalRandom.current().nextInt(100) < percent;
    }
}
