package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes the sample pages end to end through the public entry points: {@code baseline/} and {@code candidate/}
 * report folders (report.json, report.html) and {@code candidate/compare-baseline.html}. They go to a temporary
 * folder, or to {@code WEFT_REPORT_SAMPLE_DIR} when set, to look at them.
 */
class SampleRenderTest {

    @TempDir
    Path tmp;

    @Test
    void writeSamples() throws IOException {
        String dir = System.getenv("WEFT_REPORT_SAMPLE_DIR");
        Path root = dir == null || dir.isBlank() ? tmp : Path.of(dir);
        Report a = Fixtures.report(42);
        Report b = CompareTest.regressedCandidate(a);
        ReportWriter.write(a, root.resolve("baseline"));
        ReportWriter.write(b, root.resolve("candidate"));
        Files.copy(root.resolve("baseline/report.html"), root.resolve("report.html"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int status = CompareCommand.run(root.resolve("baseline").toString(), root.resolve("candidate").toString());
        assertEquals(0, status);
        assertEquals(0, CompareCommand.run(root.resolve("baseline").toString(), root.resolve("candidate").toString(),
                "--html", root.resolve("compare.html").toString()));
        for (String f : new String[] {"baseline/report.json", "candidate/report.html", "candidate/compare-baseline.html",
                "compare.html"}) {
            assertEquals(true, Files.size(root.resolve(f)) > 1000, f);
        }
    }
}
