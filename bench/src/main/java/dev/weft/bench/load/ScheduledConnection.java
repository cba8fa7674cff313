package dev.weft.bench.load;

import dev.weft.tls.channel.TlsChannel;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.HdrHistogram.Histogram;

/**
 * One virtual thread owns each ScheduledConnection: it sends this connection's share of the fixed-rate schedule on
 * one keep-alive connection (or on a new connection per request) and records every latency from the request's
 * intended send time.
 *
 * <p>The global schedule sends request {@code k} at {@code start + k / rate}; connection {@code i} of {@code c} owns
 * requests {@code i, i + c, i + 2c, ...}. A late response never moves the schedule: requests whose time has passed
 * are sent back to back, and each is charged the whole wait since its intended time (the wrk2 correction for
 * coordinated omission). The time from the actual send is recorded too, only to show what a closed-loop tool
 * would report.
 *
 * <p>A connection is opened when a request needs one: plain TCP, or TCP then a TLS handshake through
 * {@link TlsChannel}. It is published before connecting, so the coordinator's {@link #stop()} also interrupts a
 * stalled connect or handshake.
 *
 * <p>Every other field is confined to the owning thread and read by the coordinator after {@code join()}.
 */
final class ScheduledConnection implements Runnable {

    static final int READ_BUFFER_BYTES = 64 * 1024;

    private final InetSocketAddress target;
    private final SSLContext tls;
    private final String sni;
    private final boolean newConnectionPerRequest;
    private final ByteBuffer request;
    private final int index;
    private final int connections;
    private final double periodNanos;
    private final long startNanos;
    private final long measureFromNanos;
    private final long endNanos;

    // Direct for plain sockets (the kernel copies straight into it); heap under TLS, where the engine decrypts into it
    // and the JDK's AES-GCM intrinsics work on arrays. The parser skips body bytes in place, never copying them.
    private final ByteBuffer readBuffer;
    private final ResponseParser parser = new ResponseParser();

    final Histogram intendedLatencyMicros;
    final Histogram sendLatencyMicros;
    long responses;
    long errors;
    long non2xx;
    /** Connections opened for measured requests. */
    long connectionsOpened;

    // Written by the coordinator when the drain deadline passes: the worker must stop sending and reconnecting.
    private volatile boolean stopping;
    // Published so the coordinator can close it and unblock a connect, handshake or read stalled past the drain
    // deadline.
    private volatile ByteChannel channel;

    ScheduledConnection(OpenLoopClient.Settings settings, ByteBuffer request, int index, double periodNanos,
                        long startNanos, long measureFromNanos, long endNanos, Histogram template) {
        this.target = settings.target();
        this.tls = settings.tls();
        this.sni = settings.sni();
        this.newConnectionPerRequest = settings.newConnectionPerRequest();
        this.readBuffer = tls == null ? ByteBuffer.allocateDirect(READ_BUFFER_BYTES)
                : ByteBuffer.allocate(READ_BUFFER_BYTES);
        this.request = request;
        this.index = index;
        this.connections = settings.connections();
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
                    long attempt = System.nanoTime();
                    ByteChannel ch = connected(measured);
                    long sent = newConnectionPerRequest ? attempt : System.nanoTime();
                    int status = exchange(ch);
                    long done = System.nanoTime();
                    if (newConnectionPerRequest) {
                        closeChannel();
                    }
                    if (measured) {
                        responses++;
                        if (status < 200 || status > 299) {
                            non2xx++;
                        }
                        record(intendedLatencyMicros, done - intended);
                        record(sendLatencyMicros, done - sent);
                    }
                } catch (IOException e) { // refused, handshake failed, reset, closed early, unparseable: drop it, go on
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

    private ByteChannel connected(boolean measured) throws IOException {
        ByteChannel ch = channel;
        if (ch != null) {
            return ch;
        }
        SSLEngine engine = tls == null ? null : newEngine();
        SocketChannel socket = SocketChannel.open();
        TlsChannel tlsChannel = engine == null ? null : TlsChannel.client(socket, engine);
        ch = tlsChannel == null ? socket : tlsChannel;
        readBuffer.clear();
        channel = ch;
        if (stopping) { // the coordinator may have looked at the old channel: re-check after publishing this one
            closeChannel();
            throw new IOException("stopped");
        }
        socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
        socket.connect(target);
        if (measured) {
            connectionsOpened++;
        }
        if (tlsChannel != null) {
            tlsChannel.handshake(0); // no timeout of its own: a stall is latency, and stop() ends it
        }
        return ch;
    }

    /** A client engine without peer host (so no session resumption), with the configured SNI and ALPN http/1.1. */
    private SSLEngine newEngine() {
        SSLEngine engine = tls.createSSLEngine();
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        params.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(params);
        return engine;
    }

    /** Writes the request and reads exactly one response; returns its status. */
    private int exchange(ByteChannel ch) throws IOException {
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
        ByteChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) { // nothing left to flush; the socket is gone either way
            }
        }
    }
}
