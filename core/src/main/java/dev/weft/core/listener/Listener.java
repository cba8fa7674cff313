package dev.weft.core.listener;

import dev.weft.core.io.Addresses;
import dev.weft.admin.stats.StatsStore;
import dev.weft.core.accesslog.AccessLogEntry;
import dev.weft.core.accesslog.AccessLogWriter;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.config.ListenerConfig;
import dev.weft.codec.http2.FrameReader;
import dev.weft.core.config.ListenerConfig.Codec;
import dev.weft.core.http1.Http1Connection;
import dev.weft.core.http2.Http2Connection;
import dev.weft.core.io.Transport;
import dev.weft.core.proxy.ServerConnection;
import dev.weft.core.stats.Http2Stats;
import dev.weft.core.time.Deadline;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
public final class Listener implements ListenerContext, dev.weft.core.filter.FilterContext, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("weft.listener");
    /** Accept backlog: the kernel caps it at net.core.somaxconn. */
    private static final int BACKLOG = 4096;

    private final ListenerConfig config;
    private final Router router;
    private final Map<String, Cluster> clusters;
    private final Deadlines deadlines;
    private final Set<ServerConnection> connections = ConcurrentHashMap.newKeySet();
    /** Accepted connections still in their TLS handshake or protocol detection. */
    private final Set<SocketChannel> handshaking = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionCount = new AtomicInteger();
    private final AtomicInteger rejected = new AtomicInteger();
    private ServerSocketChannel server;
    private Thread acceptor;
    private volatile boolean draining;
    private final StatsStore store;
    private final HttpStats httpStats;
    private final Http2Stats http2Stats;
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

    private final dev.weft.core.filter.FilterChain filters;
    private final dev.weft.core.filter.SharedState shared;

    public Listener(ListenerConfig config, Map<String, Cluster> clusters, Deadlines deadlines, StatsStore stats,
                    List<AccessLogWriter> accessLogs) {
        this(config, clusters, deadlines, stats, accessLogs, new dev.weft.core.filter.SharedState());
    }

    public Listener(ListenerConfig config, Map<String, Cluster> clusters, Deadlines deadlines, StatsStore stats,
                    List<AccessLogWriter> accessLogs, dev.weft.core.filter.SharedState shared) {
        this.config = config;
        this.router = new Router(config.virtualHosts(), stats);
        this.clusters = clusters;
        this.deadlines = deadlines;
        this.store = stats;
        this.httpStats = new HttpStats(stats, config.statPrefix());
        this.http2Stats = new Http2Stats(stats, config.statPrefix());
        this.accessLogs = List.copyOf(accessLogs);
        this.shared = shared;
        this.filters = dev.weft.core.filter.FilterChain.build(config.httpFilters(), this);
    }

    @Override
    public dev.weft.core.filter.FilterChain filters() {
        return filters;
    }

    // ---- what this listener's filters may use (FilterContext) ----------------------------------------------------

    @Override
    public String listenerName() {
        return config.name();
    }

    @Override
    public String statPrefix() {
        return config.statPrefix();
    }

    @Override
    public StatsStore stats() {
        return store;
    }

    @Override
    public <T> T shared(Class<T> type, java.util.function.Supplier<T> make) {
        return shared.get(type, make);
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
            try {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                stats.cxActive.increment();
                if (tls != null) {
                    Thread.ofVirtual().start(() -> handshakeThenServe(ch));
                } else {
                    Thread.ofVirtual().start(() -> servePlain(ch));
                }
            } catch (IOException | RuntimeException | OutOfMemoryError e) {
                stats.cxActive.decrement();
                refused(ch);
            }
        }
    }

    /** A connection accepted but not served: out of memory or threads. */
    private void refused(SocketChannel ch) {
        connectionCount.decrementAndGet();
        stats.cxOverflow.increment();
        stats.cxDestroy.increment();
        rejected.incrementAndGet();
        Channels.closeQuietly(ch);
    }

    /** Ends a connection that never got a protocol handler (closed or failed in its handshake or detection). */
    private void ended(SocketChannel ch) {
        Channels.closeQuietly(ch);
        connectionCount.decrementAndGet();
        stats.cxActive.decrement();
        stats.cxDestroy.increment();
    }

    private static final byte[] PREFACE = FrameReader.PREFACE.getBytes(StandardCharsets.US_ASCII);

    /**
     * On the connection's own virtual thread, plaintext: with codec auto, tell HTTP/2 with prior knowledge (h2c) from
     * HTTP/1.1 by the first bytes (a request line never starts like the connection preface), then serve.
     */
    private void servePlain(SocketChannel ch) {
        Transport t = Transport.plain(ch);
        if (config.codec() != Codec.AUTO) {
            serve(t, config.codec() == Codec.HTTP2, null);
            return;
        }
        ByteBuffer initial;
        handshaking.add(ch);
        try {
            initial = sniff(t);
        } catch (IOException e) {
            initial = null;
        } finally {
            handshaking.remove(ch);
        }
        if (initial == null) {
            ended(ch);
            return;
        }
        serve(t, isPreface(initial), initial);
    }

    private static boolean isPreface(ByteBuffer b) {
        if (b.remaining() != PREFACE.length) {
            return false;
        }
        for (int i = 0; i < PREFACE.length; i++) {
            if (b.get(b.position() + i) != PREFACE[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads until the bytes stop matching the HTTP/2 connection preface or all 24 match; null when the client closed
     * (or the idle timeout passed) before sending anything. Returns the bytes read, for the protocol handler.
     */
    private ByteBuffer sniff(Transport t) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(PREFACE.length);
        Deadline d = new Deadline() {
            @Override
            protected void onExpired(int reason) {
                Channels.closeQuietly(t.socket());
            }
        };
        deadlines.register(d);
        d.arm(config.idleTimeout().toNanos(), 1);
        try {
            int checked = 0;
            while (b.hasRemaining()) {
                if (t.read(b) < 0) {
                    return b.position() == 0 ? null : b.flip();
                }
                for (; checked < b.position(); checked++) {
                    if (b.get(checked) != PREFACE[checked]) {
                        return b.flip(); // HTTP/1.1 (or garbage, which its parser answers)
                    }
                }
            }
            return b.flip();
        } finally {
            d.disarm();
            deadlines.unregister(d);
        }
    }

    /** Creates the protocol handler and runs it on this thread. */
    private void serve(Transport t, boolean h2, ByteBuffer initial) {
        ServerConnection c;
        Runnable r;
        try {
            if (h2) {
                Http2Connection hc = new Http2Connection(this, config.http2(), http2Stats, t, initial, this::closed);
                c = hc;
                r = hc;
            } else {
                Http1Connection hc = new Http1Connection(this, t, initial, this::closed);
                c = hc;
                r = hc;
            }
            connections.add(c);
        } catch (RuntimeException | OutOfMemoryError e) {
            // out of (direct) memory for the connection's buffer: refuse this one, keep accepting
            stats.cxActive.decrement();
            refused(t.socket());
            return;
        }
        if (draining) {
            c.closeIfIdle();
        }
        r.run();
    }

    /** On the connection's own virtual thread: the TLS handshake, then HTTP/1.1 or HTTP/2 as ALPN decided. */
    private void handshakeThenServe(SocketChannel ch) {
        boolean handshaken = false;
        handshaking.add(ch); // visible to drain and close while it has no protocol handler yet
        TlsChannel tc;
        try {
            InetSocketAddress peer = (InetSocketAddress) ch.getRemoteAddress();
            long handshakeStart = System.currentTimeMillis();
            tc = TlsChannel.server(ch, tls.newEngine(peer.getAddress().getHostAddress(), peer.getPort()));
            tc.handshake(config.tls().handshakeTimeout().toNanos());
            handshaken = true;
            sslStats.succeeded(tc.session(), handshakeStart);
        } catch (IOException | RuntimeException | OutOfMemoryError e) {
            if (!handshaken) {
                sslStats.failed(e instanceof Exception ex ? ex : new IOException(e));
                LOG.log(System.Logger.Level.DEBUG, "listener {0}: TLS handshake failed: {1}", config.name(),
                        e.toString());
            }
            ended(ch);
            return;
        } finally {
            handshaking.remove(ch);
        }
        boolean h2 = "h2".equals(tc.applicationProtocol())
                || config.codec() == Codec.HTTP2 && tc.applicationProtocol() == null;
        serve(new TlsTransport(tc), h2, null);
    }

    private void closed(ServerConnection c) {
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
        for (ServerConnection c : connections) {
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
        for (ServerConnection c : connections) {
            c.abort();
        }
        for (SocketChannel ch : handshaking) {
            Channels.closeQuietly(ch);
        }
    }
}
