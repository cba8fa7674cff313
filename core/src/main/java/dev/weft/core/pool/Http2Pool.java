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
                for (H2ClientConnection c : connections) {
                    if (c.hasCapacity() && (best == null || c.activeStreams() < best.activeStreams())) {
                        best = c;
                    }
                }
                if (best != null) {
                    return best;
                }
                if (connections.size() + dialing < maxConnections) {
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
        try {
            Transport t = dialer.dial();
            c = new H2ClientConnection(t, this);
            c.start();
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
                if (c != null && !closed) {
                    connections.add(c);
                }
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    void streamEnded(H2ClientConnection c) {
        lock.lock();
        try {
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (!c.isOpen() && c.activeStreams() == 0) {
            c.close();
        }
    }

    void goingAway(H2ClientConnection c) {
        lock.lock();
        try {
            connections.remove(c);
            room.signalAll();
        } finally {
            lock.unlock();
        }
        if (c.activeStreams() == 0) {
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
