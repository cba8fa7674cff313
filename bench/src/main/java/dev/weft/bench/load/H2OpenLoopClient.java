package dev.weft.bench.load;

import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackEncoder;
import dev.weft.codec.hpack.HpackException;
import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FrameListener;
import dev.weft.codec.http2.FrameReader;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.codec.http2.Http2Exception;
import dev.weft.codec.http2.Http2Settings;
import dev.weft.tls.channel.TlsChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.HdrHistogram.Histogram;

/**
 * The open-loop generator for HTTP/2: the same fixed-rate schedule and intended-time latency as
 * {@link OpenLoopClient}, with each request on its own stream, so requests on one connection never wait for each other
 * (only for the server's SETTINGS_MAX_CONCURRENT_STREAMS, which is charged to the latency like any queueing). GET
 * requests over TLS with ALPN h2, or in cleartext with prior knowledge; response bodies are read and dropped, the
 * windows given back at once. Built on Weft's own HTTP/2 codec.
 */
public final class H2OpenLoopClient {

    private H2OpenLoopClient() {
    }

    public static OpenLoopClient.Result run(OpenLoopClient.Settings s) throws IOException, InterruptedException {
        double periodNanos = 1e9 / s.ratePerSecond();
        SocketChannel.open(s.target()).close(); // fail fast on a wrong address

        long start = System.nanoTime() + OpenLoopClient.START_DELAY.toNanos();
        long measureFrom = start + s.warmup().toNanos();
        long end = measureFrom + s.duration().toNanos();
        List<Conn> conns = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < s.connections(); i++) {
            Conn c = new Conn(s, i, periodNanos, start, measureFrom, end);
            conns.add(c);
            threads.add(Thread.ofVirtual().name("h2-open-loop-" + i).start(c::run));
        }
        long drainDeadline = end + OpenLoopClient.DRAIN_TIMEOUT.toNanos();
        for (Thread t : threads) {
            long left = drainDeadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                break;
            }
        }
        conns.forEach(Conn::stop);
        for (Thread t : threads) {
            t.join();
        }
        long finished = System.nanoTime();
        Histogram latency = OpenLoopClient.newHistogram();
        Histogram sendLatency = OpenLoopClient.newHistogram();
        long responses = 0;
        long errors = 0;
        long non2xx = 0;
        for (Conn c : conns) {
            latency.add(c.latency);
            sendLatency.add(c.sendLatency);
            responses += c.responses;
            errors += c.errors + c.inFlight.size();
            non2xx += c.non2xx;
        }
        Duration elapsed = Duration.ofNanos(Math.max(1, finished - measureFrom));
        return new OpenLoopClient.Result(latency, responses, errors, non2xx, responses / (elapsed.toNanos() / 1e9),
                elapsed, sendLatency, s.connections());
    }

    /** One HTTP/2 connection sending its share of the schedule; a second thread reads the responses. */
    private static final class Conn implements FrameListener {
        private final OpenLoopClient.Settings s;
        private final int index;
        private final double periodNanos;
        private final long start;
        private final long measureFrom;
        private final long end;
        final Histogram latency = OpenLoopClient.newHistogram();
        final Histogram sendLatency = OpenLoopClient.newHistogram();
        long responses;
        long errors;
        long non2xx;
        /** Stream id to {intended send time, actual send time}. */
        final ConcurrentHashMap<Integer, long[]> inFlight = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<Integer, Integer> status = new ConcurrentHashMap<>();

        private final ReentrantLock lock = new ReentrantLock();
        private final Condition room = lock.newCondition();
        private final ByteBuffer out = ByteBuffer.allocate(64 * 1024);
        private final ByteBuffer block = ByteBuffer.allocate(1024);
        private final HpackEncoder encoder = new HpackEncoder(4096);
        private final HpackDecoder decoder = new HpackDecoder(4096, 256 * 1024);
        private final Http2Settings peer = new Http2Settings();
        private volatile ByteChannel channel;
        private volatile SocketChannel socket;
        private volatile boolean stopped;
        private int nextId = 1;
        /** The server's first SETTINGS (its stream limit) arrived: sending starts only then, as real clients do. */
        private final java.util.concurrent.CountDownLatch settings = new java.util.concurrent.CountDownLatch(1);
        private int currentStream;

        Conn(OpenLoopClient.Settings s, int index, double periodNanos, long start, long measureFrom, long end) {
            this.s = s;
            this.index = index;
            this.periodNanos = periodNanos;
            this.start = start;
            this.measureFrom = measureFrom;
            this.end = end;
        }

        void stop() {
            stopped = true;
            SocketChannel sc = socket;
            if (sc != null) {
                try {
                    sc.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
            lock.lock();
            try {
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void run() {
            Thread reader = null;
            try {
                open();
                reader = Thread.ofVirtual().start(this::readLoop);
                if (!settings.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw new IOException("no SETTINGS from the server within 5 s");
                }
                for (long k = index; !stopped; k += s.connections()) {
                    long intended = start + (long) (k * periodNanos);
                    if (intended >= end) {
                        break;
                    }
                    long wait = intended - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(Duration.ofNanos(wait));
                    }
                    // requests already overdue go out in one write: one system call per burst, not per request
                    long next = start + (long) ((k + s.connections()) * periodNanos);
                    send(intended, intended >= measureFrom, next > System.nanoTime() || next >= end);
                }
                // wait for the last responses (the caller's drain deadline stops us)
                lock.lock();
                try {
                    while (!inFlight.isEmpty() && !stopped) {
                        room.awaitNanos(10_000_000L);
                    }
                } finally {
                    lock.unlock();
                }
            } catch (IOException | InterruptedException e) {
                errors++;
            } finally {
                stop();
                if (reader != null) {
                    try {
                        reader.join();
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        private void open() throws IOException {
            SocketChannel sc = SocketChannel.open(s.target());
            sc.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            socket = sc;
            if (s.tls() != null) {
                SSLEngine engine = s.tls().createSSLEngine(s.sni() == null ? s.target().getHostString() : s.sni(),
                        s.target().getPort());
                engine.setUseClientMode(true);
                SSLParameters p = engine.getSSLParameters();
                p.setApplicationProtocols(new String[] {"h2"});
                engine.setSSLParameters(p);
                TlsChannel tc = TlsChannel.client(sc, engine);
                tc.handshake(Duration.ofSeconds(10).toNanos());
                if (!"h2".equals(tc.applicationProtocol())) {
                    throw new IOException("the server did not agree to h2 by ALPN");
                }
                channel = tc;
            } else {
                channel = sc;
            }
            lock.lock();
            try {
                FrameWriter.writePreface(out);
                FrameWriter.writeSettings(out, new Http2Settings().enablePush(false)
                        .initialWindowSize(16 * 1024 * 1024));
                FrameWriter.writeWindowUpdate(out, 0, 64 * 1024 * 1024);
                flush();
            } finally {
                lock.unlock();
            }
        }

        private void send(long intended, boolean measured, boolean flushNow) throws IOException,
                InterruptedException {
            lock.lock();
            try {
                while (inFlight.size() >= Math.min(peer.maxConcurrentStreams(), 10_000) && !stopped) {
                    if (out.position() > 0) {
                        flush();
                    }
                    room.await(); // the server's stream limit: queueing that the latency includes
                }
                if (stopped) {
                    return;
                }
                int id = nextId;
                nextId += 2;
                block.clear();
                encoder.beginBlock(block);
                encoder.encodeField(block, ":method", "GET", false);
                encoder.encodeField(block, ":scheme", s.tls() != null ? "https" : "http", false);
                encoder.encodeField(block, ":authority", s.host(), false);
                encoder.encodeField(block, ":path", s.path(), false);
                block.flip();
                if (out.remaining() < block.remaining() + 64) {
                    flush();
                }
                FrameWriter.writeHeaders(out, id, block, true, peer.maxFrameSize());
                inFlight.put(id, new long[] {measured ? intended : -intended, System.nanoTime()});
                if (flushNow || inFlight.size() >= Math.min(peer.maxConcurrentStreams(), 10_000)) {
                    flush();
                }
            } finally {
                lock.unlock();
            }
        }

        private void flush() throws IOException {
            out.flip();
            try {
                while (out.hasRemaining()) {
                    channel.write(out);
                }
            } finally {
                out.clear();
            }
        }

        private void readLoop() {
            FrameReader reader = new FrameReader(false, 16384, 256 * 1024);
            ByteBuffer in = ByteBuffer.allocateDirect(9 + 16384 + 1024);
            in.flip();
            try {
                while (!stopped) {
                    reader.read(in, this);
                    in.compact();
                    int n;
                    try {
                        n = channel.read(in);
                    } finally {
                        in.flip();
                    }
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException | Http2Exception e) {
                if (!stopped) {
                    lock.lock();
                    try {
                        errors++;
                    } finally {
                        lock.unlock();
                    }
                }
            } finally {
                stop();
            }
        }

        private void complete(int streamId) {
            long[] t = inFlight.remove(streamId);
            Integer st = status.remove(streamId);
            if (t == null) {
                return;
            }
            long now = System.nanoTime();
            lock.lock();
            try {
                if (t[0] >= 0) { // scheduled after the warm-up
                    latency.recordValue(Math.min(Math.max((now - t[0]) / 1000, 1), latency.getHighestTrackableValue()));
                    sendLatency.recordValue(Math.min(Math.max((now - t[1]) / 1000, 1),
                            sendLatency.getHighestTrackableValue()));
                    responses++;
                    if (st == null || st / 100 != 2) {
                        non2xx++;
                    }
                }
                room.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency,
                              boolean exclusive, int weight) throws Http2Exception {
            currentStream = streamId;
            try {
                decoder.decode(headerBlock, (n, no, nl, v, vo, vl, ni) -> {
                    if (nl == 7 && n[no] == ':' && n[no + 1] == 's') { // :status
                        status.putIfAbsent(currentStream, Integer.parseInt(
                                new String(v, vo, vl, StandardCharsets.US_ASCII)));
                    }
                });
            } catch (HpackException e) {
                throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            if (endStream) {
                complete(streamId);
            }
        }

        @Override
        public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) {
        }

        @Override
        public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream) {
            data.position(data.limit());
            if (flowControlledLength > 0) {
                lock.lock();
                try {
                    FrameWriter.writeWindowUpdate(out, 0, flowControlledLength);
                    if (!endStream) {
                        FrameWriter.writeWindowUpdate(out, streamId, flowControlledLength);
                    }
                    flush();
                } catch (IOException e) {
                    stop();
                } finally {
                    lock.unlock();
                }
            }
            if (endStream) {
                complete(streamId);
            }
        }

        @Override
        public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
            long[] t = inFlight.remove(streamId);
            if (t != null) {
                status.remove(streamId);
                lock.lock();
                try {
                    if (t[0] >= 0) {
                        errors++; // only requests scheduled after the warm-up count
                    }
                    room.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public void onSettings(boolean ack, ByteBuffer payload) throws Http2Exception {
            if (ack) {
                return;
            }
            lock.lock();
            try {
                peer.apply(payload, true);
                encoder.setPeerMaxTableSize((int) Math.min(Integer.MAX_VALUE, peer.headerTableSize()));
                FrameWriter.writeSettingsAck(out);
                flush();
                settings.countDown();
                room.signalAll();
            } catch (IOException e) {
                stop();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) throws Http2Exception {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "push is disabled");
        }

        @Override
        public void onPing(boolean ack, long opaque) {
            if (ack) {
                return;
            }
            lock.lock();
            try {
                FrameWriter.writePing(out, true, opaque);
                flush();
            } catch (IOException e) {
                stop();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
            stop();
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
        }
    }
}
