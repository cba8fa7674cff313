package dev.weft.bench.harness;

import dev.weft.bench.report.Report;
import dev.weft.bench.report.ReportWriter;
import dev.weft.core.server.WeftVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code ./weft bench load}: starts an origin, then each target in turn (the origin alone as "direct", Weft, the
 * requested peers) pinned to its own core, drives every scenario at maximum throughput (closed loop) and at fixed
 * fractions of that maximum (open loop, latency from each request's intended send time), samples the target's CPU
 * time and resident memory from {@code /proc}, stops everything and writes the report.
 *
 * <p>Targets run one after another, never at the same time, so each gets the same cores. The harness's own JVM (the
 * open-loop generator) pins itself to the load-generator cores.
 */
public final class LoadCommand {

    private final LoadOptions opts;
    private final PrintStream out;
    private final Path work;
    /** CPUs this process may use, read before it pins itself (after that the JVM sees only the load CPUs). */
    private final int cores = Runtime.getRuntime().availableProcessors();
    private String proxyCpus;
    private String loadCpus;

    private LoadCommand(LoadOptions opts, PrintStream out, Path work) {
        this.opts = opts;
        this.out = out;
        this.work = work;
    }

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs the command; returns the exit status (0 done, 2 usage, 3 missing tool or failed target). */
    public static int run(PrintStream out, PrintStream err, String... args) {
        LoadOptions opts;
        try {
            if (args.length > 0 && (args[0].equals("-h") || args[0].equals("--help"))) {
                out.print(LoadOptions.USAGE);
                return 0;
            }
            opts = LoadOptions.parse(args);
        } catch (HarnessException e) {
            err.println("weft bench load: " + e.getMessage());
            return 2;
        }
        Path work = null;
        try {
            work = Files.createTempDirectory("weft-bench-");
            // nginx started as root serves files as an unprivileged worker user: the folder must be readable
            work.toFile().setReadable(true, false);
            work.toFile().setExecutable(true, false);
            new LoadCommand(opts, out, work).execute();
            return 0;
        } catch (HarnessException e) {
            err.println("weft bench load: " + e.getMessage());
            return 3;
        } catch (IOException e) {
            err.println("weft bench load: " + e);
            return 3;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("weft bench load: interrupted");
            return 3;
        } finally {
            if (work != null) {
                deleteTree(work);
            }
        }
    }

    private void execute() throws IOException, InterruptedException {
        checkTools();
        pin();
        String version = WeftVersion.get();
        Report.Build build = build(version); // before the run: the tree may change while it runs
        Path outDir = opts.out() != null ? opts.out() : Path.of("perf-reports", version);
        boolean anyTls = opts.scenarios().stream().anyMatch(Scenario::tls);
        Pki pki = anyTls ? Pki.create(work.resolve("pki")) : null;
        String createdAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();

        Map<String, String> configs = new LinkedHashMap<>();
        List<ProxyTarget> proxies = new ArrayList<>();
        try (Origin origin = Origin.start(opts.origin(), work, loadCpus, loadCores(), sizes())) {
            configs.put("origin", origin.configText);
            proxies.add(ProxyTarget.weft(work, weftCommand(), origin.port, pki));
            for (String peer : opts.peers()) {
                proxies.add(peer.equals("nginx") ? ProxyTarget.nginx(work, origin.port, pki)
                        : ProxyTarget.haproxy(work, origin.port, pki));
            }
            proxies.forEach(p -> configs.put(p.name, p.configText));
            out.printf(Locale.ROOT, "weft bench load: origin %s on 127.0.0.1:%d; pinning: %s%n", origin.kind,
                    origin.port, pinning());

            Map<String, List<Report.TargetResult>> byScenario = new LinkedHashMap<>();
            Driver driver = new Driver(opts, loadCpus, loadCores(), pki, outDir, out);
            // direct: the origin alone, the floor every proxy adds to
            for (Combo combo : combos()) {
                byScenario.computeIfAbsent(combo.key(), k -> new ArrayList<>())
                        .add(driver.measure("direct", combo, origin.port, null, combo.scenario.tls()
                                ? "the origin serves plaintext HTTP/1.1 only" : null));
            }
            for (ProxyTarget p : proxies) {
                measureProxy(driver, p, byScenario);
            }
            List<Report.ScenarioResult> scenarios = new ArrayList<>();
            for (Combo combo : combos()) {
                scenarios.add(new Report.ScenarioResult(combo.scenario.id, combo.body, combo.bodyBytes,
                        combo.connections, byScenario.get(combo.key())));
            }
            Report report = new Report(Report.SCHEMA, createdAt, machine(cores), tools(), build,
                    new Report.Settings(opts.durationSeconds(), opts.warmupSeconds(), opts.rates(), pinning(),
                            origin.kind, closedLoopTools(), "weft OpenLoopClient: fixed-rate schedule, latency from "
                            + "each request's intended send time (coordinated omission corrected)", opts.docker()),
                    configs, scenarios);
            ReportWriter.write(report, outDir);
            out.println();
            out.print(Summary.text(report));
            out.println("weft bench load: wrote " + outDir.resolve("report.json") + " and "
                    + outDir.resolve("report.html"));
        }
    }

