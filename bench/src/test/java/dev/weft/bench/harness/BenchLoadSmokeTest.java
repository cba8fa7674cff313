package dev.weft.bench.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.bench.report.Report;
import dev.weft.bench.report.ReportJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run of {@code bench load}, in its own JVM as the launcher starts it: nginx as origin, Weft, nginx and
 * haproxy as targets, the h1, mtls and h2 (over TLS) scenarios, one second each. It needs wrk, h2load, nginx, haproxy, openssl
 * and taskset, and fails (not skips) without them.
 */
class BenchLoadSmokeTest {

    @TempDir
    Path tmp;

    private Run bench(Map<String, String> env, String... args) throws IOException, InterruptedException {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED", "-Xmx512m", "-cp", cp,
                "dev.weft.bench.harness.LoadCommand", "--weft-classpath", cp));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(240, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("bench load did not finish in 240 s:\n" + Files.readString(tmp.resolve("out.txt")));
        }
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt")), Files.readString(tmp.resolve("err.txt")));
    }

    record Run(int exit, String out, String err) {
        String both() {
            return out + "\n--- stderr ---\n" + err;
        }
    }

    @Test
    void shortRunWithPeersWritesACompleteReport() throws Exception {
        for (String tool : List.of("wrk", "h2load", "nginx", "haproxy", "openssl", "taskset")) {
            assertTrue(Tools.installed(tool), Tools.missing(tool) + ": the bench smoke test drives it");
        }
        Path out = tmp.resolve("report");
        Run run = bench(Map.of(), "--scenario", "h1,mtls,h2", "--duration", "1", "--warmup", "0.5", "--rates", "0.5",
                "-c", "8", "--peers", "nginx,haproxy", "--origin", "nginx", "--out", out.toString());
        assertEquals(0, run.exit(), run.both());

        Report r = ReportJson.read(out);
        assertEquals(3, r.scenarios().size(), run.both());
        assertTrue(r.settings().pinning().contains("CPU 0"), r.settings().pinning());
        assertEquals("nginx", r.settings().origin());
        assertTrue(r.tools().keySet().containsAll(List.of("wrk", "h2load", "nginx", "haproxy")), r.tools().toString());
        assertTrue(r.configs().get("weft").contains("require_client_certificate: true"), r.configs().get("weft"));

        Report.ScenarioResult h1 = scenario(r, "h1");
        assertEquals(List.of("direct", "weft", "nginx", "haproxy"), names(h1));
        for (Report.TargetResult t : h1.targets()) {
            assertNull(t.unavailable(), t.target());
            assertTrue(t.max().requestsPerSecond() > 100, t.target() + " " + t.max());
            assertEquals(0, t.max().errors(), t.target() + " " + t.max());
            assertEquals(0, t.max().non2xx(), t.target() + " " + t.max());
            assertEquals(1, t.rates().size(), t.target());
            Report.RatePoint p = t.rates().get(0);
            assertEquals(0.5, p.fraction());
            assertTrue(p.requests() > 10, t.target() + " " + p);
            assertEquals(0, p.errors(), t.target() + " " + p);
            assertTrue(p.latency().p50() > 0 && p.latency().p50() <= p.latency().p99(), t.target() + " " + p);
            assertTrue(Files.size(out.resolve(p.hgrm())) > 100, p.hgrm());
            assertTrue(Files.readString(out.resolve(p.hgrm())).contains("Percentile"), p.hgrm());
            if (t.target().equals("direct")) {
                assertNull(t.footprint());
                assertTrue(Double.isNaN(t.max().proxyCores()));
            } else {
                Report.Footprint f = t.footprint();
                assertNotNull(f, t.target());
                assertTrue(f.idleRssBytes() > 1_000_000 && f.peakRssBytes() >= f.idleRssBytes() / 2, f.toString());
                assertTrue(f.startupMillis() > 0 && f.startupMillis() < 30_000, f.toString());
                assertTrue(f.cpuSecondsPer10k() > 0, f.toString());
                // pinned to one core: the proxy cannot use more than one
                assertTrue(t.max().proxyCores() > 0 && t.max().proxyCores() < 1.2, t.target() + " " + t.max());
            }
        }

        Report.ScenarioResult mtls = scenario(r, "mtls");
        assertEquals("the origin serves plaintext HTTP/1.1 only", target(mtls, "direct").unavailable());
        for (String name : List.of("weft", "nginx", "haproxy")) {
            Report.TargetResult t = target(mtls, name);
            assertNull(t.unavailable(), name);
            assertTrue(t.max().requests() > 10 && t.max().errors() == 0 && t.max().non2xx() == 0, name + t.max());
            assertEquals(0, t.rates().get(0).errors(), name);
        }

        Report.ScenarioResult h2 = scenario(r, "h2");
        for (String name : List.of("weft", "nginx", "haproxy")) {
            Report.TargetResult t = target(h2, name);
            assertEquals("h2load", t.max().tool(), name);
            assertTrue(t.max().requests() > 10 && t.max().non2xx() == 0, name + t.max());
            Report.RatePoint p = t.rates().get(0); // the HTTP/2 open-loop generator
            assertTrue(p.requests() > 10 && p.errors() == 0 && p.non2xx() == 0, name + " " + p);
        }

        String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("<svg") && html.contains("haproxy"), "report.html renders the targets");
        assertTrue(run.out().contains("wrote " + out.resolve("report.json")), run.both());
    }

    @Test
    void aMissingToolIsNamedWithItsDebianPackage() throws Exception {
        Run run = bench(Map.of("PATH", tmp.toString()), "--scenario", "h1", "--out", tmp.resolve("r").toString());
        assertEquals(3, run.exit(), run.both());
        assertTrue(run.err().contains("wrk not found: install it with `apt-get install wrk`"), run.both());
        assertTrue(Files.notExists(tmp.resolve("r")), "nothing written");
    }

    @Test
    void aBadOptionIsAUsageError() throws Exception {
        Run run = bench(Map.of(), "--scenario", "h9");
        assertEquals(2, run.exit(), run.both());
        assertTrue(run.err().contains("--scenario: unknown scenario 'h9'"), run.both());
    }

    private static Report.ScenarioResult scenario(Report r, String id) {
        return r.scenarios().stream().filter(s -> s.scenario().equals(id)).findFirst().orElseThrow();
    }

    private static Report.TargetResult target(Report.ScenarioResult s, String name) {
        return s.targets().stream().filter(t -> t.target().equals(name)).findFirst().orElseThrow();
    }

    private static List<String> names(Report.ScenarioResult s) {
        return s.targets().stream().map(Report.TargetResult::target).collect(Collectors.toList());
    }
}
