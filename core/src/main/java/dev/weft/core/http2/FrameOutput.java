package dev.weft.core.http2;

import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.core.io.Transport;
import dev.weft.core.time.Deadline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * The writer of one HTTP/2 connection: serialized frames go through an MPSC queue to one writer virtual thread, which
 * writes everything queued in one gathering write (one system call for many streams' frames under load). Measured
 * against writing under the connection's lock from each stream's thread: see perf-reports/0.1.0, "HTTP/2 writer: lock
 * vs queue".
 *
 * <p>Contract: the caller serializes frames under its connection's lock, which also guards the HPACK encoder and the
 * flow-control windows; every method but {@link #await} and {@link #close} is called with that lock held, so frames
 * are queued in the order they were encoded (HPACK's dynamic table depends on it). No I/O happens on a caller's
 * thread.
 *
 * <p>Control frames, header blocks and DATA up to {@link #COPY_MAX} bytes are copied into frame buffers and the caller
 * goes on at once; a larger DATA payload is not copied, its caller waits until it is written ({@link #await}).
 * Frames in the queue are bounded by {@link #MAX_QUEUED_FRAMES}: over it, {@link #awaitRoom} blocks the producer, so
 * a client that does not read cannot make the queue, or the buffers it holds, grow without bound; the write deadline
 * ends such a connection. Frame buffers come from one pool shared by all connections (lock-free, like the read
 * buffers' {@code BufferPool}), so a connection holds buffers only while its frames are in flight.
 *
 * <p>Threads: producers hold the connection's lock; the writer thread alone polls the queue and writes; the writer
 * and the waiters return buffers to the pool.
 */
public final class FrameOutput {
    /** One pooled frame buffer: a few small frames, a header block (or a part of one), or a small DATA frame. */
    static final int FRAME_BYTES = 1024;
    /** DATA payloads up to this many bytes are copied (with the 9-byte frame header, one frame buffer). */
    static final int COPY_MAX = FRAME_BYTES - 9;
    /** Frames queued before producers wait: 64 KiB of frame buffers, a few writes' worth per connection. */
    static final int MAX_QUEUED_FRAMES = 64;
    /** Frames gathered into one write (two buffers each at most). */
    static final int MAX_BATCH = 64;
    /** Frame buffers kept for reuse by all connections: 1 MiB of direct memory at most. */
    static final int POOL = 1024;
    /** The reason the write deadline is armed with. */
    static final int WRITE = 2;

    private static final MpmcAtomicArrayQueue<Frame> FREE = new MpmcAtomicArrayQueue<>(POOL);
    private static final int QUEUED = 0;
    private static final int WRITTEN = 1;
    private static final int FAILED = 2;

    /**
     * A queued frame (or run of frames): its bytes, and for an uncopied DATA frame the caller's payload. Returned by
     * {@link #data} while it still reads the caller's payload.
     */
    public static final class Frame {
        final ByteBuffer bytes = ByteBuffer.allocateDirect(FRAME_BYTES);
        /** The caller's payload, read by the writer; null when everything is in {@link #bytes}. */
        ByteBuffer payload;
        /** The thread that waits for this frame, or null when nobody does (the writer then pools it). */
        Thread waiter;
        /** QUEUED, then WRITTEN or FAILED; written by the writer, read by the waiter. */
        volatile int state;

        Frame() {
        }
    }

    private final Transport channel;
    private final Deadline writeDeadline;
    private final long writeTimeoutNanos;
    private final ReentrantLock lock;
    private final Condition roomMade;
    private final Runnable onBroken;
    private final MpscUnboundedAtomicArrayQueue<Frame> queue = new MpscUnboundedAtomicArrayQueue<>(256);
    /** Frames queued and not yet written: added by producers, subtracted by the writer. */
    private final AtomicInteger queuedFrames = new AtomicInteger();
    /** Producers waiting in awaitRoom; changed under the lock, read by the writer to know whether to signal. */
    private volatile int roomWaiters;
    /** Set by the writer before it parks on an empty queue; a producer that sees it unparks the writer. */
    private volatile boolean parked;
    /**
     * No more frames are accepted (closed, or a write failed). Written under the lock, after the last offer, so a
     * writer that sees it finds every frame there will be in the queue; read by the writer without the lock.
     */
    private volatile boolean closing;
    private final Thread writer;

    // ---- writer thread only ----
    private final Frame[] batch = new Frame[MAX_BATCH];
    private final ByteBuffer[] gather = new ByteBuffer[2 * MAX_BATCH];

    /**
     * Starts the connection's writer thread.
     *
     * @param lock          the connection's lock, held by every producer (they wait for room on it)
     * @param writeDeadline armed around each write; its expiry closes the socket (a client that does not read)
     * @param onBroken      run on the writer thread, without the lock, when a write failed
     */
    public FrameOutput(Transport channel, ReentrantLock lock, Deadline writeDeadline, long writeTimeoutNanos,
                       Runnable onBroken) {
        this.channel = channel;
        this.writeDeadline = writeDeadline;
        this.writeTimeoutNanos = writeTimeoutNanos;
        this.lock = lock;
        this.roomMade = lock.newCondition();
        this.onBroken = onBroken;
        this.writer = Thread.ofVirtual().unstarted(this::drainLoop);
        writer.start();
    }

    // ---- producers (the connection's lock held) -----------------------------------------------------------------

    /**
     * Waits, the lock released meanwhile, while {@link #MAX_QUEUED_FRAMES} are queued. Call it before encoding a frame,
     * never in the middle (another producer may take the lock while this one waits).
     */
    public void awaitRoom() {
        if (queuedFrames.get() <= MAX_QUEUED_FRAMES) {
            return;
        }
        roomWaiters++;
        try {
            // bounded: the write deadline fails a write the client does not read, which ends the output
            while (queuedFrames.get() > MAX_QUEUED_FRAMES && !closing) {
                roomMade.awaitUninterruptibly();
            }
        } finally {
            roomWaiters--;
        }
    }

    /** Queues the frames in {@code frames} (flipped), consuming them: copied, the caller may reuse the buffer. */
    public void flush(ByteBuffer frames) throws IOException {
        while (frames.hasRemaining()) {
            Frame f = take();
            int n = Math.min(frames.remaining(), FRAME_BYTES);
            int limit = frames.limit();
            frames.limit(frames.position() + n);
            f.bytes.put(frames);
            frames.limit(limit);
            offer(f);
        }
    }

    /**
     * Queues one DATA frame whose payload is {@code payload} from its position to its limit. Returns null when the
     * payload was copied (consumed), or the frame when it was not: the caller releases the lock, then {@link #await}s it
     * before it touches {@code payload} again (the writer consumes it).
     */
    public Frame data(int streamId, ByteBuffer payload, boolean endStream) throws IOException {
        int n = payload.remaining();
        Frame f = take();
        FrameWriter.writeFrameHeader(f.bytes, n, FrameType.DATA, endStream ? 0x1 : 0, streamId);
        if (n <= COPY_MAX) {
            f.bytes.put(payload);
            offer(f);
            return null;
        }
        f.payload = payload;
        f.waiter = Thread.currentThread();
        offer(f);
        return f;
    }

    /** A frame buffer from the pool, cleared. */
    private Frame take() throws IOException {
        if (closing) {
            throw new IOException("connection closed");
        }
        Frame f = FREE.poll();
        if (f == null) {
            f = new Frame();
        }
        f.bytes.clear();
        f.state = QUEUED;
        return f;
    }

    /** Queues a frame and wakes the writer. */
    private void offer(Frame f) {
        f.bytes.flip();
        queuedFrames.incrementAndGet();
        queue.offer(f);
        if (parked) {
            parked = false;
            LockSupport.unpark(writer);
        }
    }

    // ---- without the lock ---------------------------------------------------------------------------------------

    /** Waits until a frame {@link #data} returned is written; throws when the connection failed first. */
    public void await(Frame f) throws IOException {
        boolean interrupted = false;
        // not interruptible: the writer may still read the payload; the write deadline bounds the wait
        while (f.state == QUEUED) {
            LockSupport.park(this);
            if (Thread.interrupted()) {
                interrupted = true;
            }
        }
        boolean written = f.state == WRITTEN;
        f.payload = null;
        f.waiter = null;
        recycle(f);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!written) {
            throw new IOException("connection closed");
        }
    }

    /** Writes what is still queued (waiting at most {@code timeoutNanos}) and stops the writer; nothing more is taken. */
    public void close(long timeoutNanos) {
        lock.lock();
        try {
            closing = true;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(writer);
        try {
            writer.join(java.time.Duration.ofNanos(Math.max(timeoutNanos, 1_000_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Test seam: frames queued and not yet written. */
    int queuedFrames() {
        return queuedFrames.get();
    }

    private static void recycle(Frame f) {
        FREE.offer(f); // a full pool leaves it to the garbage collector
    }

    // ---- writer thread ------------------------------------------------------------------------------------------

    private void drainLoop() {
        boolean failed = false;
        while (true) {
            int n = poll();
            if (n > 0) {
                failed = writeBatch(n, failed);
                continue;
            }
            if (closing) {
                while ((n = poll()) > 0) { // offers that raced the flag (see closing)
                    failed = writeBatch(n, failed);
                }
                lock.lock();
                try {
                    roomMade.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            parked = true;
            if (!queue.isEmpty() || closing) { // an offer that missed the flag (Dekker: both sides are volatile)
                parked = false;
                continue;
            }
            LockSupport.park(this);
            parked = false;
        }
    }

    private int poll() {
        int n = 0;
        Frame f;
        while (n < MAX_BATCH && (f = queue.poll()) != null) {
            batch[n++] = f;
        }
        return n;
    }

    /** Writes a batch (or fails it once the connection failed); returns whether the connection failed. */
    private boolean writeBatch(int n, boolean failed) {
        int buffers = 0;
        for (int i = 0; i < n; i++) {
            Frame f = batch[i];
            gather[buffers++] = f.bytes;
            if (f.payload != null) {
                gather[buffers++] = f.payload;
            }
        }
        if (!failed) {
            try {
                writeFully(buffers);
            } catch (IOException e) {
                failed = true;
                lock.lock();
                try {
                    closing = true;
                } finally {
                    lock.unlock();
                }
                onBroken.run();
            }
        }
        for (int i = 0; i < buffers; i++) {
            gather[i] = null;
        }
        for (int i = 0; i < n; i++) {
            Frame f = batch[i];
            batch[i] = null;
            Thread w = f.waiter;
            if (w != null) {
                f.state = failed ? FAILED : WRITTEN; // the waiter owns f from here: not touched again
                LockSupport.unpark(w);
            } else {
                recycle(f);
            }
        }
        int left = queuedFrames.addAndGet(-n);
        if (roomWaiters > 0 && (left <= MAX_QUEUED_FRAMES || failed)) {
            lock.lock();
            try {
                roomMade.signalAll();
            } finally {
                lock.unlock();
            }
        }
        return failed;
    }

    /** Writes {@code gather[0..n)} fully. */
    private void writeFully(int n) throws IOException {
        writeDeadline.arm(writeTimeoutNanos, WRITE);
        try {
            int first = 0;
            while (first < n) {
                channel.write(gather, first, n - first);
                while (first < n && !gather[first].hasRemaining()) {
                    first++;
                }
            }
        } finally {
            writeDeadline.disarm();
        }
    }
}
