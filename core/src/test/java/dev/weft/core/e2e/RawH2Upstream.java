package dev.weft.core.e2e;

import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackEncoder;
import dev.weft.codec.hpack.HpackException;
import dev.weft.codec.http2.FrameListener;
import dev.weft.codec.http2.FrameReader;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.codec.http2.Http2Exception;
import dev.weft.codec.http2.Http2Settings;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted HTTP/2 upstream for the end-to-end tests (h2c with prior knowledge), built on the codec's
 * {@link FrameReader}, {@link FrameWriter} and HPACK like {@link RawH2}: it answers every request, once its END_STREAM
 * arrived, with 200 and the body "ok", acknowledges SETTINGS and PINGs, and records per connection the PINGs it got
 * and when the proxy closed it. Connections whose number (1 for the first accepted) is in {@code mute} never answer a
 * PING: an upstream that is still connected but no longer responsive.
 */
final class RawH2Upstream implements AutoCloseable {
    private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);

    /** One accepted connection. */
    static final class Conn {
        final int number;
        final AtomicInteger pings = new AtomicInteger();
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch closed = new CountDownLatch(1);

        Conn(int number) {
            this.number = number;
        }

        /** Waits until the proxy closed this connection. */
        boolean awaitClosed(long millis) throws InterruptedException {
            return closed.await(millis, TimeUnit.MILLISECONDS);
        }

        boolean isClosed() {
            return closed.getCount() == 0;
        }
    }

    private final ServerSocket server;
    private final Set<Integer> mute;
    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    private RawH2Upstream(Set<Integer> mute) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.mute = mute;
        Thread.ofVirtual().name("raw-h2-upstream").start(this::accept);
    }

    /** Starts one on an ephemeral loopback port; connections numbered in {@code mute} ignore PINGs. */
    static RawH2Upstream start(Set<Integer> mute) throws IOException {
        return new RawH2Upstream(mute);
    }

    int port() {
        return server.getLocalPort();
    }

    List<Conn> connections() {
        return List.copyOf(connections);
    }

    /** The n-th accepted connection (from 1), waiting for it at most {@code millis}. */
    Conn connection(int n, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (connections.size() < n) {
            if (System.nanoTime() > end) {
                throw new AssertionError("no connection " + n + " after " + millis + " ms: " + connections.size());
            }
            Thread.sleep(10);
        }
        return connections.get(n - 1);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Conn c = new Conn(connections.size() + 1);
                connections.add(c);
                sockets.add(s);
                Thread.ofVirtual().start(() -> serve(s, c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, Conn c) {
        try (s) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            ByteBuffer settings = ByteBuffer.allocate(64);
            FrameWriter.writeSettings(settings, new Http2Settings().maxConcurrentStreams(100));
            write(out, settings);
            Listener listener = new Listener(out, c);
            FrameReader reader = new FrameReader(true, 16_384, 1 << 20);
            ByteBuffer buf = ByteBuffer.allocate(9 + 16_384 + 4096).flip();
            byte[] chunk = new byte[8192];
            while (true) {
                reader.read(buf, listener);
                buf.compact();
                int n = in.read(chunk, 0, Math.min(chunk.length, buf.remaining()));
                if (n < 0) {
                    return;
                }
                buf.put(chunk, 0, n).flip();
            }
        } catch (IOException | Http2Exception e) {
            // the proxy closed or reset the connection
        } finally {
            c.closed.countDown();
        }
    }

    private static void write(OutputStream out, ByteBuffer b) throws IOException {
        b.flip();
        out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
        out.flush();
    }

    /** Frames from the proxy, answered on the connection's own thread. */
    private final class Listener implements FrameListener {
        private final OutputStream out;
        private final Conn conn;
        private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
        private final HpackEncoder encoder = new HpackEncoder(4096);

        Listener(OutputStream out, Conn conn) {
            this.out = out;
            this.conn = conn;
        }

        private void respond(int streamId) throws Http2Exception {
            conn.requests.incrementAndGet();
            ByteBuffer block = ByteBuffer.allocate(256);
            encoder.beginBlock(block);
            encoder.encodeField(block, ":status", "200", false);
            encoder.encodeField(block, "content-length", String.valueOf(OK.length), false);
            block.flip();
            ByteBuffer b = ByteBuffer.allocate(512);
            FrameWriter.writeHeaders(b, streamId, block, false, 16_384);
            FrameWriter.writeData(b, streamId, ByteBuffer.wrap(OK), true);
            send(b);
        }

        private void send(ByteBuffer b) throws Http2Exception {
            try {
                write(out, b);
            } catch (IOException e) {
                throw Http2Exception.connection(dev.weft.codec.http2.ErrorCode.INTERNAL_ERROR, e.toString());
            }
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency,
                              boolean exclusive, int weight) throws Http2Exception {
            try {
                decoder.decode(headerBlock, (n, no, nl, v, vo, vl, ni) -> { });
            } catch (HpackException e) {
                throw Http2Exception.connection(dev.weft.codec.http2.ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            if (endStream) {
                respond(streamId);
            }
        }

        @Override
        public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) throws Http2Exception {
            onHeaders(streamId, headerBlock, false, 0, false, 16);
        }

        @Override
        public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream)
                throws Http2Exception {
            if (flowControlledLength > 0) {
                ByteBuffer b = ByteBuffer.allocate(26);
                FrameWriter.writeWindowUpdate(b, 0, flowControlledLength);
                FrameWriter.writeWindowUpdate(b, streamId, flowControlledLength);
                send(b);
            }
            if (endStream) {
                respond(streamId);
            }
        }

        @Override
        public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
        }

        @Override
        public void onSettings(boolean ack, ByteBuffer payload) throws Http2Exception {
            if (!ack) {
                ByteBuffer b = ByteBuffer.allocate(9);
                FrameWriter.writeSettingsAck(b);
                send(b);
            }
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) {
        }

        @Override
        public void onPing(boolean ack, long opaque) throws Http2Exception {
            if (ack) {
                return;
            }
            conn.pings.incrementAndGet();
            if (!mute.contains(conn.number)) {
                ByteBuffer b = ByteBuffer.allocate(17);
                FrameWriter.writePing(b, true, opaque);
                send(b);
            }
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
