package dev.weft.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A process the harness started (origin, proxy under test): its output goes to a log file, its CPU time and resident
 * memory are read from {@code /proc} over the process and all its descendants (nginx's workers), and closing it sends
 * SIGTERM, then SIGKILL after a grace period.
 */
final class ManagedProcess implements AutoCloseable {

    private static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    final String name;
    final Path log;
    final long spawnNanos;
    private final Process process;

    private ManagedProcess(String name, Path log, long spawnNanos, Process process) {
        this.name = name;
        this.log = log;
        this.spawnNanos = spawnNanos;
        this.process = process;
    }

    /**
     * Starts {@code command}, prefixed with {@code taskset -c CPUS} when {@code cpus} is not null.
     */
    static ManagedProcess start(String name, String cpus, List<String> command, Path log, Map<String, String> env)
            throws IOException {
        List<String> full = new ArrayList<>();
        if (cpus != null) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        long spawn = System.nanoTime();
        return new ManagedProcess(name, log, spawn, pb.start());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of the log, for error messages. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        pids.add(process.pid());
        try (Stream<ProcessHandle> d = process.toHandle().descendants()) {
            d.forEach(h -> pids.add(h.pid()));
        }
        return pids;
    }

    /** User + system CPU seconds used so far by the process and its descendants. */
    double cpuSeconds() {
        long ticks = 0;
        for (long pid : pids()) {
            ticks += cpuTicks(pid);
        }
        return ticks / (double) CLOCK_TICKS_PER_SECOND;
    }

    /** Resident set size in bytes of the process and its descendants. */
    long rssBytes() {
        long kb = 0;
        for (long pid : pids()) {
            kb += statusKb(pid, "VmRSS:");
        }
        return kb * 1024;
    }

    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may contain spaces: fields are counted after its closing parenthesis
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
        } catch (IOException | RuntimeException e) {
            return 0; // exited meanwhile
        }
    }

    static long statusKb(long pid, String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // exited meanwhile
        }
        return 0;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 100; // the Linux default
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        List<ProcessHandle> children;
        try (Stream<ProcessHandle> d = process.toHandle().descendants()) {
            children = d.toList();
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
    }
}
