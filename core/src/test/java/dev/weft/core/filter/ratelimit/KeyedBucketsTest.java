package dev.weft.core.filter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Per-key buckets: isolation, the bound on the table, sweeping full buckets, and sweeping under concurrent use. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KeyedBucketsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachKeyHasItsOwnBucket() {
        Limiter l = new Limiter(TokenBucketTest.policy(new BucketSpec(2, 2, SECOND),
                new Descriptor(Descriptor.Kind.HEADER, "x-api-key")), 0, null);
        assertEquals(1, l.acquire("alice", 0));
        assertEquals(0, l.acquire("alice", 0));
        assertEquals(TokenBucket.EMPTY, l.acquire("alice", 0));
        assertEquals(1, l.acquire("bob", 0), "bob is not limited by alice's use");
        assertEquals(1, l.acquire(null, 0), "a request without the key uses the shared bucket");
        assertEquals(0, l.acquire(null, 0));
        assertEquals(TokenBucket.EMPTY, l.acquire(null, 0));
        assertEquals(2, l.keyedBuckets());
    }

    @Test
    void aFullTableSendsNewKeysToTheOverflowBucketAndNeverGrows() {
        BucketSpec spec = new BucketSpec(3, 1, SECOND);
        KeyedBuckets k = new KeyedBuckets(spec, 2, 0);
        TokenBucket a = k.bucket("a", 0);
        TokenBucket b = k.bucket("b", 0);
        a.tryAcquire(spec, 0);
        b.tryAcquire(spec, 0);
        assertSame(k.overflow(), k.bucket("c", 0), "interval 0: nothing can have refilled, no sweep");
        assertSame(k.overflow(), k.bucket("d", 0));
        assertEquals(2, k.size());
        assertSame(a, k.bucket("a", 0));
    }

    @Test
    void aSweepDropsOnlyBucketsThatRefilledToFull() {
        BucketSpec spec = new BucketSpec(3, 1, SECOND);
        KeyedBuckets k = new KeyedBuckets(spec, 2, 0);
        TokenBucket idle = k.bucket("idle", 0);
        TokenBucket busy = k.bucket("busy", 0);
        idle.tryAcquire(spec, 0); // 2 left: full again after one fill
        busy.tryAcquire(spec, 0);
        busy.tryAcquire(spec, 0);
        busy.tryAcquire(spec, 0); // 0 left: still 1 short of full after one fill
        TokenBucket fresh = k.bucket("new", 1);
        assertNotSame(k.overflow(), fresh, "the idle bucket was swept to make room");
        assertEquals(2, fresh.tryAcquire(spec, 1));
        assertSame(busy, k.bucket("busy", 1), "the busy bucket kept its state");
        assertEquals(0, busy.tryAcquire(spec, 1));
        assertEquals(TokenBucket.RETIRED, idle.tryAcquire(spec, 1));
        assertEquals(2, k.size());
    }

    @Test
    void atMostOneSweepPerInterval() {
        BucketSpec spec = new BucketSpec(1, 1, SECOND);
        KeyedBuckets k = new KeyedBuckets(spec, 1, 0);
        k.bucket("a", 0).tryAcquire(spec, 0);
        assertEquals(false, k.sweep(0), "no sweep in the first interval");
        assertEquals(true, k.sweep(1));
        k.bucket("b", 1).tryAcquire(spec, 1);
        assertSame(k.overflow(), k.bucket("c", 1), "b is busy and the interval's sweep already ran");
        assertNotSame(k.overflow(), k.bucket("c", 2), "the next interval's sweep finds b full again");
    }

    @Test
    void concurrentUseOfManyKeysKeepsTheBoundAndEachKeysLimit() throws Exception {
        BucketSpec spec = new BucketSpec(5, 5, SECOND);
        int maxBuckets = 16;
        Limiter l = new Limiter(new LimitPolicy(spec, new Descriptor(Descriptor.Kind.HEADER, "k"), maxBuckets, 100,
                100, "test"), 0, null);
        ConcurrentHashMap<String, AtomicInteger> grantedPerKeyAndInterval = new ConcurrentHashMap<>();
        AtomicInteger maxSeen = new AtomicInteger();
        // 4 intervals; in each, 8 threads hammer 64 keys (more than the table holds), so sweeps and retirements race
        // with acquires
        for (long f = 0; f < 4; f++) {
            long now = f * SECOND;
            TokenBucketTest.runConcurrently(8, () -> {
                for (int i = 0; i < 4_000; i++) {
                    String key = "key" + (i * 7 % 64);
                    long left = l.acquire(key, now);
                    if (left >= 0) {
                        grantedPerKeyAndInterval.computeIfAbsent(key + "@" + now, x -> new AtomicInteger())
                                .incrementAndGet();
                    }
                    maxSeen.accumulateAndGet(l.keyedBuckets(), Math::max);
                }
            });
        }
        assertTrue(maxSeen.get() <= maxBuckets, "table held " + maxSeen.get());
        // Refills happen only at interval boundaries, so a bucket full at a sweep granted nothing yet in that
        // interval: a key gets at most one own bucket's 5 per interval, plus what it won of the overflow bucket's 5.
        // An interval sees at most the 16 tracked buckets plus 16 freed by its one sweep, and the overflow bucket.
        for (long f = 0; f < 4; f++) {
            long total = 0;
            for (var e : grantedPerKeyAndInterval.entrySet()) {
                if (e.getKey().endsWith("@" + f * SECOND)) {
                    total += e.getValue().get();
                    assertTrue(e.getValue().get() <= 10, e.getKey() + " granted " + e.getValue().get());
                }
            }
            assertTrue(total <= 5L * 2 * maxBuckets + 5, "interval " + f + " granted " + total);
            assertTrue(total >= 5L * maxBuckets, "interval " + f + " granted only " + total);
        }
    }
}