    private void measureProxy(Driver driver, ProxyTarget p, Map<String, List<Report.TargetResult>> byScenario)
            throws IOException, InterruptedException {
        out.println("weft bench load: starting " + p.name);
        try (ManagedProcess proc = ManagedProcess.start(p.name, proxyCpus, p.command, work.resolve(p.name + ".log"),
                Map.of())) {
            double startupMs = waitForFirstResponse(proc, p.ports.get(Scenario.Listener.PLAIN));
            Thread.sleep(1000);
            long idleRss = proc.rssBytes();
            out.printf(Locale.ROOT, "  %s: first proxied response %.1f ms after start, idle RSS %.1f MiB%n", p.name,
                    startupMs, idleRss / 1048576.0);
            try (RssSampler sampler = new RssSampler(proc)) {
                for (Combo combo : combos()) {
                    String why = p.unavailable(combo.scenario);
                    if (why != null) {
                        byScenario.get(combo.key()).add(driver.measure(p.name, combo, 0, null, why));
                        continue;
                    }
                    sampler.resetPeak();
                    Report.TargetResult r = driver.measure(p.name, combo, p.port(combo.scenario), proc, null);
                    Report.Footprint fp = new Report.Footprint(idleRss, sampler.peak(),
                            r.max() == null || r.max().requests() <= 0 ? Double.NaN
                                    : driver.lastCpuSeconds * 10_000 / r.max().requests(), startupMs);
                    byScenario.get(combo.key()).add(new Report.TargetResult(r.target(), null, r.max(), r.rates(), fp));
                    if (!proc.isAlive()) {
                        throw new HarnessException(p.name + " exited during " + combo.key() + ":\n" + proc.logTail());
                    }
                }
            }
        }
    }

    /** Polls a plain GET through the proxy until it answers 200; returns milliseconds since the process started. */
    private static double waitForFirstResponse(ManagedProcess proc, int port) throws InterruptedException {
        long deadline = proc.spawnNanos + 30_000_000_000L;
        byte[] request = "GET /bytes/0 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        String last = "no connection";
        while (System.nanoTime() < deadline) {
            if (!proc.isAlive()) {
                throw new HarnessException(proc.name + " exited at start:\n" + proc.logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                s.setSoTimeout(2000);
                OutputStream o = s.getOutputStream();
                o.write(request);
                InputStream in = s.getInputStream();
                String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
                long now = System.nanoTime();
                if (head.equals("HTTP/1.1 200")) {
                    return (now - proc.spawnNanos) / 1e6;
                }
                last = "answered '" + head + "'";
            } catch (IOException e) {
                last = e.toString(); // not listening yet
            }
            Thread.sleep(2);
        }
        throw new HarnessException(proc.name + " did not answer 200 through 127.0.0.1:" + port + " within 30 s (last: "
                + last + "):\n" + proc.logTail());
    }

    private List<String> weftCommand() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(opts.weftJavaOpts().strip().split("\\s+")));
        cmd.addAll(opts.weftJvmArgs());
        cmd.addAll(List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        if (opts.weftJar() != null) {
            cmd.addAll(List.of("-jar", opts.weftJar().toAbsolutePath().toString()));
        } else {
            cmd.addAll(List.of("-cp", opts.weftClasspath(), "dev.weft.core.cli.Main"));
        }
        return cmd;
    }

    record Combo(Scenario scenario, String body, int bodyBytes, int connections) {
        String key() {
            return scenario.id + " body=" + body + " c=" + connections;
        }
    }

    List<Combo> combos() {
        List<Combo> combos = new ArrayList<>();
        for (Scenario s : opts.scenarios()) {
            for (String b : opts.bodies()) {
                for (int c : opts.connections()) {
                    combos.add(new Combo(s, b, LoadOptions.bodyBytes(b), c));
                }
            }
        }
        return combos;
    }

    /** CPUs left for the origin and the load generators. */
    private int loadCores() {
        return loadCpus == null ? cores : cores - 1;
    }

    private List<Integer> sizes() {
        return opts.bodies().stream().map(LoadOptions::bodyBytes).distinct().toList();
    }

