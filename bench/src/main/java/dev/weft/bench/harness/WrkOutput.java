package dev.weft.bench.harness;

import dev.weft.bench.report.Report;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the text wrk prints with {@code --latency}: requests/s, request count, socket errors, non-2xx/3xx responses,
 * the latency percentiles it prints (50, 75, 90, 99) and the maximum.
 */
final class WrkOutput {

    private static final Pattern RPS = Pattern.compile("^Requests/sec:\\s+([0-9.]+)", Pattern.MULTILINE);
    private static final Pattern REQUESTS = Pattern.compile("^\\s*(\\d+) requests in ", Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern LATENCY_LINE = Pattern.compile(
            "^\\s*Latency\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)", Pattern.MULTILINE);
    private static final Pattern PERCENTILE = Pattern.compile("^\\s*(50|75|90|99)(?:\\.000)?%\\s+(\\S+)",
            Pattern.MULTILINE);

    private WrkOutput() {
    }

    static ClosedLoopResult parse(String out) {
        Matcher rps = RPS.matcher(out);
        Matcher requests = REQUESTS.matcher(out);
        if (!rps.find() || !requests.find()) {
            throw new HarnessException("unexpected wrk output:\n" + out);
        }
        long errors = 0;
        Matcher se = SOCKET_ERRORS.matcher(out);
        if (se.find()) {
            for (int i = 1; i <= 4; i++) {
                errors += Long.parseLong(se.group(i));
            }
        }
        Matcher n2 = NON_2XX.matcher(out);
        long non2xx = n2.find() ? Long.parseLong(n2.group(1)) : 0;
        double p50 = Double.NaN;
        double p90 = Double.NaN;
        double p99 = Double.NaN;
        Matcher p = PERCENTILE.matcher(out);
        while (p.find()) {
            double ms = millis(p.group(2));
            switch (p.group(1)) {
                case "50" -> p50 = ms;
                case "90" -> p90 = ms;
                case "99" -> p99 = ms;
                default -> { }
            }
        }
        Matcher lat = LATENCY_LINE.matcher(out);
        double max = lat.find() ? millis(lat.group(3)) : Double.NaN;
        return new ClosedLoopResult("wrk", Double.parseDouble(rps.group(1)), Long.parseLong(requests.group(1)), errors,
                non2xx, new Report.Latency(p50, p90, p99, Double.NaN, Double.NaN, max));
    }

    /** "676.00us", "1.23ms", "2.01s", "1.00m" to milliseconds; anything else NaN. */
    static double millis(String value) {
        Matcher m = Pattern.compile("^([0-9.]+)(us|ms|s|m)$").matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Double.NaN;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            default -> v * 60_000;
        };
    }
}
