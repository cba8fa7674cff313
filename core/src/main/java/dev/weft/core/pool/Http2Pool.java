package dev.weft.core.pool;

import dev.weft.core.config.ClusterConfig;
import dev.weft.core.io.Transport;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
import dev.weft.core.stats.ClusterStats;
import dev.weft.core.time.Deadlines;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The HTTP/2 connections to one upstream endpoint (a cluster with {@code http2: true}): a few shared connections,
 * each carrying up to the upstream's SETTINGS_MAX_CONCURRENT_STREAMS requests at once. A request takes a stream on the
 * least busy connection with room, opens a new connection when all are full (up to {@code maxConnections}), or waits
 * at most the connect timeout. A connection that received GOAWAY takes no new streams and closes when its last one
 * ends; one that carried no stream for the pool idle timeout is closed with GOAWAY; with keepalive, one whose PING
 * goes unanswered is closed. Connections are dialled like the HTTP/1.1 pool's (same TLS, same connect timeout) and
 * counted in the same cluster stats.
 */
public final class Http2Pool {
    private final Http1Pool dialer;
    private final int maxConnections;
    private final long waitNanos;
    private final long idleTimeoutNanos;
    /** PINGs on every connection, or null. */
    final ClusterConfig.Http2Keepalive keepalive;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final List<H2ClientConnection> connections = new ArrayList<>();
    private int dialing;
    private volatile boolean closed;

    /**
     * @param idleTimeoutNanos a connection without streams this long is closed (0: never)
     * @param keepalive        PINGs on every connection, or null
     */
    java.net.InetSocketAddress address() {
        return dialer.address();
    }

    public Http2Pool(Http1Pool dialer, int maxConnections, long connectTimeoutNanos, long idleTimeoutNanos,
                     ClusterConfig.Http2Keepalive keepalive) {
        this.dialer = dialer;
        this.maxConnections = Math.max(1, maxConnections);
        this.waitNanos = connectTimeoutNanos;
        this.idleTimeoutNanos = idleTimeoutNanos;
        this.keepalive = keepalive;
    }

    ClusterStats stats() {
        return dialer.stats();
    }

    Deadlines deadlines() {
        return dialer.deadlines();
    }

    /** A connection with room for one more stream; the caller opens the stream at once. */
    public H2ClientConnection acquire() throws UpstreamException {
        long deadline = System.nanoTime() + waitNanos;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new UpstreamException(ResponseFlag.UF, "pool closed");
                }
                H2ClientConnection best = null;
                boolean warming = false;
                for (H2ClientConnection c : connections) {
                    if (c.hasCapacity() && (best == null || c.activeStreams() < best.activeStreams())) {
                        best = c;
                    }
                    warming |= c.isOpen() && !c.settingsReceived();
                }
                if (best != null) {
                    best.slots++;
                    return best;
                }
                // a connection being dialled, or waiting for the upstream's SETTINGS, will likely have room: wait for
                // it rather than open one connection per request of a burst
                if (dialing == 0 && !warming && connections.size() < maxConnections) {
                    dialing++;
                    break;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new UpstreamException(ResponseFlag.UO, "all HTTP/2 connections to " + dialer.address()
                            + " are at their stream limit");
                }
                try {
                    room.awaitNanos(left);
                } catch (InterruptedException e) {
                    throw new UpstreamException(ResponseFlag.UF, "interrupted");
                }
            }
        } finally {
            lock.unlock();
        }
        H2ClientConnection c = null;
        boolean started = false;
        try {
            Transport t = dialer.dial();
            c = new H2ClientConnection(t, this);
            c.start(); // counts the connection (cx_active, cx_http2_total) once it is up
            started = true;
            return c;
        } catch (IOException e) {
            if (c != null) {
                c.close();
            }
            throw e instanceof UpstreamException u ? u
                    : new UpstreamException(ResponseFlag.UF, "HTTP/2 connection to " + dialer.address() + ": " + e);
        } finally {
            lock.lock();
            try {
                dialing--;
                if (started) {
                    c.slots++; // the dialling request's stream
                    // not a connection that failed to start, or already ended (its reader may have closed it)
                    if (!closed && c.isOpen()) {
                        connections.add(c);
                    }
                }
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** A stream reserved by {@link #acquire} ended (or was never opened): its slot is free again. */
    void streamEnded(H2ClientConnection c) {
        boolean idle;
        lock.lock();
        try {
            if (c.slots > 0) {
                c.slots--;
            }
            idle = c.slots == 0;
            if (idle) {
                c.idleSince = System.nanoTime();
            }
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (idle && !c.isOpen()) {
            c.close();
        } else if (idle && closed) {
            c.close(); // dialled while the pool closed, so never in its list: nobody else closes it
        }
    }

    /** The upstream's SETTINGS arrived or changed: waiting requests look again. */
    void capacityChanged() {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    void goingAway(H2ClientConnection c) {
        boolean idle;
        lock.lock();
        try {
            connections.remove(c);
            idle = c.slots == 0;
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (idle) {
            c.close();
        }
    }

    void closed(H2ClientConnection c) {
        lock.lock();
        try {
            connections.remove(c);
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes connections that carried no stream for the idle timeout: out of the pool at once (no request can take
     * them any more), then GOAWAY and close on a short-lived virtual thread, since this runs on the timer thread,
     * which must not do I/O.
     */
    public void expireIdle(long now) {
        if (idleTimeoutNanos <= 0) {
            return;
        }
        List<H2ClientConnection> expired = null;
        lock.lock();
        try {
            for (int i = connections.size() - 1; i >= 0; i--) {
                H2ClientConnection c = connections.get(i);
                if (c.slots == 0 && now - c.idleSince >= idleTimeoutNanos) {
                    connections.remove(i);
                    if (expired == null) {
                        expired = new ArrayList<>();
                    }
                    expired.add(c);
                }
            }
        } finally {
            lock.unlock();
        }
        if (expired != null) {
            for (H2ClientConnection c : expired) {
                stats().cxIdleTimeout.increment();
                Thread.ofVirtual().name("weft-h2-upstream-idle").start(c::closeIdle);
            }
        }
    }

    public int openConnections() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    public void close() {
        List<H2ClientConnection> all;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(connections);
            connections.clear();
            room.signalAll();
        } finally {
            lock.unlock();
        }
        all.forEach(H2ClientConnection::close);
    }

    static long nanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
