package dev.weft.core.listener;

import dev.weft.core.io.Addresses;
import dev.weft.admin.stats.StatsStore;
import dev.weft.core.accesslog.AccessLogEntry;
import dev.weft.core.accesslog.AccessLogWriter;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.config.ListenerConfig;
import dev.weft.core.http1.Http1Connection;
import dev.weft.core.io.Channels;
import dev.weft.core.io.Transport;
import dev.weft.core.http1.ListenerContext;
import dev.weft.core.router.Router;
import dev.weft.core.stats.HttpStats;
import dev.weft.core.stats.ListenerStats;
import dev.weft.core.tls.SslStats;
import dev.weft.core.tls.TlsContexts;
import dev.weft.core.tls.TlsTransport;
import dev.weft.tls.channel.TlsChannel;
import dev.weft.tls.context.CertInfo;
import dev.weft.tls.context.CertificateWatcher;
import dev.weft.tls.context.ReloadingServerTls;
import dev.weft.core.time.Deadlines;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bound listener: one virtual thread blocks in {@code accept()} and starts one virtual thread per connection, up
 * to {@code max_connections} (beyond it a new connection is closed at once).
 */
public final class Listener implements ListenerContext, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("weft.listener");
    /** Accept backlog: the kernel caps it at net.core.somaxconn. */
    private static final int BACKLOG = 4096;

    private final ListenerConfig config;
    private final Router router;
    private final Map<String, Cluster> clusters;
    private final Deadlines deadlines;
    private final Set<Http1Connection> connections = ConcurrentHashMap.newKeySet();
    /** Accepted TLS connections still in their handshake. */
    private final Set<SocketChannel> handshaking = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean draining;
    private final StatsStore store;
    private final HttpStats httpStats;
    private final List<AccessLogWriter> accessLogs;
    /** Resolved once bound: the name has the real port. */
    private ListenerStats stats;
    /**
     * TLS termination, or null for plain TCP; loaded at start so a bad certificate fails the start, then reloaded
     * by {@code tlsWatcher} when the files change (new handshakes get the new material, open connections keep theirs).
     */
    private volatile ReloadingServerTls tls;
    /** Follows the certificate, key and CA files; null without TLS or when the files cannot be watched. */
    private CertificateWatcher tlsWatcher;
    private SslStats sslStats;

    public Listener(ListenerConfig config, Map<String, Cluster> clusters, Deadlines deadlines, StatsStore stats,
                    List<AccessLogWriter> accessLogs) {
        this.config = config;
        this.router = new Router(config.virtualHosts(), stats);
        this.clusters = clusters;
        this.deadlines = deadlines;
        this.store = stats;
        this.httpStats = new HttpStats(stats, config.statPrefix());
        this.accessLogs = List.copyOf(accessLogs);
    }

    /** Binds and starts accepting. */
    public void start() throws IOException {
        server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            if (config.reusePort()) {
                server.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            server.bind(new InetSocketAddress(config.address(), config.port()), BACKLOG);
        } catch (IOException | UnsupportedOperationException e) {
            Channels.closeQuietly(server);
            throw new IOException("listener " + config.name() + ": cannot bind " + config.address() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        InetSocketAddress bound = localAddress();
        String statAddress = Addresses.literal(bound.getAddress().getHostAddress()) + "_" + bound.getPort();
        stats = new ListenerStats(store, statAddress);
        if (config.tls() != null) {
            sslStats = SslStats.listener(store, statAddress);
            try {
                tls = TlsContexts.reloadingServer("listener " + config.name(), config.tls(), sslStats);
            } catch (IOException | RuntimeException e) {
                Channels.closeQuietly(server);
                throw new IOException("listener " + config.name() + ": tls: " + e.getMessage(), e);
            }
        }
        if (tls != null) {
            tlsWatcher = TlsContexts.watch("listener " + config.name(), config.tls(), tls::reload);
        }
        acceptor = Thread.ofVirtual().name("weft-accept-" + config.name()).start(this::acceptLoop);
    }

    private void acceptLoop() {
        long backoffMillis = 0;
        long lastWarning = 0;
        while (server.isOpen()) {
            SocketChannel ch;
            try {
                ch = server.accept();
                backoffMillis = 0;
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException | Error e) {
                // typically EMFILE / ENFILE: back off instead of spinning, warn at most once a second
                long now = System.nanoTime();
                if (now - lastWarning > 1_000_000_000L) {
                    lastWarning = now;
                    try {
                        LOG.log(System.Logger.Level.WARNING, "listener {0}: accept failed: {1}", config.name(),
                                e.toString());
                    } catch (RuntimeException | Error ignored) {
                        // logging itself may need a file descriptor
                    }
                }
                backoffMillis = Math.min(Math.max(2 * backoffMillis, 5), 1000);
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            stats.cxTotal.increment();
            if (connectionCount.incrementAndGet() > config.maxConnections() || draining) {
                connectionCount.decrementAndGet();
                rejected.incrementAndGet();
                stats.cxOverflow.increment();
                stats.cxDestroy.increment();
                Channels.closeQuietly(ch);
                continue;
            }
            Http1Connection c = null;
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (tls != null) {
                    stats.cxActive.increment();
                    Thread.ofVirtual().start(() -> handshakeThenServe(ch));
                    continue;
                }
                c = new Http1Connection(this, Transport.plain(ch), this::closed);
                connections.add(c);
                stats.cxActive.increment();
                Thread.ofVirtual().start(c);
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                // out of (direct) memory for the connection's buffer: refuse this one, keep accepting
                if (c == null || connections.remove(c)) {
                    connectionCount.decrementAndGet();
                }
                if (c != null) {
                    stats.cxActive.decrement();
                }
                stats.cxOverflow.increment();
                stats.cxDestroy.increment();
                rejected.incrementAndGet();
                Channels.closeQuietly(ch);
            }
        }
    }

    /** On the connection's own virtual thread: the TLS handshake, then HTTP. */
    private void handshakeThenServe(SocketChannel ch) {
        Http1Connection c = null;
        boolean handshaken = false;
        handshaking.add(ch); // visible to drain and close while it has no Http1Connection yet
        try {
            InetSocketAddress peer = (InetSocketAddress) ch.getRemoteAddress();
            long handshakeStart = System.currentTimeMillis();
            TlsChannel tc = TlsChannel.server(ch, tls.newEngine(peer.getAddress().getHostAddress(), peer.getPort()));
            tc.handshake(config.tls().handshakeTimeout().toNanos());
            handshaken = true;
            sslStats.succeeded(tc.session(), handshakeStart);
            c = new Http1Connection(this, new TlsTransport(tc), this::closed);
            connections.add(c);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (!handshaken) {
                sslStats.failed(e instanceof Exception ex ? ex : new IOException(e));
                LOG.log(System.Logger.Level.DEBUG, "listener {0}: TLS handshake failed: {1}", config.name(),
                        e.toString());
            } else {
                stats.cxOverflow.increment(); // no memory for the connection's buffer
            }
            Channels.closeQuietly(ch);
            connectionCount.decrementAndGet();
            stats.cxActive.decrement();
            stats.cxDestroy.increment();
            return;
        } finally {
            handshaking.remove(ch);
        }
        if (draining) {
            c.closeIfIdle();
        }
        c.run();
    }

    private void closed(Http1Connection c) {
        if (connections.remove(c)) {
            connectionCount.decrementAndGet();
            stats.cxActive.decrement();
            stats.cxDestroy.increment();
        }
    }

    /** The bound address (the real port when configured with 0). */
    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public ListenerConfig config() {
        return config;
    }

    @Override
    public Router router() {
        return router;
    }

    @Override
    public Cluster cluster(String name) {
        return clusters.get(name);
    }

    @Override
    public Deadlines deadlines() {
        return deadlines;
    }

    @Override
    public boolean draining() {
        return draining;
    }

    @Override
    public HttpStats httpStats() {
        return httpStats;
    }

    @Override
    public boolean accessLogged() {
        return !accessLogs.isEmpty();
    }

    @Override
    public void log(AccessLogEntry entry) {
        for (AccessLogWriter w : accessLogs) {
            w.log(entry);
        }
    }

    /** Stops accepting; idle connections close now, busy ones after their current response. */
    public void startDrain() {
        draining = true;
        Channels.closeQuietly(server);
        for (Http1Connection c : connections) {
            c.closeIfIdle();
        }
    }

    /** The certificates new handshakes present (and the client CAs), for {@code /certs}; empty without TLS. */
    public List<CertInfo> certInfo(Instant now) {
        ReloadingServerTls t = tls;
        return t == null ? List.of() : t.certInfo(now);
    }

    /** Connections still open (TLS ones in their handshake included). */
    public int openConnections() {
        return connections.size() + handshaking.size();
    }

    /** Connections refused because max_connections was reached or the listener was draining. */
    public int rejectedConnections() {
        return rejected.get();
    }

    @Override
    public void close() {
        draining = true;
        Channels.closeQuietly(server);
        if (tlsWatcher != null) {
            tlsWatcher.close();
        }
        for (Http1Connection c : connections) {
            c.abort();
        }
        for (SocketChannel ch : handshaking) {
            Channels.closeQuietly(ch);
        }
    }
}
