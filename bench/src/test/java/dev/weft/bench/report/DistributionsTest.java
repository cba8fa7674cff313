package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Histograms of microseconds to report values in milliseconds. */
class DistributionsTest {

    @TempDir
    Path tmp;

    @Test
    void distributionRunsFromMinimumToMaximumAndIsDenserInTheTail() {
        Histogram h = Fixtures.histogram(new Random(1), 0.5, 2);
        List<Report.Point> d = Distributions.of(h);
        assertEquals(0.0, d.get(0).percentile());
        assertEquals(h.getMinValue() / 1000.0, d.get(0).valueMs(), 0.001);
        Report.Point last = d.get(d.size() - 1);
        assertEquals(100.0, last.percentile());
        assertEquals(h.getMaxValue() / 1000.0, last.valueMs());
        for (int i = 1; i < d.size(); i++) {
            assertTrue(d.get(i).percentile() >= d.get(i - 1).percentile(), "percentiles ascend at " + i);
            assertTrue(d.get(i).valueMs() >= d.get(i - 1).valueMs(), "values ascend at " + i);
        }
        long body = d.stream().filter(p -> p.percentile() < 90).count();
        long tail = d.stream().filter(p -> p.percentile() >= 99 && p.percentile() < 99.99).count();
        assertTrue(body >= 10 && tail >= 10, "about 5 ticks per halving: " + body + " below 90%, " + tail
                + " from 99% to 99.99%");
        assertTrue(d.size() <= Distributions.MAX_POINTS);
        // each point agrees with the histogram
        for (Report.Point p : d) {
            if (p.percentile() > 0 && p.percentile() < 100) {
                assertEquals(h.getValueAtPercentile(p.percentile()) / 1000.0, p.valueMs(), 0.002 * p.valueMs() + 0.001,
                        "at " + p.percentile());
            }
        }
    }

    @Test
    void longListsAreThinnedEvenlyKeepingTheirEnds() {
        List<Report.Point> many = new java.util.ArrayList<>();
        for (int i = 0; i <= 1000; i++) {
            many.add(new Report.Point(100 - 100 * Math.pow(0.5, i / 10.0), i / 10.0));
        }
        many.set(1000, new Report.Point(100, 250));
        List<Report.Point> d = Distributions.simplify(many, Distributions.MAX_POINTS);
        assertEquals(Distributions.MAX_POINTS, d.size());
        assertEquals(many.get(0), d.get(0));
        assertEquals(many.get(1000), d.get(d.size() - 1));
        for (int i = 1; i < d.size(); i++) {
            int step = many.indexOf(d.get(i)) - many.indexOf(d.get(i - 1));
            assertTrue(step == 3 || step == 4, "evenly spaced, step " + step + " at " + i);
        }
    }

    @Test
    void enormousCountsDoNotHangTheIteration() {
        // counts beyond double precision: HdrHistogram's percentile iteration stops advancing in the tail
        Histogram h = new Histogram(1, 3_600_000_000L, 3);
        for (int j = 0; j <= 60; j++) {
            h.recordValueWithCount(1000 + 10L * j, 1L << (61 - j));
        }
        h.recordValue(3_000_000_000L);
        List<Report.Point> d = Distributions.of(h);
        assertTrue(d.size() <= Distributions.MAX_POINTS, "size " + d.size());
        assertEquals(0.0, d.get(0).percentile());
        assertEquals(new Report.Point(100, h.getMaxValue() / 1000.0), d.get(d.size() - 1));
    }

    @Test
    void runsOfOneValueKeepOnlyTheirEnds() {
        Histogram h = new Histogram(1, 3_600_000_000L, 3);
        h.recordValueWithCount(1000, 1_000_000);
        h.recordValue(5000);
        List<Report.Point> d = Distributions.of(h);
        assertEquals(1.0, d.get(0).valueMs());
        assertEquals(1.0, d.get(1).valueMs(), "the end of the run of 1 ms");
        assertEquals(h.getMaxValue() / 1000.0, d.get(d.size() - 1).valueMs());
        assertTrue(d.size() <= 4, d.toString());
    }

    @Test
    void emptyHistogram() {
        Histogram h = new Histogram(3);
        assertEquals(List.of(), Distributions.of(h));
        Report.Latency l = Distributions.latency(h);
        assertTrue(Double.isNaN(l.p50()) && Double.isNaN(l.max()));
    }

    @Test
    void latencyPercentilesInMilliseconds() {
        Histogram h = new Histogram(1, 3_600_000_000L, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(i * 10L); // 10 us .. 100 ms, uniform
        }
        Report.Latency l = Distributions.latency(h);
        assertEquals(50.0, l.p50(), 0.1);
        assertEquals(90.0, l.p90(), 0.1);
        assertEquals(99.0, l.p99(), 0.1);
        assertEquals(99.9, l.p999(), 0.1);
        assertEquals(99.99, l.p9999(), 0.1);
        assertEquals(h.getMaxValue() / 1000.0, l.max());
    }

    @Test
    void hgrmHasHdrHistogramsFormatInMilliseconds() throws IOException {
        Histogram h = new Histogram(1, 3_600_000_000L, 3);
        h.recordValueWithCount(1500, 99);
        h.recordValue(20_000);
        Path file = tmp.resolve("run.hgrm");
        Distributions.writeHgrm(h, file);
        String text = Files.readString(file);
        assertTrue(text.contains("Value     Percentile TotalCount 1/(1-Percentile)"), text);
        assertTrue(text.contains("       1.500 0.000000000000"), text);
        assertTrue(text.contains("      20.015 1.000000000000        100"), text);
        assertTrue(text.contains("#[Max     =       20.015, Total count    =          100]"), text);
    }
}
