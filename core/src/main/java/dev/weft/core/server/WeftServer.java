package dev.weft.core.server;

import dev.weft.core.cluster.Cluster;
import dev.weft.core.config.ClusterConfig;
import dev.weft.core.config.ListenerConfig;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.listener.Listener;
import dev.weft.core.time.Deadlines;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A running Weft data plane: the clusters and listeners of one config snapshot, and the shared timer. */
public final class WeftServer implements AutoCloseable {
    private final WeftConfig config;
    private final Deadlines deadlines = new Deadlines();
    private final Map<String, Cluster> clusters = new LinkedHashMap<>();
    private final List<Listener> listeners = new ArrayList<>();

    private WeftServer(WeftConfig config) {
        this.config = config;
    }

    /** Resolves the clusters and binds every listener; on failure nothing stays open. */
    public static WeftServer start(WeftConfig config) throws IOException {
        WeftServer s = new WeftServer(config);
        try {
            for (ClusterConfig c : config.clusters()) {
                Cluster cluster = new Cluster(c, s.deadlines);
                s.clusters.put(c.name(), cluster);
                cluster.start();
            }
            for (ListenerConfig l : config.listeners()) {
                Listener listener = new Listener(l, s.clusters, s.deadlines);
                listener.start();
                s.listeners.add(listener);
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    public WeftConfig config() {
        return config;
    }

    public List<Listener> listeners() {
        return List.copyOf(listeners);
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

    public Cluster cluster(String name) {
        return clusters.get(name);
    }

    /**
     * Graceful stop: stop accepting, close idle connections, let in-flight requests finish (each connection closes
     * after its current response) for at most {@code timeout}, then close everything.
     *
     * @return true when every connection finished within the timeout
     */
    public boolean drain(Duration timeout) {
        for (Listener l : listeners) {
            l.startDrain();
        }
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
        for (Listener l : listeners) {
            l.close();
        }
        for (Cluster c : clusters.values()) {
            c.close();
        }
        deadlines.close();
    }
}
