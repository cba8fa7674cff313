package dev.weft.core.accesslog;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import org.jctools.queues.atomic.MpscAtomicArrayQueue;

/**
 * Writes access log lines to a file, stdout or stderr without ever blocking the request path: callers format and
 * enqueue, one writer thread does the I/O, and a full queue drops the line and counts it.
 *
 * <p>Threading contract:
 * <ul>
 *   <li>{@link #log} is called by any number of connection threads (producers). It formats the entry on the caller's
 *       thread into a {@code String}, then {@code offer}s it to a bounded MPSC queue (JCTools
 *       {@link MpscAtomicArrayQueue}, lock-free, no {@code Unsafe}). If the queue is full the line is dropped,
 *       {@link #dropped()} grows and the dropped-counter callback is called with 1. It never blocks and never does
 *       I/O.</li>
 *   <li>One platform daemon thread ({@code weft-access-log}) is the only consumer and the only thread touching the
 *       sink. It drains the queue in batches of up to {@value #BATCH} lines into a buffered UTF-8 writer, flushes
 *       whenever the queue is empty, then parks. A platform thread because file writes would pin a virtual thread's
 *       carrier anyway.</li>
 *   <li>Wake-up: before parking, the writer sets the volatile {@code writerParked} flag and re-checks the queue; a
 *       producer unparks it after a successful offer only if it sees that flag. The queue's producer index is a
 *       volatile CAS and the writer's emptiness check a volatile read, so either the producer sees the flag or the
 *       writer sees the line (Dekker). The park is still bounded by {@link #MAX_PARK_NANOS} as a safety net.</li>
 *   <li>{@link #written()} is written only by the writer thread (volatile, single writer) and {@link #dropped()} by
 *       any thread ({@link LongAdder}); both may be read from anywhere, e.g. by the admin endpoint.</li>
 *   <li>{@link #close()} (any thread, once) lets the writer drain and write everything already queued, flushes, closes
 *       a file (never stdout or stderr) and waits for the writer thread to end. It blocks as long as the sink does.
 *       A {@link #log} after close, or racing with it, drops the line (counted, except in the instant between the
 *       final drain and the producer's offer).</li>
 * </ul>
 *
 * <p>{@link #written()} counts lines handed to the sink; a line lost to an I/O error of the sink (disk full, closed
 * pipe) after that is reported as a warning on the {@code weft.accesslog} logger, not counted as dropped.
 */
public final class AccessLogWriter implements AutoCloseable {
    /** Default queue capacity in lines: 16384 lines of ~300 bytes is ~5 MB of backlog before dropping. */
    public static final int DEFAULT_QUEUE_CAPACITY = 16384;
    /** Lines written between two checks of the closing flag and flushes; bounds the work done per loop. */
    static final int BATCH = 256;
    /** Upper bound of one park of the idle writer: a safety net for a missed unpark, and cheap when idle. */
    static final long MAX_PARK_NANOS = 100_000_000L;

    private static final System.Logger LOG = System.getLogger("weft.accesslog");
    private static final String STDOUT = "/dev/stdout";
    private static final String STDERR = "/dev/stderr";
    private static final int BUFFER_CHARS = 64 * 1024;

    private final String name;
    private final AccessLogFormat format;
    private final MpscAtomicArrayQueue<String> queue;
    private final LongConsumer droppedCounter;
    private final Writer sink;
    private final boolean closeSink;
    private final Thread writer;
    private final LongAdder dropped = new LongAdder();
    private final AtomicBoolean closeCalled = new AtomicBoolean();
    /** Lines handed to the sink. Written only by the writer thread; volatile so that any thread can read it. */
    private volatile long written;
    /** Set by the writer just before it parks, read by producers to decide whether to unpark it. */
    private volatile boolean writerParked;
    /** Set once by close(); read by producers (drop) and the writer (drain, then exit). */
    private volatile boolean closing;

    private AccessLogWriter(String name, Writer sink, boolean closeSink, AccessLogFormat format, int queueCapacity,
            LongConsumer droppedCounter) {
        if (queueCapacity < 2) {
            throw new IllegalArgumentException("access log queue capacity must be at least 2, got " + queueCapacity);
        }
        this.name = name;
        this.sink = sink;
        this.closeSink = closeSink;
        this.format = Objects.requireNonNull(format, "format");
        this.droppedCounter = Objects.requireNonNull(droppedCounter, "droppedCounter");
        this.queue = new MpscAtomicArrayQueue<>(queueCapacity);
        this.writer = Thread.ofPlatform().name("weft-access-log").daemon().unstarted(this::run);
    }

