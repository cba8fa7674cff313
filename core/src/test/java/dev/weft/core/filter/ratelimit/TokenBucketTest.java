package dev.weft.core.filter.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bucket arithmetic with the clock given by the test: whole-interval refills, caps, stale clocks, races. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void startsFullAndGivesExactlyMaxTokens() {
        BucketSpec spec = new BucketSpec(5, 5, SECOND);
        TokenBucket b = new TokenBucket(spec, 0);
        for (long left = 4; left >= 0; left--) {
            assertEquals(left, b.tryAcquire(spec, 0));
        }
        assertEquals(TokenBucket.EMPTY, b.tryAcquire(spec, 0));
        assertEquals(TokenBucket.EMPTY, b.tryAcquire(spec, 0));
    }

    @Test
    void refillsTokensPerFillAtEachWholeInterval() {
        BucketSpec spec = new BucketSpec(10, 3, SECOND);
        TokenBucket b = new TokenBucket(spec, 0);
        drain(b, spec, 0);
        assertEquals(3, b.available(spec, 1));
        assertEquals(2, b.tryAcquire(spec, 1));
        assertEquals(1, b.tryAcquire(spec, 1));
        assertEquals(0, b.tryAcquire(spec, 1));
        assertEquals(TokenBucket.EMPTY, b.tryAcquire(spec, 1));
        assertEquals(6, b.available(spec, 3), "two more fills of 3");
        assertEquals(10, b.available(spec, 100), "never above max_tokens");
    }

    @Test
    void aVeryLongIdleTimeFillsWithoutOverflow() {
        BucketSpec spec = new BucketSpec(BucketSpec.MAX_TOKENS, BucketSpec.MAX_TOKENS, 50_000_000L);
        TokenBucket b = new TokenBucket(spec, 0);
        assertEquals(BucketSpec.MAX_TOKENS - 1, b.tryAcquire(spec, 0));
        long farFuture = 1L << 39; // about 870 years of 50 ms intervals
        assertEquals(BucketSpec.MAX_TOKENS - 1, b.tryAcquire(spec, farFuture));
        assertEquals(BucketSpec.MAX_TOKENS - 2, b.tryAcquire(spec, farFuture));
    }

    @Test
    void aStaleClockReadingNeitherRefillsNorMovesTheIndexBack() {
        BucketSpec spec = new BucketSpec(4, 1, SECOND);
        TokenBucket b = new TokenBucket(spec, 0);
        drain(b, spec, 5);
        assertEquals(TokenBucket.EMPTY, b.tryAcquire(spec, 3), "a thread that read the clock at interval 3");
        assertEquals(0, b.tryAcquire(spec, 6), "one fill since interval 5, not three since 3");
        assertEquals(TokenBucket.EMPTY, b.tryAcquire(spec, 6));
    }

    @Test
    void onlyAFullBucketRetiresAndARetiredOneAsksForALookup() {
        BucketSpec spec = new BucketSpec(2, 1, SECOND);
        TokenBucket b = new TokenBucket(spec, 0);
        assertEquals(1, b.tryAcquire(spec, 0));
        assertFalse(b.retireIfFull(spec, 0), "one token used");
        assertTrue(b.retireIfFull(spec, 1), "refilled to full at the next interval");
        assertFalse(b.retireIfFull(spec, 1), "retired once");
        assertEquals(TokenBucket.RETIRED, b.tryAcquire(spec, 1));
        assertEquals(0, b.available(spec, 1));
    }

    @Test
    void limiterCountsWholeIntervalsFromItsEpochAndReportsTheReset() {
        long epoch = 7_000 * SECOND;
        Limiter l = new Limiter(policy(new BucketSpec(2, 2, SECOND), null), epoch, null);
        assertEquals(0, l.fillIndex(epoch - 5), "a clock read just before the epoch");
        assertEquals(0, l.fillIndex(epoch + SECOND - 1));
        assertEquals(1, l.fillIndex(epoch + SECOND));
        assertEquals(1, l.resetSeconds(epoch + 1));
        assertEquals(1, l.resetSeconds(epoch + SECOND - 1));
        Limiter slow = new Limiter(policy(new BucketSpec(2, 2, 60 * SECOND), null), epoch, null);
        assertEquals(60, slow.resetSeconds(epoch));
        assertEquals(31, slow.resetSeconds(epoch + 29 * SECOND + 1));
        assertEquals(1, l.acquire(null, epoch));
        assertEquals(0, l.acquire(null, epoch + 10));
        assertEquals(TokenBucket.EMPTY, l.acquire(null, epoch + SECOND - 1));
        assertEquals(1, l.acquire(null, epoch + SECOND), "refilled exactly at the boundary");
    }

    @Test
    void concurrentAcquiresGrantExactlyMaxTokens() throws Exception {
        int threads = 8;
        int attemptsEach = 20_000;
        long max = 50_000;
        BucketSpec spec = new BucketSpec(max, 1, SECOND);
        TokenBucket b = new TokenBucket(spec, 0);
        AtomicLong granted = new AtomicLong();
        AtomicLong minLeftSeen = new AtomicLong(Long.MAX_VALUE);
        runConcurrently(threads, () -> {
            long mine = 0;
            for (int i = 0; i < attemptsEach; i++) {
                long left = b.tryAcquire(spec, 0);
                if (left >= 0) {
                    mine++;
                    minLeftSeen.accumulateAndGet(left, Math::min);
                }
            }
            granted.addAndGet(mine);
        });
        assertEquals(max, granted.get(), "160,000 attempts on 50,000 tokens");
        assertEquals(0, minLeftSeen.get());
        assertEquals(TokenBucket.EMPTY, b.tryAcquire(spec, 0));
    }

    @Test
    void concurrentAcquiresAcrossFillsGrantMaxPlusEachFill() throws Exception {
        // every thread drains the bucket in interval 0, then all move to interval 1 together, then to 2
        int threads = 6;
        BucketSpec spec = new BucketSpec(1_000, 400, SECOND);
        TokenBucket b = new TokenBucket(spec, 0);
        AtomicLong granted = new AtomicLong();
        for (long interval = 0; interval < 3; interval++) {
            long f = interval;
            runConcurrently(threads, () -> {
                long mine = 0;
                for (int i = 0; i < 2_000; i++) {
                    if (b.tryAcquire(spec, f) >= 0) {
                        mine++;
                    }
                }
                granted.addAndGet(mine);
            });
        }
        assertEquals(1_000 + 400 + 400, granted.get());
    }

    static LimitPolicy policy(BucketSpec spec, Descriptor descriptor) {
        return new LimitPolicy(spec, descriptor, 3, 100, 100, "test");
    }

    private static void drain(TokenBucket b, BucketSpec spec, long f) {
        while (b.tryAcquire(spec, f) >= 0) {
            // take every token
        }
    }

    /** Runs {@code body} on {@code n} platform threads released together; rethrows the first failure. */
    static void runConcurrently(int n, Runnable body) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                    body.run();
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            t.start();
            all.add(t);
        }
        start.countDown();
        for (Thread t : all) {
            t.join(TimeUnit.SECONDS.toMillis(30));
            assertFalse(t.isAlive(), "a worker did not finish");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.get(0));
        }
    }
}
