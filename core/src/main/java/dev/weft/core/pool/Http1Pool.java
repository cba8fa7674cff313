package dev.weft.core.pool;

import dev.weft.core.io.Channels;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
import dev.weft.core.io.Transport;
import dev.weft.core.stats.ClusterStats;
import dev.weft.core.time.Deadline;
import dev.weft.core.tls.SslStats;
import dev.weft.core.tls.TlsTransport;
import dev.weft.tls.channel.TlsChannel;
import dev.weft.tls.channel.TlsHandshakeException;
import dev.weft.tls.context.ReloadingClientTls;
import dev.weft.core.time.Deadlines;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP/1.1 keep-alive connections to one upstream endpoint. A request borrows one connection exclusively and
 * gives it back when the exchange is complete and the connection reusable.
 *
 * <p>At most {@code maxConnections} are open; a request that finds them all busy waits (at most the connect timeout)
 * if fewer than {@code maxPending} already wait, else fails at once with UO. Idle connections are reused most recent
 * first (warm in the upstream's cache, and the oldest ones age out) and closed after the idle timeout. The lock is a
 * {@link ReentrantLock} and is never held across I/O.
 */
public final class Http1Pool {
    /**
     * An idle connection older than this is checked for a close by the upstream before reuse (one non-blocking
     * read). Younger ones are not: under load connections come back within microseconds, and upstream keep-alive
     * timeouts are seconds long (nginx 75 s, Node.js 5 s), so the check would cost a system call per request for
     * nothing. A close that slips through is handled by the retry rule of idempotent requests.
     */
    public static final long STALE_CHECK_AFTER_MILLIS = 100;
    private static final long STALE_CHECK_AFTER_NANOS = STALE_CHECK_AFTER_MILLIS * 1_000_000L;

    private final InetSocketAddress address;
    private final int maxConnections;
    private final int maxPending;
    private final long connectTimeoutNanos;
    private final long idleTimeoutNanos;
    private final Deadlines deadlines;
    private final ClusterStats stats;
    private final ReloadingClientTls tls;
    private final SslStats sslStats;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    /** Every open connection, idle or borrowed, so that {@link #abortAll()} can end in-flight ones. */
    private final java.util.Set<UpstreamConnection> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int open;
    private int pending;
    private int connectsStarted;
    private boolean closed;

    public Http1Pool(InetSocketAddress address, int maxConnections, int maxPending, long connectTimeoutNanos,
                     long idleTimeoutNanos, Deadlines deadlines, ClusterStats stats) {
        this(address, maxConnections, maxPending, connectTimeoutNanos, idleTimeoutNanos, deadlines, stats, null,
                null);
    }

    /**
     * @param tls      TLS origination for every connection (each new one uses the current material), or null for
     *                 plain TCP
     * @param sslStats the cluster's TLS stats (with tls)
     */
    public Http1Pool(InetSocketAddress address, int maxConnections, int maxPending, long connectTimeoutNanos,
                     long idleTimeoutNanos, Deadlines deadlines, ClusterStats stats, ReloadingClientTls tls,
                     SslStats sslStats) {
        this.stats = stats;
        this.tls = tls;
        this.sslStats = sslStats;
        this.address = address;
        this.maxConnections = maxConnections;
        this.maxPending = maxPending;
        this.connectTimeoutNanos = connectTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.deadlines = deadlines;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The timer its connections' deadlines are registered with (also the endpoint's HTTP/2 connections'). */
    Deadlines deadlines() {
        return deadlines;
    }

    /** The cluster's stats (also counted by the endpoint's HTTP/2 connections). */
    ClusterStats stats() {
        return stats;
    }

    /** Borrows an idle connection or opens a new one. */
    public UpstreamConnection acquire() throws UpstreamException {
        return acquire(false);
    }

    /**
     * Borrows a connection.
     *
     * @param fresh never an idle one: a retry after a stale keep-alive connection failed
     */
    public UpstreamConnection acquire(boolean fresh) throws UpstreamException {
        while (!fresh) {
            UpstreamConnection c = pollIdle();
            if (c == null) {
                break;
            }
            if (System.nanoTime() - c.idleSince < STALE_CHECK_AFTER_NANOS && c.isOpen() || c.isUsable()) {
                return c;
            }
            discard(c); // the upstream closed it while idle (its keep-alive timeout was shorter than ours)
        }
        lock.lock();
        try {
            long waitNanos = connectTimeoutNanos;
            while (true) {
                if (closed) {
                    throw new UpstreamException(ResponseFlag.UH, "endpoint removed");
                }
                if (!fresh) {
                    UpstreamConnection c;
                    while ((c = idle.pollLast()) != null) {
                        if (c.isOpen()) {
                            // checked outside the lock below; rare path (a connection freed while waiting)
                            lock.unlock();
                            try {
                                if (c.isUsable()) {
                                    return c;
                                }
                                discard(c);
                            } finally {
                                lock.lock();
                            }
                            continue;
                        }
                        open--;
                        deadlines.unregister(c);
                        forget(c);
                    }
                }
                if (open < maxConnections) {
                    open++;
                    connectsStarted++;
                    break;
                }
                if (fresh && !idle.isEmpty()) {
                    // make room: a fresh connection replaces the oldest idle one
                    UpstreamConnection oldest = idle.pollFirst();
                    deadlines.unregister(oldest);
                    forget(oldest);
                    oldest.close();
                    connectsStarted++;
                    break;
                }
                if (pending >= maxPending || waitNanos <= 0) {
                    stats.rqPendingOverflow.increment();
                    throw new UpstreamException(ResponseFlag.UO, "pool overflow");
                }
                pending++;
                stats.rqPendingActive.increment();
                try {
                    waitNanos = released.awaitNanos(waitNanos);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new UpstreamException(ResponseFlag.UO, "interrupted while waiting for a connection");
                } finally {
                    pending--;
                    stats.rqPendingActive.decrement();
                }
            }
        } finally {
            lock.unlock();
        }
        return connect();
    }

    /** A connection is gone: counted once, whichever path closed it. */
    private void forget(UpstreamConnection c) {
        if (all.remove(c)) {
            stats.cxActive.decrement();
            stats.cxDestroy.increment();
        }
    }

    /** The most recently used idle connection, or null. */
    private UpstreamConnection pollIdle() {
        lock.lock();
        try {
            return idle.pollLast();
        } finally {
            lock.unlock();
        }
    }

    /** Closes a borrowed connection that turned out unusable and frees its slot. */
    private void discard(UpstreamConnection c) {
        deadlines.unregister(c);
        forget(c);
        c.close();
        lock.lock();
        try {
            open--;
            released.signal();
        } finally {
            lock.unlock();
        }
    }

    private UpstreamConnection connect() throws UpstreamException {
        Transport transport;
        try {
            transport = dial();
        } catch (UpstreamException e) {
            lock.lock();
            try {
                open--;
                released.signal();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        UpstreamConnection c = new UpstreamConnection(transport.socket(), transport, this);
        deadlines.register(c);
        all.add(c);
        stats.cxActive.increment();
        return c;
    }

    /**
     * Opens a connection to the endpoint, TCP and (with TLS) the handshake, within the connect timeout; counts
     * cx_total, the connect time and failures. Also used by the endpoint's HTTP/2 connections.
     */
    public Transport dial() throws UpstreamException {
        SocketChannel ch = null;
        boolean timedOut = false;
        try {
            ch = SocketChannel.open();
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            Transport transport = Transport.plain(ch);
            SocketChannel socket = ch;
            // the deadline slot closes the socket: it bounds the TCP connect and the TLS handshake together
            Deadline connectDeadline = new Deadline() {
                @Override
                protected void onExpired(int reason) {
                    Channels.closeQuietly(socket);
                }
            };
            deadlines.register(connectDeadline);
            connectDeadline.arm(connectTimeoutNanos, UpstreamConnection.CONNECT);
            stats.cxTotal.increment();
            long start = System.nanoTime();
            try {
                ch.connect(address);
                if (tls != null) {
                    long handshakeStart = System.currentTimeMillis();
                    TlsChannel tc = TlsChannel.client(ch, tls.newEngine(address.getHostString(), address.getPort()));
                    try {
                        tc.handshake(Math.max(1, connectTimeoutNanos - (System.nanoTime() - start)));
                        sslStats.succeeded(tc.session(), handshakeStart);
                    } catch (IOException e) {
                        sslStats.failed(e);
                        throw e;
                    }
                    transport = new TlsTransport(tc);
                }
            } finally {
                boolean inTime = connectDeadline.disarm();
                deadlines.unregister(connectDeadline);
                if (!inTime) {
                    timedOut = true;
                }
            }
            if (timedOut) {
                throw new IOException("connect timeout");
            }
            stats.connectMs.recordNanos(System.nanoTime() - start);
            return transport;
        } catch (IOException | RuntimeException e) {
            Channels.closeQuietly(ch);
            timedOut |= e instanceof TlsHandshakeException h && h.reason() == TlsHandshakeException.Reason.TIMEOUT;
            stats.cxConnectFail.increment();
            if (timedOut) {
                stats.cxConnectTimeout.increment();
            }
            // the upstream's certificate was refused (CA, validity, identity): Envoy's 503 for UF; a TCP connect failure
            // stays 502
            boolean refusedIdentity = e instanceof TlsHandshakeException h
                    && h.reason() == TlsHandshakeException.Reason.CERTIFICATE;
            throw new UpstreamException(ResponseFlag.UF,
                    (timedOut ? "connect timeout to " : "connect failed to ") + address + ": " + e.getMessage(),
                    refusedIdentity ? 503 : ResponseFlag.UF.status());
        }
    }

    /**
     * Gives a connection back.
     *
     * @param reusable the exchange completed cleanly and both sides allow keep-alive
     */
    public void release(UpstreamConnection c, boolean reusable) {
        c.requests++;
        c.disarm();
        c.clearFired();
        boolean keep = reusable && c.isOpen() && c.input().buffer().remaining() == 0;
        lock.lock();
        try {
            if (keep && !closed) {
                c.idleSince = System.nanoTime();
                idle.addLast(c);
                released.signal();
                return;
            }
            open--;
            released.signal();
        } finally {
            lock.unlock();
        }
        deadlines.unregister(c);
        forget(c);
        c.close();
    }

    /** Closes idle connections older than the idle timeout; called by the timer thread. Never blocks on I/O. */
    public void expireIdle(long now) {
        if (idleTimeoutNanos <= 0) {
            return;
        }
        lock.lock();
        try {
            UpstreamConnection c;
            while ((c = idle.peekFirst()) != null && now - c.idleSince >= idleTimeoutNanos) {
                idle.pollFirst();
                open--;
                deadlines.unregister(c);
                forget(c);
                stats.cxIdleTimeout.increment();
                c.close();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Closes idle connections and refuses new borrowers; in-flight ones close when released. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            UpstreamConnection c;
            while ((c = idle.pollFirst()) != null) {
                open--;
                deadlines.unregister(c);
                forget(c);
                c.close();
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes every connection, borrowed ones too: their requests fail at once (end of a drain). */
    public void abortAll() {
        close();
        for (UpstreamConnection c : all) {
            c.close();
        }
    }

    /** Open connections (idle and busy). */
    public int openConnections() {
        lock.lock();
        try {
            return open;
        } finally {
            lock.unlock();
        }
    }

    public int idleConnections() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /** Connections this pool has tried to open since it was made. */
    public int connectsStarted() {
        lock.lock();
        try {
            return connectsStarted;
        } finally {
            lock.unlock();
        }
    }
}
