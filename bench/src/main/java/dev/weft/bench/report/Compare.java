package dev.weft.bench.report;

import dev.weft.bench.report.CompareResult.Flag;
import dev.weft.bench.report.CompareResult.Kind;
import dev.weft.bench.report.CompareResult.Row;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a baseline report A with a candidate B, metric by metric, and flags Weft's regressions and improvements.
 *
 * <p>Scenarios are matched by {@link Report.ScenarioResult#key()}, targets by name and open-loop runs by rate
 * fraction; what exists (or was measured) on one side only is listed, not treated as an error. Weft's rows come
 * first, then the other targets in report order. For every target the rows are: maximum requests/s, requests/s per
 * proxy core and closed-loop errors; for every rate fraction the corrected latency p50, p90, p99, p99.9, p99.99, max
 * and errors; then idle RSS, peak RSS and CPU seconds per 10,000 requests. The rules of {@link CompareOptions} judge only the target {@value CompareResult#JUDGED_TARGET}: the other
 * targets ran in the same runs on the same machine, so their changes are shown as a measure of machine drift and
 * at most marked {@link Flag#MOVED}.
 */
public final class Compare {

    private Compare() {
    }

    /** Compares with {@link CompareOptions#DEFAULTS}. */
    public static CompareResult compare(Report a, Report b) {
        return compare(a, b, CompareOptions.DEFAULTS);
    }

    /** Compares A (baseline) with B (candidate). */
    public static CompareResult compare(Report a, Report b, CompareOptions options) {
        Objects.requireNonNull(options, "options");
        List<Row> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        machineNotes(a, b, notes);

        for (Report.ScenarioResult sa : a.scenarios()) {
            Report.ScenarioResult sb = b.scenario(sa.key());
            if (sb == null) {
                missing.add("scenario " + sa.key() + ": only in A");
                continue;
            }
            Set<String> names = new LinkedHashSet<>();
            names.add(CompareResult.JUDGED_TARGET); // first: the one that is judged
            sa.targets().forEach(t -> names.add(t.target()));
            sb.targets().forEach(t -> names.add(t.target()));
            for (String name : names) {
                if (sa.target(name) == null && sb.target(name) == null) {
                    continue;
                }
                Report.TargetResult ta = sa.target(name);
                Report.TargetResult tb = sb.target(name);
                String where = sa.key() + ": " + name;
                if (ta == null || tb == null) {
                    missing.add(where + ": only in " + (ta == null ? "B" : "A"));
                } else if (!ta.available() || !tb.available()) {
                    if (!ta.available() && !tb.available()) {
                        missing.add(where + ": measured in neither (" + ta.unavailable() + ")");
                    } else if (!ta.available()) {
                        missing.add(where + ": measured only in B (A: " + ta.unavailable() + ")");
                    } else {
                        missing.add(where + ": measured only in A (B: " + tb.unavailable() + ")");
                    }
                } else {
                    target(sa.key(), ta, tb, options, rows, missing);
                }
            }
        }
        for (Report.ScenarioResult sb : b.scenarios()) {
            if (a.scenario(sb.key()) == null) {
                missing.add("scenario " + sb.key() + ": only in B");
            }
        }
        return new CompareResult(describe(a), describe(b), options, rows, missing, notes);
    }

    private static void target(String scenario, Report.TargetResult ta, Report.TargetResult tb, CompareOptions o,
                               List<Row> rows, List<String> missing) {
        String name = ta.target();
        boolean judged = CompareResult.JUDGED_TARGET.equals(name);
        Rows out = new Rows(scenario, name, judged, o, rows);

        Report.Throughput ma = ta.max();
        Report.Throughput mb = tb.max();
        if (ma != null || mb != null) {
            out.add("max requests/s", Kind.THROUGHPUT, Double.NaN,
                    ma == null ? Double.NaN : ma.requestsPerSecond(), mb == null ? Double.NaN : mb.requestsPerSecond());
            out.add("requests/s per proxy core", Kind.THROUGHPUT, Double.NaN,
                    ma == null ? Double.NaN : ma.requestsPerProxyCore(),
                    mb == null ? Double.NaN : mb.requestsPerProxyCore());
            out.add("errors (closed loop)", Kind.ERRORS, Double.NaN,
                    ma == null ? Double.NaN : errors(ma.errors(), ma.non2xx()),
                    mb == null ? Double.NaN : errors(mb.errors(), mb.non2xx()));
        }

        Set<Double> fractions = new TreeSet<>();
        if (ta.rates() != null) {
            ta.rates().forEach(p -> fractions.add(p.fraction()));
        }
        if (tb.rates() != null) {
            tb.rates().forEach(p -> fractions.add(p.fraction()));
        }
        for (double f : fractions) {
            Report.RatePoint pa = ta.rate(f);
            Report.RatePoint pb = tb.rate(f);
            if (pa == null || pb == null) {
                missing.add(scenario + ": " + name + ": open-loop rate " + Html.fraction(f) + " only in "
                        + (pa == null ? "B" : "A"));
                continue;
            }
            String at = "at " + Html.fraction(f) + ": ";
            Report.Latency la = pa.latency();
            Report.Latency lb = pb.latency();
            if (la != null && lb != null) {
                out.add(at + "p50 ms", Kind.LATENCY, f, la.p50(), lb.p50());
                out.add(at + "p90 ms", Kind.LATENCY, f, la.p90(), lb.p90());
                out.add(at + "p99 ms", Kind.TAIL_LATENCY, f, la.p99(), lb.p99());
                out.add(at + "p99.9 ms", Kind.TAIL_LATENCY, f, la.p999(), lb.p999());
                out.add(at + "p99.99 ms", Kind.TAIL_LATENCY, f, la.p9999(), lb.p9999());
                out.add(at + "max ms", Kind.MAX_LATENCY, f, la.max(), lb.max());
            }
            out.add(at + "errors", Kind.ERRORS, f, errors(pa.errors(), pa.non2xx()), errors(pb.errors(), pb.non2xx()));
        }

        Report.Footprint fa = ta.footprint();
        Report.Footprint fb = tb.footprint();
        if (fa != null || fb != null) {
            out.add("idle RSS", Kind.RSS, Double.NaN, fa == null ? Double.NaN : bytes(fa.idleRssBytes()),
                    fb == null ? Double.NaN : bytes(fb.idleRssBytes()));
            out.add("peak RSS", Kind.RSS, Double.NaN, fa == null ? Double.NaN : bytes(fa.peakRssBytes()),
                    fb == null ? Double.NaN : bytes(fb.peakRssBytes()));
            out.add("CPU s per 10k requests", Kind.CPU, Double.NaN, fa == null ? Double.NaN : fa.cpuSecondsPer10k(),
                    fb == null ? Double.NaN : fb.cpuSecondsPer10k());
        }
    }

    /** Adds rows of one target, judging them if it is Weft. */
    private record Rows(String scenario, String target, boolean judged, CompareOptions options, List<Row> rows) {
        void add(String metric, Kind kind, double fraction, double a, double b) {
            if (Double.isNaN(a) && Double.isNaN(b)) {
                return;
            }
            Flag flag = judge(kind, a, b, options);
            if (!judged && flag != Flag.NONE) {
                flag = Flag.MOVED;
            }
            rows.add(new Row(scenario, target, metric, kind, fraction, a, b, flag));
        }
    }

    /** The verdict of the rules on one metric, as if it were Weft's. */
    static Flag judge(Kind kind, double a, double b, CompareOptions o) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Flag.NONE;
        }
        double pct = a == 0 ? (b == 0 ? 0 : Double.POSITIVE_INFINITY * Math.signum(b)) : (b - a) / Math.abs(a) * 100;
        return switch (kind) {
            case THROUGHPUT -> beyond(-pct, o.throughputPct()) ? Flag.REGRESSION
                    : beyond(pct, o.throughputPct()) ? Flag.IMPROVEMENT : Flag.NONE;
            case LATENCY, TAIL_LATENCY -> {
                double limit = kind == Kind.LATENCY ? o.latencyPct() : o.tailLatencyPct();
                if (beyond(pct, limit) && beyond(b - a, o.minLatencyDeltaMs())) {
                    yield Flag.REGRESSION;
                }
                yield beyond(-pct, limit) && beyond(a - b, o.minLatencyDeltaMs()) ? Flag.IMPROVEMENT : Flag.NONE;
            }
            case ERRORS -> a == 0 && b > 0 ? Flag.REGRESSION : a > 0 && b == 0 ? Flag.IMPROVEMENT : Flag.NONE;
            case RSS -> beyond(pct, o.rssPct()) ? Flag.REGRESSION
                    : beyond(-pct, o.rssPct()) ? Flag.IMPROVEMENT : Flag.NONE;
            case MAX_LATENCY, CPU -> Flag.NONE;
        };
    }

    /**
     * {@code value > limit}, with a margin for binary fractions: 2.6 ms after 2.0 ms is +30%, not the
     * +30.000000000000004% that doubles compute, and must not pass a 30% threshold.
     */
    private static boolean beyond(double value, double limit) {
        return value > limit + 1e-9 * Math.max(1, Math.abs(limit));
    }

    /** Errors plus non-2xx responses; NaN when not measured. */
    private static double errors(long errors, long non2xx) {
        if (errors < 0 && non2xx < 0) {
            return Double.NaN;
        }
        return Math.max(0, errors) + Math.max(0, non2xx);
    }

    private static double bytes(long b) {
        return b < 0 ? Double.NaN : b;
    }

    private static void machineNotes(Report a, Report b, List<String> notes) {
        Report.Machine ma = a.machine();
        Report.Machine mb = b.machine();
        if (ma != null && mb != null && (!Objects.equals(ma.cpuModel(), mb.cpuModel()) || ma.cores() != mb.cores())) {
            notes.add("the machines differ (A: " + ma.cpuModel() + ", " + ma.cores() + " CPUs; B: " + mb.cpuModel()
                    + ", " + mb.cores() + " CPUs): compare the peers' changes before believing Weft's");
        }
        Report.Settings sa = a.settings();
        Report.Settings sb = b.settings();
        if (sa != null && sb != null && !Objects.equals(sa.pinning(), sb.pinning())) {
            notes.add("CPU pinning differs (A: " + sa.pinning() + "; B: " + sb.pinning() + ")");
        }
        if (sa != null && sb != null && (Double.compare(sa.durationSeconds(), sb.durationSeconds()) != 0
                || !Objects.equals(sa.origin(), sb.origin()))) {
            notes.add("run settings differ (A: " + Html.num(sa.durationSeconds()) + " s, origin " + sa.origin()
                    + "; B: " + Html.num(sb.durationSeconds()) + " s, origin " + sb.origin() + ")");
        }
    }

    /** "0.1.0 (d32b783) 2025-06-01T10:00:00Z, AMD EPYC 7B13 x2". */
    static String describe(Report r) {
        StringBuilder s = new StringBuilder(ReportHtml.version(r.weft()));
        s.append(' ').append(r.createdAt());
        if (r.machine() != null) {
            s.append(", ").append(r.machine().cpuModel()).append(" x").append(r.machine().cores());
        }
        return s.toString();
    }
}
