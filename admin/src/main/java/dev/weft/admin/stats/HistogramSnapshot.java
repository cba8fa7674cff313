package dev.weft.admin.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * An immutable reading of a latency distribution, in milliseconds (recorded in microseconds, so sub-millisecond
 * latencies keep three significant digits).
 *
 * <p>An empty snapshot has {@code count == 0}, {@code sumMillis == 0}, {@code maxMillis == 0}, all percentiles
 * {@code NaN} (Envoy prints {@code nan}), all bucket counts 0 and an empty distribution.
 *
 * @param count        number of recorded values
 * @param sumMillis    sum of the recorded values, from HdrHistogram's mean (exact to about 0.1%, HdrHistogram keeps
 *                     no exact sum)
 * @param maxMillis    largest recorded value (to the histogram's precision)
 * @param percentiles  value at each of {@link #PERCENTILES}, same order
 * @param bucketCounts cumulative count of values {@code <=} each of {@link #BUCKETS_MILLIS}, same order
 * @param distribution value-at-percentile points {@code {percentile, millis}} from HdrHistogram's
 *                     {@code percentiles(5)} iteration, p0 up to p100, for a percentile plot on a log-scale x axis
 */
public record HistogramSnapshot(long count, double sumMillis, double maxMillis, double[] percentiles,
                                long[] bucketCounts, List<double[]> distribution) {

    /** The percentiles every snapshot carries. */
    public static final double[] PERCENTILES = {50, 75, 90, 95, 99, 99.5, 99.9, 99.99, 100};

    /** Envoy's default histogram bucket bounds, in milliseconds. */
    public static final double[] BUCKETS_MILLIS = {0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000,
        30000, 60000, 300000, 600000, 1800000, 3600000};

    /** Ticks per half-distance to 100% in {@link #distribution()}: HdrHistogram's customary plotting resolution. */
    static final int TICKS_PER_HALF_DISTANCE = 5;

    public HistogramSnapshot {
        if (percentiles.length != PERCENTILES.length || bucketCounts.length != BUCKETS_MILLIS.length) {
            throw new IllegalArgumentException("percentiles/bucketCounts must match PERCENTILES/BUCKETS_MILLIS");
        }
        percentiles = percentiles.clone();
        bucketCounts = bucketCounts.clone();
        distribution = List.copyOf(distribution);
    }

    /** A snapshot without distribution points (the five-argument shape). */
    public HistogramSnapshot(long count, double sumMillis, double maxMillis, double[] percentiles, long[] bucketCounts) {
        this(count, sumMillis, maxMillis, percentiles, bucketCounts, List.of());
    }

    /** Defensive copy: records expose their arrays otherwise. */
    @Override
    public double[] percentiles() {
        return percentiles.clone();
    }

    @Override
    public long[] bucketCounts() {
        return bucketCounts.clone();
    }

    /**
     * The value at percentile {@code p} in milliseconds: exact for the {@link #PERCENTILES}; otherwise the first
     * {@link #distribution()} point at or above {@code p}. {@code NaN} when empty.
     */
    public double percentileMillis(double p) {
        if (count == 0) {
            return Double.NaN;
        }
        for (int i = 0; i < PERCENTILES.length; i++) {
            if (PERCENTILES[i] == p) {
                return percentiles[i];
            }
        }
        for (double[] point : distribution) {
            if (point[0] >= p) {
                return point[1];
            }
        }
        return maxMillis;
    }

    /** The snapshot of a histogram of microsecond values. Walks the counts a few times; not for the hot path. */
    static HistogramSnapshot of(AbstractHistogram h) {
        long count = h.getTotalCount();
        double[] pcts = new double[PERCENTILES.length];
        long[] buckets = new long[BUCKETS_MILLIS.length];
        if (count == 0) {
            Arrays.fill(pcts, Double.NaN);
            return new HistogramSnapshot(0, 0, 0, pcts, buckets, List.of());
        }
        for (int i = 0; i < PERCENTILES.length; i++) {
            pcts[i] = toMillis(h.getValueAtPercentile(PERCENTILES[i]));
        }
        // One pass over the recorded values: a value counts as <= a bound when the lowest value of its HdrHistogram
        // bucket is <= the bound (at most 0.1% off, the histogram's precision).
        long[] perBucket = new long[BUCKETS_MILLIS.length];
        for (HistogramIterationValue v : h.recordedValues()) {
            long lowestMicros = h.lowestEquivalentValue(v.getValueIteratedTo());
            for (int b = 0; b < BUCKETS_MILLIS.length; b++) {
                if (lowestMicros <= BUCKETS_MILLIS[b] * 1000) {
                    perBucket[b] += v.getCountAtValueIteratedTo();
                    break;
                }
            }
        }
        long running = 0;
        for (int b = 0; b < buckets.length; b++) {
            running += perBucket[b];
            buckets[b] = running;
        }
        List<double[]> points = new ArrayList<>();
        for (HistogramIterationValue v : h.percentiles(TICKS_PER_HALF_DISTANCE)) {
            points.add(new double[] {v.getPercentileLevelIteratedTo(), toMillis(v.getValueIteratedTo())});
        }
        return new HistogramSnapshot(count, h.getMean() * count / 1000.0, toMillis(h.getMaxValue()), pcts, buckets,
                points);
    }

    private static double toMillis(long micros) {
        return micros / 1000.0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramSnapshot s && count == s.count && sumMillis == s.sumMillis
                && maxMillis == s.maxMillis && Arrays.equals(percentiles, s.percentiles)
                && Arrays.equals(bucketCounts, s.bucketCounts);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(count) * 31 + Arrays.hashCode(percentiles);
    }

    @Override
    public String toString() {
        return "HistogramSnapshot[count=" + count + ", sumMillis=" + sumMillis + ", maxMillis=" + maxMillis
                + ", percentiles=" + Arrays.toString(percentiles) + ", bucketCounts=" + Arrays.toString(bucketCounts)
                + "]";
    }
}
