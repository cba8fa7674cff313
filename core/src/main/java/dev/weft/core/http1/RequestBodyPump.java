package dev.weft.core.http1;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.pool.UpstreamConnection;
import dev.weft.core.time.Deadline;
import dev.weft.core.time.Deadlines;

import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Streams one request body from the downstream connection to the upstream on its own virtual thread, while the
 * connection's thread reads the response. One per downstream connection, reused per request; {@link #join()} ends
 * every use, so at most one pump thread runs per connection and the input buffer has one user at a time.
 *
 * <p>Deadlines: reads from the client use the connection's slot (BODY_IDLE), writes to the upstream use this pump's
 * own slot, so an upstream that stops reading cannot hold the exchange forever. The route timeout starts when the
 * body is through; the hand-over of the upstream's slot to the owner is guarded by {@link #handover} so that a late
 * pump can never re-arm it once the owner reads the response body.
 */
final class RequestBodyPump implements Runnable {
    private static final int UPSTREAM_WRITE = 1;

    private final ChannelInput in;
    private final Http1Connection connection;
    private final BodyCopier copier = new BodyCopier();
    private final ChunkedDecoder decoder;
    private final WriteDeadline writeDeadline = new WriteDeadline();
    /** Guards {@link #headArrived} against the pump's arming of the response timer. Never held across I/O. */
    private final ReentrantLock handover = new ReentrantLock();

    // set by the owner before start(); the thread start is the happens-before edge
    private UpstreamConnection upstream;
    private BodyFraming.Kind kind;
    private long length;
    private long responseTimeoutNanos;
    private Thread thread;

    /** Guarded by {@link #handover}. */
    private boolean headArrived;
    /** Written by the pump thread, read by the owner after join() or while polling done. */
    private volatile boolean done;
    private volatile Exception failure;
    private volatile boolean sourceFailed;
    private volatile boolean writeTimedOut;
    /** Set by the owner when the exchange ends before the body is through; then the pump reads and discards. */
    private volatile boolean stopping;
    /** When the lingering ends (System.nanoTime()); written before {@link #stopping}. */
    private volatile long lingerUntil;

    /** Closes the upstream when a write to it stalls for the idle timeout. */
    private final class WriteDeadline extends Deadline {
        /** The channel being written; set by the pump before arming. */
        private volatile java.nio.channels.Channel target;

        @Override
        protected void onExpired(int reason) {
            writeTimedOut = true;
            Channels.closeQuietly(target);
        }
    }

    RequestBodyPump(ChannelInput in, Http1Connection connection, Http1Limits limits) {
        this.in = in;
        this.connection = connection;
        this.decoder = new ChunkedDecoder(limits);
        copier.reading(connection, connection.idleNanos(), Http1Connection.bodyIdleReason())
                .limitingReads(this::readLimit)
                .writing(writeDeadline, connection.idleNanos(), UPSTREAM_WRITE);
    }

    void register(Deadlines deadlines) {
        deadlines.register(writeDeadline);
    }

    void unregister(Deadlines deadlines) {
        deadlines.unregister(writeDeadline);
    }

    void start(UpstreamConnection upstream, BodyFraming.Kind kind, long length, long responseTimeoutNanos) {
        this.upstream = upstream;
        this.kind = kind;
        this.length = length;
        this.responseTimeoutNanos = responseTimeoutNanos;
        this.headArrived = false;
        this.done = false;
        this.failure = null;
        this.sourceFailed = false;
        this.writeTimedOut = false;
        this.stopping = false;
        this.writeDeadline.target = upstream.channel();
        this.writeDeadline.clearFired();
        this.copier.resetCount();
        this.thread = Thread.ofVirtual().name("weft-body-pump").start(this);
    }

    @Override
    public void run() {
        try {
            if (kind == BodyFraming.Kind.CHUNKED) {
                copier.copyChunked(in, decoder, upstream.transport(), true);
            } else {
                copier.copyFixed(in, length, upstream.transport());
            }
            handover.lock();
            try {
                if (!headArrived) {
                    upstream.arm(responseTimeoutNanos, UpstreamConnection.RESPONSE_TIMEOUT);
                }
            } finally {
                handover.unlock();
            }
        } catch (BodyCopier.SinkException e) {
            failure = e;
            if (stopping) {
                discard();
            }
        } catch (IOException | Http1Exception e) {
            failure = e;
            if (!stopping) {
                sourceFailed = true;
                // the request cannot complete: make the response reader stop too
                Channels.closeQuietly(upstream.channel());
            }
        } finally {
            done = true;
        }
    }

    /** The bound of the next read: the rest of the lingering once stopping, else none. */
    private long readLimit() {
        return stopping ? lingerUntil - System.nanoTime() : Long.MAX_VALUE;
    }

    /**
     * Ends an exchange whose body will not be forwarded (the upstream answered early or failed): the upstream is
     * closed, and the pump turns into the lingering close, reading and discarding what the client still sends for
     * at most {@link Http1Connection#LINGER_NANOS} / {@link Http1Connection#LINGER_MAX_BYTES}, so that closing the
     * socket with unread bytes does not reset the connection under the response. Does not wait: {@link #join()}.
     */
    void stop() {
        lingerUntil = System.nanoTime() + Http1Connection.LINGER_NANOS;
        stopping = true;
        // a read already blocked was armed with the idle timeout: shorten it (the pump re-checks after arming)
        connection.arm(Http1Connection.LINGER_NANOS, Http1Connection.bodyIdleReason());
        Channels.closeQuietly(upstream.channel());
    }

    /** True when {@link #stop()} turned this pump into the lingering reader. */
    boolean stopped() {
        return stopping;
    }

    private void discard() {
        Http1Connection.discardUntil(in, connection, lingerUntil, Http1Connection.bodyIdleReason());
    }

    /** Called by the owner when the response head arrived: from now on the owner alone arms the upstream slot. */
    void headArrived() {
        handover.lock();
        try {
            headArrived = true;
            upstream.disarm();
        } finally {
            handover.unlock();
        }
    }

    /** Body bytes that reached the upstream; valid after {@link #join()}. */
    long bytesForwarded() {
        return copier.count();
    }

    boolean isDone() {
        return done;
    }

    /** True when the whole body reached the upstream. Valid after {@link #join()}. */
    boolean succeeded() {
        return done && failure == null;
    }

    /** The failure, or null. */
    Exception failure() {
        return failure;
    }

    /** True when the downstream side failed (client gone, idle timeout, malformed chunked body). */
    boolean sourceFailed() {
        return sourceFailed;
    }

    /** True when the upstream stopped reading the body for the idle timeout. */
    boolean writeTimedOut() {
        return writeTimedOut;
    }

    void join() {
        join(0);
    }

    /** Waits for the pump thread to end, at most {@code millis} (0: no limit); true when it has ended. */
    boolean join(long millis) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    if (millis > 0) {
                        t.join(millis);
                    } else {
                        t.join();
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (t.isAlive()) {
            return false;
        }
        thread = null;
        return true;
    }
}
