package dev.weft.core.server;

import dev.weft.admin.server.AdminServer;
import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.Gauge;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;
import dev.weft.core.accesslog.AccessLogFormat;
import dev.weft.core.accesslog.AccessLogWriter;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.config.AccessLogConfig;
import dev.weft.core.config.AdminConfig;
import dev.weft.core.config.ClusterConfig;
import dev.weft.core.config.ListenerConfig;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.listener.Listener;
import dev.weft.core.stats.ServerStat;
import dev.weft.core.time.Deadlines;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running Weft data plane: the clusters and listeners of one config snapshot, the shared timer, the stats store,
 * the access log writers and the admin server.
 */
public final class WeftServer implements AutoCloseable {
    /** Counters and gauges per scope, with room: a cluster declares 17 (+ 12 with TLS, + versions and ciphers), a
     * listener 4 + 11 + one per flag (12) (+ the same TLS ones). */
    private static final int COUNTERS_PER_SCOPE = 64;

    private final WeftConfig config;
    private final Deadlines deadlines = new Deadlines();
    private final dev.weft.core.filter.SharedState filterState = new dev.weft.core.filter.SharedState();
    /** Sized from the config: each counter costs 640 bytes of direct memory (agrona's metadata and value slots). */
    private final StatsStore stats;
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();
    private final List<AccessLogWriter> accessLogs = new ArrayList<>();
    private final Counter accessLogDropped;
    private final Gauge[] serverGauges = new Gauge[ServerStat.values().length];
    private final long startMillis = System.currentTimeMillis();
    private AdminServer admin;
    private volatile boolean draining;
    private volatile boolean started;
    private volatile boolean healthcheckFailed;
    /** What /quitquitquit runs; Main replaces it with its drain-and-exit. */
    private volatile Runnable onQuit;

    private WeftServer(WeftConfig config) {
        this.config = config;
        int routes = 0;
        for (ListenerConfig l : config.listeners()) {
            for (var vh : l.virtualHosts()) {
                routes += vh.routes().size();
            }
            routes += 32 * l.httpFilters().size(); // room for each filter's counters
        }
        this.stats = new StatsStore(COUNTERS_PER_SCOPE * (2 + config.listeners().size() * 2
                + config.clusters().size()) + 2 * routes);
        this.onQuit = () -> Thread.ofPlatform().name("weft-quit").start(() -> drain(config.drainTimeout()));
        this.accessLogDropped = stats.counter(StatName.server(ServerStat.ACCESS_LOG_DROPPED.suffix()));
        for (ServerStat s : ServerStat.values()) {
            if (s != ServerStat.ACCESS_LOG_DROPPED) {
                serverGauges[s.ordinal()] = stats.gauge(StatName.server(s.suffix()));
            }
        }
    }

    /** Resolves the clusters and binds every listener and the admin server; on failure nothing stays open. */
    public static WeftServer start(WeftConfig config) throws IOException {
        WeftServer s = new WeftServer(config);
        try {
            for (ClusterConfig c : config.clusters()) {
                Cluster cluster = new Cluster(c, s.deadlines, s.stats);
                s.clusters.put(c.name(), cluster);
                cluster.start();
            }
            for (ListenerConfig l : config.listeners()) {
                List<AccessLogWriter> logs = new ArrayList<>();
                for (AccessLogConfig a : l.accessLogs()) {
                    AccessLogWriter w = AccessLogWriter.open(a.path(), format(a), a.queueCapacity(),
                            s.accessLogDropped::add);
                    s.accessLogs.add(w);
                    logs.add(w);
                }
                Listener listener = new Listener(l, s.clusters, s.deadlines, s.stats, logs, s.filterState);
                listener.start();
                s.listeners.add(listener);
            }
            AdminConfig a = config.admin();
            if (a != null) {
                s.admin = AdminServer.start(new AdminServer.Options(a.address(), a.port(), a.bearerToken(),
                        a.allowedPaths()), s.stats, new AdminBridge(s));
            }
            s.deadlines.every(1000, s::refreshServerStats);
            s.refreshServerStats();
            s.started = true;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static AccessLogFormat format(AccessLogConfig a) {
        if (a.format() == null) {
            return AccessLogFormat.json();
        }
        return AccessLogFormat.parse("envoy".equals(a.format()) ? AccessLogFormat.DEFAULT_FORMAT : a.format());
    }

    private void refreshServerStats() {
        set(ServerStat.UPTIME, (System.currentTimeMillis() - startMillis) / 1000);
        set(ServerStat.LIVE, draining ? 0 : 1);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        set(ServerStat.MEMORY_ALLOCATED, heap.getUsed());
        set(ServerStat.MEMORY_HEAP_SIZE, heap.getCommitted());
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if ("direct".equals(pool.getName())) {
                direct = pool.getMemoryUsed();
            }
        }
        set(ServerStat.MEMORY_DIRECT, direct);
        set(ServerStat.TOTAL_CONNECTIONS, downstreamConnections());
    }

    private void set(ServerStat s, long v) {
        serverGauges[s.ordinal()].set(v);
    }

    /** State the HTTP filters share across listeners (e.g. recent authorization denials for the admin server). */
    public dev.weft.core.filter.SharedState filterState() {
        return filterState;
    }

    public WeftConfig config() {
        return config;
    }

    public StatsStore stats() {
        return stats;
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
    }

    public List<Cluster> clusters() {
        return List.copyOf(clusters.values());
    }

    /** The bound address of a listener by name. */
    public InetSocketAddress address(String listenerName) {
        for (Listener l : listeners) {
            if (l.config().name().equals(listenerName)) {
                return l.localAddress();
            }
        }
        throw new IllegalArgumentException("no listener " + listenerName);
    }

    /** The admin server's address, or null when the config has no admin block. */
    public InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    public Cluster cluster(String name) {
        return clusters.get(name);
    }

    int downstreamConnections() {
        int n = 0;
        for (Listener l : listeners) {
            n += l.openConnections();
        }
        return n;
    }

    boolean draining() {
        return draining;
    }

    boolean started() {
        return started;
    }

    boolean healthcheckFailed() {
        return healthcheckFailed;
    }

    void healthcheckFail(boolean fail) {
        healthcheckFailed = fail;
    }

    /** Replaces what {@code POST /quitquitquit} does (the CLI drains and exits the process). */
    public void onQuit(Runnable r) {
        onQuit = r;
    }

    void quit() {
        onQuit.run();
    }

    /** Stops accepting on every listener; open connections close after their current request. */
    public void drainListeners() {
        draining = true;
        for (Listener l : listeners) {
            l.startDrain();
        }
    }

    /**
     * Graceful stop: stop accepting, close idle connections, let in-flight requests finish (each connection closes
     * after its current response) for at most {@code timeout}, then close everything.
     *
     * @return true when every connection finished within the timeout
     */
    public boolean drain(Duration timeout) {
        drainListeners();
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean clean = false;
        while (true) {
            int open = 0;
            for (Listener l : listeners) {
                l.startDrain(); // connections that finished a request since are idle now
                open += l.openConnections();
            }
            if (open == 0) {
                clean = true;
                break;
            }
            if (System.nanoTime() - deadline >= 0) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        close();
        return clean;
    }

    @Override
    public void close() {
        draining = true;
        for (Listener l : listeners) {
            l.close();
        }
        for (Cluster c : clusters.values()) {
            c.close();
        }
        if (admin != null) {
            admin.close();
        }
        for (AccessLogWriter w : accessLogs) {
            w.close(); // flushes what is queued
        }
        deadlines.close();
        stats.close();
    }
}
