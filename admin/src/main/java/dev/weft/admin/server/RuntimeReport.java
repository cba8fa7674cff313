package dev.weft.admin.server;

import dev.weft.admin.stats.StatsStore;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.RuntimeMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** {@code /server_info} and {@code /memory}: what the JVM and the operating system say about this process. */
final class RuntimeReport {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final Path PROC_SMAPS_ROLLUP = Path.of("/proc/self/smaps_rollup"); // Linux 4.14+
    private static final long KIB = 1024;
    /** Present on JDK 24+ (JDK-8338890); read by name through JMX so that the module still compiles for 21. */
    private static final String VIRTUAL_THREAD_SCHEDULER = "jdk.management:type=VirtualThreadScheduler";

    private final StatsStore stats;
    private final AdminViews views;
    private final IntSupplier adminConnections;

    RuntimeReport(StatsStore stats, AdminViews views, IntSupplier adminConnections) {
        this.stats = stats;
        this.views = views;
        this.adminConnections = adminConnections;
    }

    AdminResponse serverInfo(AdminRequest request) {
        RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
        long uptimeMillis = Math.max(0, System.currentTimeMillis() - stats.startTimeMillis());
        Json json = new Json().beginObject()
                .field("version", views.version())
                .field("state", views.serverState())
                .field("uptime_seconds", uptimeMillis / 1000)
                .field("jvm_uptime_seconds", runtime.getUptime() / 1000)
                .field("healthcheck_failed", views.healthcheckFailed())
                .field("pid", ProcessHandle.current().pid())
                .name("jvm").beginObject()
                .field("name", runtime.getVmName())
                .field("vendor", runtime.getVmVendor())
                .field("version", Runtime.version().toString())
                .endObject()
                .name("command_line").beginArray();
        for (String part : commandLine(runtime)) {
            json.value(part);
        }
        return AdminResponse.json(json.endArray().endObject().toString());
    }

    /**
     * The process command line: the operating system's view when it has one (ProcessHandle reads /proc), else the
     * JVM's own (input arguments and the main class or jar), which lacks the launcher's path.
     */
    static List<String> commandLine(RuntimeMXBean runtime) {
        ProcessHandle.Info info = ProcessHandle.current().info();
        Optional<String> command = info.command();
        Optional<String[]> arguments = info.arguments();
        List<String> parts = new ArrayList<>();
        if (command.isPresent() && arguments.isPresent()) {
            parts.add(command.get());
            parts.addAll(List.of(arguments.get()));
            return parts;
        }
        parts.add(command.orElse("java"));
        parts.addAll(runtime.getInputArguments());
        String main = System.getProperty("sun.java.command");
        if (main != null && !main.isBlank()) {
            parts.addAll(List.of(main.split(" ")));
        }
        return parts;
    }

    /**
     * Memory and threads. Live virtual threads cannot be counted from outside (the JDK keeps no registry of them;
     * only a thread dump lists them, which is too costly for a polled endpoint), so the report gives the count the
     * threading model implies (one per listener, per downstream connection, per admin connection, plus the admin
     * acceptor; HTTP/2 stream threads excluded) and, on JDK 24+, the scheduler's mounted and queued counts.
     */
    AdminResponse memory(AdminRequest request) {
        var memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        int downstream = views.downstreamConnections();
        int listeners = views.listeners().size();
        int admin = adminConnections.getAsInt();

        Json json = new Json().beginObject();
        usage(json, "heap", memory.getHeapMemoryUsage());
        usage(json, "non_heap", memory.getNonHeapMemoryUsage());
        json.name("buffer_pools").beginObject();
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            json.name(pool.getName()).beginObject()
                    .field("count", pool.getCount())
                    .field("used_bytes", pool.getMemoryUsed())
                    .field("capacity_bytes", pool.getTotalCapacity())
                    .endObject();
        }
        json.endObject();
        process(json);
        json.name("threads").beginObject()
                .field("platform_live", threads.getThreadCount())
                .field("platform_peak", threads.getPeakThreadCount())
                .field("platform_daemon", threads.getDaemonThreadCount())
                .field("virtual_estimate", listeners + downstream + admin + 1)
                .field("virtual_estimate_basis",
                        "one per listener, downstream connection and admin connection, plus the admin acceptor; "
                                + "HTTP/2 stream threads not counted");
        virtualThreadScheduler(json);
        json.endObject()
                .field("downstream_connections", downstream)
                .field("admin_connections", admin);
        return AdminResponse.json(json.endObject().toString());
    }

    private static void usage(Json json, String name, MemoryUsage usage) {
        json.name(name).beginObject()
                .field("used_bytes", usage.getUsed())
                .field("committed_bytes", usage.getCommitted())
                .field("max_bytes", usage.getMax()) // -1 when undefined
                .endObject();
    }

    /** RSS from /proc/self/status and private memory from /proc/self/smaps_rollup; omitted where absent. */
    private static void process(Json json) {
        json.name("process").beginObject();
        List<String> status = readLines(PROC_STATUS);
        kibField(json, status, "VmRSS:", "rss_bytes");
        kibField(json, status, "VmHWM:", "rss_peak_bytes");
        kibField(json, status, "RssAnon:", "rss_anon_bytes");
        List<String> rollup = readLines(PROC_SMAPS_ROLLUP);
        long privateClean = kib(rollup, "Private_Clean:");
        long privateDirty = kib(rollup, "Private_Dirty:");
        if (privateClean >= 0 && privateDirty >= 0) {
            json.field("private_bytes", (privateClean + privateDirty) * KIB);
        }
        kibField(json, rollup, "Pss:", "pss_bytes");
        json.endObject();
    }

    private static void virtualThreadScheduler(Json json) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(VIRTUAL_THREAD_SCHEDULER);
            if (!server.isRegistered(name)) {
                return;
            }
            long mounted = ((Number) server.getAttribute(name, "MountedVirtualThreadCount")).longValue();
            long queued = ((Number) server.getAttribute(name, "QueuedVirtualThreadCount")).longValue();
            long parallelism = ((Number) server.getAttribute(name, "Parallelism")).longValue();
            json.name("virtual_scheduler").beginObject()
                    .field("mounted", mounted)
                    .field("queued", queued)
                    .field("parallelism", parallelism)
                    .endObject();
        } catch (JMException | ClassCastException e) {
            // an older or different JDK: the scheduler view is optional
        }
    }

    private static void kibField(Json json, List<String> lines, String key, String name) {
        long value = kib(lines, key);
        if (value >= 0) {
            json.field(name, value * KIB);
        }
    }

    /** The value of a {@code Key:   123 kB} line, or -1. */
    static long kib(List<String> lines, String key) {
        for (String line : lines) {
            if (line.startsWith(key)) {
                String rest = line.substring(key.length()).strip();
                int space = rest.indexOf(' ');
                try {
                    return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static List<String> readLines(Path path) {
        try {
            return Files.exists(path) ? Files.readAllLines(path) : List.of();
        } catch (IOException | SecurityException e) {
            return List.of(); // not Linux, or /proc not mounted: the fields are omitted
        }
    }
}
