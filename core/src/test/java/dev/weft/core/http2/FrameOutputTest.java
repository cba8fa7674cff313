package dev.weft.core.http2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackException;
import dev.weft.codec.http2.FrameListener;
import dev.weft.codec.http2.FrameReader;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.codec.http2.Http2Exception;
import dev.weft.codec.http2.Http2Settings;
import dev.weft.core.io.Transport;
import dev.weft.core.pool.HeaderBlockEncoder;
import dev.weft.core.time.Deadline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link FrameOutput} over a real loopback TCP connection, with the discipline of {@link Http2Connection}: frames
 * serialized under one lock (HPACK encoding included), handed to the output, read back on the other end with the
 * codec's {@link FrameReader} and {@link HpackDecoder}. The HPACK decoder only decodes what was encoded in wire order,
 * so a header block overtaken by a later one fails the test.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FrameOutputTest {
    private static final int THREADS = 8;
    private static final int RESPONSES = 40;
    /** DATA sizes: empty, copied (up to 1015 bytes), not copied, a whole frame. */
    private static final int[] SIZES = {0, 1, 100, 1015, 1016, 5000, 16_384};

    private ServerSocketChannel server;
    private SocketChannel peer;
    private SocketChannel connection;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger broken = new AtomicInteger();
    private FrameOutput output;

    @BeforeEach
    void connect() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        peer = SocketChannel.open();
        peer.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
        peer.connect(server.getLocalAddress());
        connection = server.accept();
        connection.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
    }

    @AfterEach
    void close() throws IOException {
        if (output != null) {
            output.close(TimeUnit.SECONDS.toNanos(1));
        }
        connection.close();
        peer.close();
        server.close();
    }

    private FrameOutput open() {
        Deadline never = new Deadline() {
            @Override
            protected void onExpired(int reason) {
                // not registered with a timer
            }
        };
        output = new FrameOutput(Transport.plain(connection), lock, never, TimeUnit.SECONDS.toNanos(30),
                broken::incrementAndGet);
        return output;
    }

    /** What one stream's thread does, as Http2Connection does it: HEADERS then DATA, each under the lock. */
    private final class Sender {
        final HeaderBlockEncoder headerBlocks;
        final ByteBuffer out = ByteBuffer.allocateDirect(16 * 1024);

        Sender(HeaderBlockEncoder headerBlocks) {
            this.headerBlocks = headerBlocks;
        }

        void flush() throws IOException {
            out.flip();
            try {
                output.flush(out);
            } finally {
                out.clear();
            }
        }

        void headers(int streamId, List<String[]> fields) throws IOException {
            lock.lock();
            try {
                output.awaitRoom();
                ByteBuffer large = headerBlocks.encode(out, this::flush, streamId, fields, false, 16_384);
                if (large != null) {
                    flush();
                    output.flush(large);
                }
                flush();
            } finally {
                lock.unlock();
            }
        }

        void data(int streamId, ByteBuffer payload, boolean endStream) throws IOException {
            FrameOutput.Frame pending;
            lock.lock();
            try {
                output.awaitRoom();
                pending = output.data(streamId, payload, endStream);
            } finally {
                lock.unlock();
            }
            if (pending != null) {
                output.await(pending);
            }
        }
    }

    /** The byte at {@code i} of a body on stream {@code id}. */
    private static byte patternByte(int id, int i) {
        return (byte) (id * 31 + i);
    }

    /** Reads frames from the peer end until it closes; records header fields and DATA per stream. */
    private static final class PeerReader implements FrameListener, Runnable {
        private final SocketChannel channel;
        private final FrameReader reader = new FrameReader(false, 16_384, 1 << 20);
        private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
        final Map<Integer, List<String>> fields = new ConcurrentHashMap<>();
        final Map<Integer, Integer> bodyBytes = new ConcurrentHashMap<>();
        final Map<Integer, Boolean> ended = new ConcurrentHashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicInteger wrongBytes = new AtomicInteger();
        volatile long total;

        PeerReader(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void run() {
            ByteBuffer in = ByteBuffer.allocate(64 * 1024).flip();
            try {
                while (true) {
                    reader.read(in, this);
                    in.compact();
                    int n = channel.read(in);
                    in.flip();
                    if (n < 0) {
                        return;
                    }
                    total += n;
                }
            } catch (IOException | Http2Exception | RuntimeException e) {
                failure.set(e);
            }
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency,
                              boolean exclusive, int weight) throws Http2Exception {
            List<String> f = new ArrayList<>();
            try {
                decoder.decode(headerBlock, (n, no, nl, v, vo, vl, ni) -> f.add(
                        new String(n, no, nl, StandardCharsets.ISO_8859_1) + "="
                                + new String(v, vo, vl, StandardCharsets.ISO_8859_1)));
            } catch (HpackException e) {
                throw new IllegalStateException("HPACK out of step on stream " + streamId, e);
            }
            fields.put(streamId, f);
        }

        @Override
        public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream) {
            int at = bodyBytes.getOrDefault(streamId, 0);
            while (data.hasRemaining()) {
                if (data.get() != patternByte(streamId, at++)) {
                    wrongBytes.incrementAndGet();
                }
            }
            bodyBytes.put(streamId, at);
            if (endStream) {
                ended.put(streamId, true);
            }
        }

        @Override
        public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) {
        }

        @Override
        public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
        }

        @Override
        public void onSettings(boolean ack, ByteBuffer payload) {
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) {
        }

        @Override
        public void onPing(boolean ack, long opaque) {
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
        }
    }

    private void settings() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(64);
        FrameWriter.writeSettings(b, new Http2Settings());
        lock.lock();
        try {
            output.flush(b.flip());
        } finally {
            lock.unlock();
        }
    }

    @Test
    void concurrentStreamsArriveWholeAndInEncodingOrder() throws Exception {
        open();
        settings();
        PeerReader peerReader = new PeerReader(peer);
        Thread readerThread = Thread.ofPlatform().start(peerReader);
        HeaderBlockEncoder headerBlocks = new HeaderBlockEncoder(1 << 20); // one encoder: one HPACK context
        List<Thread> senders = new ArrayList<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            senders.add(Thread.ofVirtual().start(() -> {
                Sender sender = new Sender(headerBlocks);
                try {
                    for (int r = 0; r < RESPONSES; r++) {
                        int id = 1 + 2 * (thread * RESPONSES + r);
                        int size = SIZES[(thread + r) % SIZES.length];
                        // header blocks of every size: small, a few frame buffers, larger than the out buffer
                        String big = r % 10 == 3 ? "v".repeat(3_000) : r % 10 == 7 ? "w".repeat(20_000) : "s";
                        sender.headers(id, List.of(new String[] {":status", "200"},
                                new String[] {"x-stream", Integer.toString(id)}, new String[] {"x-big", big}));
                        ByteBuffer body = ByteBuffer.allocate(size);
                        for (int i = 0; i < size; i++) {
                            body.put(patternByte(id, i));
                        }
                        body.flip();
                        int half = size / 2;
                        ByteBuffer first = body.duplicate().limit(half);
                        sender.data(id, first, false);
                        assertEquals(half, first.position(), "the payload is consumed once written");
                        sender.data(id, body.position(half), true);
                        assertTrue(!body.hasRemaining());
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }));
        }
        for (Thread t : senders) {
            t.join();
        }
        assertNull(failed.get(), () -> "a sender failed: " + failed.get());
        output.close(TimeUnit.SECONDS.toNanos(5)); // writes what is still queued
        connection.shutdownOutput();
        readerThread.join(30_000);
        assertNull(peerReader.failure.get(), () -> "the peer could not read: " + peerReader.failure.get());
        assertEquals(0, peerReader.wrongBytes.get(), "every DATA byte is the sender's");
        for (int t = 0; t < THREADS; t++) {
            for (int r = 0; r < RESPONSES; r++) {
                int id = 1 + 2 * (t * RESPONSES + r);
                List<String> f = peerReader.fields.get(id);
                assertTrue(f != null && f.contains("x-stream=" + id), "stream " + id + " headers: " + f);
                assertEquals(SIZES[(t + r) % SIZES.length], peerReader.bodyBytes.getOrDefault(id, 0),
                        "stream " + id + " body");
                assertEquals(Boolean.TRUE, peerReader.ended.get(id), "stream " + id + " ended");
            }
        }
        assertEquals(0, broken.get());
    }

    @Test
    void aPeerThatDoesNotReadStopsProducersAtTheBoundThenAllGoesOut() throws Exception {
        FrameOutput queued = open();
        settings();
        int producers = 4;
        int frames = 400;
        ByteBuffer[] payloads = new ByteBuffer[producers];
        List<Thread> senders = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();
        for (int t = 0; t < producers; t++) {
            int thread = t;
            senders.add(Thread.ofVirtual().start(() -> {
                Sender sender = new Sender(new HeaderBlockEncoder(1 << 20));
                ByteBuffer body = ByteBuffer.allocate(1000); // copied: the sender does not wait for the write
                try {
                    for (int i = 0; i < frames; i++) {
                        sender.data(1 + 2 * thread, body.clear(), false);
                        sent.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        // nothing is read: the socket buffers fill, the writer blocks, then the producers wait
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int last = -1;
        while (true) {
            Thread.sleep(200);
            int now = sent.get();
            if (now == last) {
                break; // no progress for 200 ms: everybody waits
            }
            last = now;
            assertTrue(System.nanoTime() < end, "producers never stopped: " + now);
        }
        assertTrue(last < producers * frames, "producers were stopped before the end: " + last);
        int queuedNow = queued.queuedFrames();
        assertTrue(queuedNow <= FrameOutput.MAX_QUEUED_FRAMES + producers,
                "at most the bound (and one frame per producer past it) queued: " + queuedNow);
        for (Thread t : senders) {
            assertTrue(t.isAlive(), "a producer is blocked, not gone");
        }
        // the peer reads: everything goes out
        PeerReader peerReader = new PeerReader(peer);
        Thread readerThread = Thread.ofPlatform().start(peerReader);
        for (Thread t : senders) {
            t.join(20_000);
            assertTrue(!t.isAlive(), "producer finished once the peer read");
        }
        output.close(TimeUnit.SECONDS.toNanos(5));
        connection.shutdownOutput();
        readerThread.join(20_000);
        assertNull(peerReader.failure.get());
        long expected = 9 /* SETTINGS without entries */ + (long) producers * frames * (9 + 1000);
        assertEquals(expected, peerReader.total, "every frame, once");
    }

    @Test
    void aFailedConnectionWakesAWaitingSenderAndRefusesMore() throws Exception {
        open();
        settings();
        // a large DATA frame waits for its write, which cannot finish: the peer does not read, then goes away
        ByteBuffer big = ByteBuffer.allocate(16_384);
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread sender = Thread.ofVirtual().start(() -> {
            Sender s = new Sender(new HeaderBlockEncoder(1 << 20));
            try {
                for (int i = 0; i < 1_000; i++) {
                    s.data(1, big.clear(), false);
                }
                outcome.set(new AssertionError("all written to a peer that never reads"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        Thread.sleep(300);
        assertTrue(sender.isAlive(), "the sender waits for its frame");
        peer.setOption(StandardSocketOptions.SO_LINGER, 0);
        peer.close(); // a reset: the blocked write fails
        sender.join(10_000);
        assertTrue(!sender.isAlive(), "the waiting sender woke up");
        assertTrue(outcome.get() instanceof IOException, "it learned the connection failed: " + outcome.get());
        assertEquals(1, broken.get(), "the connection was told once");
        lock.lock();
        try {
            assertThrows(IOException.class, () -> output.flush(ByteBuffer.allocate(9)), "nothing more is accepted");
        } finally {
            lock.unlock();
        }
    }
}
