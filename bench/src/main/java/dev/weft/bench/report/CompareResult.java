package dev.weft.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Compare} found: one row per scenario, target and metric, what exists on one side only, and notes.
 *
 * @param baseline  one line describing report A (version, commit, date, machine)
 * @param candidate the same for report B
 * @param options   the thresholds applied
 * @param rows      in A's scenario order; weft first, then the other targets in report order; metrics in a fixed
 *                  order
 * @param missing   scenarios, targets and rates not compared because they are missing or were not measured on one
 *                  side (or either), as sentences
 * @param notes     anything else worth knowing when reading the rows, e.g. that the machines differ
 */
public record CompareResult(String baseline, String candidate, CompareOptions options, List<Row> rows,
                            List<String> missing, List<String> notes) {

    /** The target whose changes are judged; the others are context. */
    public static final String JUDGED_TARGET = "weft";

    /** What a change means. */
    public enum Flag {
        /** Within the thresholds, or a metric that is never judged. */
        NONE,
        /** Weft got worse beyond the threshold. */
        REGRESSION,
        /** Weft got better beyond the same threshold. */
        IMPROVEMENT,
        /** A peer (or the direct origin) changed beyond the threshold: context for machine drift, never a verdict. */
        MOVED
    }

    /** The kind of a metric: its unit and which rule judges it. */
    public enum Kind {
        /** Requests per second; lower is worse; {@link CompareOptions#throughputPct()}. */
        THROUGHPUT,
        /** p50 and p90 in ms; higher is worse; {@link CompareOptions#latencyPct()} and the minimum delta. */
        LATENCY,
        /** p99 to p99.99 in ms; higher is worse; {@link CompareOptions#tailLatencyPct()} and the minimum delta. */
        TAIL_LATENCY,
        /** The maximum latency in ms: one sample, shown but never judged. */
        MAX_LATENCY,
        /** Errors plus non-2xx responses; errors where there were none is worse. */
        ERRORS,
        /** Resident memory in bytes; higher is worse; {@link CompareOptions#rssPct()}. */
        RSS,
        /** CPU seconds per 10,000 requests: shown, judged through requests/s per proxy core (its inverse). */
        CPU
    }

    /**
     * One metric of one target in one scenario.
     *
     * @param scenario {@link Report.ScenarioResult#key()}
     * @param target   target name
     * @param metric   e.g. "max requests/s", "50% p99 ms" (open-loop rate at 50% of the maximum)
     * @param kind     unit and rule
     * @param fraction the open-loop rate fraction, NaN for closed-loop and footprint metrics
     * @param a        value in the baseline, NaN if not measured
     * @param b        value in the candidate, NaN if not measured
     * @param flag     the verdict
     */
    public record Row(String scenario, String target, String metric, Kind kind, double fraction, double a, double b,
                      Flag flag) {

        /** {@code b - a}. */
        public double change() {
            return b - a;
        }

        /** {@code (b - a) / a} in percent; NaN when a is 0 or either is unknown. */
        public double changePct() {
            return a == 0 ? Double.NaN : (b - a) / Math.abs(a) * 100;
        }
    }

    public CompareResult {
        rows = List.copyOf(rows);
        missing = List.copyOf(missing);
        notes = List.copyOf(notes);
    }

    /** True when any row is a {@link Flag#REGRESSION}. */
    public boolean hasRegression() {
        return rows.stream().anyMatch(r -> r.flag() == Flag.REGRESSION);
    }

    /** The rows flagged {@link Flag#REGRESSION}. */
    public List<Row> regressions() {
        return rows.stream().filter(r -> r.flag() == Flag.REGRESSION).toList();
    }

    /** The rows flagged {@link Flag#IMPROVEMENT}. */
    public List<Row> improvements() {
        return rows.stream().filter(r -> r.flag() == Flag.IMPROVEMENT).toList();
    }

    /** The scenario keys of the rows, in order. */
    public List<String> scenarios() {
        return rows.stream().map(Row::scenario).distinct().toList();
    }

    /** How the thresholds read, for the text and the page. */
    public String thresholds() {
        return String.format(Locale.ROOT, "throughput -%s%%, p50/p90 +%s%%, p99 to p99.99 +%s%% (latency also by "
                        + "more than %s ms), RSS +%s%%, errors where A had none; max latency and CPU per request "
                        + "are not judged", Html.num(options.throughputPct()), Html.num(options.latencyPct()),
                Html.num(options.tailLatencyPct()), Html.ms(options.minLatencyDeltaMs()), Html.num(options.rssPct()));
    }

    /** Why peers are in the table at all. */
    public static String peerNote() {
        return "Only " + JUDGED_TARGET + " is judged. The other targets (direct, nginx, haproxy) ran on the same "
                + "machine in the same runs: their changes show machine drift and are never flagged; \"moved\" marks "
                + "a peer change beyond the thresholds, which makes a Weft change in the same direction suspect.";
    }

    /** Formats a value of a kind: requests/s with separators, ms with 3 significant digits, RSS in MiB. */
    public static String format(Kind kind, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        return switch (kind) {
            case THROUGHPUT -> Html.num(v);
            case LATENCY, TAIL_LATENCY, MAX_LATENCY -> Html.ms(v);
            case ERRORS -> String.format(Locale.ROOT, "%,.0f", v);
            case RSS -> String.format(Locale.ROOT, "%.1f MiB", v / 1048576.0);
            case CPU -> String.format(Locale.ROOT, "%.3f s", v);
        };
    }

    /** Formats a change with its sign. */
    public static String formatChange(Kind kind, double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "-";
        }
        String s = format(kind, Math.abs(d));
        return (d > 0 ? "+" : d < 0 ? "-" : "") + s;
    }

    /** The label of a flag in the text and the page; empty for {@link Flag#NONE}. */
    public static String label(Flag flag) {
        return switch (flag) {
            case NONE -> "";
            case REGRESSION -> "REGRESSION";
            case IMPROVEMENT -> "improved";
            case MOVED -> "moved (peer)";
        };
    }

    /** The comparison as aligned text for a terminal. */
    public String text() {
        StringBuilder out = new StringBuilder();
        out.append("A (baseline):  ").append(baseline).append('\n');
        out.append("B (candidate): ").append(candidate).append('\n');
        out.append(wrap(peerNote(), 118)).append('\n');
        out.append(wrap("Flagged when " + thresholds() + ".", 118)).append('\n');
        for (String n : notes) {
            out.append(wrap("Note: " + n, 118)).append('\n');
        }

        String[] header = {"metric", "A", "B", "change", "change %", ""};
        List<String[]> cells = new ArrayList<>();
        for (Row r : rows) {
            cells.add(new String[] {r.metric(), format(r.kind(), r.a()), format(r.kind(), r.b()),
                    formatChange(r.kind(), r.change()), Html.signedPct(r.changePct()), label(r.flag())});
        }
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
        }
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        String scenario = null;
        String target = null;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (!r.scenario().equals(scenario)) {
                scenario = r.scenario();
                target = null;
                out.append('\n').append("== ").append(scenario).append(" ==\n");
                out.append("    ").append(line(header, w)).append('\n');
            }
            if (!r.target().equals(target)) {
                target = r.target();
                out.append("  ").append(target)
                        .append(JUDGED_TARGET.equals(target) ? "" : "  (context, not judged)").append('\n');
            }
            out.append("    ").append(line(cells.get(i), w)).append('\n');
        }
        if (!missing.isEmpty()) {
            out.append("\nNot compared:\n");
            for (String m : missing) {
                out.append("  ").append(m).append('\n');
            }
        }
        out.append('\n');
        List<Row> regressions = regressions();
        List<Row> improvements = improvements();
        if (regressions.isEmpty()) {
            out.append("No regression");
        } else {
            out.append(regressions.size()).append(regressions.size() == 1 ? " regression" : " regressions");
        }
        out.append(", ").append(improvements.size())
                .append(improvements.size() == 1 ? " improvement" : " improvements").append(" of weft.\n");
        for (Row r : regressions) {
            out.append("  REGRESSION ").append(r.scenario()).append(": ").append(r.metric()).append(' ')
                    .append(format(r.kind(), r.a())).append(" -> ").append(format(r.kind(), r.b())).append(" (")
                    .append(Html.signedPct(r.changePct())).append(")\n");
        }
        return out.toString();
    }

    private static String line(String[] c, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            boolean left = i == 0 || i == c.length - 1;
            String pad = " ".repeat(w[i] - c[i].length());
            b.append(left ? c[i] + pad : pad + c[i]);
            if (i + 1 < c.length) {
                b.append("  ");
            }
        }
        return b.toString().stripTrailing();
    }

    private static String wrap(String text, int width) {
        StringBuilder out = new StringBuilder();
        int lineStart = 0;
        for (String word : text.split(" ")) {
            if (out.length() - lineStart + word.length() + 1 > width && out.length() > lineStart) {
                out.append('\n');
                lineStart = out.length();
            } else if (out.length() > lineStart) {
                out.append(' ');
            }
            out.append(word);
        }
        return out.toString();
    }
}
