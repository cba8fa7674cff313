package dev.weft.tls.context;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Watches certificate and key files and calls back when their content changes, including Kubernetes secret volumes,
 * where {@code tls.crt -> ..data/tls.crt} and {@code ..data -> ..2024_01_01_x} is swapped atomically by a rename.
 *
 * <p>One virtual thread owns the watch loop. It wakes on any event in the files' directories (the {@code ..data}
 * rename is such an event) or every poll interval as a fallback (network file systems, missed events), and compares
 * each file's resolved real path and SHA-256 of its content with the last seen; symlink mtimes are never looked at.
 * The callback runs on that thread, so callbacks never overlap; it should validate fully and keep the old material
 * on failure (as {@link ReloadingServerTls#reload()} does).
 */
public final class CertificateWatcher implements AutoCloseable {
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
    /** After an event, wait this long for the rest of a multi-file update (cert then key) before comparing. */
    static final Duration SETTLE_DELAY = Duration.ofMillis(100);

    private static final System.Logger LOG = System.getLogger(CertificateWatcher.class.getName());

    private final List<Path> files;
    private final Duration pollInterval;
    private final Runnable onChange;
    private final WatchService watchService;
    private final Thread thread;
    /** Serializes comparisons (watch thread, or an admin / test calling {@link #checkNow()}) and callbacks. */
    private final ReentrantLock checkLock = new ReentrantLock();
    /** Guarded by {@code checkLock}. */
    private List<String> lastSeen;
    private volatile boolean closed;

    public CertificateWatcher(Collection<Path> files, Duration pollInterval, Runnable onChange) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to watch");
        }
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
        }
        this.files = files.stream().map(p -> p.toAbsolutePath().normalize()).distinct().toList();
        this.pollInterval = pollInterval;
        this.onChange = Objects.requireNonNull(onChange);
        this.watchService = FileSystems.getDefault().newWatchService();
        try {
            Set<Path> directories = new LinkedHashSet<>();
            for (Path file : this.files) {
                directories.add(file.getParent());
            }
            for (Path directory : directories) {
                directory.register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
            }
        } catch (IOException | RuntimeException e) {
            watchService.close();
            throw e;
        }
        this.lastSeen = fingerprints();
        this.thread = Thread.ofVirtual().name("weft-cert-watcher").start(this::run);
    }

    /** Compares now and calls back if anything changed since the last comparison; test seam, also for admin. */
    boolean checkNow() {
        checkLock.lock();
        try {
            List<String> current = fingerprints();
            if (current.equals(lastSeen)) {
                return false;
            }
            lastSeen = current;
            try {
                onChange.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "certificate reload callback failed: {0}", e.toString());
            }
            return true;
        } finally {
            checkLock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            watchService.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing watch service: {0}", e.toString());
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closed) {
                WatchKey key = watchService.poll(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    drain(key);
                    Thread.sleep(SETTLE_DELAY);
                    for (WatchKey more = watchService.poll(); more != null; more = watchService.poll()) {
                        drain(more);
                    }
                }
                if (!closed) {
                    checkNow();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closing
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    /** Per file: its real path and content hash, or why it cannot be read (which is a change, too). */
    private List<String> fingerprints() {
        List<String> out = new ArrayList<>(files.size());
        for (Path file : files) {
            try {
                Path real = file.toRealPath();
                byte[] content = Files.readAllBytes(real);
                out.add(real + " " + HexFormat.of().formatHex(sha256().digest(content)));
            } catch (IOException e) {
                out.add(file + " unreadable: " + e.getClass().getSimpleName());
            }
        }
        return out;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
