package dev.weft.tls.channel;

import dev.weft.tls.channel.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS over a blocking {@link SocketChannel}, driven by a JDK {@link SSLEngine}: one reader thread and one writer thread
 * at a time, which may be two different virtual threads working concurrently (a request-body pump and a response
 * writer).
 *
 * <h2>Locking</h2>
 * <ul>
 *   <li>{@code readLock} owns the inbound side: {@code netIn} (ciphertext from the socket), {@code appIn} (plaintext
 *       that did not fit the caller's buffer), {@code SSLEngine.unwrap} and {@code SocketChannel.read}.</li>
 *   <li>{@code writeLock} owns the outbound side: {@code netOut}, {@code SSLEngine.wrap} and
 *       {@code SocketChannel.write}. The JDK allows wrap and unwrap to run concurrently on one engine.</li>
 *   <li>The handshake takes both, always read then write (the only place both are held).</li>
 *   <li>Post-handshake messages a reader must answer (a TLS 1.3 KeyUpdate with update_requested, the TLS 1.2
 *       close_notify reply) are never waited for: the reader raises {@code pendingWrap} and wraps only if it can
 *       {@code tryLock} the write side. Otherwise a writer is active, and its own {@code wrap} calls emit the pending
 *       handshake bytes first; after unlocking it re-checks the flag, so a request raised while it held the lock is
 *       never lost. A reader therefore never blocks behind a writer stuck on a full socket buffer, which is what
 *       makes the concurrent echo deadlock-free.</li>
 *   <li>No {@code synchronized} anywhere: every lock may be held across blocking socket I/O.</li>
 * </ul>
 *
 * <h2>Memory per connection</h2>
 * Three heap buffers, sized from the session when first needed (JDK 21-25, TLS 1.2/1.3: about 16.7 KiB each):
 * {@code netIn} and {@code netOut} hold one TLS record (packet buffer size), {@code appIn} one record of plaintext
 * (application buffer size). {@code appIn} is only allocated when a caller reads into a buffer smaller than a record:
 * larger reads are decrypted straight into the caller's buffer. So a connection costs about 34-50 KiB plus the
 * engine's own state. {@link #releaseBuffers()} drops the empty buffers of an idle connection (they are re-allocated
 * on the next read or write); calling it from the idle-timer is left to the connection owner. Heap buffers rather
 * than direct: the JDK's AES-GCM intrinsics work on arrays, and heap memory needs no explicit freeing.
 *
 * <h2>Closing</h2>
 * {@link #shutdownOutput()} sends close_notify then half-closes TCP (TLS 1.3 keeps the other direction readable);
 * {@link #shutdownInput()} makes a blocked or later {@link #read} return -1; {@link #close()} tries close_notify for
 * at most {@link #CLOSE_NOTIFY_BUDGET_NANOS} and closes the socket. A read returns -1 for a close_notify
 * ({@link #closeNotifyReceived()}) and for a TCP EOF without one ({@link #truncated()}).
 */
public final class TlsChannel implements ByteChannel, GatheringByteChannel {
    /** close() sends close_notify on a best-effort basis: a peer that does not read must not hold the closer longer. */
    static final long CLOSE_NOTIFY_BUDGET_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    /** Handshake progress; a CAS decides whether the handshake or its watchdog wins. */
    private enum HandshakeState {
        /** Nothing sent yet; goes to IN_PROGRESS. */
        NOT_STARTED,
        /** handshake() runs; goes to COMPLETE, FAILED or TIMED_OUT (the watchdog's CAS). */
        IN_PROGRESS,
        /** Application data may flow; terminal. */
        COMPLETE,
        /** The engine or socket failed; terminal, {@code handshakeFailure} says why. */
        FAILED,
        /** The watchdog closed the socket; terminal. */
        TIMED_OUT
    }

    /** How the inbound direction ended; written by the reader under readLock, read by anyone. */
    private enum InboundState {
        /** Reading; goes to any other state. */
        OPEN,
        /** The peer's close_notify was decrypted; terminal. */
        CLOSE_NOTIFY_RECEIVED,
        /** TCP EOF before close_notify: a possible truncation attack or a crashed peer; terminal. */
        TRUNCATED,
        /** {@link #shutdownInput()} was called locally; terminal. */
        SHUTDOWN
    }

    private final SocketChannel socket;
    private final SSLEngine engine;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();

    private final AtomicReference<HandshakeState> handshakeState = new AtomicReference<>(HandshakeState.NOT_STARTED);
    /** Set once under both locks when the handshake fails; rethrown to later callers. */
    private volatile TlsHandshakeException handshakeFailure;
    /** TLS 1.3 or later: post-handshake messages are legal; below that a handshake message is a renegotiation. */
    private volatile boolean postHandshakeMessagesAllowed;
    /** Under both locks: the server read the first bytes of the stream (the only place plaintext is looked for). */
    private boolean sawHandshakeBytes;

    // Inbound side, guarded by readLock.
    private ByteBuffer netIn; // write mode: [0, position) is ciphertext not yet unwrapped; null when released
    /** Under readLock: where a released connection waits for its next bytes (one TLS record header). */
    private final ByteBuffer idleProbe = ByteBuffer.allocate(5);
    private ByteBuffer appIn; // read mode: [position, limit) is plaintext not yet returned; null until needed
    /** Written under readLock, volatile for the accessors and shutdownInput. */
    private volatile InboundState inboundState = InboundState.OPEN;
    /** Set by shutdownInput() from any thread so the reader reports SHUTDOWN rather than TRUNCATED. */
    private volatile boolean inputShutdownRequested;

    // Outbound side, guarded by writeLock.
    private ByteBuffer netOut; // cleared before each wrap, flushed completely after; null when released
    /** Set under writeLock by shutdownOutput() and close(); volatile so write() can fail fast. */
    private volatile boolean outputShutdown;
    /** A reader saw the engine ask for a wrap (see class Javadoc); any thread sets it, the write-lock holder clears it. */
    private volatile boolean pendingWrap;

    private final AtomicBoolean closed = new AtomicBoolean();

    private TlsChannel(SocketChannel socket, SSLEngine engine) {
        this.socket = Objects.requireNonNull(socket, "socket");
        this.engine = Objects.requireNonNull(engine, "engine");
        if (!socket.isBlocking()) {
            throw new IllegalArgumentException("TlsChannel needs a blocking SocketChannel");
        }
    }

    /** A server-side channel; {@code engine} is configured by the caller (protocols, ALPN, client auth). */
    public static TlsChannel server(SocketChannel socket, SSLEngine engine) {
        engine.setUseClientMode(false);
        return new TlsChannel(socket, engine);
    }

    /** A client-side channel; {@code engine} is configured by the caller (SNI, ALPN, endpoint identification). */
    public static TlsChannel client(SocketChannel socket, SSLEngine engine) {
        engine.setUseClientMode(true);
        return new TlsChannel(socket, engine);
    }

    // ------------------------------------------------------------------------------------------------ handshake

    /**
     * Runs the handshake to completion, or fails with a {@link TlsHandshakeException} saying why. With
     * {@code timeoutNanos > 0} a {@link Watchdog} alarm closes the socket if the handshake is not done in time (a
     * stalled or silent peer), and the failure is {@link Reason#TIMEOUT}; {@code 0} means no timeout. Returns at once
     * if the handshake already completed. Read and write call it with no timeout if the caller did not.
     *
     * <p>After a failure the socket is left open (except after TIMEOUT), so that a server may answer a
     * {@link Reason#PLAINTEXT} client on {@link #socket()}; the caller closes the channel.
     */
    public void handshake(long timeoutNanos) throws IOException {
        if (handshakeState.get() == HandshakeState.COMPLETE) {
            return;
        }
        readLock.lock();
        writeLock.lock();
        try {
            switch (handshakeState.get()) {
                case COMPLETE -> {
                    return;
                }
                case FAILED, TIMED_OUT -> throw handshakeFailure;
                case NOT_STARTED, IN_PROGRESS -> handshakeState.set(HandshakeState.IN_PROGRESS);
            }
            Watchdog.Alarm alarm = timeoutNanos > 0 ? Watchdog.schedule(timeoutNanos, this::onHandshakeTimeout) : null;
            try {
                runHandshake();
                if (!handshakeState.compareAndSet(HandshakeState.IN_PROGRESS, HandshakeState.COMPLETE)) {
                    throw new ClosedChannelException(); // the watchdog won the race and closed the socket
                }
                postHandshakeMessagesAllowed = isTls13OrLater(engine.getSession().getProtocol());
                if (appIn != null && !appIn.hasRemaining()) {
                    appIn = null; // most reads decrypt straight into the caller's buffer
                }
            } catch (IOException | RuntimeException e) {
                TlsHandshakeException failure = handshakeState.get() == HandshakeState.TIMED_OUT
                        ? new TlsHandshakeException(Reason.TIMEOUT, "no handshake within "
                                + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms", e)
                        : HandshakeFailures.classify(e);
                if (failure.reason() != Reason.PLAINTEXT && failure.reason() != Reason.TIMEOUT) {
                    flushAlertQuietly();
                }
                handshakeFailure = failure;
                handshakeState.compareAndSet(HandshakeState.IN_PROGRESS, HandshakeState.FAILED);
                throw failure;
            } finally {
                if (alarm != null) {
                    alarm.cancel();
                }
            }
        } finally {
            writeLock.unlock();
            readLock.unlock();
        }
    }

    private void onHandshakeTimeout() {
        if (handshakeState.compareAndSet(HandshakeState.IN_PROGRESS, HandshakeState.TIMED_OUT)) {
            closeSocketQuietly();
        }
    }

    private void runHandshake() throws IOException {
        engine.beginHandshake();
        HandshakeStatus status = engine.getHandshakeStatus();
        while (true) {
            switch (status) {
                case FINISHED, NOT_HANDSHAKING -> {
                    return;
                }
                case NEED_TASK -> status = runDelegatedTasks();
                case NEED_WRAP -> status = handshakeWrap();
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> status = handshakeUnwrap();
            }
        }
    }

    private HandshakeStatus runDelegatedTasks() {
        // Inline on the connection's virtual thread: certificate validation is CPU work we would wait for anyway.
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
        return engine.getHandshakeStatus();
    }

    private HandshakeStatus handshakeWrap() throws IOException {
        while (true) {
            ByteBuffer out = netOutForWrap();
            SSLEngineResult result = engine.wrap(EMPTY, out);
            flushNetOut();
            switch (result.getStatus()) {
                case OK -> {
                    return result.getHandshakeStatus();
                }
                case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(Math.max(2 * out.capacity(), packetSize()));
                case CLOSED -> throw new TlsHandshakeException(Reason.PEER_CLOSED,
                        "engine closed during the handshake", null);
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow");
            }
        }
    }

    private HandshakeStatus handshakeUnwrap() throws IOException {
        while (true) {
            ByteBuffer in = netIn();
            if (in.position() > 0) {
                SSLEngineResult result = unwrapInto(appIn());
                switch (result.getStatus()) {
                    case OK -> {
                        return result.getHandshakeStatus();
                    }
                    case BUFFER_OVERFLOW -> appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                    case CLOSED -> throw new TlsHandshakeException(Reason.PEER_CLOSED,
                            "peer closed the connection during the handshake", null);
                    case BUFFER_UNDERFLOW -> {
                        growNetInIfFull();
                        readHandshakeBytes();
                    }
                }
            } else {
                readHandshakeBytes();
            }
        }
    }

    private void readHandshakeBytes() throws IOException {
        boolean firstBytes = !sawHandshakeBytes && !engine.getUseClientMode();
        sawHandshakeBytes = true;
        if (socket.read(netIn) < 0) {
            throw new TlsHandshakeException(Reason.PEER_CLOSED, "peer closed the connection during the handshake",
                    null);
        }
        // Only the start of the stream can be plaintext; probe once enough bytes arrived.
        if (firstBytes) {
            while (netIn.position() < HandshakeFailures.PLAINTEXT_PROBE_BYTES && netIn.get(0) != 0x16) {
                if (socket.read(netIn) < 0) {
                    break;
                }
            }
            if (HandshakeFailures.looksLikePlaintextHttp(netIn)) {
                throw new TlsHandshakeException(Reason.PLAINTEXT, "plaintext HTTP sent to a TLS port", null);
            }
        }
    }

    /** After the engine threw, it may hold an alert for the peer (RFC 8446 section 6.2): send it, ignore failures. */
    private void flushAlertQuietly() {
        try {
            ByteBuffer out = netOutForWrap();
            engine.wrap(EMPTY, out);
            flushNetOut();
        } catch (IOException | RuntimeException ignored) {
            // best effort: the connection is failing anyway
        }
    }

    // ------------------------------------------------------------------------------------------------------ read

    /**
     * Reads decrypted bytes into {@code dst}; -1 at end of stream (see {@link #closeNotifyReceived()} and
     * {@link #truncated()}). Blocks until at least one byte is available. TLS 1.3 post-handshake messages
     * (NewSessionTicket, KeyUpdate) are handled here transparently; a renegotiation attempt (TLS 1.2 and earlier)
     * fails the read and closes the channel.
     */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureHandshake();
        readLock.lock();
        try {
            if (inboundState == InboundState.SHUTDOWN || inputShutdownRequested) {
                return -1;
            }
            if (appIn != null && appIn.hasRemaining()) {
                return drainAppIn(dst);
            }
            if (inboundState != InboundState.OPEN) {
                return -1;
            }
            if (!dst.hasRemaining()) {
                return 0;
            }
            return readRecords(dst);
        } finally {
            readLock.unlock();
        }
    }

    private int readRecords(ByteBuffer dst) throws IOException {
        if (netIn == null) {
            // released while idle: wait for the peer's next bytes in a 5-byte buffer, so that an idle connection
            // holds no record-sized buffer while it waits
            idleProbe.clear();
            int n = socket.read(idleProbe);
            if (n < 0 || inputShutdownRequested) {
                inboundState = inputShutdownRequested || n >= 0 ? InboundState.SHUTDOWN
                        : InboundState.TRUNCATED;
                return -1;
            }
            netIn().put(idleProbe.flip());
        }
        boolean viaAppIn = false;
        while (true) {
            ByteBuffer in = netIn();
            if (in.position() > 0) {
                // Decrypt straight into the caller's buffer when a whole record fits: saves a copy and appIn.
                boolean direct = !viaAppIn && dst.remaining() >= engine.getSession().getApplicationBufferSize();
                SSLEngineResult result = unwrapInto(direct ? dst : appIn());
                boolean closeNotify = result.getStatus() == Status.CLOSED;
                handlePostHandshake(result);
                int produced = result.bytesProduced();
                switch (result.getStatus()) {
                    case OK -> {
                        if (produced > 0) {
                            return direct ? produced : drainAppIn(dst);
                        }
                        if (result.bytesConsumed() > 0) {
                            continue; // a post-handshake message or an empty record: look at the rest
                        }
                    }
                    case CLOSED -> {
                        if (closeNotify) {
                            inboundState = InboundState.CLOSE_NOTIFY_RECEIVED;
                        }
                        return produced > 0 ? (direct ? produced : drainAppIn(dst)) : -1;
                    }
                    case BUFFER_OVERFLOW -> {
                        if (!direct) {
                            appIn = grow(appIn, engine.getSession().getApplicationBufferSize());
                        }
                        viaAppIn = true;
                        continue;
                    }
                    case BUFFER_UNDERFLOW -> growNetInIfFull();
                }
            }
            if (socket.read(netIn) < 0) {
                inboundState = inputShutdownRequested ? InboundState.SHUTDOWN : InboundState.TRUNCATED;
                // Not engine.closeInbound(): without close_notify it fails the engine, and the writer may go on.
                return -1;
            }
            if (inputShutdownRequested) {
                inboundState = InboundState.SHUTDOWN;
                return -1;
            }
        }
    }

    /** Unwraps {@code netIn} into {@code out} (write mode), leaving both in their resting modes whatever happens. */
    private SSLEngineResult unwrapInto(ByteBuffer out) throws SSLException {
        boolean toAppIn = out == appIn;
        if (toAppIn) {
            appIn.compact();
        }
        netIn.flip();
        try {
            return engine.unwrap(netIn, out);
        } finally {
            netIn.compact();
            if (toAppIn) {
                appIn.flip();
            }
        }
    }

    /** Answers what the engine asks for after the handshake, or refuses a renegotiation. */
    private void handlePostHandshake(SSLEngineResult result) throws IOException {
        HandshakeStatus status = result.getHandshakeStatus();
        if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
            return;
        }
        if (result.getStatus() == Status.CLOSED) {
            // TLS 1.2 close_notify: RFC 5246 section 7.2.1 wants ours back (NEED_WRAP); nothing else to do.
            if (status == HandshakeStatus.NEED_WRAP) {
                try {
                    requestWrap();
                } catch (IOException ignored) {
                    // the peer may be gone already; the end of stream is what this read reports
                }
            }
            return;
        }
        if (status == HandshakeStatus.NEED_UNWRAP && engine.isOutboundDone()) {
            return; // TLS 1.2 after our close_notify: the engine waits for the peer's; its data still flows
        }
        if (!postHandshakeMessagesAllowed) {
            if (outputShutdown && (status == HandshakeStatus.NEED_WRAP || status == HandshakeStatus.NEED_UNWRAP)) {
                // Our own close is in progress, not a renegotiation: shutdownOutput() / close() set outputShutdown
                // before engine.closeOutbound(), and until the write-lock holder has wrapped our close_notify the
                // engine reports NEED_WRAP to a concurrent unwrap. The writer sends it; the peer's data still flows.
                return;
            }
            // TLS 1.2 and earlier: a handshake message now is a renegotiation (HelloRequest / ClientHello). We refuse
            // them all (as Envoy does): the connection ends here rather than re-running a handshake mid-stream.
            closeSocketQuietly();
            throw new SSLException("TLS renegotiation refused");
        }
        if (status == HandshakeStatus.NEED_TASK) {
            status = runDelegatedTasks();
        }
        if (status == HandshakeStatus.NEED_WRAP) {
            requestWrap(); // TLS 1.3 KeyUpdate with update_requested (RFC 8446 section 4.6.3)
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        int n = Math.min(appIn.remaining(), dst.remaining());
        dst.put(dst.position(), appIn, appIn.position(), n);
        dst.position(dst.position() + n);
        appIn.position(appIn.position() + n);
        return n;
    }

    // ----------------------------------------------------------------------------------------------------- write

    /** Encrypts and writes all of {@code src}; blocks until the socket took every record. */
    @Override
    public int write(ByteBuffer src) throws IOException {
        return (int) write(new ByteBuffer[] {src}, 0, 1);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return write(srcs, 0, srcs.length);
    }

    /**
     * Encrypts and writes all of {@code srcs[offset, offset + length)}. The engine gathers across the buffers, so many
     * small buffers become one record (up to 16 KiB of plaintext, RFC 8446 section 5.1) and one socket write.
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureHandshake();
        long total;
        writeLock.lock();
        try {
            if (outputShutdown) {
                throw new ClosedChannelException();
            }
            total = wrapAll(srcs, offset, length);
        } finally {
            writeLock.unlock();
        }
        if (pendingWrap) {
            flushPendingWrap(); // a reader asked while we held the lock
        }
        return total;
    }

    private long wrapAll(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long remaining = 0;
        for (int i = offset; i < offset + length; i++) {
            remaining += srcs[i].remaining();
        }
        long total = 0;
        while (remaining > 0) {
            ByteBuffer out = netOutForWrap();
            SSLEngineResult result = engine.wrap(srcs, offset, length, out); // pending handshake bytes go first
            flushNetOut();
            total += result.bytesConsumed();
            remaining -= result.bytesConsumed();
            switch (result.getStatus()) {
                case OK -> {
                    if (result.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                        runDelegatedTasks();
                    }
                }
                case BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(Math.max(2 * out.capacity(), packetSize()));
                case CLOSED -> throw new SSLException(
                        "TLS connection closed for writing (close_notify sent, or received on TLS 1.2)");
                case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow");
            }
        }
        return total;
    }

    /** Asks for a post-handshake wrap without ever waiting for the write lock (see class Javadoc). */
    private void requestWrap() throws IOException {
        pendingWrap = true;
        flushPendingWrap();
    }

    private void flushPendingWrap() throws IOException {
        while (pendingWrap && writeLock.tryLock()) {
            try {
                if (pendingWrap) {
                    pendingWrap = false;
                    wrapHandshakeBytes();
                }
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Under writeLock: sends whatever the engine wants to send on its own (KeyUpdate, close_notify). */
    private void wrapHandshakeBytes() throws IOException {
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            ByteBuffer out = netOutForWrap();
            SSLEngineResult result = engine.wrap(EMPTY, out);
            flushNetOut();
            if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(2 * out.capacity(), packetSize()));
            } else if (result.bytesProduced() == 0) {
                return;
            }
        }
    }

    /** Writes netOut (flipped by this method) to the socket completely. */
    private void flushNetOut() throws IOException {
        netOut.flip();
        while (netOut.hasRemaining()) {
            socket.write(netOut);
        }
    }

    // ---------------------------------------------------------------------------------------------------- close

    /**
     * Sends close_notify and half-closes the TCP connection; later writes throw {@link ClosedChannelException}. With
     * TLS 1.3 the peer may go on sending and {@link #read} keeps working (RFC 8446 section 6.1); with TLS 1.2 the
     * peer answers with its own close_notify.
     */
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            if (outputShutdown) {
                return;
            }
            outputShutdown = true;
            if (handshakeState.get() == HandshakeState.COMPLETE) {
                engine.closeOutbound();
                wrapCloseNotify();
            }
            socket.shutdownOutput();
        } finally {
            writeLock.unlock();
        }
    }

    private void wrapCloseNotify() throws IOException {
        while (!engine.isOutboundDone()) {
            ByteBuffer out = netOutForWrap();
            SSLEngineResult result = engine.wrap(EMPTY, out);
            flushNetOut();
            if (result.getStatus() == Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(Math.max(2 * out.capacity(), packetSize()));
            } else if (result.bytesProduced() == 0) {
                return;
            }
        }
    }

    /**
     * Makes a blocked or later {@link #read} return -1 (the proxy uses this to stop a reader), by shutting down the
     * socket's input. Plaintext already decrypted but not yet read is discarded.
     */
    public void shutdownInput() throws IOException {
        inputShutdownRequested = true;
        socket.shutdownInput();
    }

    /**
     * Sends close_notify if no writer is busy and the handshake completed, giving up after
     * {@link #CLOSE_NOTIFY_BUDGET_NANOS} if the peer does not read, then closes the socket. Blocked readers and writers
     * wake with an {@link java.nio.channels.AsynchronousCloseException}.
     */
    @Override
    public void close() throws IOException {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (handshakeState.get() == HandshakeState.COMPLETE && socket.isOpen() && writeLock.tryLock()) {
                try {
                    sendCloseNotifyBounded();
                } finally {
                    writeLock.unlock();
                }
            }
        } finally {
            socket.close();
        }
    }

    private void sendCloseNotifyBounded() {
        if (outputShutdown) {
            return;
        }
        outputShutdown = true;
        Watchdog.Alarm alarm = Watchdog.schedule(CLOSE_NOTIFY_BUDGET_NANOS, this::closeSocketQuietly);
        try {
            engine.closeOutbound();
            wrapCloseNotify();
        } catch (IOException | RuntimeException ignored) {
            // best effort: the socket closes next anyway
        } finally {
            alarm.cancel();
        }
    }

    private void closeSocketQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing left to do
        }
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    // ------------------------------------------------------------------------------------------------- accessors

    /** True once the peer's close_notify was read: the stream ended cleanly. */
    public boolean closeNotifyReceived() {
        return inboundState == InboundState.CLOSE_NOTIFY_RECEIVED;
    }

    /** True if TCP ended without close_notify: the data may have been cut short (RFC 8446 section 6.1). */
    public boolean truncated() {
        return inboundState == InboundState.TRUNCATED;
    }

    /** The session; during the handshake, the JDK's placeholder session. */
    public SSLSession session() {
        return engine.getSession();
    }

    /** The ALPN protocol both sides agreed on, or null if none was negotiated (or the handshake has not finished). */
    public String applicationProtocol() {
        String protocol = engine.getApplicationProtocol();
        return protocol == null || protocol.isEmpty() ? null : protocol;
    }

    public SocketChannel socket() {
        return socket;
    }

    public SSLEngine engine() {
        return engine;
    }

    /**
     * Drops the buffers that hold no bytes (call it when the connection goes idle); they are re-allocated by the next
     * read or write. A side whose lock is busy (a reader blocked in {@code read}) keeps its buffers. Returns true if
     * every buffer was released.
     */
    public boolean releaseBuffers() {
        boolean all = true;
        if (readLock.tryLock()) {
            try {
                if (netIn != null && netIn.position() == 0) {
                    netIn = null;
                }
                if (appIn != null && !appIn.hasRemaining()) {
                    appIn = null;
                }
                all = netIn == null && appIn == null;
            } finally {
                readLock.unlock();
            }
        } else {
            all = false;
        }
        if (writeLock.tryLock()) {
            try {
                netOut = null; // always fully flushed between writes
            } finally {
                writeLock.unlock();
            }
        } else {
            all = false;
        }
        return all;
    }

    /** Test seam: bytes currently held in this channel's buffers' capacities. */
    int bufferedCapacity() {
        return (netIn == null ? 0 : netIn.capacity()) + (appIn == null ? 0 : appIn.capacity())
                + (netOut == null ? 0 : netOut.capacity());
    }

    // --------------------------------------------------------------------------------------------------- buffers

    private void ensureHandshake() throws IOException {
        if (handshakeState.get() != HandshakeState.COMPLETE) {
            handshake(0);
        }
    }

    private int packetSize() {
        return engine.getSession().getPacketBufferSize();
    }

    /** Under readLock. */
    private ByteBuffer netIn() {
        if (netIn == null) {
            netIn = ByteBuffer.allocate(packetSize());
        }
        return netIn;
    }

    /** Under readLock; read mode. */
    private ByteBuffer appIn() {
        if (appIn == null) {
            appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize()).flip();
        }
        return appIn;
    }

    /** Under writeLock: netOut cleared for a wrap. */
    private ByteBuffer netOutForWrap() {
        if (netOut == null) {
            netOut = ByteBuffer.allocate(packetSize());
        }
        return netOut.clear();
    }

    /** Under readLock: a record larger than netIn (the session's packet size grew) needs room to arrive. */
    private void growNetInIfFull() {
        if (!netIn.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(2 * netIn.capacity(), packetSize()));
            netIn.flip();
            netIn = bigger.put(netIn);
        }
    }

    /** A read-mode buffer with the same content and at least {@code size} capacity. */
    private static ByteBuffer grow(ByteBuffer readMode, int size) {
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(size, readMode.capacity() * 2));
        return bigger.put(readMode).flip();
    }

    private static boolean isTls13OrLater(String protocol) {
        return switch (protocol) {
            case "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "NONE" -> false;
            default -> true;
        };
    }
}
