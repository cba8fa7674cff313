package dev.weft.core.filter.ratelimit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One token bucket, lock-free and allocation-free: its whole state is one {@code long} changed only by
 * compare-and-set, so a token can never be taken twice and no request ever waits for another.
 *
 * <pre>
 *  63                                          24 23                  0
 * +----------------------------------------------+---------------------+
 * | fill index of the state (40 bits)            | tokens left (24)    |
 * +----------------------------------------------+---------------------+
 * </pre>
 *
 * The fill index counts whole fill intervals since the owning {@link Limiter}'s epoch (2^40 intervals of the minimum
 * 50 ms are 1,700 years, so it cannot wrap). Refill is lazy and in whole intervals, Envoy's semantics: a state written
 * at index {@code f0} with {@code t} tokens holds {@code min(max_tokens, t + (f - f0) * tokens_per_fill)} at index
 * {@code f}. Because the index, not a time stamp, is stored, every bucket of a limiter refills at the same instants,
 * as Envoy's one fill timer does.
 *
 * <p>Contract. Writers: any number of request threads, each through one CAS of the whole word after computing the
 * refilled state from its own read, plus the sweeper of {@link KeyedBuckets}, which CASes a full bucket to
 * {@link #RETIRED} (terminal: nothing writes after it). Readers: the same threads, with a volatile read. The word
 * publishes nothing but itself, so the volatile read and CAS are all the ordering needed. A thread whose clock reading
 * is older than the stored index (it was descheduled between reading the clock and reading the word) treats the
 * stored state as current and never moves the index back. A refused acquire writes nothing, so an exhausted bucket
 * under load costs readers only a shared cache line, no CAS traffic.
 */
public final class TokenBucket {
    static final int TOKEN_BITS = 24;
    private static final long TOKEN_MASK = (1L << TOKEN_BITS) - 1;
    /**
     * The state of a bucket the sweeper removed from its map: callers look the key up again. As a packed state it
     * would be fill index 2^40 - 1, which no limit reaches.
     */
    private static final long RETIRED_STATE = -1L;

    /** {@link #tryAcquire} result: no token left. */
    public static final long EMPTY = -1;
    /** {@link #tryAcquire} result: the bucket was retired by the sweeper; look it up again. */
    public static final long RETIRED = -2;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TokenBucket.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    /** A full bucket at fill index {@code fillIndex}. */
    public TokenBucket(BucketSpec spec, long fillIndex) {
        state = pack(fillIndex, spec.maxTokens());
    }

    /**
     * Takes one token at fill index {@code fillIndex}.
     *
     * @return the tokens left after taking one (0 or more), {@link #EMPTY} when there was none, or {@link #RETIRED}
     */
    public long tryAcquire(BucketSpec spec, long fillIndex) {
        while (true) {
            long s = (long) STATE.getVolatile(this);
            if (s == RETIRED_STATE) {
                return RETIRED;
            }
            long index = s >>> TOKEN_BITS;
            long tokens = s & TOKEN_MASK;
            if (fillIndex > index) {
                tokens = refilled(spec, tokens, fillIndex - index);
                index = fillIndex;
            }
            if (tokens == 0) {
                return EMPTY; // only possible with index unchanged: nothing to write
            }
            if (STATE.compareAndSet(this, s, pack(index, tokens - 1))) {
                return tokens - 1;
            }
        }
    }

    /** The tokens the bucket holds at {@code fillIndex}, without taking any; 0 for a retired bucket. */
    public long available(BucketSpec spec, long fillIndex) {
        long s = (long) STATE.getVolatile(this);
        if (s == RETIRED_STATE) {
            return 0;
        }
        long index = s >>> TOKEN_BITS;
        long tokens = s & TOKEN_MASK;
        return fillIndex > index ? refilled(spec, tokens, fillIndex - index) : tokens;
    }

    /**
     * Retires the bucket if it is full at {@code fillIndex}: a full bucket is indistinguishable from a new one, so
     * dropping it loses nothing. A request that took a token in between makes the CAS fail and the bucket stays.
     */
    boolean retireIfFull(BucketSpec spec, long fillIndex) {
        long s = (long) STATE.getVolatile(this);
        if (s == RETIRED_STATE) {
            return false;
        }
        long index = s >>> TOKEN_BITS;
        long tokens = s & TOKEN_MASK;
        if (fillIndex > index) {
            tokens = refilled(spec, tokens, fillIndex - index);
        }
        return tokens == spec.maxTokens() && STATE.compareAndSet(this, s, RETIRED_STATE);
    }

    private static long refilled(BucketSpec spec, long tokens, long fills) {
        if (fills >= spec.fillsToFull()) {
            return spec.maxTokens(); // also keeps fills * tokens_per_fill from overflowing after a long idle time
        }
        return Math.min(spec.maxTokens(), tokens + fills * spec.tokensPerFill());
    }

    private static long pack(long fillIndex, long tokens) {
        return fillIndex << TOKEN_BITS | tokens;
    }
}
