package dev.weft.core.filter.jwt;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The keys of one remote JWK set (one URL through one cluster), shared by every provider and listener that names it,
 * and the rules for fetching them again:
 * <ul>
 *   <li>First need: the request that needs keys fetches them (the filter also starts a fetch when it is built, so
 *       usually the keys are there before the first request); concurrent requests wait for that one fetch.</li>
 *   <li>Expiry ({@code cache_duration}): the first request after it starts one background fetch and goes on with
 *       the keys it has; nobody waits for a refresh. The shared timer also looks every {@code cache_duration}
 *       ({@link #refreshIfExpired}), so the keys of a quiet proxy are fresh when traffic comes back and a key the
 *       issuer withdrew stops verifying within about two {@code cache_duration}s, traffic or not.</li>
 *   <li>A token whose {@code kid} is not in the set: one fetch, which that request waits for, at most once per
 *       {@link #KID_REFETCH_INTERVAL_NANOS} (so tokens with random key ids cannot make Weft hammer the JWKS
 *       server).</li>
 *   <li>A failed fetch keeps the last good keys, and is not retried for {@link #FAILED_REFETCH_INTERVAL_NANOS}
 *       (Envoy's {@code failed_refetch_duration} default).</li>
 * </ul>
 *
 * <p>Threads: any request thread reads {@link #snapshot} (volatile, no lock). Fetch bookkeeping is guarded by
 * {@link #lock}, a {@link ReentrantLock} that is never held during the fetch itself (blocking I/O); waiters park on
 * {@link #fetched} with a bound. {@link #inFlight} and {@link #retryAfterNanos} are also volatile so that requests
 * holding expired keys can see "a refresh is running or backing off" without taking the lock.
 */
final class RemoteJwks {
    /** At most one fetch for an unknown {@code kid} per this interval, per JWK set. */
    static final long KID_REFETCH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** After a failed fetch, no new one for this long (Envoy's failed_refetch_duration default). */
    static final long FAILED_REFETCH_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Performs one fetch for whoever triggers it: the provider's cluster call, its stats and its logging. */
    interface Fetcher {
        /** The keys, or null when the fetch failed (counted and logged by the fetcher). */
        Jwks fetch();

        long timeoutNanos();

        long cacheDurationNanos();
    }

    /** The current keys and when they were fetched; replaced whole, so readers see a consistent pair. */
    record Snapshot(Jwks keys, long fetchedAtNanos) {
    }

    private volatile Snapshot snapshot;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition fetched = lock.newCondition();
    // Written under lock; volatile for the lock-free pre-check of refreshInBackground.
    private volatile boolean inFlight;
    private volatile boolean lastFailed;
    /** Before this nanoTime no fetch is started after a failure (meaningful when lastFailed). */
    private volatile long retryAfterNanos;
    // Guarded by lock.
    private long generation;
    private boolean attempted;
    private long lastAttemptNanos;
    private boolean kidRefetched;
    private long lastKidRefetchNanos;

    /** The keys for a request: fetched now if there are none yet; refreshed in the background once expired. */
    Jwks keys(Fetcher f) {
        Snapshot s = snapshot;
        if (s != null) {
            if (System.nanoTime() - s.fetchedAtNanos() >= f.cacheDurationNanos()) {
                refreshInBackground(f);
            }
            return s.keys();
        }
        fetch(f, false);
        s = snapshot;
        return s == null ? null : s.keys();
    }

    /**
     * A token names a key id the set does not have: fetch again (waiting for it) unless that was done less than
     * {@link #KID_REFETCH_INTERVAL_NANOS} ago. True when a fetch was made or joined.
     */
    boolean refetchForUnknownKid(Fetcher f) {
        long now = System.nanoTime();
        lock.lock();
        try {
            if (!inFlight) {
                if (kidRefetched && now - lastKidRefetchNanos < KID_REFETCH_INTERVAL_NANOS) {
                    return false;
                }
                kidRefetched = true;
                lastKidRefetchNanos = now;
            }
        } finally {
            lock.unlock();
        }
        fetch(f, true);
        return true;
    }

    /** Starts a fetch on a virtual thread if none is running and the failure back-off allows one. */
    void refreshInBackground(Fetcher f) {
        if (inFlight || (lastFailed && System.nanoTime() - retryAfterNanos < 0)) {
            return; // the common case while keys are stale: no lock taken
        }
        lock.lock();
        try {
            if (inFlight || backingOff(System.nanoTime())) {
                return;
            }
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("weft-jwks-fetch").start(() -> fetch(f, false));
    }

    /** From the timer: a background fetch when the keys expired (or never came); never blocks the timer. */
    void refreshIfExpired(Fetcher f) {
        Snapshot s = snapshot;
        if (s == null || System.nanoTime() - s.fetchedAtNanos() >= f.cacheDurationNanos()) {
            refreshInBackground(f);
        }
    }

    /** The keys currently held, or null: for tests and the bench. */
    Snapshot snapshot() {
        return snapshot;
    }

    private boolean backingOff(long now) {
        return attempted && lastFailed && now - lastAttemptNanos < FAILED_REFETCH_INTERVAL_NANOS;
    }

    /**
     * Fetches, or waits for the fetch in flight. Without {@code force}, nothing is fetched when fresh keys arrived
     * meanwhile or a failure is too recent.
     */
    private void fetch(Fetcher f, boolean force) {
        long now = System.nanoTime();
        lock.lock();
        try {
            if (inFlight) {
                awaitFetch(f);
                return;
            }
            Snapshot s = snapshot;
            if (!force && s != null && now - s.fetchedAtNanos() < f.cacheDurationNanos()) {
                return;
            }
            if (!force && backingOff(now)) {
                return;
            }
            inFlight = true;
            attempted = true;
            lastAttemptNanos = now;
        } finally {
            lock.unlock();
        }
        Jwks keys = null;
        try {
            keys = f.fetch();
            if (keys != null) {
                snapshot = new Snapshot(keys, System.nanoTime());
            }
        } finally {
            lock.lock();
            try {
                inFlight = false;
                lastFailed = keys == null;
                retryAfterNanos = lastAttemptNanos + FAILED_REFETCH_INTERVAL_NANOS;
                generation++;
                fetched.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Waits (lock held) until the fetch in flight ends, bounded by the fetch timeout plus a margin. */
    private void awaitFetch(Fetcher f) {
        long g = generation;
        long left = f.timeoutNanos() + TimeUnit.SECONDS.toNanos(1);
        try {
            while (inFlight && g == generation && left > 0) {
                left = fetched.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every remote JWK set of the process, by URL and cluster: one instance in the filters' shared state. */
    static final class Registry {
        private final ConcurrentHashMap<String, RemoteJwks> sets = new ConcurrentHashMap<>();

        RemoteJwks get(String key) {
            return sets.computeIfAbsent(key, k -> new RemoteJwks());
        }
    }
}
