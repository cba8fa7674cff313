package dev.weft.core.filter.ratelimit;

import dev.weft.admin.stats.Counter;

/**
 * The buckets of one {@link LimitPolicy}: a shared bucket for requests without a key, and per-key buckets when the
 * policy has a descriptor. Every bucket refills at the same instants, whole fill intervals after the limiter's
 * epoch. Thread-safe and lock-free; {@link #acquire} allocates only when it meets a new key.
 */
public final class Limiter {
    private final LimitPolicy policy;
    private final BucketSpec spec;
    private final long epochNanos;
    private final long intervalNanos;
    private final TokenBucket shared;
    private final KeyedBuckets keyed;
    private final Counter overflow;

    /**
     * @param nowNanos the monotonic clock now: the epoch of the fill intervals
     * @param overflow counts requests whose new key found the bucket table full, or null
     */
    public Limiter(LimitPolicy policy, long nowNanos, Counter overflow) {
        this.policy = policy;
        this.spec = policy.bucket();
        this.epochNanos = nowNanos;
        this.intervalNanos = spec.fillIntervalNanos();
        this.shared = new TokenBucket(spec, 0);
        this.keyed = policy.descriptor() == null ? null : new KeyedBuckets(spec, policy.maxBuckets(), 0);
        this.overflow = overflow;
    }

    public LimitPolicy policy() {
        return policy;
    }

    /** Whole fill intervals since the epoch; a clock read taken just before the epoch counts as interval 0. */
    public long fillIndex(long nowNanos) {
        long elapsed = nowNanos - epochNanos;
        return elapsed <= 0 ? 0 : elapsed / intervalNanos;
    }

    /**
     * Takes a token from the bucket of {@code key} (null: the shared bucket).
     *
     * @return the tokens left in it (0 or more), or {@link TokenBucket#EMPTY} when the request is over the limit
     */
    public long acquire(String key, long nowNanos) {
        long f = fillIndex(nowNanos);
        while (true) {
            TokenBucket b = key == null || keyed == null ? shared : keyed.bucket(key, f);
            if (overflow != null && keyed != null && b == keyed.overflow()) {
                overflow.increment();
            }
            long left = b.tryAcquire(spec, f);
            if (left != TokenBucket.RETIRED) {
                return left;
            }
            Thread.onSpinWait(); // swept just now: the key's next lookup finds no bucket and makes a full one
        }
    }

    /** Seconds until the next fill, rounded up (x-ratelimit-reset); at least 1. */
    public long resetSeconds(long nowNanos) {
        long next = epochNanos + (fillIndex(nowNanos) + 1) * intervalNanos;
        long left = Math.max(next - nowNanos, 1);
        return (left + 999_999_999L) / 1_000_000_000L;
    }

    /** Per-key buckets held now; 0 without a descriptor. */
    int keyedBuckets() {
        return keyed == null ? 0 : keyed.size();
    }
}
