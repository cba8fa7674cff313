package dev.weft.core.http2;

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
import dev.weft.codec.http2.StreamIds;
import dev.weft.codec.http2.StreamState;
import dev.weft.codec.http2.StreamStateMachine;
import dev.weft.core.config.Http2Options;
import dev.weft.core.http1.ListenerContext;
import dev.weft.core.io.Addresses;
import dev.weft.core.io.Channels;
import dev.weft.core.io.Transport;
import dev.weft.core.pool.HeaderBlockEncoder;
import dev.weft.core.proxy.ServerConnection;
import dev.weft.core.stats.Http2Stats;
import dev.weft.core.time.Deadline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A downstream HTTP/2 connection (RFC 9113), server side. Its own virtual thread reads and decodes frames, applies
 * connection-level rules and flood limits, and starts one virtual thread per request stream ({@link StreamHandler});
 * every frame is serialized under one lock, which also guards the HPACK encoder (header blocks must reach the wire in
 * encoding order) and the send windows, and queued to its {@link FrameOutput}, whose writer thread writes them:
 * nobody does I/O under the lock. Flow control blocks a stream's thread, never the connection's.
 *
 * <p>Request bodies are buffered per stream up to the stream window we advertise, and per connection up to the
 * connection window: a stream's consumer gives the window back as it forwards the bytes, so a slow upstream slows its
 * client down and nothing is buffered without bound.
 */
public final class Http2Connection extends Deadline implements Runnable, ServerConnection, FrameListener {
    private static final System.Logger LOG = System.getLogger("weft.http2");

