package dev.weft.core.pool;

import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackException;
import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FlowWindow;
import dev.weft.codec.http2.FrameListener;
import dev.weft.codec.http2.FrameReader;
import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.codec.http2.HeaderValidator;
import dev.weft.codec.http2.Http2Exception;
import dev.weft.codec.http2.Http2Settings;
import dev.weft.codec.hpack.HeaderSink;
import dev.weft.core.io.Channels;
import dev.weft.core.io.Transport;
import dev.weft.core.stats.ClusterStats;
import dev.weft.core.time.Deadline;
import dev.weft.core.time.Deadlines;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An HTTP/2 connection to an upstream (RFC 9113, client side), shared by many requests: each request is one stream.
 * A virtual thread reads and dispatches frames; requests write under one lock (which also guards the HPACK encoder
 * and the send windows) and wait on their stream for the response. Response bodies are buffered per stream up to the
 * stream window we advertise and the window is given back as the consumer forwards the bytes, so a slow downstream
 * slows the upstream down.
 *
 * <p>Counted in its cluster's stats once established ({@code upstream_cx_active}, {@code upstream_cx_http2_total})
 * and once when closed ({@code upstream_cx_destroy}), whichever path closes it. With keepalive, a PING goes out every
 * interval and one not acknowledged within the timeout closes the connection; the shared timer only arms and fires,
 * the PING itself is written by a short-lived virtual thread (the timer thread does no I/O).
 */
public final class H2ClientConnection implements FrameListener {
    private static final System.Logger LOG = System.getLogger("weft.http2.upstream");
    private static final int STREAM_WINDOW = 1024 * 1024;
    private static final int CONNECTION_WINDOW = 16 * 1024 * 1024;
    private static final int MAX_HEADER_LIST = 256 * 1024;

    private final Transport channel;
    private final Http2Pool pool;
    private final ByteBuffer in = ByteBuffer.allocateDirect(9 + 16384 + 1024);
    private final FrameReader reader = new FrameReader(false, 16384, MAX_HEADER_LIST);
    private final HpackDecoder decoder = new HpackDecoder(4096, MAX_HEADER_LIST);
    private final Http2Settings peer = new Http2Settings();
    private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();

    // guarded by lock
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition windowOpened = lock.newCondition();
    private final FlowWindow sendWindow = new FlowWindow(0, FlowWindow.DEFAULT_WINDOW);
    private final HeaderBlockEncoder headerBlocks = new HeaderBlockEncoder(MAX_HEADER_LIST * 4L);
    private final ByteBuffer out = ByteBuffer.allocateDirect(16 * 1024);
    private final ByteBuffer dataHeader = ByteBuffer.allocateDirect(9);
    private final ByteBuffer[] gather = new ByteBuffer[2];
    private int nextStreamId = 1;
    private int connectionCredit;
    /** No more streams or frames: set by {@link #close} (and first by a keepalive timeout, on the timer thread). */
    private volatile boolean closed;
    /** {@link #close} runs once, whoever calls it. */
    private final AtomicBoolean closing = new AtomicBoolean();
    private final ClusterStats stats;
    private final Deadlines deadlines;
    /** Keepalive PINGs, or null. */
    private final KeepAlive keepalive;
    /** Counted in cx_active (set once established): close() counts the destroy. */
    private volatile boolean counted;
    /** GOAWAY received: no new streams; streams above this id were not processed (safe to retry elsewhere). */
    private volatile int goAwayLastStream = Integer.MAX_VALUE;
    /**
     * A GOAWAY arrived. Not derived from {@link #goAwayLastStream}: a graceful shutdown starts with a GOAWAY whose
     * last stream id is 2^31-1 (RFC 9113 section 6.8), and that one too must stop new streams.
     */
    private volatile boolean goAwayReceived;
    private volatile long maxConcurrent = 100;
    /** The peer's first SETTINGS arrived: until then only the dialling request's stream may start. */
    private volatile boolean settingsReceived;
    /** Streams reserved by {@link Http2Pool#acquire} and not yet ended; guarded by the pool's lock. */
    int slots;
    /** System.nanoTime() when {@link #slots} last dropped to 0; guarded by the pool's lock. */
    long idleSince = System.nanoTime();

    H2ClientConnection(Transport channel, Http2Pool pool) {
        this.channel = channel;
        this.pool = pool;
        this.stats = pool.stats();
        this.deadlines = pool.deadlines();
        this.keepalive = pool.keepalive == null ? null : new KeepAlive(pool.keepalive.interval().toNanos(),
                pool.keepalive.timeout().toNanos());
        in.flip();
    }

