package dev.weft.bench.harness;

import dev.weft.bench.report.Report;

/**
 * What a closed-loop tool (wrk, h2load, or the harness's own client) measured.
 *
 * @param latency the tool's own percentiles (not corrected for coordinated omission; NaN where the tool has none)
 */
record ClosedLoopResult(String tool, double requestsPerSecond, long requests, long errors, long non2xx,
                        Report.Latency latency) {
}
