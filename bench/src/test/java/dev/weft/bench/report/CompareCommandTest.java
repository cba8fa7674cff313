package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code weft bench compare} on report folders: output, page, exit status. */
class CompareCommandTest {

    @TempDir
    Path tmp;

    private Path baseline;
    private Path regressed;
    private Path noisy;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void writeReports() throws IOException {
        Report a = Fixtures.report();
        baseline = tmp.resolve("perf-reports/0.1.0");
        regressed = tmp.resolve("perf-reports/0.2.0");
        noisy = tmp.resolve("perf-reports/0.1.1");
        ReportWriter.write(a, baseline);
        ReportWriter.write(CompareTest.regressedCandidate(a), regressed);
        ReportWriter.write(Fixtures.mapTarget(a, Fixtures.H1, "weft", t -> Fixtures.throughput(t, 0.96)), noisy);
    }

    private int run(String... args) {
        out.reset();
        err.reset();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        return CompareCommand.run(o, e, args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void printsTheTableAndWritesThePageIntoBsFolder() throws Exception {
        assertEquals(0, run(baseline.toString(), regressed.toString()));
        Path page = regressed.resolve("compare-0.1.0.html");
        assertTrue(out().contains("REGRESSION"), out());
        assertTrue(out().contains("== " + Fixtures.H1 + " =="), out());
        assertTrue(out().endsWith("compare page: " + page + "\n"), out());
        assertEquals("", err());
        ReportHtmlTest.checkSelfContainedXhtml(Files.readString(page));
    }

    @Test
    void failOnRegressionExitsOneOnlyWhenSomethingWasFlagged() {
        assertEquals(1, run(baseline.toString(), regressed.toString(), "--fail-on-regression"));
        assertEquals(0, run(baseline.toString(), noisy.toString(), "--fail-on-regression"));
        assertTrue(out().contains("No regression"), out());
        assertEquals(0, run("--fail-on-regression", baseline.toString(), baseline.toString()));
    }

    @Test
    void thresholdsAreOptions() {
        assertEquals(0, run(baseline.toString(), regressed.toString(), "--fail-on-regression",
                "--throughput-threshold", "25", "--tail-threshold=70"));
        assertTrue(out().contains("throughput -25%, p50/p90 +15%, p99 to p99.99 +70%"), out());
        assertEquals(1, run(baseline.toString(), regressed.toString(), "--fail-on-regression",
                "--throughput-threshold", "25"), "the p99 is still flagged");
        assertEquals(0, run(baseline.toString(), regressed.toString(), "--fail-on-regression",
                "--throughput-threshold", "25", "--tail-threshold", "70", "--latency-threshold", "5",
                "--rss-threshold", "0"), "p50 and RSS are unchanged, and unchanged is not more than 0%");
    }

    @Test
    void acceptsReportJsonFilesAndAnExplicitPagePath() throws IOException {
        Path page = tmp.resolve("out/pages/cmp.html");
        assertEquals(0, run(baseline.resolve("report.json").toString(), regressed.resolve("report.json").toString(),
                "--html", page.toString()));
        assertTrue(Files.size(page) > 10_000);
        assertTrue(out().endsWith("compare page: " + page + "\n"), out());
        assertEquals(0, run(baseline.resolve("report.json").toString(), noisy.resolve("report.json").toString()));
        assertTrue(Files.exists(noisy.resolve("compare-0.1.0.html")), "named after A's folder");
    }

    @Test
    void usageAndIoErrorsExitTwoWithAMessage() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("perf-reports/x"));
        assertEquals(2, run(empty.toString(), regressed.toString()));
        assertEquals("weft bench compare: " + empty + ": no report.json there\n", err());
        assertEquals(2, run(baseline.toString(), tmp.resolve("nope").toString()));
        assertEquals("weft bench compare: " + tmp.resolve("nope") + ": no such file or folder\n", err());

        assertEquals(2, run(baseline.toString()));
        assertTrue(err().startsWith("weft bench compare: report B is missing\nusage: weft bench compare A B"), err());
        assertEquals(2, run());
        assertTrue(err().startsWith("weft bench compare: reports A and B are missing\n"), err());
        assertEquals(2, run(baseline.toString(), regressed.toString(), "--fast"));
        assertTrue(err().startsWith("weft bench compare: unknown option --fast\n"), err());
        assertEquals(2, run(baseline.toString(), regressed.toString(), "--latency-threshold", "abc"));
        assertTrue(err().startsWith("weft bench compare: --latency-threshold: not a percentage: abc\n"), err());
        assertEquals(2, run(baseline.toString(), regressed.toString(), "--rss-threshold", "-5"));
        assertTrue(err().startsWith("weft bench compare: --rss-threshold: must be a percentage >= 0: -5\n"), err());
        assertEquals(2, run(baseline.toString(), regressed.toString(), "--html"));
        assertTrue(err().startsWith("weft bench compare: --html needs a value\n"), err());
        assertEquals(2, run(baseline.toString(), regressed.toString(), noisy.toString()));
        assertTrue(err().startsWith("weft bench compare: unexpected argument " + noisy), err());

        Files.writeString(empty.resolve("report.json"), "{\"schema\": 1}");
        assertEquals(2, run(empty.toString(), regressed.toString()));
        assertEquals("weft bench compare: " + empty.resolve("report.json") + ": createdAt: missing\n", err());
        assertEquals("", out(), "nothing printed before the error");

        assertEquals(0, run("--help"));
        assertTrue(out().startsWith("usage: weft bench compare A B [--fail-on-regression]"), out());
    }
}
