package dev.weft.core.cluster;

import dev.weft.core.config.ClusterConfig;
import dev.weft.core.config.EndpointConfig;
import dev.weft.admin.stats.StatsStore;
import dev.weft.core.pool.Http1Pool;
import dev.weft.core.stats.ClusterStats;
import dev.weft.core.tls.SslStats;
import dev.weft.core.tls.TlsContexts;
import dev.weft.tls.context.CertInfo;
import dev.weft.tls.context.CertificateWatcher;
import dev.weft.tls.context.ReloadingClientTls;

import java.io.IOException;
import dev.weft.core.time.Deadlines;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A named set of upstream hosts with its load balancer. STATIC clusters have a fixed host list; STRICT_DNS clusters
 * re-resolve every endpoint name each {@code dns_refresh_rate} on a virtual thread and swap the host list atomically
 * (hosts that stay keep their pools; a failed resolution keeps the last good answer, as Envoy does).
 */
public final class Cluster implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("weft.cluster");

    private final ClusterConfig config;
    private final LoadBalancer balancer;
    private final Deadlines deadlines;
    private final ClusterStats stats;
    /** TLS origination for every endpoint, or null; reloaded when its files change (pooled connections keep theirs). */
    private final ReloadingClientTls tls;
    /** Follows the CA, certificate and key files; null without TLS or when the files cannot be watched. */
    private final CertificateWatcher tlsWatcher;
    private final SslStats sslStats;
    /** Replaced as a whole by the DNS thread; read by request threads. */
    private volatile List<Host> hosts = List.of();
    private volatile boolean closed;
    private Thread dnsThread;
    /** Each endpoint's last successful resolution; touched only by the refreshing thread. */
    private final Map<EndpointConfig, List<InetSocketAddress>> lastGood = new HashMap<>();

    public Cluster(ClusterConfig config, Deadlines deadlines, StatsStore store) throws IOException {
        this.config = config;
        this.deadlines = deadlines;
        this.stats = new ClusterStats(store, config.name());
        if (config.tls() != null) {
            this.sslStats = SslStats.cluster(store, config.name());
            try {
                this.tls = TlsContexts.reloadingClient("cluster " + config.name(), config.tls(),
                        config.endpoints().get(0).address(), sslStats);
            } catch (IOException | RuntimeException e) {
                throw new IOException("cluster " + config.name() + ": tls: " + e.getMessage(), e);
            }
            this.tlsWatcher = TlsContexts.watch("cluster " + config.name(), config.tls(), tls::reload);
        } else {
            this.sslStats = null;
            this.tls = null;
            this.tlsWatcher = null;
        }
        this.balancer = LoadBalancer.of(config.lbPolicy());
    }

    /** Resolves the endpoints once and, for STRICT_DNS, starts re-resolving. */
    public void start() {
        refresh();
        if (config.type() == ClusterConfig.DiscoveryType.STRICT_DNS) {
            dnsThread = Thread.ofVirtual().name("weft-dns-" + config.name()).start(this::dnsLoop);
        }
        deadlines.every(1000, this::expireIdle);
    }

    public String name() {
        return config.name();
    }

    public ClusterStats stats() {
        return stats;
    }

    public ClusterConfig config() {
        return config;
    }

    /** The client certificate and server CAs new connections use, for {@code /certs}; empty without TLS. */
    public List<CertInfo> certInfo(Instant now) {
        return tls == null ? List.of() : tls.certInfo(now);
    }

    public List<Host> hosts() {
        return hosts;
    }

    /** A host for one request, or null when the cluster has none (503 UH). */
    public Host pick() {
        List<Host> h = hosts;
        return h.isEmpty() ? null : balancer.pick(h);
    }

    private void dnsLoop() {
        long period = config.dnsRefreshRate().toMillis();
        while (!closed) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            if (!closed) {
                refresh();
            }
        }
    }

    /** Resolves every endpoint and installs the new host list. */
    void refresh() {
        Set<InetSocketAddress> resolved = new LinkedHashSet<>();
        for (EndpointConfig e : config.endpoints()) {
            try {
                List<InetSocketAddress> addresses = new ArrayList<>();
                if (config.type() == ClusterConfig.DiscoveryType.STATIC) {
                    addresses.add(new InetSocketAddress(InetAddress.getByName(e.address()), e.port()));
                } else {
                    for (InetAddress a : InetAddress.getAllByName(e.address())) {
                        addresses.add(new InetSocketAddress(a, e.port()));
                    }
                }
                lastGood.put(e, addresses);
                resolved.addAll(addresses);
            } catch (UnknownHostException ex) {
                // keep this endpoint's last good answer, as Envoy does
                resolved.addAll(lastGood.getOrDefault(e, List.of()));
                LOG.log(System.Logger.Level.WARNING, "cluster {0}: cannot resolve {1}: {2}",
                        config.name(), e.address(), ex.getMessage());
            }
        }
        Map<InetSocketAddress, Host> current = new HashMap<>();
        for (Host h : hosts) {
            current.put(h.address(), h);
        }
        List<Host> next = new ArrayList<>(resolved.size());
        for (InetSocketAddress a : resolved) {
            Host h = current.remove(a);
            if (h == null) {
                Http1Pool p = newPool(a);
                h = new Host(a, p, config.http2() ? new dev.weft.core.pool.Http2Pool(p,
                        Math.min(4, config.maxConnectionsPerEndpoint()), config.connectTimeout().toNanos(),
                        config.poolIdleTimeout().toNanos(), config.http2Keepalive()) : null);
            }
            next.add(h);
        }
        if (closed) {
            return;
        }
        hosts = List.copyOf(next);
        stats.membershipTotal.set(next.size());
        stats.membershipHealthy.set(next.size());
        for (Host gone : current.values()) {
            gone.pool().close();
            if (gone.http2Pool() != null) {
                gone.http2Pool().close();
            }
        }
    }

    private Http1Pool newPool(InetSocketAddress a) {
        return new Http1Pool(a, config.maxConnectionsPerEndpoint(), config.maxPendingRequests(),
                config.connectTimeout().toNanos(), config.poolIdleTimeout().toNanos(), deadlines, stats, tls, sslStats);
    }

    private void expireIdle() {
        long now = System.nanoTime();
        for (Host h : hosts) {
            h.pool().expireIdle(now);
            if (h.http2Pool() != null) {
                h.http2Pool().expireIdle(now);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        if (tlsWatcher != null) {
            tlsWatcher.close();
        }
        if (dnsThread != null) {
            dnsThread.interrupt();
        }
        for (Host h : hosts) {
            h.pool().abortAll();
            if (h.http2Pool() != null) {
                h.http2Pool().close();
            }
        }
    }
}
