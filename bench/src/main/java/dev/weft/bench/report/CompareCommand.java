package dev.weft.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * {@code weft bench compare A B [options]}: compares two load-test reports (folders holding {@code report.json}, or
 * the files), prints the table, and writes the comparison page.
 *
 * <pre>
 * compare A B [--fail-on-regression] [--throughput-threshold PCT] [--latency-threshold PCT]
 *             [--tail-threshold PCT] [--rss-threshold PCT] [--html FILE]
 * </pre>
 *
 * <p>The page goes to {@code --html FILE}, by default into B's folder as {@code compare-<A's folder name>.html}.
 * Exit status: 0; 1 with {@code --fail-on-regression} when a regression was flagged; 2 for a usage error or a report
 * that cannot be read, with the reason on stderr.
 */
public final class CompareCommand {

    static final String NAME = "weft bench compare";
    static final String USAGE = "usage: " + NAME + " A B [--fail-on-regression] [--throughput-threshold PCT]"
            + " [--latency-threshold PCT] [--tail-threshold PCT] [--rss-threshold PCT] [--html FILE]\n"
            + "  A, B: report folders (holding report.json) or report.json files; A is the baseline\n"
            + "  --fail-on-regression    exit 1 when a regression of weft is flagged\n"
            + "  --throughput-threshold  max and per-core requests/s lower by more than PCT (default "
            + fmt(CompareOptions.DEFAULTS.throughputPct()) + ")\n"
            + "  --latency-threshold     p50/p90 higher by more than PCT (default "
            + fmt(CompareOptions.DEFAULTS.latencyPct()) + ")\n"
            + "  --tail-threshold        p99/p99.9/p99.99 higher by more than PCT (default "
            + fmt(CompareOptions.DEFAULTS.tailLatencyPct()) + ")\n"
            + "  --rss-threshold         idle/peak RSS higher by more than PCT (default "
            + fmt(CompareOptions.DEFAULTS.rssPct()) + ")\n"
            + "  --html FILE             where to write the page (default: B's folder, compare-<A folder>.html)";

    /** Exit status: compared, no regression or not asked to fail. */
    public static final int OK = 0;
    /** Exit status: {@code --fail-on-regression} and a regression was flagged. */
    public static final int REGRESSION = 1;
    /** Exit status: bad arguments or unreadable reports. */
    public static final int ERROR = 2;

    private CompareCommand() {
    }

    /** Runs {@link #run(String...)} and exits with its status. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command on {@link System#out} and {@link System#err}; returns the exit status. */
    public static int run(String... args) {
        return run(System.out, System.err, args);
    }

    /** Runs the command; returns the exit status. */
    static int run(PrintStream out, PrintStream err, String... args) {
        String first = null;
        String second = null;
        boolean failOnRegression = false;
        String html = null;
        CompareOptions options = CompareOptions.DEFAULTS;
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return OK;
                    }
                    case "--fail-on-regression" -> {
                        if (value != null) {
                            throw new UsageException(arg + " takes no value");
                        }
                        failOnRegression = true;
                    }
                    case "--html" -> {
                        html = value != null ? value : next(args, ++i, arg);
                    }
                    case "--throughput-threshold" -> options = options.withThroughputPct(
                            pct(arg, value != null ? value : next(args, ++i, arg)));
                    case "--latency-threshold" -> options = options.withLatencyPct(
                            pct(arg, value != null ? value : next(args, ++i, arg)));
                    case "--tail-threshold" -> options = options.withTailLatencyPct(
                            pct(arg, value != null ? value : next(args, ++i, arg)));
                    case "--rss-threshold" -> options = options.withRssPct(
                            pct(arg, value != null ? value : next(args, ++i, arg)));
                    default -> {
                        if (arg.startsWith("-") && arg.length() > 1) {
                            throw new UsageException("unknown option " + arg);
                        }
                        if (first == null) {
                            first = args[i];
                        } else if (second == null) {
                            second = args[i];
                        } else {
                            throw new UsageException("unexpected argument " + args[i] + " (A and B are already "
                                    + first + " and " + second + ")");
                        }
                    }
                }
            }
            if (second == null) {
                throw new UsageException(first == null ? "reports A and B are missing" : "report B is missing");
            }
        } catch (UsageException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println(USAGE);
            return ERROR;
        }

        try {
            Path pathA = Path.of(first);
            Path pathB = Path.of(second);
            Report a = ReportJson.read(pathA);
            Report b = ReportJson.read(pathB);
            CompareResult result = Compare.compare(a, b, options);
            out.print(result.text());
            Path page = html != null ? Path.of(html)
                    : folder(pathB).resolve("compare-" + name(folder(pathA)) + ".html");
            Path parent = page.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(page, CompareHtml.render(a, b, result), StandardCharsets.UTF_8);
            out.println("compare page: " + page);
            out.flush();
            return failOnRegression && result.hasRegression() ? REGRESSION : OK;
        } catch (IOException e) {
            err.println(NAME + ": " + e.getMessage());
            return ERROR;
        } catch (InvalidPathException e) {
            err.println(NAME + ": not a valid path: " + e.getInput());
            return ERROR;
        }
    }

    /** The report folder of a folder or report.json argument. */
    private static Path folder(Path reportJsonOrFolder) {
        if (Files.isDirectory(reportJsonOrFolder)) {
            return reportJsonOrFolder;
        }
        Path parent = reportJsonOrFolder.getParent();
        return parent != null ? parent : Path.of(".");
    }

    private static String name(Path folder) {
        Path abs = folder.toAbsolutePath().normalize();
        Path n = abs.getFileName();
        return n == null ? "root" : n.toString();
    }

    private static String next(String[] args, int i, String option) throws UsageException {
        if (i >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[i];
    }

    private static double pct(String option, String value) throws UsageException {
        double v;
        try {
            v = Double.parseDouble(value.endsWith("%") ? value.substring(0, value.length() - 1) : value);
        } catch (NumberFormatException e) {
            throw new UsageException(option + ": not a percentage: " + value);
        }
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new UsageException(option + ": must be a percentage >= 0: " + value);
        }
        return v;
    }

    private static String fmt(double v) {
        return Html.num(v);
    }

    private static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }
}