    /** Sends the preface and our SETTINGS, and starts the reader. */
    void start() throws IOException {
        lock.lock();
        try {
            FrameWriter.writePreface(out);
            FrameWriter.writeSettings(out, new Http2Settings().enablePush(false).initialWindowSize(STREAM_WINDOW)
                    .maxHeaderListSize(MAX_HEADER_LIST));
            FrameWriter.writeWindowUpdate(out, 0, CONNECTION_WINDOW - FlowWindow.DEFAULT_WINDOW);
            flushLocked();
        } finally {
            lock.unlock();
        }
        counted = true;
        stats.cxActive.increment();
        stats.cxHttp2Total.increment();
        Thread.ofVirtual().name("weft-h2-upstream").start(this::readLoop);
        if (keepalive != null) {
            keepalive.start();
        }
    }

    private void readLoop() {
        try {
            while (!closed) {
                try {
                    reader.read(in, this);
                } catch (Http2Exception e) {
                    if (e.isConnectionError()) {
                        goAway(e.error(), e.getMessage());
                        return;
                    }
                    Stream s = streams.get(e.streamId());
                    if (s != null) {
                        s.fail(new IOException("upstream stream error: " + e.getMessage()), false);
                    }
                    sendReset(e.streamId(), e.error());
                    continue;
                }
                flushPending();
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
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "upstream HTTP/2 connection ended: {0}", e.toString());
        } finally {
            close();
        }
    }

