package dev.weft.core.filter.ratelimit;

/**
 * The shape of a token bucket, Envoy's {@code token_bucket}: it holds at most {@link #maxTokens} and gains
 * {@link #tokensPerFill} at the end of every whole {@link #fillIntervalNanos}. Immutable.
 */
public record BucketSpec(long maxTokens, long tokensPerFill, long fillIntervalNanos) {
    /** The bucket packs its token count into 24 bits of one word (see {@link TokenBucket}). */
    public static final long MAX_TOKENS = (1L << TokenBucket.TOKEN_BITS) - 1;
    /** Envoy's lower bound on {@code fill_interval}: refilling more often only burns CPU. */
    public static final long MIN_FILL_INTERVAL_NANOS = 50_000_000L;
    /**
     * A local bucket restarts full on every restart and config reload, so a window longer than a day is not one it
     * can keep; such quotas belong to a global rate limit service.
     */
    public static final long MAX_FILL_INTERVAL_NANOS = 24L * 3600 * 1_000_000_000L;

    public BucketSpec {
        if (maxTokens < 1 || maxTokens > MAX_TOKENS || tokensPerFill < 1 || tokensPerFill > MAX_TOKENS
                || fillIntervalNanos < 1 || fillIntervalNanos > MAX_FILL_INTERVAL_NANOS) {
            throw new IllegalArgumentException("bucket " + maxTokens + "/" + tokensPerFill + "/" + fillIntervalNanos);
        }
    }

    /** Fills after which an empty bucket is full again: more fills than this cannot add anything. */
    long fillsToFull() {
        return (maxTokens + tokensPerFill - 1) / tokensPerFill;
    }
}
