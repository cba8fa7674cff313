package dev.weft.core.filter.ratelimit;

/**
 * One limit: a bucket shape, an optional descriptor splitting it into per-key buckets, and the share of requests it
 * checks and enforces. The listener's filter has at most one; each route or virtual host that overrides it
 * ({@code per_filter_config}) has its own, and gets its own buckets. Immutable; deliberately not a record: two
 * routes with equal settings must still have separate buckets, so identity is the key of a limit's buckets.
 *
 * @see LocalRateLimitFilter
 */
public final class LimitPolicy {
    private final BucketSpec bucket;
    private final Descriptor descriptor;
    private final int maxBuckets;
    private final int enabledPercent;
    private final int enforcedPercent;
    /** Where it was configured, for logs: {@code listener} or the path of the per-route override. */
    private final String origin;

    public LimitPolicy(BucketSpec bucket, Descriptor descriptor, int maxBuckets, int enabledPercent,
                       int enforcedPercent, String origin) {
        this.bucket = bucket;
        this.descriptor = descriptor;
        this.maxBuckets = maxBuckets;
        this.enabledPercent = enabledPercent;
        this.enforcedPercent = enforcedPercent;
        this.origin = origin;
    }

    /** The bucket shape, or null for a listener filter without its own limit (only routes that give one). */
    public BucketSpec bucket() {
        return bucket;
    }

    /** The descriptor, or null: one bucket for every request. */
    public Descriptor descriptor() {
        return descriptor;
    }

    public int maxBuckets() {
        return maxBuckets;
    }

    /** Percent of requests checked against the bucket (Envoy's {@code filter_enabled}). */
    public int enabledPercent() {
        return enabledPercent;
    }

    /** Percent of over-limit requests refused; the others are only counted (Envoy's {@code filter_enforced}). */
    public int enforcedPercent() {
        return enforcedPercent;
    }

    public String origin() {
        return origin;
    }

    @Override
    public String toString() {
        return "LimitPolicy[" + origin + " " + bucket + " " + descriptor + "]";
    }
}
