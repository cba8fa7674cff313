package dev.weft.core.filter.ratelimit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The buckets of one limiter keyed by descriptor value (an API key, a client address), bounded to
 * {@code max_buckets}. A key's bucket is made full on its first request. When the table is full, buckets that are
 * full again (idle long enough to have refilled) are swept out: a full bucket equals a new one, so eviction never
 * changes a decision. If every bucket is still in use, a new key shares one overflow bucket until a sweep frees a
 * slot, so a flood of fresh keys can neither grow memory nor reset the limits of keys already tracked.
 *
 * <p>Thread-safe: lookups are a {@link ConcurrentHashMap} read; the slot count is reserved by CAS before a bucket is
 * inserted, so the table never holds more than {@code max_buckets}; a sweep runs at most once per fill interval (no
 * bucket can become full between two fills, since refills happen only at interval boundaries) on the thread that
 * first needs a slot, so a table full of busy keys costs a request two reads, not a scan.
 */
final class KeyedBuckets {
    private final BucketSpec spec;
    private final int maxBuckets;
    private final ConcurrentHashMap<String, TokenBucket> buckets;
    /** Buckets in the map or about to be inserted; written by CAS, never above maxBuckets. */
    private final AtomicInteger slots = new AtomicInteger();
    /** The first fill index at which the next sweep may run: one sweep per interval. */
    private final AtomicLong nextSweep = new AtomicLong(1);
    private final TokenBucket overflow;

    KeyedBuckets(BucketSpec spec, int maxBuckets, long fillIndex) {
        this.spec = spec;
        this.maxBuckets = maxBuckets;
        this.buckets = new ConcurrentHashMap<>(Math.min(maxBuckets, 1024));
        this.overflow = new TokenBucket(spec, fillIndex);
    }

    /** The bucket of {@code key} at fill index {@code fillIndex}: its own, or the overflow bucket. */
    TokenBucket bucket(String key, long fillIndex) {
        TokenBucket b = buckets.get(key);
        return b != null ? b : add(key, fillIndex);
    }

    /** The bucket keys share when the table has no free slot. */
    TokenBucket overflow() {
        return overflow;
    }

    private TokenBucket add(String key, long fillIndex) {
        if (!reserve() && !(sweep(fillIndex) && reserve())) {
            return overflow;
        }
        TokenBucket fresh = new TokenBucket(spec, fillIndex);
        TokenBucket prior = buckets.putIfAbsent(key, fresh);
        if (prior != null) {
            slots.decrementAndGet(); // another request of the same key inserted first
            return prior;
        }
        return fresh;
    }

    private boolean reserve() {
        while (true) {
            int n = slots.get();
            if (n >= maxBuckets) {
                return false;
            }
            if (slots.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Drops the buckets that are full at {@code fillIndex}, if no sweep ran in this interval; true if any went. */
    boolean sweep(long fillIndex) {
        long next = nextSweep.get();
        if (fillIndex < next || !nextSweep.compareAndSet(next, fillIndex + 1)) {
            return false;
        }
        int freed = 0;
        for (Map.Entry<String, TokenBucket> e : buckets.entrySet()) {
            TokenBucket b = e.getValue();
            // retire first: a request that still holds the bucket then sees RETIRED and looks the key up again
            if (b.retireIfFull(spec, fillIndex) && buckets.remove(e.getKey(), b)) {
                slots.decrementAndGet();
                freed++;
            }
        }
        return freed > 0;
    }

    /** Buckets held now. */
    int size() {
        return slots.get();
    }
}
