package dev.weft.core.http2;

import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.core.io.Transport;
import dev.weft.core.time.Deadline;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

/**
 * Where the frames of one HTTP/2 connection go once serialized, in one of two ways ({@link Mode}): written to the
 * socket by whichever thread holds the connection's write lock, or queued (MPSC) for one writer virtual thread that
 * gathers everything queued into one write.
 *
 * <p>Contract: the caller serializes frames under its connection's write lock (which also guards the HPACK encoder and
 * the flow-control windows, so header blocks reach the wire in the order they were encoded); every method but
 * {@link #await} and {@link #close} is called with that lock held, so frames are handed over in send order. Only the
 * I/O differs: the lock mode writes under the lock, the queue mode never does I/O on the caller's thread.
 */
public abstract sealed class FrameOutput permits FrameOutput.Locked, FrameOutput.Queued {

    /** The system property that selects the mode of new connections: {@code lock} (default) or {@code queue}. */
    public static final String PROPERTY = "weft.h2.writer";

    /** How frames reach the socket. */
    public enum Mode {
        /** The thread holding the write lock writes (one system call per frame or flush). */
        LOCK,
        /** An MPSC queue drained by one writer virtual thread per connection (one gathering write per batch). */
        QUEUE;

        /** The mode {@link #PROPERTY} names, {@link #LOCK} when unset. */
        public static Mode configured() {
            String v = System.getProperty(PROPERTY, "lock").strip().toLowerCase(Locale.ROOT);
            return switch (v) {
                case "queue" -> QUEUE;
                case "lock" -> LOCK;
                default -> throw new IllegalArgumentException(PROPERTY + ": must be lock or queue, not '" + v + "'");
            };
        }
    }

    /** The reason a write deadline is armed with. */
    static final int WRITE = 2;

    final Transport channel;
    private final Deadline writeDeadline;
    private final long writeTimeoutNanos;

    private FrameOutput(Transport channel, Deadline writeDeadline, long writeTimeoutNanos) {
        this.channel = channel;
        this.writeDeadline = writeDeadline;
        this.writeTimeoutNanos = writeTimeoutNanos;
    }

    /**
     * An output in the given mode.
     *
     * @param lock the connection's write lock, held by every caller (the queue mode waits for room on it)
     * @param writeDeadline armed around each write; its expiry closes the socket (a client that does not read)
     * @param onBroken run when a write failed (the queue mode learns it on its writer thread), without the lock held
     */
    public static FrameOutput create(Mode mode, Transport channel, ReentrantLock lock, Deadline writeDeadline,
                                     long writeTimeoutNanos, Runnable onBroken) {
        return mode == Mode.QUEUE ? new Queued(channel, lock, writeDeadline, writeTimeoutNanos, onBroken)
                : new Locked(channel, writeDeadline, writeTimeoutNanos);
    }

    public abstract Mode mode();

    /** Waits (the lock released meanwhile) while too many bytes are queued. Call it before encoding, never during. */
    public abstract void awaitRoom();

    /** Hands over the frames in {@code frames} (flipped), consuming them. */
    public abstract void flush(ByteBuffer frames) throws IOException;

    /**
     * Hands over one DATA frame whose payload is {@code payload} from its position to its limit. Returns null when the
     * payload was consumed (written or copied), or a pending frame that still reads it: the caller releases the lock,
     * then {@link #await}s it before it touches {@code payload} again.
     */
    public abstract Pending data(int streamId, ByteBuffer payload, boolean endStream) throws IOException;

    /** Waits until a pending frame is written; throws when the connection failed first. Without the lock. */
    public abstract void await(Pending frame) throws IOException;

    /** Writes what is still queued (at most {@code timeoutNanos}) and stops. Without the lock; once. */
    public abstract void close(long timeoutNanos);

    /** A frame handed over but not yet written (queue mode). */
    public abstract static sealed class Pending permits Queued.Frame {
    }

    final void writeFully(ByteBuffer b) throws IOException {
        writeDeadline.arm(writeTimeoutNanos, WRITE);
        try {
            while (b.hasRemaining()) {
                channel.write(b);
            }
        } finally {
            writeDeadline.disarm();
        }
    }

    /** Writes {@code bs[0..n)} fully, gathering. */
    final void writeFully(ByteBuffer[] bs, int n) throws IOException {
        writeDeadline.arm(writeTimeoutNanos, WRITE);
        try {
            int first = 0;
            while (first < n) {
                channel.write(bs, first, n - first);
                while (first < n && !bs[first].hasRemaining()) {
                    first++;
                }
            }
        } finally {
            writeDeadline.disarm();
        }
    }

    // ---- lock -------------------------------------------------------------------------------------------------------

    /** Writes on the caller's thread, under the caller's lock. */
    static final class Locked extends FrameOutput {
        /** Guarded by the connection's lock, like all of this class. */
        private final ByteBuffer dataHeader = ByteBuffer.allocateDirect(9);
        private final ByteBuffer[] gather = new ByteBuffer[2];

        Locked(Transport channel, Deadline writeDeadline, long writeTimeoutNanos) {
            super(channel, writeDeadline, writeTimeoutNanos);
        }

        @Override
        public Mode mode() {
            return Mode.LOCK;
        }

        @Override
        public void awaitRoom() {
            // a writer that does not keep up blocks the lock holder in its write
        }