    /**
     * Opens an access log and starts its writer thread.
     *
     * @param path "/dev/stdout", "/dev/stderr" or a file path (appended to, created if missing)
     * @param queueCapacity lines that may wait for the writer (rounded up to a power of two), e.g.
     *     {@link #DEFAULT_QUEUE_CAPACITY}
     * @param droppedCounter called with 1 for each dropped line, on the thread that dropped it; must not block
     * @throws IOException if the file cannot be opened
     */
    public static AccessLogWriter open(String path, AccessLogFormat format, int queueCapacity,
            LongConsumer droppedCounter) throws IOException {
        OutputStream stream;
        boolean closeStream;
        switch (path) {
            case STDOUT -> {
                stream = new FileOutputStream(FileDescriptor.out);
                closeStream = false;
            }
            case STDERR -> {
                stream = new FileOutputStream(FileDescriptor.err);
                closeStream = false;
            }
            default -> {
                stream = Files.newOutputStream(Path.of(path), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
                closeStream = true;
            }
        }
        Writer out = new BufferedWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), BUFFER_CHARS);
        return start(path, out, closeStream, format, queueCapacity, droppedCounter);
    }

    // Test seam: a writer over any sink, e.g. one that blocks the writer thread on a latch.
    static AccessLogWriter start(String name, Writer sink, boolean closeSink, AccessLogFormat format,
            int queueCapacity, LongConsumer droppedCounter) {
        AccessLogWriter w = new AccessLogWriter(name, sink, closeSink, format, queueCapacity, droppedCounter);
        w.writer.start();
        return w;
    }

    /** Formats {@code e} on the calling thread and enqueues the line, or drops and counts it if the queue is full. */
    public void log(AccessLogEntry e) {
        if (closing) {
            drop();
            return;
        }
        if (!queue.offer(format.format(e))) {
            drop();
            return;
        }
        if (writerParked) {
            LockSupport.unpark(writer);
        }
    }

    /** Lines dropped because the queue was full or the log was closed. */
    public long dropped() {
        return dropped.sum();
    }

    /** Lines handed to the sink by the writer thread. */
    public long written() {
        return written;
    }

    /** The path this log was opened on. */
    public String name() {
        return name;
    }

    private void drop() {
        dropped.increment();
        droppedCounter.accept(1);
    }

    /** The writer thread: drain, flush when empty, park; on close, drain to empty and close the sink. */
    private void run() {
        boolean dirty = false;
        boolean failing = false;
        try {
            while (true) {
                int n = 0;
                String line;
                while (n < BATCH && (line = queue.poll()) != null) {
                    n++;
                    try {
                        sink.write(line);
                        sink.write('\n');
                        failing = false;
                    } catch (IOException e) {
                        failing = warnOnce(failing, e);
                    }
                }
                if (n > 0) {
                    written += n; // single writer: a plain read-modify-write of the volatile is safe
                    dirty = true;
                    continue;
                }
                if (dirty) {
                    dirty = false;
                    try {
                        sink.flush();
                    } catch (IOException e) {
                        failing = warnOnce(failing, e);
                    }
                    continue; // a flush may take a while: look at the queue again before parking
                }
                if (closing) {
                    if (queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                writerParked = true;
                if (queue.isEmpty() && !closing) {
                    LockSupport.parkNanos(this, MAX_PARK_NANOS);
                }
                writerParked = false;
            }
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "access log " + name + ": writer thread failed", e);
            throw e;
        } finally {
            try {
                if (closeSink) {
                    sink.close();
                } else {
                    sink.flush();
                }
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "access log {0}: closing failed: {1}", name, e.toString());
            }
        }
    }

    /** Logs the first failure of a streak only, so a full disk does not flood the application log. */
    private boolean warnOnce(boolean failing, IOException e) {
        if (!failing) {
            LOG.log(System.Logger.Level.WARNING, "access log {0}: write failed, lines are being lost: {1}", name,
                    e.toString());
        }
        return true;
    }

    /** How long close() waits for the queued lines to be written. */
    static final long CLOSE_TIMEOUT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

    /**
     * Writes everything already queued, flushes, closes a file sink (not stdout or stderr) and stops the writer
     * thread, waiting at most {@link #CLOSE_TIMEOUT_NANOS} for a stalled output. Idempotent; later {@link #log}
     * calls drop.
     */
    @Override
    public void close() {
        if (!closeCalled.compareAndSet(false, true)) {
            return;
        }
        closing = true;
        LockSupport.unpark(writer);
        boolean interrupted = false;
        long deadline = System.nanoTime() + CLOSE_TIMEOUT_NANOS;
        while (writer.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                // the output is stalled (a full pipe, a hung disk): shutdown must not hang on it; the writer is a
                // daemon thread and what it still holds is lost
                System.getLogger("weft.accesslog").log(System.Logger.Level.WARNING,
                        "access log {0}: output stalled, {1} queued line(s) not written", name, queue.size());
                break;
            }
            try {
                writer.join(Math.max(1, left / 1_000_000L));
            } catch (InterruptedException e) {
                interrupted = true; // finish closing first: the queued lines must reach the sink
            }
        }
        // Lines offered by a producer that checked `closing` just before it was set and lost the race with the
        // writer's final drain.
        while (queue.poll() != null) {
            drop();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
