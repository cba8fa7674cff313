package dev.weft.bench.load;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One virtual thread owns each ScheduledConnection: it sends this connection's share of the fixed-rate schedule on
 * one keep-alive connection and records every latency from the request's intended send time.
 *
 * <p>The global schedule sends request {@code k} at {@code start + k / rate}; connection {@code i} of {@code c} owns
 * requests {@code i, i + c, i + 2c, ...}. A late response never moves the schedule: requests whose time has passed
 * are sent back to back, and each is charged the whole wait since its intended time (the wrk2 correction for
 * coordinated omission). The time from the actual send is recorded too, only to show what a closed-loop tool
 * would report.
 *
 * <p>Every other field is confined to the owning thread and read by the coordinator after {@code join()}.
 */
final class ScheduledConnection implements Runnable {

    static final int READ_BUFFER_BYTES = 64 * 1024;

    private final InetSocketAddress target;
    private final ByteBuffer request;
    private final int index;
    private final int connections;
    private final double periodNanos;
    private final long startNanos;
    private final long measureFromNanos;
    private final long endNanos;

    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
    private final ResponseParser parser = new ResponseParser();

    final Histogram intendedLatencyMicros;
    final Histogram sendLatencyMicros;
    long responses;
    long errors;
    long non2xx;
    long connectsOpened;

    // Written by the coordinator when the drain deadline passes: the worker must stop sending and reconnecting.
    private volatile boolean stopping;
    // Published so the coordinator can close it and unblock a read stalled past the drain deadline.
    private volatile SocketChannel channel;

    ScheduledConnection(InetSocketAddress target, ByteBuffer request, int index, int connections, double periodNanos,
                        long startNanos, long measureFromNanos, long endNanos, Histogram template) {
        this.target = target;
        this.request = request;
        this.index = index;
        this.connections = connections;
        this.periodNanos = periodNanos;
        this.startNanos = startNanos;
        this.measureFromNanos = measureFromNanos;
        this.endNanos = endNanos;
        this.intendedLatencyMicros = new Histogram(template.getLowestDiscernibleValue(),
                template.getHighestTrackableValue(), template.getNumberOfSignificantValueDigits());
        this.sendLatencyMicros = intendedLatencyMicros.copy();
    }

    @Override
    public void run() {
        try {
            for (long n = 0; ; n++) {
                long intended = startNanos + Math.round((index + (double) n * connections) * periodNanos);
                if (intended - endNanos >= 0) {
                    return;
                }
                boolean measured = intended - measureFromNanos >= 0;
                if (stopping) { // past the drain deadline: what is still scheduled never got an answer
                    if (measured) {
                        errors++;
                    }
                    continue;
                }
                waitUntil(intended);
                try {
                    SocketChannel ch = connected();
                    long sent = System.nanoTime();
                    int status = exchange(ch);
                    long done = System.nanoTime();
                    if (measured) {
                        responses++;
                        if (status < 200 || status > 299) {
                            non2xx++;
                        }
                        record(intendedLatencyMicros, done - intended);
                        record(sendLatencyMicros, done - sent);
                    }
                } catch (IOException e) { // refused, reset, closed early, unparseable: drop the connection, go on
                    closeChannel();
                    if (measured) {
                        errors++;
                    }
                }
            }
        } finally {
            closeChannel();
        }
    }

    /** Called by the coordinator once the drain deadline passed; unblocks a read waiting on a stalled server. */
    void stop() {
        stopping = true;
        closeChannel();
    }

    private static void waitUntil(long deadline) {
        for (long wait = deadline - System.nanoTime(); wait > 0; wait = deadline - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
    }

    private static void record(Histogram h, long nanos) {
        h.recordValue(Math.min(Math.max(nanos / 1_000, 0), h.getHighestTrackableValue()));
    }

    private SocketChannel connected() throws IOException {
        SocketChannel ch = channel;
        if (ch != null) {
            return ch;
        }
        ch = SocketChannel.open(target);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connectsOpened++;
        readBuffer.clear();
        channel = ch;
        if (stopping) { // the coordinator may have looked at the old channel: re-check after publishing this one
            closeChannel();
            throw new IOException("stopped");
        }
        return ch;
    }

    /** Writes the request and reads exactly one response; returns its status. */
    private int exchange(SocketChannel ch) throws IOException {
        ByteBuffer out = request.duplicate();
        while (out.hasRemaining()) {
            ch.write(out);
        }
        parser.reset();
        readBuffer.flip();
        boolean complete = parser.feed(readBuffer); // bytes left over from the previous response, normally none
        readBuffer.compact();
        while (!complete) {
            if (ch.read(readBuffer) < 0) {
                if (!parser.endOfInput()) {
                    throw new EOFException("connection closed before the response ended");
                }
                break;
            }
            readBuffer.flip();
            complete = parser.feed(readBuffer);
            readBuffer.compact();
        }
        if (!parser.keepAlive()) {
            closeChannel();
        }
        return parser.status();
    }

    private void closeChannel() {
        SocketChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) { // nothing left to flush; the socket is gone either way
            }
        }
    }
}
