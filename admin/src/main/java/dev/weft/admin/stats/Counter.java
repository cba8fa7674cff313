package dev.weft.admin.stats;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A monotonically increasing count (requests, connections, errors) held in an agrona counter slot.
 *
 * <p>Writers: any number of threads (every connection's virtual thread) at once. Readers: the admin thread.
 * {@link #increment()} and {@link #add(long)} are agrona's {@code getAndAdd} ({@code lock xadd} on x86): atomic
 * read-modify-write, so concurrent increments are never lost. The cheaper {@code incrementRelease} (formerly
 * {@code incrementOrdered}) is a plain read followed by a release store and is only correct for a single writer, which a
 * proxy counter does not have. {@link #get()} is a volatile read. Nothing here allocates or locks.
 *
 * <p>Used flag: a counter is "used" when its value is non-zero or a {@link StatsStore#resetCounters() reset} found it
 * non-zero; so the hot path carries no flag write at all.
 */
public final class Counter {
    private final StatName name;
    private final AtomicCounter counter;
    /** Written only by resetCounters (under the store's lock), read by snapshots; volatile for that hand-over. */
    private volatile boolean usedBeforeReset;

    Counter(StatName name, AtomicCounter counter) {
        this.name = name;
        this.counter = counter;
    }

    /** Adds one. Lock-free, allocation-free. */
    public void increment() {
        counter.increment();
    }

    /** Adds {@code delta}, which must not be negative (counters only go up; use a {@link Gauge} otherwise). */
    public void add(long delta) {
        assert delta >= 0 : "counters only go up: " + delta;
        counter.getAndAdd(delta);
    }

    /** The current value (volatile read). */
    public long get() {
        return counter.get();
    }

    public StatName name() {
        return name;
    }

    /** The agrona counter id, for tools that read the counters buffer directly. */
    public int id() {
        return counter.id();
    }

    boolean used() {
        return usedBeforeReset || counter.get() != 0;
    }

    /** Sets the value to zero atomically against concurrent increments; remembers that it was used. */
    void reset() {
        if (counter.getAndSet(0) != 0) {
            usedBeforeReset = true;
        }
    }

    @Override
    public String toString() {
        return name.flat() + ": " + get();
    }
}
