package dev.weft.admin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Opens {@code /latency} in headless Chromium against a live admin server and checks what the page's script drew:
 * one SVG per histogram with a cumulative and a recent series, "no data yet" for the empty one, names rendered as
 * text (the hostile one too), no script errors and no CSP violations. Chromium is required: a missing browser fails
 * the test rather than skipping it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LatencyPageChromiumTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final long CHROMIUM_TIMEOUT_SECONDS = 60;
    private static final Pattern CONSOLE_LINE = Pattern.compile(".*(CONSOLE|Uncaught|Refused to|"
            + "Content Security Policy).*");

    private AdminFixture fixture;
    private Path profile;

    @BeforeEach
    void start() throws IOException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail("headless Chromium is required at " + CHROMIUM + " (Debian package 'chromium'); it is missing");
        }
        fixture = new AdminFixture();
        profile = Files.createTempDirectory("weft-chromium-");
    }

    @AfterEach
    void stop() throws IOException {
        if (fixture != null) {
            fixture.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void latencyPagePlotsEveryHistogramWithoutErrors() throws Exception {
        String url = "http://127.0.0.1:" + fixture.address().getPort() + "/latency";
        Run run = chromium("--virtual-time-budget=6000", "--dump-dom", url);
        String dom = run.stdout();
        String diagnostics = "\n--- DOM ---\n" + dom + "\n--- stderr ---\n" + run.stderr();

        assertTrue(dom.contains("id=\"status\" data-state=\"ok\""), "the fetch succeeded" + diagnostics);
        assertFalse(dom.contains("id=\"status\" data-state=\"error\""), "no error marker" + diagnostics);
        assertTrue(updates(dom) >= 2, "the page refreshed itself at least once" + diagnostics);

        for (String name : List.of("cluster.backend.upstream_rq_time", "http.ingress.downstream_rq_time")) {
            for (String series : List.of("cumulative", "recent")) {
                Matcher line = Pattern.compile("<polyline points=\"([^\"]+)\" class=\"" + series
                        + "\" data-histogram=\"" + Pattern.quote(name) + "\" data-series=\"" + series
                        + "\" data-count=\"(\\d+)\" data-points=\"9\"").matcher(dom);
                assertTrue(line.find(), name + " " + series + " plotted with 9 points" + diagnostics);
                assertEquals(9, line.group(1).split(" ").length, name + " " + series);
            }
        }
        assertTrue(dom.contains("<svg width=\"520\" height=\"250\""), "charts are inline SVG" + diagnostics);
        assertTrue(dom.contains(">p99.99</text>") && dom.contains(">max</text>"), "nines axis labels" + diagnostics);

        String empty = "data-histogram=\"listener.127.0.0.1_10000.downstream_cx_length_ms\"";
        int card = dom.indexOf("<section class=\"card\" " + empty);
        assertTrue(card >= 0, "empty histogram has a card" + diagnostics);
        String emptyCard = dom.substring(card, dom.indexOf("</section>", card));
        assertTrue(emptyCard.contains("data-empty=\"true\"") && emptyCard.contains(">no data yet</text>"),
                "empty histogram says no data yet: " + emptyCard);
        assertFalse(emptyCard.contains("<polyline"), emptyCard);

        // the hostile cluster name is text: escaped in the DOM, never an element
        assertTrue(dom.contains("cluster.x&lt;img src=x onerror=alert(1)&gt;.upstream_rq_time"), diagnostics);
        assertFalse(dom.contains("<img"), "no element injected by a name" + diagnostics);

        assertEquals(List.of(), consoleProblems(run.stderr()), "console errors or CSP violations" + diagnostics);
    }

    @Test
    void consoleCaptureSeesScriptErrors() throws Exception {
        // the negative control for the console assertion above: the same flags do report an uncaught error
        Path page = profile.resolve("broken.html");
        Files.writeString(page, "<!doctype html><script>throw new Error('weft-probe')</script>");
        Run run = chromium("--virtual-time-budget=1000", "--dump-dom", page.toUri().toString());
        assertFalse(consoleProblems(run.stderr()).isEmpty(), "stderr was:\n" + run.stderr());
    }

    @Test
    void screenshotOfTheLatencyPageIsWritten() throws Exception {
        Path png = profile.resolve("latency.png");
        String url = "http://127.0.0.1:" + fixture.address().getPort() + "/latency";
        Run run = chromium("--virtual-time-budget=4000", "--window-size=1200,900", "--screenshot=" + png, url);
        assertTrue(Files.exists(png), "no screenshot; stderr:\n" + run.stderr());
        assertTrue(Files.size(png) > 1000, "screenshot is " + Files.size(png) + " bytes");
        byte[] magic = Files.readAllBytes(png);
        assertEquals((byte) 0x89, magic[0]);
        assertEquals("PNG", new String(magic, 1, 3, StandardCharsets.US_ASCII));
    }

    private static int updates(String dom) {
        Matcher m = Pattern.compile("data-updates=\"(\\d+)\"").matcher(dom);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static List<String> consoleProblems(String stderr) {
        List<String> problems = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            if (CONSOLE_LINE.matcher(line).matches()) {
                problems.add(line);
            }
        }
        return problems;
    }

    private record Run(String stdout, String stderr) {
    }

    private Run chromium(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.resolve("profile"), "--enable-logging=stderr", "--v=0"));
        command.addAll(List.of(args));
        Path out = profile.resolve("stdout.txt");
        Path err = profile.resolve("stderr.txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(CHROMIUM_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            fail("chromium did not finish in " + CHROMIUM_TIMEOUT_SECONDS + " s; stderr:\n" + Files.readString(err));
        }
        return new Run(Files.readString(out), Files.readString(err));
    }
}
