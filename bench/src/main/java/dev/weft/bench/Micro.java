package dev.weft.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./weft bench micro [REGEX] [--json FILE]}: runs the JMH benchmarks whose names match, always with the GC
 * profiler (allocation per operation is half the point), and prints one compact line per benchmark and parameter set.
 * Each benchmark keeps its own fork, warm-up and measurement settings.
 */
public final class Micro {
    private Micro() {
    }

    public static void main(String[] args) throws RunnerException {
        String regex = ".*";
        String json = null;
        for (int i = 0; i < args.length; i++) {
            if ("--json".equals(args[i]) && i + 1 < args.length) {
                json = args[++i];
            } else if (args[i].startsWith("-")) {
                System.err.println("usage: weft bench micro [REGEX] [--json FILE]");
                System.exit(2);
            } else {
                regex = args[i];
            }
        }
        ChainedOptionsBuilder options = new OptionsBuilder().include(regex).addProfiler(GCProfiler.class);
        if (json != null) {
            options.resultFormat(ResultFormatType.JSON).result(json);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        if (results.isEmpty()) {
            System.err.println("no benchmark matches '" + regex + "'");
            System.exit(2);
        }
        System.out.println();
        System.out.println(table(results));
        if (json != null) {
            System.out.println("JMH JSON: " + json);
        }
    }

    /** One row per benchmark and parameter set: score ± error with its unit, and bytes allocated per operation. */
    static String table(Collection<RunResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"benchmark", "params", "score", "error", "unit", "alloc B/op"});
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            StringBuilder params = new StringBuilder();
            for (String key : r.getParams().getParamsKeys()) {
                params.append(params.isEmpty() ? "" : ",").append(key).append('=').append(r.getParams().getParam(key));
            }
            Result<?> primary = r.getPrimaryResult();
            Map<String, Result> secondary = r.getSecondaryResults();
            Result<?> alloc = secondary.get("gc.alloc.rate.norm");
            rows.add(new String[] {name, params.isEmpty() ? "-" : params.toString(), fmt(primary.getScore()),
                    Double.isNaN(primary.getScoreError()) ? "-" : "± " + fmt(primary.getScoreError()),
                    primary.getScoreUnit(), alloc == null ? "-" : fmt(alloc.getScore())});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                String cell = row[i];
                boolean number = i >= 2 && i != 4;
                out.append(number ? " ".repeat(widths[i] - cell.length()) + cell : cell
                        + " ".repeat(widths[i] - cell.length()));
                out.append(i + 1 < row.length ? "  " : "\n");
            }
        }
        return out.toString();
    }

    private static String fmt(double v) {
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (Math.abs(v) >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
