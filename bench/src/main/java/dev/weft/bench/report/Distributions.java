package dev.weft.bench.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latency histograms of microseconds (as {@code OpenLoopClient} records them) turned into what a report holds:
 * percentiles in milliseconds, a distribution for plotting, and the full distribution as an {@code .hgrm} file.
 */
public final class Distributions {

    /**
     * Percentile ticks per halving of the distance to 100%, as HdrHistogram's {@code outputPercentileDistribution}:
     * five points between 0% and 50%, five more up to 75%, to 87.5%, and so on into the tail.
     */
    public static final int TICKS_PER_HALF_DISTANCE = 5;

    /**
     * Most points {@link #of(Histogram)} returns. The ticks are bounded by how far into the tail the samples reach
     * (about 5 per halving, so about 100 for a million samples), so this only bites for enormous counts; it keeps
     * {@code report.json} small and each plotted line light.
     */
    public static final int MAX_POINTS = 300;

    /** Most percentile ticks read from a histogram; real ones need a few hundred. */
    private static final int MAX_ITERATIONS = 100_000;

    private static final double MICROS_PER_MS = 1000.0;

    private Distributions() {
    }

    /**
     * The distribution as (percentile, milliseconds) points from 0% (the minimum) to 100% (the maximum), by
     * HdrHistogram's percentile iteration with {@link #TICKS_PER_HALF_DISTANCE}, so denser towards the tail. Interior
     * points of runs with the same value are dropped (they add nothing to a line); if more than {@link #MAX_POINTS}
     * remain, evenly spaced ones are kept, always with the first and the last. Empty for an empty histogram.
     */
    public static List<Report.Point> of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return List.of();
        }
        List<Report.Point> all = new ArrayList<>();
        for (HistogramIterationValue v : micros.percentiles(TICKS_PER_HALF_DISTANCE)) {
            if (all.size() == MAX_ITERATIONS) {
                // Counts near 2^53 make the cumulative percentile round to 100 before the last value, and the
                // iteration then emits ticks that no longer advance; end it with the maximum instead.
                all.add(new Report.Point(100.0, micros.getMaxValue() / MICROS_PER_MS));
                break;
            }
            all.add(new Report.Point(v.getPercentileLevelIteratedTo(), v.getValueIteratedTo() / MICROS_PER_MS));
        }
        return simplify(all, MAX_POINTS);
    }

    /**
     * Drops the interior points of runs with the same value, then, if more than {@code max} remain, keeps
     * {@code max} evenly spaced ones including the first and the last.
     */
    static List<Report.Point> simplify(List<Report.Point> all, int max) {
        List<Report.Point> distinct = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            boolean interior = i > 0 && i + 1 < all.size()
                    && all.get(i - 1).valueMs() == all.get(i).valueMs()
                    && all.get(i + 1).valueMs() == all.get(i).valueMs();
            if (!interior) {
                distinct.add(all.get(i));
            }
        }
        int n = distinct.size();
        if (n <= max) {
            return List.copyOf(distinct);
        }
        List<Report.Point> thinned = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            thinned.add(distinct.get((int) Math.round(i * (n - 1) / (double) (max - 1))));
        }
        return List.copyOf(thinned);
    }

    /** p50, p90, p99, p99.9, p99.99 and the maximum in milliseconds; all NaN for an empty histogram. */
    public static Report.Latency latency(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return new Report.Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Report.Latency(ms(micros, 50), ms(micros, 90), ms(micros, 99), ms(micros, 99.9),
                ms(micros, 99.99), micros.getMaxValue() / MICROS_PER_MS);
    }

    private static double ms(Histogram micros, double percentile) {
        return micros.getValueAtPercentile(percentile) / MICROS_PER_MS;
    }

    /**
     * Writes the whole distribution in HdrHistogram's {@code .hgrm} text format with values in milliseconds
     * ({@code outputPercentileDistribution} scaled by 1000), readable by HdrHistogram's plotter. Creates the folder.
     */
    public static void writeHgrm(Histogram micros, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (OutputStream out = Files.newOutputStream(file);
             PrintStream ps = new PrintStream(out, false, StandardCharsets.UTF_8)) {
            micros.outputPercentileDistribution(ps, TICKS_PER_HALF_DISTANCE, MICROS_PER_MS);
            ps.flush();
            if (ps.checkError()) {
                throw new IOException(file + ": write failed");
            }
        }
    }
}
