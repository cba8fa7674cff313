package dev.weft.tls.context;

import dev.weft.tls.pem.PemException;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The current context of one TLS configuration and the only way to replace it: build fully, then swap.
 *
 * <p>Writers: {@link #reload()} from the watcher thread or the admin plane, serialized by {@code lock} so two reloads
 * never interleave their builds. Readers: any connection thread via {@link #current()}; the field is volatile so a
 * handshake started after a swap sees the complete new context, and an open connection keeps the engine (and so the
 * context) it was created with.
 */
final class Reloader<T> {
    private static final System.Logger LOG = System.getLogger(Reloader.class.getName());

    private final String name;
    private final ContextLoader<T> loader;
    private final ReloadListener listener;
    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile T current;

    Reloader(String name, ContextLoader<T> loader, ReloadListener listener) throws PemException {
        this.name = Objects.requireNonNull(name);
        this.loader = Objects.requireNonNull(loader);
        this.listener = Objects.requireNonNull(listener);
        this.current = Objects.requireNonNull(loader.load(), "loader returned null");
    }

    T current() {
        return current;
    }

    /** Listeners are told before the counters move, so a reader seeing a count also sees the listener's effect. */
    boolean reload() {
        lock.lock();
        try {
            T next;
            try {
                next = Objects.requireNonNull(loader.load(), "loader returned null");
            } catch (PemException | RuntimeException e) {
                // messages name files and problems only; keys never reach an exception message here
                LOG.log(Level.WARNING, "{0}: TLS reload rejected, keeping the previous material: {1}", name,
                        e.getMessage());
                listener.onReloadFailure(e);
                failures.incrementAndGet();
                return false;
            }
            current = next;
            LOG.log(Level.INFO, "{0}: reloaded TLS material", name);
            listener.onReload();
            reloads.incrementAndGet();
            return true;
        } finally {
            lock.unlock();
        }
    }

    long reloads() {
        return reloads.get();
    }

    long failures() {
        return failures.get();
    }
}
