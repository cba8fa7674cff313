package dev.weft.core.http1;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.pool.UpstreamConnection;

import java.io.IOException;

/**
 * Streams one request body from the downstream connection to the upstream on its own virtual thread, while the
 * connection's thread reads the response. One per downstream connection, reused per request; {@link #join()} ends
 * every use, so at most one pump thread runs per connection and the input buffer has one user at a time.
 */
final class RequestBodyPump implements Runnable {
    private final ChannelInput in;
    private final Http1Connection connection;
    private final BodyCopier copier = new BodyCopier();
    private final ChunkedDecoder decoder;

    // set by the owner before start(); the thread start is the happens-before edge
    private UpstreamConnection upstream;
    private BodyFraming.Kind kind;
    private long length;
    private long responseTimeoutNanos;
    private Thread thread;

    /** Written by the pump thread, read by the owner after join() or while polling done. */
    private volatile boolean done;
    private volatile Exception failure;
    private volatile boolean sourceFailed;

    RequestBodyPump(ChannelInput in, Http1Connection connection, Http1Limits limits) {
        this.in = in;
        this.connection = connection;
        this.decoder = new ChunkedDecoder(limits);
    }

    void start(UpstreamConnection upstream, BodyFraming.Kind kind, long length, long responseTimeoutNanos) {
        this.upstream = upstream;
        this.kind = kind;
        this.length = length;
        this.responseTimeoutNanos = responseTimeoutNanos;
        this.done = false;
        this.failure = null;
        this.sourceFailed = false;
        this.thread = Thread.ofVirtual().name("weft-body-pump").start(this);
    }

    @Override
    public void run() {
        try {
            if (kind == BodyFraming.Kind.CHUNKED) {
                copier.copyChunked(in, decoder, upstream.channel(), true, connection, connection.idleNanos(),
                        Http1Connection.bodyIdleReason());
            } else {
                copier.copyFixed(in, length, upstream.channel(), connection, connection.idleNanos(),
                        Http1Connection.bodyIdleReason());
            }
            upstream.arm(responseTimeoutNanos, UpstreamConnection.RESPONSE_TIMEOUT);
        } catch (BodyCopier.SinkException e) {
            failure = e;
        } catch (IOException | Http1Exception e) {
            failure = e;
            sourceFailed = true;
            // the request cannot complete: make the response reader stop too
            Channels.closeQuietly(upstream.channel());
        } finally {
            done = true;
        }
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
