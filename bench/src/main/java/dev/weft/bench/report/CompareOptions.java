package dev.weft.bench.report;

/**
 * Thresholds of {@link Compare}: how much worse Weft must get before a change counts as a regression, and how much
 * better before it counts as an improvement. Percentages are relative to the baseline A; "more than" is strict.
 *
 * <p>Why these defaults: they sit above the run-to-run variation on a shared 2-core VM: throughput ±5%, p50 ±10%,
 * tails ±25%. Throughput gets twice its noise (10%), p50/p90 and the tails a margin above theirs (15%, 30%), so that
 * a flagged change is unlikely to be noise, at the price of missing small real ones; to see those, compare several
 * runs, or read the peers' changes, which show how much the machine itself drifted. Latency must also move by an
 * absolute {@code minLatencyDeltaMs} (0.05 ms) because a sub-millisecond percentile changes by a large percentage from
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