    private void checkTools() throws IOException, InterruptedException {
        List<String> problems = new ArrayList<>();
        if (opts.docker()) {
            Tools.require("docker", "--docker");
            try {
                Tools.run(List.of("docker", "info"), 20);
            } catch (IOException e) {
                throw new HarnessException("--docker: no docker engine reachable (`docker info` failed); run without "
                        + "--docker to use wrk and h2load installed on this machine");
            }
        } else {
            boolean wrk = opts.scenarios().stream().anyMatch(s -> s != Scenario.MTLS && s != Scenario.H2);
            if (wrk && !Tools.installed("wrk")) {
                problems.add(Tools.missing("wrk"));
            }
            if (opts.scenarios().contains(Scenario.H2) && !Tools.installed("h2load")) {
                problems.add(Tools.missing("h2load"));
            }
        }
        if (opts.scenarios().stream().anyMatch(Scenario::tls) && !Tools.installed("openssl")) {
            problems.add(Tools.missing("openssl"));
        }
        for (String peer : opts.peers()) {
            if (!Tools.installed(peer)) {
                problems.add(Tools.missing(peer) + " (--peers " + peer + ")");
            }
        }
        if (opts.origin().equals("nginx") && !Tools.installed("nginx")) {
            problems.add(Tools.missing("nginx") + " (--origin nginx)");
        }
        if (!problems.isEmpty()) {
            throw new HarnessException(String.join("\n  ", problems));
        }
    }

    /** Proxy on the first allowed CPU; origin, load generators and this JVM on the others. */
    private void pin() throws InterruptedException {
        List<Integer> allowed = allowedCpus();
        if (!opts.pin() || !Tools.installed("taskset") || allowed.size() < 2) {
            return;
        }
        proxyCpus = allowed.get(0).toString();
        loadCpus = String.join(",", allowed.subList(1, allowed.size()).stream().map(String::valueOf).toList());
        try {
            Tools.run(List.of("taskset", "-a", "-p", "-c", loadCpus, Long.toString(ProcessHandle.current().pid())),
                    10);
        } catch (IOException e) {
            proxyCpus = null;
            loadCpus = null;
        }
    }

    /** The CPUs this process may run on ({@code Cpus_allowed_list}, e.g. "0-3" or "0,2-3"). */
    static List<Integer> allowedCpus() {
        List<Integer> cpus = new ArrayList<>();
        try {
            String list = Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).map(l -> l.substring(18).strip())
                    .findFirst().orElse("");
            for (String part : list.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                String[] range = part.split("-");
                int from = Integer.parseInt(range[0].strip());
                int to = range.length > 1 ? Integer.parseInt(range[1].strip()) : from;
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return cpus;
    }

    private String pinning() {
        if (proxyCpus == null) {
            return opts.pin() ? "none (taskset missing, pinning refused, or fewer than 2 CPUs)" : "none (--no-pin)";
        }
        return "proxy under test: CPU " + proxyCpus + "; origin, load generators and harness: CPU " + loadCpus
                + " (taskset)";
    }

    private Map<String, String> closedLoopTools() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Scenario s : opts.scenarios()) {
            m.put(s.id, switch (s) {
                case H2 -> "h2load";
                case MTLS -> "weft ClosedLoopClient (wrk cannot present a client certificate)";
                default -> "wrk";
            });
        }
        return m;
    }

    private Map<String, String> tools() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String t : List.of("wrk", "h2load", "nginx", "haproxy", "openssl", "taskset")) {
            if (Tools.installed(t)) {
                m.put(t, Tools.version(t));
            }
        }
        return m;
    }

    private static Report.Machine machine(int cores) {
        String cpu = "unknown";
        long mem = -1;
        String os = System.getProperty("os.name");
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse(cpu);
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(-1L);
            os = Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(12).replace("\"", "")).findFirst().orElse(os);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep what the JVM knows
        }
        return new Report.Machine(cpu, cores, System.getProperty("os.version"),
                os, System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"), mem);
    }

    private static Report.Build build(String version) {
        String commit = "unknown";
        boolean dirty = false;
        try {
            commit = Tools.run(List.of("git", "rev-parse", "--short=12", "HEAD"), 10).strip();
            // reports being rewritten (perf-reports/) do not make the measured build dirty
            dirty = !Tools.run(List.of("git", "status", "--porcelain", "--untracked-files=no", "--", ".",
                    ":(exclude)perf-reports"), 10).isBlank();
        } catch (IOException e) {
            // not a git checkout
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Report.Build(version, commit, dirty);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Samples a process's resident set every 50 ms and keeps the peak. */
    static final class RssSampler implements AutoCloseable {
        private final AtomicLong peak = new AtomicLong();
        private final Thread thread;

        RssSampler(ManagedProcess proc) {
            thread = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(proc.rssBytes(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void resetPeak() {
            peak.set(0);
        }

        long peak() {
            return peak.get();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
