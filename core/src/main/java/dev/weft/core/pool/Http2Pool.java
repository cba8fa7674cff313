package dev.weft.core.pool;

import dev.weft.core.io.Transport;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
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
 * ends. Connections are dialled like the HTTP/1.1 pool's (same TLS, same connect timeout, same stats).
 */
public final class Http2Pool {
    private final Http1Pool dialer;
    private final int maxConnections;
    private final long waitNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final List<H2ClientConnection> connections = new ArrayList<>();
    private int dialing;
    private volatile boolean closed;

    public Http2Pool(Http1Pool dialer, int maxConnections, long connectTimeoutNanos) {
        this.dialer = dialer;
        this.maxConnections = Math.max(1, maxConnections);
        this.waitNanos = connectTimeoutNanos;
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
            c.start();
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
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (!c.isOpen() && idle) {
            c.close();
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
