package dev.weft.bench.report;

/**
 * Thresholds of {@link Compare}: how much worse Weft must get before a change counts as a regression, and how much
 * better before it counts as an improvement. Percentages are relative to the baseline A; "more than" is strict.
 *
 * <p>Why these defaults: throughput gets 10 %, p50/p90 15 % and the tails 30 %, about twice the run-to-run spread
 * of 10-second runs on an otherwise idle 2-core machine, so that a flagged change is unlikely to be noise, at the
 * price of missing small real ones. On shared VMs the spread is far larger (a same-build pair of 5-second runs moved
 * by up to 31 % in throughput, see perf-reports/0.1.0/README.md): there the peers' changes, shown next to Weft's,
 * tell drift from regression, and the thresholds should be raised. Latency must also move by an absolute
 * {@code minLatencyDeltaMs} (0.05 ms) because a sub-millisecond percentile changes by a large percentage from
 * scheduler jitter alone (0.10 ms to 0.13 ms is +30%). The maximum latency is one sample and never judged. Resident
 * memory gets the throughput margin (10%).
 *
 * @param throughputPct     max requests/s and requests/s per proxy core lower by more than this percentage (10)
 * @param latencyPct        p50 and p90 higher by more than this percentage (15), and by more than
 *                          {@code minLatencyDeltaMs}
 * @param tailLatencyPct    p99, p99.9 and p99.99 higher by more than this percentage (30), and by more than
 *                          {@code minLatencyDeltaMs}
 * @param minLatencyDeltaMs the least change in milliseconds for any latency to count (0.05)
 * @param rssPct            idle and peak resident memory higher by more than this percentage (10)
 */
public record CompareOptions(double throughputPct, double latencyPct, double tailLatencyPct, double minLatencyDeltaMs,
                             double rssPct) {

    /** The defaults; see the class comment for why. */
    public static final CompareOptions DEFAULTS = new CompareOptions(10, 15, 30, 0.05, 10);

    public CompareOptions {
        check("throughputPct", throughputPct);
        check("latencyPct", latencyPct);
        check("tailLatencyPct", tailLatencyPct);
        check("minLatencyDeltaMs", minLatencyDeltaMs);
        check("rssPct", rssPct);
    }

    private static void check(String name, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0: " + v);
        }
    }

    /** These options with {@code throughputPct} replaced. */
    public CompareOptions withThroughputPct(double v) {
        return new CompareOptions(v, latencyPct, tailLatencyPct, minLatencyDeltaMs, rssPct);
    }

    /** These options with {@code latencyPct} replaced. */
    public CompareOptions withLatencyPct(double v) {
        return new CompareOptions(throughputPct, v, tailLatencyPct, minLatencyDeltaMs, rssPct);
    }

    /** These options with {@code tailLatencyPct} replaced. */
    public CompareOptions withTailLatencyPct(double v) {
        return new CompareOptions(throughputPct, latencyPct, v, minLatencyDeltaMs, rssPct);
    }

    /** These options with {@code minLatencyDeltaMs} replaced. */
    public CompareOptions withMinLatencyDeltaMs(double v) {
        return new CompareOptions(throughputPct, latencyPct, tailLatencyPct, v, rssPct);
    }

    /** These options with {@code rssPct} replaced. */
    public CompareOptions withRssPct(double v) {
        return new CompareOptions(throughputPct, latencyPct, tailLatencyPct, minLatencyDeltaMs, v);
    }
}
