package dev.weft.admin.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The hot path (increment, add, set, record) must not allocate: measured per thread with the JDK's MX bean. */
class AllocationFreeRecordingTest {
    private static final int WARM_UP_ROUNDS = 20;
    private static final int OPS = 100_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void recordingAllocatesNothing() {
        assertTrue(THREADS.isThreadAllocatedMemorySupported() && THREADS.isThreadAllocatedMemoryEnabled());
        try (StatsStore store = new StatsStore(8)) {
            Counter counter = store.counter(StatName.cluster("a", "upstream_rq_total"));
            Gauge gauge = store.gauge(StatName.cluster("a", "upstream_rq_active"));
            LatencyHistogram histogram = store.histogram(StatName.cluster("a", "upstream_rq_time"));
            for (int i = 0; i < WARM_UP_ROUNDS; i++) {
                record(counter, gauge, histogram);
            }
            long threadId = Thread.currentThread().threadId();
            THREADS.getThreadAllocatedBytes(threadId); // the first call may initialise something
            // steady state is when the JIT is done with this code: measure rounds until one allocates nothing; a
            // real per-operation allocation would show in every round. Rounds go on for up to 20 s: the JIT's
            // compiler threads may get little CPU on a busy machine
            long allocated = Long.MAX_VALUE;
            int rounds = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (allocated != 0 && System.nanoTime() - end < 0) {
                long before = THREADS.getThreadAllocatedBytes(threadId);
                record(counter, gauge, histogram);
                allocated = THREADS.getThreadAllocatedBytes(threadId) - before;
                rounds++;
            }
            assertEquals(0, allocated, "bytes allocated by " + OPS + " increments/adds/sets/records (last round)");
            assertEquals((WARM_UP_ROUNDS + (long) rounds) * OPS * 2, counter.get());
        }
    }

    private static void record(Counter counter, Gauge gauge, LatencyHistogram histogram) {
        for (int i = 0; i < OPS; i++) {
            counter.increment();
            counter.add(1);
            gauge.increment();
            gauge.add(-1);
            gauge.set(i);
            histogram.recordMicros(50 + (i % 5_000) * 37L); // 50 us .. 185 ms
            histogram.recordNanos(1_234_567);
        }
    }
}
