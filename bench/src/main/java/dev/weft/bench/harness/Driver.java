package dev.weft.bench.harness;

import dev.weft.bench.load.H2OpenLoopClient;
import dev.weft.bench.load.OpenLoopClient;
import dev.weft.bench.report.Distributions;
import dev.weft.bench.report.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;

/**
 * Measures one target in one scenario: the closed-loop maximum (wrk, h2load, or {@link ClosedLoopClient} for mTLS),
 * then open-loop runs at the configured fractions of that maximum, with the target's CPU time around each run.
 */
final class Driver {

    private final LoadOptions opts;
    private final String loadCpus;
    private final int loadCores;
    private final Pki pki;
    private final Path outDir;
    private final PrintStream log;
    /** CPU seconds the target used in the last closed-loop run (for the footprint's CPU per 10k requests). */
    double lastCpuSeconds;

    Driver(LoadOptions opts, String loadCpus, int loadCores, Pki pki, Path outDir, PrintStream log) {
        this.opts = opts;
        this.loadCpus = loadCpus;
        this.loadCores = loadCores;
        this.pki = pki;
        this.outDir = outDir;
        this.log = log;
    }

    Report.TargetResult measure(String target, LoadCommand.Combo combo, int port, ManagedProcess proc,
                                String unavailable) throws IOException, InterruptedException {
        if (unavailable != null) {
            log.printf(Locale.ROOT, "  %-8s %-22s unavailable: %s%n", target, combo.key(), unavailable);
            return new Report.TargetResult(target, unavailable, null, null, null);
        }
        String path = "/bytes/" + combo.bodyBytes();
        if (opts.warmupSeconds() > 0) {
            closedLoop(combo, port, path, opts.warmupSeconds());
        }
        double cpu0 = proc == null ? 0 : proc.cpuSeconds();
        long t0 = System.nanoTime();
        ClosedLoopResult max = closedLoop(combo, port, path, opts.durationSeconds());
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = proc == null ? Double.NaN : proc.cpuSeconds() - cpu0;
        lastCpuSeconds = cpu;
        double cores = cpu / wall;
        Report.Throughput throughput = new Report.Throughput(max.tool(), max.requestsPerSecond(), cores,
                max.requestsPerSecond() / cores, max.requests(), max.errors(), max.non2xx(), max.latency());
        log.printf(Locale.ROOT, "  %-8s %-22s max %,.0f req/s%s, %d errors, %d non-2xx (%s)%n", target, combo.key(),
                max.requestsPerSecond(), proc == null ? "" : String.format(Locale.ROOT,
                        " (%.2f cores, %,.0f req/s per core)", cores, max.requestsPerSecond() / cores),
                max.errors(), max.non2xx(), max.tool());

        List<Report.RatePoint> rates = new ArrayList<>();
        if (max.requestsPerSecond() > 0) {
            for (double fraction : opts.rates()) {
                rates.add(openLoop(target, combo, port, path, fraction, max.requestsPerSecond(), proc));
            }
        }
        return new Report.TargetResult(target, null, throughput, rates, null);
    }

    private Report.RatePoint openLoop(String target, LoadCommand.Combo combo, int port, String path, double fraction,
                                      double maxRate, ManagedProcess proc) throws IOException, InterruptedException {
        double rate = Math.max(1, fraction * maxRate);
        SSLContext tls = switch (combo.scenario()) {
            case TLS, H2 -> pki.clientContext(false);
            case MTLS -> pki.clientContext(true);
            default -> null;
        };
        OpenLoopClient.Settings s = OpenLoopClient.Settings.of(new InetSocketAddress("127.0.0.1", port), path,
                        combo.connections(), rate, Duration.ofMillis((long) (opts.durationSeconds() * 1000)))
                .withWarmup(Duration.ofMillis((long) (opts.warmupSeconds() * 1000)))
                .withTls(tls, tls == null ? null : "localhost")
                .withNewConnectionPerRequest(combo.scenario() == Scenario.H1_CLOSE);
        double cpu0 = proc == null ? 0 : proc.cpuSeconds();
        long t0 = System.nanoTime();
        OpenLoopClient.Result r = combo.scenario() == Scenario.H2 ? H2OpenLoopClient.run(s) : OpenLoopClient.run(s);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cores = proc == null ? Double.NaN : (proc.cpuSeconds() - cpu0) / wall;
        String hgrm = String.format(Locale.ROOT, "%s-%s-c%d-%s-r%02d.hgrm", combo.scenario().id, combo.body(),
                combo.connections(), target, Math.round(fraction * 100));
        Files.createDirectories(outDir);
        Distributions.writeHgrm(r.latencyMicros(), outDir.resolve(hgrm));
        Report.Latency lat = Distributions.latency(r.latencyMicros());
        log.printf(Locale.ROOT, "  %-8s %-22s %3.0f%% = %,.0f req/s: p50 %.3f p99 %.3f p99.9 %.3f max %.3f ms, "
                        + "%d errors%n", target, combo.key(), fraction * 100, rate, lat.p50(), lat.p99(), lat.p999(),
                lat.max(), r.errors());
        return new Report.RatePoint(fraction, rate, r.achievedRate(), r.requests(), r.errors(), r.non2xx(), cores, lat,
                Distributions.of(r.latencyMicros()), hgrm);
    }

    private ClosedLoopResult closedLoop(LoadCommand.Combo combo, int port, String path, double seconds)
            throws IOException, InterruptedException {
        int threads = Math.max(1, Math.min(loadCores, combo.connections()));
        long wholeSeconds = Math.max(1, Math.round(seconds));
        return switch (combo.scenario()) {
            case MTLS -> ClosedLoopClient.run(new InetSocketAddress("127.0.0.1", port), path, pki.clientContext(true),
                    combo.connections(), seconds);
            case H2 -> H2loadOutput.parse(Tools.run(tool("h2load", List.of("-t", Integer.toString(threads), "-c",
                    Integer.toString(combo.connections()), "-m", Integer.toString(opts.h2Streams()), "-D",
                    Long.toString(wholeSeconds), "https://127.0.0.1:" + port + path)), wholeSeconds + 60));
            default -> {
                List<String> args = new ArrayList<>(List.of("-t", Integer.toString(threads), "-c",
                        Integer.toString(combo.connections()), "-d", wholeSeconds + "s", "--latency"));
                if (combo.scenario() == Scenario.H1_CLOSE) {
                    args.addAll(List.of("-H", "Connection: close"));
                }
                args.add((combo.scenario().tls() ? "https" : "http") + "://127.0.0.1:" + port + path);
                yield WrkOutput.parse(Tools.run(tool("wrk", args), wholeSeconds + 60));
            }
        };
    }

    /** The tool's command line: native, or in a container with the host network and the load CPUs. */
    private List<String> tool(String name, List<String> args) {
        List<String> cmd = new ArrayList<>();
        if (opts.docker()) {
            cmd.addAll(List.of("docker", "run", "--rm", "--network", "host"));
            if (loadCpus != null) {
                cmd.addAll(List.of("--cpuset-cpus", loadCpus));
            }
            cmd.add(name.equals("wrk") ? System.getenv().getOrDefault("WEFT_BENCH_WRK_IMAGE", "williamyeh/wrk")
                    : System.getenv().getOrDefault("WEFT_BENCH_H2LOAD_IMAGE", "svagi/h2load"));
        } else {
            cmd.add(Tools.require(name, null).toString());
        }
        cmd.addAll(args);
        return cmd;
    }
}
