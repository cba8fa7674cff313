package dev.weft.core.http2;

import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FlowWindow;
import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.Http2Exception;
import dev.weft.codec.http2.StreamStateMachine;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 stream of a downstream connection: the decoded request, the request body as it arrives (bounded by the
 * stream window we advertise), the peer's send window for our DATA, and the stream's state. The connection's reader
 * thread delivers frames; the stream's own virtual thread consumes the body and writes the response.
 */
final class H2Stream {

    /** Thrown to the stream's thread when the client reset the stream or the connection ended. */
    static final class ResetException extends java.io.IOException {
        final long code;

        ResetException(long code) {
            super("stream reset by the client (" + ErrorCode.of(code) + ")");
            this.code = code;
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    final int id;
    final RequestFields.Request request;
    final long openedNanos = System.nanoTime();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private final StreamStateMachine state;
    private final FlowWindow recvWindow;
    /** The client's window for our DATA on this stream; guarded by the connection's write lock. */
    final FlowWindow sendWindow;
    private boolean inputEnded;
    /** The handler is done: DATA still arriving is not queued (the reader gives its window back). */
    private boolean discarding;
    /** Request body bytes still accepted (and dropped) after the response completed, before a reset. */
    private long discardBudget;
    private long received;
    private List<String[]> trailers = List.of();
    private volatile long resetCode = -1;
    private volatile boolean resetByPeer;
    /** The request body stalled for stream_idle_timeout ({@link #timeOutIdle}); the handler resets the stream. */
    private volatile boolean idleTimedOut;
    /** The whole response went out (END_STREAM sent): a reset after this is not premature. */
    volatile boolean responseComplete;
    /** The stream's virtual thread, interrupted on reset so a blocked upstream read ends. */
    volatile Thread thread;
    /** Called on reset: closes the upstream connection the stream is blocked on. */
    volatile Runnable onReset;
    /** Counted in the connection's concurrent streams until closed or its handler ended, see {@link #releaseSlot}. */
    private final java.util.concurrent.atomic.AtomicBoolean slotHeld = new java.util.concurrent.atomic.AtomicBoolean(
            true);

    H2Stream(int id, RequestFields.Request request, boolean endStream, int recvInitial, int sendInitial)
            throws Http2Exception {
        this.id = id;
        this.request = request;
        this.state = new StreamStateMachine(id);
        this.state.received(FrameType.HEADERS, endStream);
        this.recvWindow = new FlowWindow(id, recvInitial);
        this.sendWindow = new FlowWindow(id, sendInitial);
        this.inputEnded = endStream;
    }

    // ---- reader thread --------------------------------------------------------------------------------------------

    /**
     * DATA from the client. {@code data} is copied. Returns false when the frame is to be discarded (state says so).
     */
    boolean data(ByteBuffer data, int flowControlled, boolean endStream) throws Http2Exception {
        lock.lock();
        try {
            if (!state.received(FrameType.DATA, endStream)) {
                return false;
            }
            recvWindow.consume(flowControlled);
            if (endStream) {
                inputEnded = true;
            }
            if (discarding || resetCode >= 0) {
                discardBudget -= flowControlled;
                arrived.signalAll(); // a handler may wait for the drained body's end (awaitDrained)
                return false;
            }
            received += data.remaining();
            long expected = request.contentLength();
            if (expected >= 0 && (received > expected || endStream && received != expected)) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "content-length " + expected
                        + " but DATA carried " + (received > expected ? "more" : received + " bytes"));
            }
            if (data.hasRemaining() && resetCode < 0) {
                ByteBuffer copy = ByteBuffer.allocate(data.remaining());
                copy.put(data).flip();
                chunks.add(copy);
            }
            if (endStream) {
                inputEnded = true;
            }
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Trailers (a HEADERS frame after the request head); they must end the stream. The stream's state is checked
     * first: HEADERS on a half-closed or closed stream is STREAM_CLOSED whatever they hold; then {@code invalid}, the
     * error of a malformed trailer section (null when valid), is thrown.
     */
    void trailers(List<String[]> fields, boolean endStream, Http2Exception invalid) throws Http2Exception {
        lock.lock();
        try {
            if (!state.received(FrameType.HEADERS, endStream)) {
                return;
            }
            if (invalid != null) {
                throw invalid;
            }
            if (!endStream) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "trailers without END_STREAM");
            }
            long expected = request.contentLength();
            if (expected >= 0 && received != expected) {
                throw Http2Exception.stream(id, ErrorCode.PROTOCOL_ERROR, "content-length " + expected
                        + " but DATA carried " + received + " bytes");
            }
            trailers = fields;
            inputEnded = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** RST_STREAM from the client, or the connection ended. Wakes the stream's thread. */
    void reset(long code) {
        reset(code, false);
    }

    /**
     * A stream error of ours: the caller sends RST_STREAM. Frames the client sent before it saw that are then ignored
     * by the state machine, not answered with another reset (RFC 9113 section 5.1, "closed").
     */
    void resetByUs(long code) {
        reset(code, true);
    }

    /** Reset by the client (not by us, see {@link #resetByUs}): later frames are a stream error STREAM_CLOSED. */
    boolean resetByPeer() {
        return resetByPeer;
    }

    private void reset(long code, boolean byUs) {
        lock.lock();
        try {
            if (resetCode >= 0) {
                return;
            }
            resetCode = code;
            resetByPeer = !byUs;
            if (byUs) {
                state.sent(FrameType.RST_STREAM, false);
            } else {
                try {
                    state.received(FrameType.RST_STREAM, false);
                } catch (Http2Exception ignored) {
                    // the stream is gone either way
                }
            }
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        Runnable r = onReset;
        if (r != null) {
            r.run();
        }
    }

    /** The handler ended: drop what is queued and queue nothing more; returns the dropped byte count. */
    int discard(long budget) {
        lock.lock();
        try {
            discarding = true;
            discardBudget = budget;
            int n = 0;
            for (ByteBuffer b : chunks) {
                n += b.remaining();
            }
            chunks.clear();
            return n;
        } finally {
            lock.unlock();
        }
    }

    /**
     * After the handler ended with a complete response while the client still sends its body: true while the rest
     * is drained (windows given back, bytes dropped); false once over budget (the caller resets the stream).
     */
    boolean draining() {
        lock.lock();
        try {
            return discarding && resetCode < 0 && !inputEnded && discardBudget >= 0;
        } finally {
            lock.unlock();
        }
    }

    /** Waits at most {@code nanos} while {@link #draining()}; signalled by every DATA, trailers and reset. */
    void awaitDrained(long nanos) throws java.io.InterruptedIOException {
        lock.lock();
        try {
            long left = nanos;
            while (discarding && resetCode < 0 && !inputEnded && discardBudget >= 0 && left > 0) {
                left = arrived.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException("interrupted");
        } finally {
            lock.unlock();
        }
    }

    boolean discarding() {
        lock.lock();
        try {
            return discarding;
        } finally {
            lock.unlock();
        }
    }

    /** Checks a frame type against the state (WINDOW_UPDATE, RST_STREAM, PRIORITY). */
    boolean received(int type) throws Http2Exception {
        lock.lock();
        try {
            return state.received(type, false);
        } finally {
            lock.unlock();
        }
    }

    // ---- stream thread ----------------------------------------------------------------------------------------------

    /** Reset by the client (or the connection ended), or timed out idle: the exchange is being abandoned. */
    boolean isReset() {
        return resetCode >= 0 || idleTimedOut;
    }

    /**
     * @throws ResetException when the client reset the stream (or the connection ended)
     * @throws Http2Connection.StreamIdleException when the request body stalled ({@link #timeOutIdle})
     */
    void checkReset() throws java.io.IOException {
        long c = resetCode;
        if (c >= 0) {
            throw new ResetException(c);
        }
        if (idleTimedOut) {
            throw new Http2Connection.StreamIdleException("the request body stalled");
        }
    }

    /**
     * The request body stalled for stream_idle_timeout (seen by the thread that waits for it): from now on
     * {@link #checkReset} throws, so the handler resets the stream; the upstream exchange is aborted at once
     * ({@link #onReset}) to wake a handler blocked on it. Returns true the first time only (count it then).
     */
    boolean timeOutIdle() {
        lock.lock();
        try {
            if (idleTimedOut || resetCode >= 0) {
                return false;
            }
            idleTimedOut = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        Runnable r = onReset;
        if (r != null) {
            r.run();
        }
        return true;
    }

    /**
     * The next chunk of the request body, or null at its end. Waits at most {@code timeoutNanos} for it.
     *
     * @throws ResetException when the stream was reset
     * @throws java.io.InterruptedIOException when nothing arrived in time
     */
    ByteBuffer take(long timeoutNanos) throws java.io.IOException {
        lock.lock();
        try {
            long left = timeoutNanos;
            while (chunks.isEmpty() && !inputEnded && resetCode < 0 && !idleTimedOut) {
                if (left <= 0) {
                    throw new java.io.InterruptedIOException("request body stalled");
                }
                try {
                    left = arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    throw new ResetException(resetCode >= 0 ? resetCode : ErrorCode.CANCEL.code());
                }
            }
            checkReset();
            return chunks.poll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads ahead into the request body for a filter ({@link dev.weft.core.filter.FilterRequest#body}) without taking
     * it: waits until more than {@code max} bytes are queued, the body ended, or the stream's receive window is spent
     * (the client may send nothing more until the body is consumed, so that is all a read-ahead can see), then copies
     * up to {@code max} queued bytes. The chunks stay queued for {@link #take}.
     *
     * @throws ResetException                 when the stream was reset
     * @throws java.io.InterruptedIOException when the body stalled for {@code timeoutNanos}
     */
    dev.weft.core.filter.FilterRequest.Body peek(int max, long timeoutNanos) throws java.io.IOException {
        lock.lock();
        try {
            long left = timeoutNanos;
            long queued;
            while (true) {
                checkReset();
                queued = 0;
                for (ByteBuffer b : chunks) {
                    queued += b.remaining();
                }
                if (queued > max || inputEnded || recvWindow.available() <= 0) {
                    break;
                }
                if (left <= 0) {
                    throw new java.io.InterruptedIOException("request body stalled");
                }
                try {
                    left = arrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    throw new ResetException(resetCode >= 0 ? resetCode : ErrorCode.CANCEL.code());
                }
            }
            byte[] out = new byte[(int) Math.min(queued, max)];
            int at = 0;
            for (ByteBuffer b : chunks) {
                if (at == out.length) {
                    break;
                }
                int n = Math.min(b.remaining(), out.length - at);
                b.duplicate().get(out, at, n);
                at += n;
            }
            return new dev.weft.core.filter.FilterRequest.Body(out, inputEnded && queued <= max);
        } finally {
            lock.unlock();
        }
    }

    /** Request trailers, once {@link #take} returned null. */
    List<String[]> trailers() {
        lock.lock();
        try {
            return trailers;
        } finally {
            lock.unlock();
        }
    }

    /** Gives {@code n} consumed bytes back to the stream's receive window (the caller sends the WINDOW_UPDATE). */
    boolean credit(int n) {
        lock.lock();
        try {
            if (inputEnded || resetCode >= 0) {
                return false; // no more DATA will come on this stream: no stream WINDOW_UPDATE needed
            }
            recvWindow.increment(n);
            return true;
        } catch (Http2Exception e) {
            return false; // cannot overflow: we only give back what was consumed
        } finally {
            lock.unlock();
        }
    }

    /**
     * A response frame is about to go out: record it. Returns true when it closes the stream (END_STREAM after the
     * client's), so that its slot among the concurrent streams is free before the client can see the frame.
     */
    boolean sent(int type, boolean endStream) {
        lock.lock();
        try {
            if (resetCode < 0) {
                state.sent(type, endStream);
            }
            return closedLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Closed for RFC 9113 section 5.1: END_STREAM both ways (or reset); it no longer counts as concurrent. */
    boolean closed() {
        lock.lock();
        try {
            return closedLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Closed by END_STREAM in both directions, not by a reset. */
    boolean closedByEndStreams() {
        lock.lock();
        try {
            return closedLocked() && resetCode < 0;
        } finally {
            lock.unlock();
        }
    }

    private boolean closedLocked() {
        return state.state() == dev.weft.codec.http2.StreamState.CLOSED;
    }

    /** Gives up the stream's slot among max_concurrent_streams; true the first time only. */
    boolean releaseSlot() {
        return slotHeld.compareAndSet(true, false);
    }

    boolean noQueuedInput() {
        lock.lock();
        try {
            return chunks.isEmpty() && trailers.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** True when the request half is finished (END_STREAM received) or the stream was reset. */
    boolean inputEnded() {
        lock.lock();
        try {
            return inputEnded || resetCode >= 0;
        } finally {
            lock.unlock();
        }
    }

    long ageMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - openedNanos);
    }
}