    /** Closes the connection; streams in flight fail. */
    void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        if (keepalive != null) {
            deadlines.unregister(keepalive);
        }
        Channels.closeQuietly(channel);
        if (counted) {
            stats.cxActive.decrement();
            stats.cxDestroy.increment();
        }
        for (Stream s : streams.values()) {
            s.fail(new IOException("upstream HTTP/2 connection closed"), false);
        }
        lock.lock();
        try {
            windowOpened.signalAll();
        } finally {
            lock.unlock();
        }
        pool.closed(this);
    }

    boolean isOpen() {
        return !closed && !goAwayReceived;
    }

    /** Idle for the pool idle timeout, and out of the pool already: GOAWAY (NO_ERROR), then close. */
    void closeIdle() {
        goAway(ErrorCode.NO_ERROR, "idle timeout");
        close();
    }

    /** Streams reserved or open; the pool's lock held. */
    int activeStreams() {
        return slots;
    }

    /**
     * True when another stream may start now; the pool's lock held. Counts the streams reserved by
     * {@link Http2Pool#acquire} but not opened yet, so that concurrent requests cannot overshoot the upstream's
     * SETTINGS_MAX_CONCURRENT_STREAMS (the upstream would refuse the excess with REFUSED_STREAM); before the upstream's
     * SETTINGS arrive, only the first stream.
     */
    boolean hasCapacity() {
        return isOpen() && slots < (settingsReceived ? maxConcurrent : 1);
    }

    boolean settingsReceived() {
        return settingsReceived;
    }

    /** The pool this connection belongs to, to retry a refused stream on another connection. */
    public Http2Pool pool() {
        return pool;
    }

    // ---- streams ------------------------------------------------------------------------------------------------------

    /**
     * Starts a request: the header block goes out now.
     *
     * @param headers pseudo-headers first, then regular fields; names lowercase
     */
    public Stream open(List<String[]> headers, boolean endStream) throws IOException {
        Stream s = null;
        lock.lock();
        try {
            if (closed || goAwayReceived) {
                throw new IOException("upstream HTTP/2 connection is going away");
            }
            int id = nextStreamId;
            nextStreamId += 2;
            s = new Stream(id, peer.initialWindowSize());
            streams.put(id, s);
            encodeHeaders(id, headers, endStream);
            s.localEnded = endStream;
            flushLocked();
            return s;
        } catch (IOException | RuntimeException e) {
            if (s != null) {
                streams.remove(s.id);
                close();
            }
            s = null;
            throw e;
        } finally {
            lock.unlock();
            if (s == null) {
                pool.streamEnded(this); // the reservation taken by acquire()
            }
        }
    }

    private void encodeHeaders(int streamId, List<String[]> headers, boolean endStream) throws IOException {
        ByteBuffer large = headerBlocks.encode(out, this::flushLocked, streamId, headers, endStream,
                peer.maxFrameSize());
        if (large != null) {
            flushLocked(); // what out held goes first
            writeFully(large);
        }
    }

    private void flushLocked() throws IOException {
        out.flip();
        try {
            writeFully(out);
        } finally {
            out.clear();
        }
    }

    private void flushPending() throws IOException {
        lock.lock();
        try {
            if (out.position() > 0 && !closed) {
                flushLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            channel.write(b);
        }
    }

    private void sendReset(int streamId, ErrorCode error) {
        lock.lock();
        try {
            if (!closed) {
                if (out.remaining() < 13) {
                    flushLocked();
                }
                FrameWriter.writeRstStream(out, streamId, error);
                flushLocked();
            }
        } catch (IOException e) {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    private void goAway(ErrorCode error, String debug) {
        lock.lock();
        try {
            if (!closed) {
                byte[] d = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
                ByteBuffer dd = ByteBuffer.wrap(d, 0, Math.min(256, d.length));
                if (out.remaining() < 17 + dd.remaining()) {
                    flushLocked();
                }
                FrameWriter.writeGoAway(out, 0, error, dd);
                flushLocked();
            }
        } catch (IOException ignored) {
            // closing anyway
        } finally {
            lock.unlock();
        }
    }

    private void credit(Stream s, int n) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            if (out.remaining() < 26) {
                flushLocked();
            }
            if (!s.remoteEnded) {
                FrameWriter.writeWindowUpdate(out, s.id, n);
            }
            connectionCredit += n;
            if (connectionCredit >= CONNECTION_WINDOW / 2) {
                FrameWriter.writeWindowUpdate(out, 0, connectionCredit);
                connectionCredit = 0;
            }
            flushLocked();
        } catch (IOException e) {
            close();
        } finally {
            lock.unlock();
        }
    }

    /** Returns bytes to the connection window only (their stream is gone); flushed now. */
    private void creditConnection(int n) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            connectionCredit += n;
            if (connectionCredit >= CONNECTION_WINDOW / 2) {
                if (out.remaining() < 13) {
                    flushLocked();
                }
                FrameWriter.writeWindowUpdate(out, 0, connectionCredit);
                connectionCredit = 0;
                flushLocked();
            }
        } catch (IOException e) {
            close();
        } finally {
            lock.unlock();
        }
    }

    /** One request on this connection. Methods are called by the request's thread; the reader fills it. */
    public final class Stream {
        final int id;
        private final FlowWindow sendWindow;
        private final ReentrantLock slock = new ReentrantLock();
        private final Condition changed = slock.newCondition();
        private final ArrayDeque<ByteBuffer> data = new ArrayDeque<>();
        private List<String[]> head;
        private List<String[]> trailers = List.of();
        private boolean remoteEnded;
        /** END_STREAM sent (written under the connection's lock). */
        private boolean localEnded;
        private IOException failure;
        private boolean refusedBeforeProcessing;
        /** Done or cancelled: DATA arriving later goes straight back to the connection window. */
        private boolean abandoned;

        Stream(int id, int sendInitial) {
            this.id = id;
            this.sendWindow = new FlowWindow(id, sendInitial);
        }

        /** Sends request body bytes as the windows allow. */
        public void write(ByteBuffer src, boolean endStream, long timeoutNanos) throws IOException {
            do {
                lock.lock();
                try {
                    long left = timeoutNanos;
                    while (src.hasRemaining() && (sendWindow.available() <= 0
                            || H2ClientConnection.this.sendWindow.available() <= 0)) {
                        checkFailed();
                        if (closed) {
                            throw new IOException("upstream HTTP/2 connection closed");
                        }
                        if (left <= 0) {
                            throw new IOException("upstream HTTP/2 flow-control window stayed closed");
                        }
                        try {
                            left = windowOpened.awaitNanos(left);
                        } catch (InterruptedException e) {
                            throw new java.io.InterruptedIOException();
                        }
                    }
                    checkFailed();
                    checkActive();
                    int n = Math.min(src.remaining(), Math.min(peer.maxFrameSize(), Math.min(sendWindow.available(),
                            H2ClientConnection.this.sendWindow.available())));
                    boolean last = endStream && n == src.remaining();
                    if (out.position() > 0) {
                        flushLocked();
                    }
                    dataHeader.clear();
                    FrameWriter.writeFrameHeader(dataHeader, n, FrameType.DATA, last ? 0x1 : 0, id);
                    dataHeader.flip();
                    int limit = src.limit();
                    src.limit(src.position() + n);
                    gather[0] = dataHeader;
                    gather[1] = src;
                    try {
                        while (dataHeader.hasRemaining() || src.hasRemaining()) {
                            channel.write(gather);
                        }
                    } finally {
                        src.limit(limit);
                        gather[1] = null;
                    }
                    sendWindow.spend(n);
                    H2ClientConnection.this.sendWindow.spend(n);
                    if (last) {
                        localEnded = true;
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            } while (src.hasRemaining());
            if (endStream) {
                end(null);
            }
        }

        /** Ends the request: an empty DATA with END_STREAM, or trailers. */
        public void end(List<String[]> requestTrailers) throws IOException {
            lock.lock();
            try {
                checkFailed();
                checkActive();
                if (requestTrailers != null && !requestTrailers.isEmpty()) {
                    encodeHeaders(id, requestTrailers, true);
                } else {
                    if (out.remaining() < 9) {
                        flushLocked();
                    }
                    FrameWriter.writeFrameHeader(out, 0, FrameType.DATA, 0x1, id);
                }
                localEnded = true;
                flushLocked();
            } finally {
                lock.unlock();
            }
        }

        /** The response head (informational ones skipped): {":status", ...} first. */
        public List<String[]> awaitHead(long timeoutNanos) throws IOException {
            slock.lock();
            try {
                long left = timeoutNanos;
                while (head == null) {
                    checkFailed();
                    if (left <= 0) {
                        throw new UpstreamTimeoutException();
                    }
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                return head;
            } finally {
                slock.unlock();
            }
        }

        /** The next chunk of the response body, or null at its end. */
        public ByteBuffer next(long timeoutNanos) throws IOException {
            ByteBuffer b;
            slock.lock();
            try {
                long left = timeoutNanos;
                while (data.isEmpty() && !remoteEnded) {
                    checkFailed();
                    if (left <= 0) {
                        throw new IOException("upstream response body stalled");
                    }
                    try {
                        left = changed.awaitNanos(left);
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                b = data.poll();
                if (b == null) {
                    return null; // remoteEnded: complete, even if the connection failed afterwards
                }
            } finally {
                slock.unlock();
            }
            return b;
        }

        /** Gives forwarded bytes back to the windows. */
        public void consumed(int n) {
            if (n > 0) {
                credit(this, n);
            }
        }

        /** True when the upstream ended the stream and every DATA was taken (a head-only response). */
        public boolean ended() {
            slock.lock();
            try {
                return remoteEnded && data.isEmpty();
            } finally {
                slock.unlock();
            }
        }

        public List<String[]> trailers() {
            slock.lock();
            try {
                return trailers;
            } finally {
                slock.unlock();
            }
        }

        /** The upstream refused the stream before processing it (REFUSED_STREAM, or above a GOAWAY's last id). */
        public boolean retryable() {
            slock.lock();
            try {
                return refusedBeforeProcessing;
            } finally {
                slock.unlock();
            }
        }

        /** Abandons the request: RST_STREAM CANCEL; a thread waiting for the response wakes with an IOException. */
        public void cancel() {
            if (streams.remove(id) != null) {
                fail(new IOException("upstream stream cancelled"), false);
                sendReset(id, ErrorCode.CANCEL);
                returnUnconsumed();
                pool.streamEnded(H2ClientConnection.this);
            } else {
                returnUnconsumed();
            }
        }

        /**
         * The exchange is over: forget the stream. A request not ended yet (the upstream answered before the whole
         * request was sent) is reset, or the upstream would keep counting it against its concurrent streams.
         */
        public void done() {
            if (streams.remove(id) != null) {
                boolean ended;
                lock.lock();
                try {
                    ended = localEnded;
                } finally {
                    lock.unlock();
                }
                if (!ended || !ended()) {
                    sendReset(id, ErrorCode.CANCEL);
                }
                returnUnconsumed();
                pool.streamEnded(H2ClientConnection.this);
            } else {
                returnUnconsumed();
            }
        }

        /**
         * Response bytes received but never consumed go back to the connection window: without this every abandoned
         * download would shrink the connection's window for good, until the connection stalls.
         */
        private void returnUnconsumed() {
            int n = 0;
            slock.lock();
            try {
                for (ByteBuffer b : data) {
                    n += b.remaining();
                }
                data.clear();
                remoteEnded = true;
                abandoned = true;
            } finally {
                slock.unlock();
            }
            if (n > 0) {
                creditConnection(n);
            }
        }

        /** Nothing more goes out on a stream already done or cancelled (reset): no DATA after our RST_STREAM. */
        private void checkActive() throws IOException {
            if (streams.get(id) != this) {
                throw new IOException("upstream stream already finished");
            }
        }

        private void checkFailed() throws IOException {
            IOException f;
            slock.lock();
            try {
                f = failure;
            } finally {
                slock.unlock();
            }
            if (f != null) {
                throw f;
            }
        }

        void fail(IOException e, boolean retryable) {
            slock.lock();
            try {
                if (failure == null) {
                    failure = e;
                    refusedBeforeProcessing = retryable;
                }
                changed.signalAll();
            } finally {
                slock.unlock();
            }
            lock.lock();
            try {
                windowOpened.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void headers(List<String[]> fields, boolean endStream) {
            slock.lock();
            try {
                if (head == null) {
                    String status = fields.isEmpty() ? null : fields.get(0)[1];
                    if (status != null && status.length() == 3 && status.charAt(0) == '1') {
                        return; // informational: wait for the final head
                    }
                    head = fields;
                } else {
                    trailers = fields;
                }
                if (endStream) {
                    remoteEnded = true;
                }
                changed.signalAll();
            } finally {
                slock.unlock();
            }
        }

        /** Queues DATA for the consumer; false when the stream was abandoned meanwhile (nothing queued). */
        boolean data(ByteBuffer payload, boolean endStream) {
            slock.lock();
            try {
                if (abandoned) {
                    return false;
                }
                if (payload.hasRemaining()) {
                    ByteBuffer copy = ByteBuffer.allocate(payload.remaining());
                    copy.put(payload).flip();
                    data.add(copy);
                }
                if (endStream) {
                    remoteEnded = true;
                }
                changed.signalAll();
                return true;
            } finally {
                slock.unlock();
            }
        }
    }

    /** The upstream did not answer within the route timeout. */
    public static final class UpstreamTimeoutException extends IOException {
        UpstreamTimeoutException() {
            super("upstream response timeout");
        }
    }

    // ---- keepalive ----------------------------------------------------------------------------------------------------

    /**
     * Envoy's connection_keepalive: armed for the next PING ({@link #PING_DUE}), then, once it is sent, for its ACK
     * ({@link #ACK_DUE}). Fired on the shared timer thread, which only starts the PING's writer or closes the socket.
     * One PING is outstanding at a time: the next one is armed by the ACK.
     */
    private final class KeepAlive extends Deadline {
        private static final int PING_DUE = 1;
        private static final int ACK_DUE = 2;
        private final long intervalNanos;
        private final long timeoutNanos;
        /** Opaque data of the PING awaiting its ACK, 0 when none; written by the PING's thread, read by the reader. */
        private volatile long outstanding;
        /** PINGs sent: the next opaque value. Only one PING thread runs at a time (see above). */
        private long sent;

        KeepAlive(long intervalNanos, long timeoutNanos) {
            this.intervalNanos = intervalNanos;
            this.timeoutNanos = timeoutNanos;
        }

        void start() {
            deadlines.register(this);
            arm(intervalNanos, PING_DUE);
        }

        @Override
        protected void onExpired(int reason) {
            if (reason == PING_DUE) {
                Thread.ofVirtual().name("weft-h2-upstream-ping").start(this::ping);
                return;
            }
            // ACK_DUE: the upstream (or the path to it) is gone; new streams must not pick this connection
            stats.http2KeepaliveTimeout.increment();
            LOG.log(System.Logger.Level.DEBUG, "upstream HTTP/2 connection to {0}: PING not acknowledged within "
                    + "{1} ms, closing", pool.address(), timeoutNanos / 1_000_000);
            closed = true;
            Channels.closeQuietly(channel); // the reader fails and closes the rest (close() takes locks)
        }

        private void ping() {
            long opaque = ++sent;
            outstanding = opaque;
            arm(timeoutNanos, ACK_DUE); // before the write: a write that blocks is bounded too
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (out.remaining() < 17) {
                    flushLocked();
                }
                FrameWriter.writePing(out, false, opaque);
                flushLocked();
            } catch (IOException e) {
                closed = true;
                Channels.closeQuietly(channel);
            } finally {
                lock.unlock();
            }
        }

        /** A PING ACK arrived (reader thread): the next PING after the interval. */
        void acked(long opaque) {
            if (opaque != 0 && opaque == outstanding) {
                outstanding = 0;
                arm(intervalNanos, PING_DUE);
            }
        }
    }

    // ---- frames in (reader thread) ------------------------------------------------------------------------------------

    private final List<String[]> fields = new ArrayList<>();
    private final HeaderSink collect = (n, no, nl, v, vo, vl, ni) -> fields.add(new String[] {
            new String(n, no, nl, StandardCharsets.ISO_8859_1), new String(v, vo, vl, StandardCharsets.ISO_8859_1)});
    private final HeaderValidator validator = new HeaderValidator(collect);

    @Override
    public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency, boolean exclusive,
                          int weight) throws Http2Exception {
        Stream s = streams.get(streamId);
        fields.clear();
        boolean trailers = s != null && s.head != null;
        validator.reset(trailers ? HeaderValidator.Mode.TRAILERS : HeaderValidator.Mode.RESPONSE, streamId);
        try {
            decoder.decode(headerBlock, s == null ? (n, no, nl, v, vo, vl, ni) -> { } : validator);
        } catch (HpackException e) {
            if (e.kind() == HpackException.Kind.COMPRESSION) {
                throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, e.getMessage());
        }
        if (s == null) {
            return;
        }
        validator.finish();
        s.headers(new ArrayList<>(fields), endStream);
    }

    @Override
    public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) throws Http2Exception {
        try {
            decoder.decode(headerBlock, (n, no, nl, v, vo, vl, ni) -> { });
        } catch (HpackException e) {
            throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
        }
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream) {
        Stream s = streams.get(streamId);
        if (s == null) {
            // a stream we reset or forgot: its bytes still count against the connection window
            if (flowControlledLength > 0) {
                creditConnection(flowControlledLength);
            }
            return;
        }
        int padding = flowControlledLength - data.remaining();
        if (!s.data(data, endStream)) {
            creditConnection(flowControlledLength);
            return;
        }
        if (padding > 0) {
            credit(s, padding);
        }
    }

    @Override
    public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
    }

    @Override
    public void onRstStream(int streamId, long errorCode) {
        Stream s = streams.remove(streamId);
        if (s != null) {
            boolean refused = errorCode == ErrorCode.REFUSED_STREAM.code();
            s.fail(new IOException("upstream reset the stream (" + ErrorCode.of(errorCode) + ")"), refused);
            pool.streamEnded(this);
        }
    }

    @Override
    public void onSettings(boolean ack, ByteBuffer payload) throws Http2Exception {
        if (ack) {
            return;
        }
        lock.lock();
        try {
            int delta = peer.apply(payload, true);
            if (delta != 0) {
                for (Stream s : streams.values()) {
                    s.sendWindow.applyInitialDelta(delta);
                }
            }
            maxConcurrent = peer.maxConcurrentStreams();
            headerBlocks.setPeerMaxTableSize(peer.headerTableSize());
            if (out.remaining() < 9) {
                flushLocked();
            }
            FrameWriter.writeSettingsAck(out);
            windowOpened.signalAll();
        } catch (IOException e) {
            close();
        } finally {
            lock.unlock();
        }
        settingsReceived = true;
        pool.capacityChanged(); // requests waiting for a stream may now use this connection
    }

    @Override
    public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) throws Http2Exception {
        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE although push is disabled");
    }

    @Override
    public void onPing(boolean ack, long opaque) {
        if (ack) {
            if (keepalive != null) {
                keepalive.acked(opaque);
            }
            return;
        }
        lock.lock();
        try {
            if (out.remaining() < 17) {
                flushLocked();
            }
            FrameWriter.writePing(out, true, opaque);
        } catch (IOException e) {
            close();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
        goAwayLastStream = lastStreamId;
        goAwayReceived = true;
        for (Map.Entry<Integer, Stream> e : streams.entrySet()) {
            if (e.getKey() > lastStreamId) {
                streams.remove(e.getKey());
                e.getValue().fail(new IOException("upstream GOAWAY before processing the stream"), true);
                pool.streamEnded(this);
            }
        }
        pool.goingAway(this);
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        lock.lock();
        try {
            if (streamId == 0) {
                sendWindow.increment(increment);
            } else {
                Stream s = streams.get(streamId);
                if (s != null) {
                    s.sendWindow.increment(increment);
                }
            }
            windowOpened.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