    private static final int IDLE = 1;
    private static final int LINGER = 2;
    /**
     * After a connection error the client may still be sending: closing a socket with unread bytes makes the kernel
     * send a TCP reset, which can destroy our GOAWAY before the client reads it (RFC 9113 section 5.4.1 wants the
     * client to learn the error code). So the connection half-closes and reads and drops input for at most this
     * long and this much (nginx's lingering_close, shorter: it is the peer that misbehaved).
     */
    static final long LINGER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500);
    static final long LINGER_MAX_BYTES = 1L << 20;
    /** Room for control frames queued by the reader before it flushes them (before blocking on a read). */
    private static final int OUT_BYTES = 16 * 1024;

    final ListenerContext listener;
    final Http2Options opts;
    final Transport channel;
    final Http2Stats h2stats;
    final String remoteIp;
    final String remoteAddress;
    final String localAddress;
    private final Consumer<ServerConnection> onClose;

    private final ByteBuffer in;
    private final FrameReader reader;
    private final HpackDecoder decoder;
    private final RequestFields fields = new RequestFields();
    private final HeaderValidator validator = new HeaderValidator(fields);
    private final Http2Settings peer = new Http2Settings();
    private final StreamIds ids = new StreamIds(true);
    /**
     * The connection's receive window. The reader thread spends it, stream threads give bytes back
     * ({@link #creditConnection}), so it is atomic (as a plain int it lost updates in that race, and a client's
     * lawful DATA looked like a FLOW_CONTROL_ERROR). Only the reader lowers it, so its check and subtraction need no
     * lock.
     */
    private final java.util.concurrent.atomic.AtomicInteger recvWindow =
            new java.util.concurrent.atomic.AtomicInteger(FlowWindow.DEFAULT_WINDOW);
    private final Map<Integer, H2Stream> streams = new ConcurrentHashMap<>();
    /** Streams whose handler runs: the connection closes on drain (or after the client's GOAWAY) when none is left. */
    private final AtomicInteger active = new AtomicInteger();
    /**
     * Streams counted against max_concurrent_streams: like {@link #active}, but a stream leaves as soon as it is closed
     * by END_STREAM both ways, before the client sees our END_STREAM (it may then open the next stream at once, RFC
     * 9113 section 5.1.2), while its handler may still be finishing.
     */
    private final AtomicInteger concurrent = new AtomicInteger();

    // ---- guarded by lock ----
    final ReentrantLock lock = new ReentrantLock();
    private final Condition windowOpened = lock.newCondition();
    private final FlowWindow sendWindow = new FlowWindow(0, FlowWindow.DEFAULT_WINDOW);
    private final HeaderBlockEncoder headerBlocks = new HeaderBlockEncoder(16L * 1024 * 1024);
    private final ByteBuffer out = ByteBuffer.allocateDirect(OUT_BYTES);
    private final HeaderBlockEncoder.Flush flusher = this::flushLocked;
    /** The connection's writer: flushed frames are queued to it; its methods are called under the lock (but await). */
    private final FrameOutput output;
    private int connectionCredit;
    private boolean goAwaySent;
    /** Set by the reader after a connection error: close lingering (see {@link #LINGER_NANOS}). Reader only. */
    private boolean lingerOnClose;
    private boolean broken;

    // ---- reader thread only ----
    private final WriteDeadline writeDeadline = new WriteDeadline();
    private volatile boolean draining;
    private Thread readerThread;
    private boolean peerGoingAway;
    private volatile int lastAccepted;
    private int consecutiveEmpty;
    private long windowUpdates;
    /** DATA frames written; guarded by the lock, read racily by the reader (a slightly stale count is fine). */
    private volatile long dataFramesSent;
    private static final int WINDOW_UPDATE_ALLOWANCE = 100;
    private static final int WINDOW_UPDATES_PER_DATA_FRAME = 10;
    /**
     * CONTINUATION frames tolerated per field block: far more than a client needs (a block of max_header_list_size
     * bytes in 16 KiB frames takes a few), few enough that empty or 1-byte fragments cannot keep the reader busy.
     */
    private final int maxContinuations;
    private double resetTokens;
    private double controlTokens;
    private long tokensAt = System.nanoTime();

    public Http2Connection(ListenerContext listener, Http2Options opts, Http2Stats h2stats, Transport channel,
                           ByteBuffer initial, Consumer<ServerConnection> onClose) {
        this.listener = listener;
        this.opts = opts;
        this.h2stats = h2stats;
        this.channel = channel;
        this.onClose = onClose;
        this.remoteIp = ip(channel, true);
        this.remoteAddress = address(channel, true);
        this.localAddress = address(channel, false);
        this.in = ByteBuffer.allocateDirect(9 + opts.maxFrameSize() + 1024);
        in.clear();
        if (initial != null) {
            in.put(initial);
        }
        in.flip();
        this.reader = new FrameReader(true, opts.maxFrameSize(), opts.maxHeaderListSize());
        this.decoder = new HpackDecoder(opts.hpackTableSize(), opts.maxHeaderListSize());
        this.maxContinuations = Math.max(32, opts.maxHeaderListSize() / 1024);
        this.resetTokens = opts.maxResetsPerSecond();
        this.controlTokens = opts.maxControlFramesPerSecond();
        this.output = new FrameOutput(channel, lock, writeDeadline, listener.config().idleTimeout().toNanos(),
                this::outputBroken);
    }

    private static String ip(Transport t, boolean remote) {
        try {
            InetSocketAddress a = (InetSocketAddress) (remote ? t.socket().getRemoteAddress()
                    : t.socket().getLocalAddress());
            return a.getAddress().getHostAddress();
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    private static String address(Transport t, boolean remote) {
        try {
            InetSocketAddress a = (InetSocketAddress) (remote ? t.socket().getRemoteAddress()
                    : t.socket().getLocalAddress());
            return Addresses.of(a);
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    // ---- lifecycle ----------------------------------------------------------------------------------------------------

    @Override
    public void run() {
        readerThread = Thread.currentThread();
        listener.deadlines().register(this);
        listener.deadlines().register(writeDeadline);
        h2stats.cxTotal.increment();
        try {
            sendPreamble();
            loop();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "HTTP/2 connection from {0} ended: {1}", remoteIp, e.toString());
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "HTTP/2 connection from " + remoteIp + " failed", e);
        } finally {
            for (H2Stream s : streams.values()) {
                s.reset(ErrorCode.CANCEL.code());
            }
            output.close(idleNanos()); // what is queued (a GOAWAY) goes out before the close
            if (lingerOnClose) {
                lingeringClose();
            }
            lock.lock();
            try {
                broken = true;
                windowOpened.signalAll();
            } finally {
                lock.unlock();
            }
            listener.deadlines().unregister(this);
            listener.deadlines().unregister(writeDeadline);
            Channels.closeQuietly(channel);
            onClose.accept(this);
        }
    }

    /** Half-closes (our GOAWAY is out), then reads and drops what the client still sends, bounded in time and bytes. */
    private void lingeringClose() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            return; // the peer is gone: nothing left to protect
        }
        clearFired();
        long until = System.nanoTime() + LINGER_NANOS;
        long dropped = 0;
        try {
            while (dropped < LINGER_MAX_BYTES) {
                long left = until - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                arm(left, LINGER); // onExpired shuts the input: the read below returns -1
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    break;
                }
                dropped += n;
            }
        } catch (IOException ignored) {
            // the peer is gone
        } finally {
            disarm();
        }
    }

    /** Our SETTINGS, and the connection window raised to its configured size. */
    private void sendPreamble() throws IOException {
        Http2Settings ours = new Http2Settings()
                .maxConcurrentStreams(opts.maxConcurrentStreams())
                .initialWindowSize(opts.initialStreamWindowSize())
                .maxHeaderListSize(opts.maxHeaderListSize())
                .enablePush(false);
        if (opts.maxFrameSize() != Http2Settings.DEFAULT_MAX_FRAME_SIZE) {
            ours.maxFrameSize(opts.maxFrameSize());
        }
        if (opts.hpackTableSize() != Http2Settings.DEFAULT_HEADER_TABLE_SIZE) {
            ours.headerTableSize(opts.hpackTableSize());
        }
        lock.lock();
        try {
            FrameWriter.writeSettings(out, ours);
            int raise = opts.initialConnectionWindowSize() - FlowWindow.DEFAULT_WINDOW;
            if (raise > 0) {
                recvWindow.addAndGet(raise);
                FrameWriter.writeWindowUpdate(out, 0, raise);
            }
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    private void loop() throws IOException {
        long idleNanos = listener.config().idleTimeout().toNanos();
        while (true) {
            try {
                reader.read(in, this);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    if (e.error() == ErrorCode.ENHANCE_YOUR_CALM && reader.openFieldBlockStreamId() != 0) {
                        h2stats.headerBlockFlood.increment(); // the block outgrew max_header_list_size
                    }
                    connectionError(e);
                    return;
                }
                streamError(e);
                continue; // the bad frame is consumed: go on with the next
            }
            if (reader.continuationCount() > maxContinuations) {
                // CONTINUATION frames that are empty (or nearly) never make the block outgrow its limit
                h2stats.headerBlockFlood.increment();
                connectionError(Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "field block on stream "
                        + reader.openFieldBlockStreamId() + " split into more than " + maxContinuations
                        + " CONTINUATION frames"));
                return;
            }
            flushControl();
            if (draining && active.get() == 0 || peerGoingAway && active.get() == 0) {
                return;
            }
            in.compact();
            int n;
            try {
                arm(active.get() == 0 ? idleNanos : 0, IDLE);
                n = channel.read(in);
            } finally {
                disarm();
                in.flip();
            }
            if (n < 0) {
                if (firedReason() == IDLE && !draining) {
                    goAway(ErrorCode.NO_ERROR, "idle timeout");
                }
                return;
            }
        }
    }

    private void connectionError(Http2Exception e) {
        lingerOnClose = true;
        h2stats.rxMessagingError.increment();
        LOG.log(System.Logger.Level.DEBUG, "HTTP/2 connection error from {0}: {1}", remoteIp, e.toString());
        goAway(e.error(), e.getMessage());
    }

    private void streamError(Http2Exception e) {
        if (e.error() != ErrorCode.NO_ERROR && e.error() != ErrorCode.REFUSED_STREAM) {
            h2stats.rxMessagingError.increment();
        }
        H2Stream s = streams.get(e.streamId());
        if (s != null) {
            s.resetByUs(e.error().code());
        }
        sendReset(e.streamId(), e.error());
    }

    @Override
    public boolean isIdle() {
        return active.get() == 0;
    }

    /** Drain: GOAWAY now (streams in flight finish), close when the last one ends. */
    @Override
    public void closeIfIdle() {
        draining = true;
        goAway(ErrorCode.NO_ERROR, "draining");
        boolean idle;
        lock.lock();
        try {
            idle = active.get() == 0; // see accept()
        } finally {
            lock.unlock();
        }
        if (idle) {
            shutdownInput();
        }
    }

    @Override
    public void abort() {
        Channels.closeQuietly(channel.socket());
    }

    @Override
    protected void onExpired(int reason) {
        shutdownInput();
    }

    private void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException ignored) {
            // closed already
        }
    }

    /** A write blocked too long: the client does not read. */
    private final class WriteDeadline extends Deadline {
        @Override
        protected void onExpired(int reason) {
            Channels.closeQuietly(channel.socket());
        }
    }

    // ---- frames in (reader thread) ------------------------------------------------------------------------------------

    @Override
    public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency, boolean exclusive,
                          int weight) throws Http2Exception {
        emptyCheck(headerBlock.remaining() == 0 && !endStream);
        H2Stream existing = streams.get(streamId);
        if (existing != null) {
            List<String[]> trailerFields = null;
            Http2Exception invalid = null;
            try {
                trailerFields = decode(headerBlock, HeaderValidator.Mode.TRAILERS, streamId);
            } catch (Http2Exception e) {
                if (e.isConnectionError()) {
                    throw e;
                }
                invalid = e; // thrown unless the stream's state calls for another error first
            }
            existing.trailers(trailerFields, endStream, invalid);
            if (endStream && existing.closed()) {
                releaseSlot(existing);
            }
            if (existing.discarding() && existing.responseComplete) {
                // (a discarding stream whose response is still going out stays: see onData)
                forget(existing);
            }
            return;
        }
        if (closedRecently(streamId)) {
            decodeDiscarding(headerBlock);
            receivedOnForgottenStream(streamId, FrameType.HEADERS);
            return;
        }
        ids.remoteOpened(streamId); // odd and increasing, else a connection PROTOCOL_ERROR
        if (!accept(streamId)) {
            decodeDiscarding(headerBlock); // after our GOAWAY: ignored (RFC 9113 section 6.8)
            return;
        }
        boolean started = false;
        try {
            started = open(streamId, headerBlock, endStream);
        } finally {
            if (!started) {
                active.decrementAndGet(); // taken by accept()
            }
        }
    }

    /** Decodes and checks a request, and starts its stream; false when it was refused or answered locally. */
    private boolean open(int streamId, ByteBuffer headerBlock, boolean endStream) throws Http2Exception {
        validator.reset(HeaderValidator.Mode.REQUEST, streamId);
        fields.reset();
        try {
            decoder.decode(headerBlock, validator);
        } catch (HpackException e) {
            if (e.kind() == HpackException.Kind.COMPRESSION) {
                throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            h2stats.headerOverflow.increment();
            closed(streamId, endStream ? Closure.END_STREAMS : Closure.RESET_BY_US); // see respondLocally
            respondLocally(streamId, endStream, 431);
            return false;
        }
        try {
            validator.finish(); // a malformed request: stream PROTOCOL_ERROR
        } catch (Http2Exception e) {
            closed(streamId, Closure.RESET_BY_US);
            throw e;
        }
        RequestFields.Request request = fields.request(validator.contentLength());
        if (endStream && request.contentLength() > 0) {
            closed(streamId, Closure.RESET_BY_US); // RFC 9113 section 8.1.1: the DATA (none) must add up
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, "content-length "
                    + request.contentLength() + " but END_STREAM on the HEADERS frame");
        }
        if (concurrent.get() >= opts.maxConcurrentStreams()) {
            h2stats.streamRefused.increment();
            closed(streamId, Closure.RESET_BY_US);
            throw Http2Exception.stream(streamId, ErrorCode.REFUSED_STREAM,
                    "more than " + opts.maxConcurrentStreams() + " concurrent streams");
        }
        int sendInitial;
        lock.lock();
        try {
            sendInitial = peer.initialWindowSize();
        } finally {
            lock.unlock();
        }
        H2Stream s = new H2Stream(streamId, request, endStream, opts.initialStreamWindowSize(), sendInitial);
        streams.put(streamId, s);
        concurrent.incrementAndGet();
        h2stats.streamsActive.increment();
        StreamHandler handler = new StreamHandler(this, s);
        s.thread = Thread.ofVirtual().unstarted(handler);
        s.thread.start();
        return true;
    }

    /**
     * Takes the stream as the last one accepted, and counts it active, unless we are draining. Under the write lock,
     * like {@link #goAway} and the idle check of {@link #closeIfIdle}: a drain's GOAWAY, sent from another thread, then
     * covers every stream that is processed and none that is not, and the drain never closes the connection under a
     * stream it accepted.
     */
    private boolean accept(int streamId) {
        lock.lock();
        try {
            if (draining || goAwaySent) {
                return false;
            }
            lastAccepted = streamId;
            active.incrementAndGet(); // now, so that a drain does not find the connection idle in between
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A header block we must decode to keep HPACK in sync, whose request is refused or ignored. */
    private void decodeDiscarding(ByteBuffer headerBlock) throws Http2Exception {
        try {
            decoder.decode(headerBlock, (n, no, nl, v, vo, vl, ni) -> { });
        } catch (HpackException e) {
            if (e.kind() == HpackException.Kind.COMPRESSION) {
                throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
        }
    }

    private List<String[]> decode(ByteBuffer headerBlock, HeaderValidator.Mode mode, int streamId)
            throws Http2Exception {
        validator.reset(mode, streamId);
        fields.reset();
        try {
            decoder.decode(headerBlock, validator);
        } catch (HpackException e) {
            if (e.kind() == HpackException.Kind.COMPRESSION) {
                throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            h2stats.headerOverflow.increment();
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, e.getMessage());
        }
        validator.finish();
        return fields.fields();
    }

    @Override
    public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) throws Http2Exception {
        decodeDiscarding(headerBlock);
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream)
            throws Http2Exception {
        emptyCheck(flowControlledLength == 0 && !endStream);
        int window = recvWindow.get();
        if (flowControlledLength > 0 && flowControlledLength > window) { // empty DATA is allowed (section 6.9.1)
            throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR, "DATA of " + flowControlledLength
                    + " bytes exceeds the flow-control window of " + window + " on the connection");
        }
        recvWindow.addAndGet(-flowControlledLength);
        H2Stream s = streams.get(streamId);
        int padding = flowControlledLength - data.remaining();
        if (s == null) {
            creditConnection(flowControlledLength); // nobody will consume it
            if (!closedRecently(streamId) && ids.untrackedState(streamId) == StreamState.IDLE) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "DATA frame on idle stream " + streamId);
            }
            receivedOnForgottenStream(streamId, FrameType.DATA);
            return;
        }
        boolean queued;
        try {
            queued = s.data(data, flowControlledLength, endStream);
        } catch (Http2Exception e) {
            creditConnection(flowControlledLength);
            throw e;
        }
        if (endStream && s.closed()) {
            releaseSlot(s); // the client's END_STREAM after our whole response
        }
        if (!queued) {
            creditConnection(flowControlledLength);
            if (s.discarding()) {
                if (s.draining()) {
                    creditStream(s, flowControlledLength); // drain the rest of a body nobody reads any more
                } else {
                    // the request body ended (or is over budget); a stream whose response is still going out (an
                    // early response, StreamHandler sends its body once the request ended) stays tracked until its
                    // handler ends, or the client's WINDOW_UPDATEs for that body would be ignored
                    if (s.responseComplete || !s.inputEnded()) {
                        forget(s);
                    }
                    if (!s.inputEnded()) {
                        throw Http2Exception.stream(streamId, ErrorCode.NO_ERROR, "request body not read");
                    }
                }
            }
            return;
        }
        if (padding > 0) {
            creditConnection(padding);
            creditStream(s, padding);
        }
    }

    /** How a stream was closed, which decides what a late frame on it means (RFC 9113 section 5.1, "closed"). */
    private enum Closure { END_STREAMS, RESET_BY_PEER, RESET_BY_US }

    /**
     * Stream ids closed lately, so frames racing their close are judged by how it closed (see
     * {@link #receivedOnForgottenStream}), not taken for frames on idle streams.
     */
    private final Map<Integer, Closure> recentlyClosed = new java.util.LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Closure> eldest) {
            return size() > 256;
        }
    };

    private boolean closedRecently(int streamId) {
        synchronized (recentlyClosed) {
            return recentlyClosed.containsKey(streamId);
        }
    }

    private void closed(int streamId, Closure how) {
        synchronized (recentlyClosed) {
            recentlyClosed.put(streamId, how);
        }
    }

    /**
     * DATA or HEADERS on a stream no longer tracked, judged as while it was (RFC 9113 section 5.1): after END_STREAM in
     * both directions a connection error STREAM_CLOSED; after our RST_STREAM nothing, the client sent it before it
     * saw ours; else (reset by the client, or closed too long ago to remember) see
     * {@link StreamStateMachine#receivedOnForgottenStream}.
     */
    private void receivedOnForgottenStream(int streamId, int type) throws Http2Exception {
        Closure how;
        synchronized (recentlyClosed) {
            how = recentlyClosed.get(streamId);
        }
        if (how == Closure.END_STREAMS) {
            throw Http2Exception.connection(ErrorCode.STREAM_CLOSED, FrameType.name(type) + " frame on stream "
                    + streamId + " after END_STREAM in both directions");
        }
        if (how == Closure.RESET_BY_US) {
            return; // RFC 9113 section 5.1: MUST ignore frames received on closed streams after sending RST_STREAM
        }
        StreamStateMachine.receivedOnForgottenStream(streamId, type);
    }

    @Override
    public void onPriority(int streamId, int dependency, boolean exclusive, int weight) throws Http2Exception {
        controlCheck("PRIORITY");
    }

    @Override
    public void onRstStream(int streamId, long errorCode) throws Http2Exception {
        h2stats.rxReset.increment();
        H2Stream s = streams.get(streamId);
        if (s == null) {
            if (ids.untrackedState(streamId) == StreamState.IDLE) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "RST_STREAM frame on idle stream "
                        + streamId);
            }
            return;
        }
        if (!s.received(FrameType.RST_STREAM)) {
            return; // closed by END_STREAM both ways: ignored (RFC 9113 section 5.1)
        }
        boolean premature = !s.responseComplete;
        s.reset(errorCode);
        if (premature) {
            refillTokens();
            if (--resetTokens < 0) {
                h2stats.rapidReset.increment();
                throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM,
                        "streams reset faster than " + opts.maxResetsPerSecond() + " per second");
            }
        }
    }

    @Override
    public void onSettings(boolean ack, ByteBuffer payload) throws Http2Exception {
        if (ack) {
            return;
        }
        controlCheck("SETTINGS");
        lock.lock();
        try {
            int delta = peer.apply(payload, false);
            if (delta != 0) {
                for (H2Stream s : streams.values()) {
                    s.sendWindow.applyInitialDelta(delta);
                }
                windowOpened.signalAll();
            }
            headerBlocks.setPeerMaxTableSize(peer.headerTableSize());
            FrameWriter.writeSettingsAck(outRoom(9));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) throws Http2Exception {
        throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE from a client");
    }

    @Override
    public void onPing(boolean ack, long opaque) throws Http2Exception {
        if (ack) {
            return;
        }
        controlCheck("PING");
        lock.lock();
        try {
            FrameWriter.writePing(outRoom(17), true, opaque);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
        peerGoingAway = true;
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        // Envoy's max_inbound_window_update_frames_per_data_frame_sent: a client acknowledges what it received;
        // far more WINDOW_UPDATEs than DATA frames sent is a flood (each one costs a lock and a wake-up)
        if (++windowUpdates > WINDOW_UPDATE_ALLOWANCE + WINDOW_UPDATES_PER_DATA_FRAME * dataFramesSent) {
            h2stats.windowUpdateFlood.increment();
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "WINDOW_UPDATE frames far beyond the DATA "
                    + "frames sent (" + windowUpdates + " for " + dataFramesSent + ")");
        }
        if (streamId == 0) {
            lock.lock();
            try {
                sendWindow.increment(increment);
                windowOpened.signalAll();
            } finally {
                lock.unlock();
            }
            return;
        }
        H2Stream s = streams.get(streamId);
        if (s == null) {
            if (ids.untrackedState(streamId) == StreamState.IDLE) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE frame on idle stream "
                        + streamId);
            }
            return;
        }
        if (!s.received(FrameType.WINDOW_UPDATE)) {
            return;
        }
        lock.lock();
        try {
            s.sendWindow.increment(increment);
            windowOpened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Envoy's max_consecutive_inbound_frames_with_empty_payload. */
    private void emptyCheck(boolean empty) throws Http2Exception {
        if (!empty) {
            consecutiveEmpty = 0;
            return;
        }
        if (++consecutiveEmpty > opts.maxConsecutiveEmptyFrames()) {
            h2stats.emptyFramesFlood.increment();
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "more than " + opts.maxConsecutiveEmptyFrames()
                    + " consecutive frames without payload");
        }
    }

    private void controlCheck(String what) throws Http2Exception {
        refillTokens();
        if (--controlTokens < 0) {
            h2stats.controlFlood.increment();
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, what + " frames beyond "
                    + opts.maxControlFramesPerSecond() + " per second");
        }
    }

    /** Token buckets for resets and control frames: refilled at their per-second rate, capped at one second's worth. */
    private void refillTokens() {
        long now = System.nanoTime();
        double seconds = (now - tokensAt) / 1e9;
        tokensAt = now;
        resetTokens = Math.min(opts.maxResetsPerSecond(), resetTokens + seconds * opts.maxResetsPerSecond());
        controlTokens = Math.min(opts.maxControlFramesPerSecond(),
                controlTokens + seconds * opts.maxControlFramesPerSecond());
    }

    /** A request refused before it got a stream of its own (431): the status, END_STREAM, and a reset if needed. */
    private void respondLocally(int streamId, boolean endStream, int status) {
        lock.lock();
        try {
            output.awaitRoom();
            if (broken) {
                return;
            }
            encodeHeaders(streamId, List.<String[]>of(new String[] {":status", Integer.toString(status)}), true);
            if (!endStream) {
                FrameWriter.writeRstStream(outRoom(13), streamId, ErrorCode.NO_ERROR);
                h2stats.txReset.increment();
            }
            flushLocked();
        } catch (IOException e) {
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    // ---- frames out ---------------------------------------------------------------------------------------------------

    /** The out buffer with room for {@code n} more bytes, flushing first if needed. Holds the lock. */
    private ByteBuffer outRoom(int n) {
        if (out.remaining() < n) {
            try {
                flushLocked();
            } catch (IOException e) {
                broken = true;
                out.clear();
            }
        }
        return out;
    }

    /** Writes out whatever control frames are queued. */
    private void flushControl() throws IOException {
        lock.lock();
        try {
            if (out.position() > 0) {
                output.awaitRoom();
                flushLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Queues the out buffer to the writer (and is the only place that does). Holds the lock. */
    private void flushLocked() throws IOException {
        out.flip();
        try {
            if (broken) {
                throw new IOException("connection closed");
            }
            output.flush(out);
        } catch (IOException e) {
            broken = true;
            throw e;
        } finally {
            out.clear();
        }
    }

    /** A write failed (on the writer's thread). */
    private void outputBroken() {
        lock.lock();
        try {
            broken = true;
            windowOpened.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** HPACK-encodes a header list and frames it into the out buffer. Holds the lock. */
    private void encodeHeaders(int streamId, List<String[]> headers, boolean endStream) throws IOException {
        ByteBuffer large = headerBlocks.encode(out, flusher, streamId, headers, endStream, peer.maxFrameSize());
        if (large != null) {
            flushLocked(); // what out held goes first
            try {
                output.flush(large);
            } catch (IOException e) {
                broken = true;
                throw e;
            }
        }
    }

    /** The response head (or trailers when {@code trailers}) of a stream. */
    void sendHeaders(H2Stream s, List<String[]> headers, boolean endStream) throws IOException {
        lock.lock();
        try {
            output.awaitRoom();
            s.checkReset();
            if (broken) {
                throw new IOException("connection closed");
            }
            if (s.sent(FrameType.HEADERS, endStream)) {
                releaseSlot(s);
            }
            encodeHeaders(s.id, headers, endStream);
            if (endStream) {
                s.responseComplete = true;
            }
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends {@code src} as DATA, as the stream and connection windows allow, waiting for WINDOW_UPDATEs at most the
     * stream idle timeout at a time.
     */
    void sendData(H2Stream s, ByteBuffer src, boolean endStream) throws IOException {
        long waitNanos = opts.streamIdleTimeout().toNanos();
        int limit = src.limit();
        do {
            FrameOutput.Frame pending = null;
            boolean last;
            try {
                lock.lock();
                try {
                    output.awaitRoom();
                    long left = waitNanos;
                    while (src.hasRemaining() && (s.sendWindow.available() <= 0 || sendWindow.available() <= 0)) {
                        s.checkReset();
                        if (broken) {
                            throw new IOException("connection closed");
                        }
                        if (left <= 0) {
                            h2stats.streamIdleTimeout.increment();
                            throw new StreamIdleException();
                        }
                        try {
                            left = windowOpened.awaitNanos(left);
                        } catch (InterruptedException e) {
                            s.checkReset();
                            throw new java.io.InterruptedIOException("interrupted");
                        }
                    }
                    s.checkReset();
                    if (broken) {
                        throw new IOException("connection closed");
                    }
                    int n = Math.min(src.remaining(), Math.min(peer.maxFrameSize(),
                            Math.min(s.sendWindow.available(), sendWindow.available())));
                    last = endStream && n == src.remaining();
                    if (out.position() > 0) {
                        flushLocked();
                    }
                    if (last && s.sent(FrameType.DATA, true)) {
                        releaseSlot(s);
                    }
                    src.limit(src.position() + n);
                    try {
                        pending = output.data(s.id, src, last);
                    } catch (IOException e) {
                        broken = true;
                        throw e;
                    }
                    s.sendWindow.spend(n);
                    dataFramesSent++;
                    sendWindow.spend(n);
                    if (last) {
                        s.responseComplete = true;
                    }
                } finally {
                    lock.unlock();
                }
                if (pending != null) {
                    output.await(pending); // src is the frame's payload until it is written
                }
            } finally {
                src.limit(limit);
            }
            if (last) {
                return;
            }
        } while (src.hasRemaining());
        if (endStream) {
            endStream(s);
        }
    }

    /** An empty DATA frame with END_STREAM. */
    void endStream(H2Stream s) throws IOException {
        lock.lock();
        try {
            output.awaitRoom();
            s.checkReset();
            if (s.sent(FrameType.DATA, true)) {
                releaseSlot(s);
            }
            FrameWriter.writeFrameHeader(outRoom(9), 0, FrameType.DATA, 0x1, s.id);
            dataFramesSent++;
            s.responseComplete = true;
            flushLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Resets a stream from our side. */
    void sendReset(int streamId, ErrorCode error) {
        lock.lock();
        try {
            output.awaitRoom();
            if (broken) {
                return;
            }
            FrameWriter.writeRstStream(outRoom(13), streamId, error);
            h2stats.txReset.increment();
            flushLocked();
        } catch (IOException e) {
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    /** GOAWAY with the last stream we accepted; once. */
    void goAway(ErrorCode error, String debug) {
        lock.lock();
        try {
            output.awaitRoom();
            if (goAwaySent || broken) {
                return;
            }
            goAwaySent = true;
            h2stats.goawaySent.increment();
            byte[] d = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
            ByteBuffer debugData = ByteBuffer.wrap(d, 0, Math.min(d.length, 256));
            FrameWriter.writeGoAway(outRoom(17 + debugData.remaining()), lastAccepted, error, debugData);
            flushLocked();
        } catch (IOException e) {
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    // ---- flow control of request bodies -------------------------------------------------------------------------------

    /** The stream's thread forwarded {@code n} request body bytes: give them back to both windows. */
    void consumed(H2Stream s, int n) {
        if (n <= 0) {
            return;
        }
        creditStream(s, n);
        creditConnection(n);
    }

    private void creditStream(H2Stream s, int n) {
        if (!s.credit(n)) {
            return;
        }
        lock.lock();
        try {
            output.awaitRoom();
            if (!broken) {
                FrameWriter.writeWindowUpdate(outRoom(13), s.id, n);
                if (Thread.currentThread() == readerThread) {
                    return; // the reader flushes before it blocks
                }
                flushLocked();
            }
        } catch (IOException e) {
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    /** Connection-level WINDOW_UPDATEs are batched until half the window is consumed. */
    private void creditConnection(int n) {
        lock.lock();
        try {
            output.awaitRoom();
            connectionCredit += n;
            if (connectionCredit >= opts.initialConnectionWindowSize() / 2 && !broken) {
                recvWindow.addAndGet(connectionCredit); // before the client can see the WINDOW_UPDATE
                FrameWriter.writeWindowUpdate(outRoom(13), 0, connectionCredit);
                connectionCredit = 0;
                flushLocked();
            }
        } catch (IOException e) {
            broken = true;
        } finally {
            lock.unlock();
        }
    }

    /** The stream's handler finished: forget the stream. */
    void streamEnded(H2Stream s) {
        int unconsumed = s.discard(opts.initialConnectionWindowSize());
        if (unconsumed > 0) {
            creditConnection(unconsumed);
            creditStream(s, unconsumed);
        }
        if (!s.responseComplete || !s.draining()) {
            forget(s);
        }
        // else: the response is complete while the client still sends its body; curl and others wait to finish the
        // upload, so the rest is read and dropped (up to a budget) rather than reset at once
        releaseSlot(s);
        active.decrementAndGet();
        h2stats.streamsActive.decrement();
        if ((draining || peerGoingAway) && active.get() == 0) {
            shutdownInput(); // the reader ends the connection
        }
    }

    boolean draining() {
        return draining || listener.draining();
    }

    private void releaseSlot(H2Stream s) {
        if (s.releaseSlot()) {
            concurrent.decrementAndGet();
        }
    }

    /**
     * A stream the handler let go of without END_STREAM both ways and without a reset from the client was reset by us:
     * by a stream error, or by the handler (an upstream failure, a window that stayed closed, a body not read).
     */
    private void forget(H2Stream s) {
        closed(s.id, s.closedByEndStreams() ? Closure.END_STREAMS
                : s.resetByPeer() ? Closure.RESET_BY_PEER : Closure.RESET_BY_US);
        streams.remove(s.id);
    }

    /**
     * A stream made no progress for stream_idle_timeout: the client did not open its window for our DATA, or stopped
     * sending its request body. The stream's handler resets it (CANCEL), flag SI.
     */
    static final class StreamIdleException extends IOException {
        StreamIdleException() {
            this("the client's flow-control window stayed closed");
        }

        StreamIdleException(String why) {
            super("stream idle timeout: " + why);
        }
    }

    long idleNanos() {
        return listener.config().idleTimeout().toNanos();
    }

    long streamIdleNanos() {
        return TimeUnit.NANOSECONDS.convert(opts.streamIdleTimeout());
    }
}
