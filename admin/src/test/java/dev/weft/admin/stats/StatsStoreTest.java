package dev.weft.admin.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

class StatsStoreTest {

    @Test
    void counterCountsUpAndIsUsedOnlyOnceIncremented() {
        try (StatsStore store = new StatsStore(8)) {
            Counter c = store.counter(StatName.cluster("a", "upstream_rq_total"));
            assertEquals(0, c.get());
            assertFalse(store.counters().getFirst().used());
            c.increment();
            c.add(41);
            assertEquals(42, c.get());
            StatValue v = store.counters().getFirst();
            assertEquals(42, v.value());
            assertTrue(v.used());
            assertEquals("cluster.a.upstream_rq_total", v.name().flat());
        }
    }

    @Test
    void gaugeGoesUpAndDownAndStaysUsedAtZero() {
        try (StatsStore store = new StatsStore(8)) {
            Gauge g = store.gauge(StatName.listener("0.0.0.0_80", "downstream_cx_active"));
            assertFalse(g.used());
            g.set(0);
            assertFalse(g.used());
            g.increment();
            g.increment();
            g.decrement();
            g.add(5);
            g.add(-6);
            assertEquals(0, g.get());
            assertTrue(store.gauges().getFirst().used());
            g.set(17);
            assertEquals(17, g.get());
        }
    }

    @Test
    void registrationIsIdempotent() {
        try (StatsStore store = new StatsStore(4)) {
            StatName name = StatName.cluster("a", "upstream_rq_total");
            Counter first = store.counter(name);
            assertSame(first, store.counter(StatName.cluster("a", "upstream_rq_total")));
            Gauge g = store.gauge(StatName.server("live"));
            assertSame(g, store.gauge(StatName.server("live")));
            LatencyHistogram h = store.histogram(StatName.cluster("a", "upstream_rq_time"));
            assertSame(h, store.histogram(StatName.cluster("a", "upstream_rq_time")));
            assertEquals(1, store.counters().size());
            assertEquals(1, store.gauges().size());
            assertEquals(1, store.histograms().size());
            // Idempotent registrations do not consume slots: two of four are still free.
            store.counter(StatName.of("x"));
            store.counter(StatName.of("y"));
        }
    }

    @Test
    void exhaustingCapacityFailsWithAClearMessage() {
        try (StatsStore store = new StatsStore(2)) {
            store.counter(StatName.of("one"));
            store.gauge(StatName.of("two"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.counter(StatName.of("three")));
            assertEquals("stats store is full: all 2 counter/gauge slots are in use, cannot register 'three';"
                    + " raise the store's maxCounters", e.getMessage());
            // Histograms do not use counter slots.
            store.histogram(StatName.of("four"));
        }
    }

    @Test
    void resetZeroesCountersOnlyAndKeepsThemUsed() {
        try (StatsStore store = new StatsStore(8)) {
            Counter c = store.counter(StatName.of("c"));
            Counter untouched = store.counter(StatName.of("d"));
            Gauge g = store.gauge(StatName.of("g"));
            c.add(5);
            g.set(3);
            store.resetCounters();
            assertEquals(0, c.get());
            assertEquals(3, g.get());
            List<StatValue> counters = store.counters();
            assertTrue(counters.get(0).used(), "a reset counter stays used");
            assertFalse(counters.get(1).used());
            assertEquals(0, untouched.get());
            c.increment();
            assertEquals(1, c.get());
        }
    }

    @Test
    void concurrentIncrementsSumExactly() throws Exception {
        int threads = 8;
        int perThread = 200_000;
        try (StatsStore store = new StatsStore(8)) {
            Counter c = store.counter(StatName.of("c"));
            Gauge g = store.gauge(StatName.of("g"));
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        c.increment();
                        g.increment();
                        g.add(2);
                        g.decrement();
                    }
                });
                w.start();
                workers.add(w);
            }
            start.countDown();
            for (Thread w : workers) {
                w.join();
            }
            assertEquals((long) threads * perThread, c.get());
            assertEquals(2L * threads * perThread, g.get());
        }
    }

    @Test
    void sameFlatNameAsAnotherKindIsRejected() {
        try (StatsStore store = new StatsStore(8)) {
            store.counter(StatName.of("x"));
            assertThrows(IllegalArgumentException.class, () -> store.gauge(StatName.of("x")));
            assertThrows(IllegalArgumentException.class, () -> store.histogram(StatName.of("x")));
        }
    }

    @Test
    void prometheusCollisionsAreRejectedAtRegistration() {
        try (StatsStore store = new StatsStore(16)) {
            store.counter(StatName.of("a.b"));
            IllegalArgumentException sameSeries = assertThrows(IllegalArgumentException.class,
                    () -> store.counter(StatName.of("a_b")));
            assertTrue(sameSeries.getMessage().contains("same Prometheus series"), sameSeries.getMessage());
            // A counter "x" is exposed as x_total; a counter "x_total" would be the same series.
            store.counter(StatName.of("rq"));
            assertThrows(IllegalArgumentException.class, () -> store.counter(StatName.of("rq_total")));
            // A histogram's _count sample would clash with a gauge of that name.
            store.histogram(StatName.of("latency"));
            assertThrows(IllegalArgumentException.class, () -> store.gauge(StatName.of("latency_count")));
            // One family, one kind.
            store.counter(StatName.cluster("a", "upstream_cx_total"));
            assertThrows(IllegalArgumentException.class, () -> store.gauge(StatName.cluster("b", "upstream_cx")));
        }
    }

    @Test
    void snapshotsAreSortedByFlatName() {
        try (StatsStore store = new StatsStore(8)) {
            store.counter(StatName.of("b"));
            store.counter(StatName.of("a"));
            store.counter(StatName.of("c"));
            assertEquals(List.of("a", "b", "c"), store.counters().stream().map(v -> v.name().flat()).toList());
        }
    }

    @Test
    void startTimeIsWallClockAtCreation() {
        long before = System.currentTimeMillis();
        try (StatsStore store = new StatsStore(1)) {
            assertTrue(store.startTimeMillis() >= before && store.startTimeMillis() <= System.currentTimeMillis());
        }
    }
}
