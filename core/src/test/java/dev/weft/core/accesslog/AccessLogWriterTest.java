package dev.weft.core.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogWriterTest {
    private static final AccessLogFormat ID_ONLY = AccessLogFormat.parse("%REQ(X-REQUEST-ID)%");
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static AccessLogEntry entry(String id) {
        return new AccessLogEntry().requestId(id);
    }

    /** A sink whose first write blocks the writer thread until {@link #release} opens. */
    private static final class BlockingSink extends Writer {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final StringWriter received = new StringWriter();
        volatile boolean closed;

        @Override
        public void write(char[] buf, int off, int len) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            synchronized (received) {
                received.write(buf, off, len);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            closed = true;
        }

        String text() {
            synchronized (received) {
                return received.toString();
            }
        }
    }

    @Test
    void writesLinesInOrderFromOneThread() throws IOException {
        Path file = dir.resolve("access.log");
        AtomicLong counted = new AtomicLong();
        List<String> expected = IntStream.range(0, 10_000).mapToObj(i -> "line-" + i).toList();
        AccessLogWriter log = AccessLogWriter.open(file.toString(), ID_ONLY, AccessLogWriter.DEFAULT_QUEUE_CAPACITY,
                counted::addAndGet);
        for (String id : expected) {
            log.log(entry(id));
        }
        log.close();
        assertEquals(expected, Files.readAllLines(file, StandardCharsets.UTF_8));
        assertEquals(10_000, log.written());
        assertEquals(0, log.dropped());
        assertEquals(0, counted.get());
    }

    @Test
    void appendsToAnExistingFileAndCreatesAMissingOne() throws IOException {
        Path file = dir.resolve("new.log");
        for (String id : List.of("first", "second")) {
            try (AccessLogWriter log = AccessLogWriter.open(file.toString(), ID_ONLY, 16, n -> {})) {
                log.log(entry(id));
            }
        }
        assertEquals(List.of("first", "second"), Files.readAllLines(file));
    }

    @Test
    void writesUtf8JsonLines() throws IOException {
        Path file = dir.resolve("json.log");
        try (AccessLogWriter log = AccessLogWriter.open(file.toString(), AccessLogFormat.json(), 16, n -> {})) {
            log.log(AccessLogJsonTest.sample().userAgent("h\u00e9 \ud83d\ude00 \"x\"\n"));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(1, lines.size());
        assertEquals("h\u00e9 \ud83d\ude00 \"x\"\n", MiniJson.object(lines.get(0)).get("user_agent"));
    }

    @Test
    void flushesWhenTheQueueRunsEmptyWithoutWaitingForClose() throws Exception {
        Path file = dir.resolve("live.log");
        try (AccessLogWriter log = AccessLogWriter.open(file.toString(), ID_ONLY, 16, n -> {})) {
            Thread.sleep(50); // let the writer park first, so the log() below has to wake it
            log.log(entry("visible"));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!Files.readString(file).equals("visible\n")) {
                assertTrue(System.nanoTime() < deadline, "line not flushed while the log is open");
                Thread.sleep(5);
            }
        }
    }

    @Test
    void eightThreadsConcurrentlyWriteEveryLineExactlyOnce() throws Exception {
        Path file = dir.resolve("mt.log");
        int threads = 8;
        int perThread = 5_000;
        // The queue holds every line, so nothing may be dropped however the writer is scheduled.
        AccessLogWriter log = AccessLogWriter.open(file.toString(), ID_ONLY, threads * perThread, n -> {});
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < perThread; i++) {
                    log.log(entry(id + "-" + i));
                }
            }));
        }
        go.countDown();
        for (Thread t : started) {
            t.join();
        }
        log.close();
        List<String> lines = Files.readAllLines(file);
        assertEquals(threads * perThread, lines.size());
        assertEquals(threads * perThread, new HashSet<>(lines).size());
        assertEquals(threads * perThread, log.written());
        assertEquals(0, log.dropped());
        // A single producer's lines keep their order (the queue is FIFO per producer).
        int[] next = new int[threads];
        for (String line : lines) {
            int dash = line.indexOf('-');
            int t = Integer.parseInt(line, 0, dash, 10);
            assertEquals(next[t]++, Integer.parseInt(line.substring(dash + 1)), line);
        }
    }

    @Test
    void dropsWithoutBlockingWhileTheWriterIsStuck() throws Exception {
        BlockingSink sink = new BlockingSink();
        AtomicLong counted = new AtomicLong();
        AccessLogWriter log = AccessLogWriter.start("blocking", sink, true, ID_ONLY, 8, counted::addAndGet);
        log.log(entry("first"));
        assertTrue(sink.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "writer never took the first line");

        // The writer thread is now blocked inside the sink holding "first"; the queue is empty.
        assertTimeoutPreemptively(PATIENCE, () -> {
            for (int i = 0; i < 1000; i++) {
                log.log(entry("burst-" + i));
            }
        });
        assertEquals(1000 - 8, log.dropped());
        assertEquals(1000 - 8, counted.get());

        sink.release.countDown();
        log.close();
        assertEquals(9, log.written());
        assertEquals(1001, log.written() + log.dropped());
        StringBuilder expected = new StringBuilder("first\n");
        for (int i = 0; i < 8; i++) {
            expected.append("burst-").append(i).append('\n');
        }
        assertEquals(expected.toString(), sink.text());
        assertTrue(sink.closed);
    }

    @Test
    void closeWritesEverythingQueuedBeforeClosingTheSink() throws Exception {
        BlockingSink sink = new BlockingSink();
        AccessLogWriter log = AccessLogWriter.start("blocking", sink, true, ID_ONLY, 64, n -> {});
        log.log(entry("first"));
        assertTrue(sink.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        for (int i = 0; i < 64; i++) {
            log.log(entry("queued-" + i));
        }
        Thread closer = Thread.ofPlatform().start(log::close);
        closer.join(100);
        assertTrue(closer.isAlive(), "close() must wait for the queued lines");
        assertFalse(sink.closed);
        sink.release.countDown();
        closer.join(PATIENCE.toMillis());
        assertFalse(closer.isAlive());
        assertTrue(sink.closed);
        assertEquals(65, log.written());
        assertEquals(0, log.dropped());
        assertEquals(65, sink.text().lines().count());
        assertTrue(sink.text().endsWith("queued-63\n"));
    }

    @Test
    void closeGivesUpOnAStalledOutputInsteadOfHangingShutdown() throws Exception {
        BlockingSink sink = new BlockingSink(); // never released: a pipe nobody reads
        AccessLogWriter log = AccessLogWriter.start("stalled", sink, true, ID_ONLY, 64, n -> {});
        log.log(entry("first"));
        assertTrue(sink.entered.await(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        log.log(entry("queued"));
        Thread closer = Thread.ofPlatform().start(log::close);
        closer.join(TimeUnit.NANOSECONDS.toMillis(AccessLogWriter.CLOSE_TIMEOUT_NANOS) + 5_000);
        assertFalse(closer.isAlive(), "close() returned after its timeout");
        sink.release.countDown();
    }

    @Test
    void logAfterCloseIsDroppedAndCounted() throws IOException {
        AtomicLong counted = new AtomicLong();
        AccessLogWriter log = AccessLogWriter.open(dir.resolve("closed.log").toString(), ID_ONLY, 16,
                counted::addAndGet);
        log.close();
        log.close(); // idempotent
        log.log(entry("late"));
        assertEquals(1, log.dropped());
        assertEquals(1, counted.get());
        assertEquals("", Files.readString(dir.resolve("closed.log")));
    }

    @Test
    void closingAStdoutLogLeavesStdoutOpen() throws IOException {
        AccessLogWriter log = AccessLogWriter.open("/dev/stdout", ID_ONLY, 16, n -> {});
        log.close();
        assertTrue(FileDescriptor.out.valid());
        AccessLogWriter err = AccessLogWriter.open("/dev/stderr", ID_ONLY, 16, n -> {});
        err.close();
        assertTrue(FileDescriptor.err.valid());
    }

    @Test
    void rejectsATinyQueue() {
        assertThrows(IllegalArgumentException.class,
                () -> AccessLogWriter.start("x", new StringWriter(), true, ID_ONLY, 1, n -> {}));
    }

    @Test
    void aMissingDirectoryFailsToOpen() {
        assertThrows(IOException.class,
                () -> AccessLogWriter.open(dir.resolve("no/such/dir.log").toString(), ID_ONLY, 16, n -> {}));
    }
}
