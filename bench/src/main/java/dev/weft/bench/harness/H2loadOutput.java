package dev.weft.bench.harness;

import dev.weft.bench.report.Report;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses h2load's summary: requests/s from the "finished in" line, succeeded/failed/errored/timeout counts, status
 * classes, and the maximum of "time for request". h2load prints no percentiles, so p50..p99.99 stay NaN.
 */
final class H2loadOutput {

    private static final Pattern FINISHED = Pattern.compile("finished in [0-9.]+\\w+, ([0-9.]+) req/s");
    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored, "
                    + "(\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile(
            "status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx, (\\d+) 5xx");
    private static final Pattern REQUEST_TIME = Pattern.compile("time for request:\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)");

    private H2loadOutput() {
    }

    static ClosedLoopResult parse(String out) {
        Matcher f = FINISHED.matcher(out);
        Matcher r = REQUESTS.matcher(out);
        if (!f.find() || !r.find()) {
            throw new HarnessException("unexpected h2load output:\n" + out);
        }
        long done = Long.parseLong(r.group(3));
        // requests still in flight when a timed run stops are neither done nor errors
        long errors = Long.parseLong(r.group(6)) + Long.parseLong(r.group(7));
        long non2xx = 0;
        Matcher s = STATUS.matcher(out);
        if (s.find()) {
            non2xx = Long.parseLong(s.group(2)) + Long.parseLong(s.group(3)) + Long.parseLong(s.group(4));
        }
        Matcher t = REQUEST_TIME.matcher(out);
        double max = t.find() ? WrkOutput.millis(t.group(2)) : Double.NaN;
        return new ClosedLoopResult("h2load", Double.parseDouble(f.group(1)), done, errors, non2xx,
                new Report.Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, max));
    }
}