        @Override
        public void flush(ByteBuffer frames) throws IOException {
            writeFully(frames);
        }

        @Override
        public Pending data(int streamId, ByteBuffer payload, boolean endStream) throws IOException {
            dataHeader.clear();
            FrameWriter.writeFrameHeader(dataHeader, payload.remaining(), FrameType.DATA, endStream ? 0x1 : 0,
                    streamId);
            dataHeader.flip();
            gather[0] = dataHeader;
            gather[1] = payload;
            try {
                writeFully(gather, 2);
            } finally {
                gather[1] = null;
            }
            return null;
        }

        @Override
        public void await(Pending frame) {
            // never pending
        }

        @Override
        public void close(long timeoutNanos) {
            // nothing queued
        }
    }

    // ---- queue ------------------------------------------------------------------------------------------------------

    /**
     * Frames go through an MPSC queue to the connection's writer virtual thread, which writes everything queued in one
     * gathering write. Control frames, header blocks and DATA up to {@link #COPY_MAX} bytes are copied into pooled
     * frame buffers and the caller goes on at once; a larger DATA payload is not copied, its caller waits until it is
     * written. Frames in the queue are bounded by {@link #MAX_QUEUED_FRAMES}: over it, {@link #awaitRoom} blocks the
     * producer (a client that does not read cannot make the queue, or the buffers it holds, grow without bound).
     *
     * <p>Threads: producers hold the connection lock (so they offer in send order); the writer thread alone polls the
     * queue and writes. Frame buffers come from one pool shared by all connections (lock-free, like the read buffers'
     * {@code BufferPool}), so a connection holds buffers only while its frames are in flight.
     */
    static final class Queued extends FrameOutput {
        /** One pooled frame buffer: a few small frames, a header block, or a small DATA frame with its header. */
        static final int FRAME_BYTES = 1024;
        /** DATA payloads up to this many bytes are copied (with the 9-byte header, one pooled buffer). */
        static final int COPY_MAX = FRAME_BYTES - 9;
        /** Frames queued before producers wait: 64 KiB of frame buffers, a few writes' worth per connection. */
        static final int MAX_QUEUED_FRAMES = 64;
        /** Frames gathered into one write (two buffers each at most). */
        static final int MAX_BATCH = 64;
        /** Frame buffers kept for reuse by all connections: 1 MiB of direct memory at most. */
        static final int POOL = 1024;
        private static final MpmcAtomicArrayQueue<Frame> FREE = new MpmcAtomicArrayQueue<>(POOL);

        private static final int QUEUED = 0;
        private static final int WRITTEN = 1;
        private static final int FAILED = 2;

        /** A queued frame (or run of frames): its bytes, and for an uncopied DATA frame the caller's payload. */
        static final class Frame extends Pending {
            final ByteBuffer bytes = ByteBuffer.allocateDirect(FRAME_BYTES);
            /** The caller's payload, read by the writer; null when everything is in {@link #bytes}. */
            ByteBuffer payload;
            /** The thread that waits for this frame, or null when nobody does (the writer then pools it). */
            Thread waiter;
            /** QUEUED, then WRITTEN or FAILED; written by the writer, read by the waiter. */
            volatile int state;
        }

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
         * No more frames are accepted (closed, or a write failed). Written under the lock, after the last offer, so
         * a writer that sees it finds every frame there will be in the queue; read by the writer without the lock.
         */
        private volatile boolean closing;
        private final Thread writer;

        // ---- writer thread only ----
        private final Frame[] batch = new Frame[MAX_BATCH];
        private final ByteBuffer[] gather = new ByteBuffer[2 * MAX_BATCH];

        Queued(Transport channel, ReentrantLock lock, Deadline writeDeadline, long writeTimeoutNanos,
               Runnable onBroken) {
            super(channel, writeDeadline, writeTimeoutNanos);
            this.lock = lock;
            this.roomMade = lock.newCondition();
            this.onBroken = onBroken;
            this.writer = Thread.ofVirtual().unstarted(this::drainLoop);
            writer.start();
        }

        @Override
        public Mode mode() {
            return Mode.QUEUE;
        }

        @Override
        public void awaitRoom() {
            if (queuedFrames.get() <= MAX_QUEUED_FRAMES) {
                return;
            }
            roomWaiters++;
            try {
                // bounded: the writer's deadline fails a write the client does not read, which ends the output
                while (queuedFrames.get() > MAX_QUEUED_FRAMES && !closing) {
                    roomMade.awaitUninterruptibly();
                }
            } finally {
                roomWaiters--;
            }
        }

        @Override
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

        @Override
        public Pending data(int streamId, ByteBuffer payload, boolean endStream) throws IOException {
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

        @Override
        public void await(Pending pending) throws IOException {
            Frame f = (Frame) pending;
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

        @Override
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

        /** A pooled frame buffer, cleared. Holds the lock. */
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

        private static void recycle(Frame f) {
            FREE.offer(f); // a full pool leaves it to the garbage collector
        }

        /** Queues a frame and wakes the writer. Holds the lock. */
        private void offer(Frame f) {
            f.bytes.flip();
            queuedFrames.incrementAndGet();
            queue.offer(f);
            if (parked) {
                parked = false;
                LockSupport.unpark(writer);
            }
        }

        // ---- writer thread ----

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
                    writeFully(gather, buffers);
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
    }
}
