package dev.weft.admin.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final LatencyHistogram h = new LatencyHistogram(StatName.cluster("a", "upstream_rq_time"), clock::get);

    @Test
    void percentilesOfAUniformMillisecondRange() {
        for (long us = 1; us <= 10_000; us++) {
            h.recordMicros(us);
        }
        HistogramSnapshot s = h.cumulative();
        assertEquals(10_000, s.count());
        // HdrHistogram at 3 significant digits: within 0.1%.
        double[] expected = {5, 7.5, 9, 9.5, 9.9, 9.95, 9.99, 9.999, 10};
        double[] actual = s.percentiles();
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], expected[i] * 0.001,
                    "p" + HistogramSnapshot.PERCENTILES[i]);
            assertEquals(actual[i], s.percentileMillis(HistogramSnapshot.PERCENTILES[i]));
        }
        assertEquals(10, s.maxMillis(), 0.01);
        assertEquals(10_000 * 10_001 / 2 / 1000.0, s.sumMillis(), 50_000 * 0.001);
        // Envoy buckets 0.5, 1, 5, 10 ms; everything is <= 10 ms. Below 2048 us values are exact.
        long[] buckets = s.bucketCounts();
        assertEquals(500, buckets[0]);
        assertEquals(1000, buckets[1]);
        // Above 4096 us HdrHistogram buckets are 4 us wide: a bucket straddling a bound counts as below it (0.1%).
        assertEquals(5000, buckets[2], 5);
        assertEquals(10_000, buckets[3]);
        assertEquals(10_000, buckets[buckets.length - 1]);
    }

    @Test
    void distributionRunsFromLowToHighPercentiles() {
        for (long us = 1; us <= 10_000; us++) {
            h.recordMicros(us);
        }
        List<double[]> points = h.cumulative().distribution();
        assertTrue(points.size() > 20, "points: " + points.size());
        assertEquals(0.001, points.getFirst()[1], 0.0001);
        assertEquals(100.0, points.getLast()[0]);
        assertEquals(10, points.getLast()[1], 0.01);
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i)[0] >= points.get(i - 1)[0]);
            assertTrue(points.get(i)[1] >= points.get(i - 1)[1]);
        }
        assertEquals(9.99, h.cumulative().percentileMillis(99.9), 0.01);
        assertEquals(5, h.cumulative().percentileMillis(49.0), 0.1, "from the distribution points");
    }

    @Test
    void emptyHistogramHasNaNPercentilesAndZeroCounts() {
        HistogramSnapshot s = h.cumulative();
        assertEquals(0, s.count());
        assertEquals(0, s.sumMillis());
        assertTrue(Double.isNaN(s.percentiles()[0]));
        assertTrue(Double.isNaN(s.percentileMillis(50)));
        assertArrayEquals(new long[HistogramSnapshot.BUCKETS_MILLIS.length], s.bucketCounts());
        assertTrue(s.distribution().isEmpty());
    }

    @Test
    void recentWindowDropsDataOlderThanSixtySeconds() {
        h.recordMicros(1_000);
        h.roll();
        assertEquals(1, h.recent().count());

        clock.addAndGet(30_000);
        h.recordMicros(2_000);
        h.roll();
        assertEquals(2, h.recent().count());

        clock.addAndGet(31_000); // first value is 61 s old, second 31 s
        HistogramSnapshot recent = h.recent();
        assertEquals(1, recent.count());
        assertEquals(2, recent.maxMillis(), 0.01);

        clock.addAndGet(60_000);
        assertEquals(0, h.recent().count());
        assertEquals(2, h.cumulative().count(), "cumulative keeps everything");
    }

    @Test
    void readersRollSoTheyAlwaysSeeFreshData() {
        h.recordMicros(500);
        assertEquals(1, h.recent().count());
        assertEquals(1, h.cumulative().count());
        h.recordMicros(500);
        assertEquals(2, h.cumulative().count());
    }

    @Test
    void slotOfAnOldEpochIsReusedNotAccumulated() {
        h.recordMicros(100);
        h.roll();
        clock.addAndGet(LatencyHistogram.INTERVAL_MILLIS * LatencyHistogram.WINDOW_INTERVALS); // same slot index
        h.recordMicros(200);
        h.roll();
        HistogramSnapshot recent = h.recent();
        assertEquals(1, recent.count());
        assertEquals(0.2, recent.maxMillis(), 0.001);
    }

    @Test
    void nanosAreConvertedAndOutOfRangeValuesClamped() {
        h.recordNanos(2_500_000);
        h.recordMicros(-5);
        h.recordMicros(Long.MAX_VALUE);
        HistogramSnapshot s = h.cumulative();
        assertEquals(3, s.count());
        assertEquals(0, s.percentileMillis(0.0), 0.001);
        assertEquals(2.5, s.percentiles()[0], 0.003);
        assertEquals(3_600_000, s.maxMillis(), 3_600);
    }

    @Test
    void storeRollerCanBeDrivenManually() {
        AtomicLong storeClock = new AtomicLong();
        try (StatsStore store = new StatsStore(4, storeClock::get, false)) {
            LatencyHistogram rq = store.histogram(StatName.of("rq_time"));
            rq.recordMicros(10);
            store.rollAll();
            storeClock.addAndGet(61_000);
            assertEquals(0, rq.recent().count());
            assertEquals(1, rq.cumulative().count());
        }
    }
}
