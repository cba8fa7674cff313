package dev.weft.admin.stats;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * A value that goes up and down (active connections, healthy endpoints) held in an agrona counter slot.
 *
 * <p>Writers: any number of threads. {@link #increment()}, {@link #decrement()} and {@link #add(long)} are agrona's
 * atomic {@code getAndAdd}, so concurrent opens and closes balance exactly. {@link #set(long)} is a release store: the
 * last writer wins, which is the meaning of "set" for a gauge owned by one component (config version, membership
 * size); mixing set and add from different threads is a race by design. Readers: the admin thread, volatile read.
 *
 * <p>Used flag: a gauge that went 0 -> 1 -> 0 is still "used", so unlike {@link Counter} it needs a flag. It is a
 * volatile boolean checked before writing: after the first change the hot path only reads it (a plain load on x86)
 * and never writes it again, so it adds no contended cache-line traffic.
 */
public final class Gauge {
    private final StatName name;
    private final AtomicCounter counter;
    private volatile boolean used;

    Gauge(StatName name, AtomicCounter counter) {
        this.name = name;
        this.counter = counter;
    }

    public void increment() {
        markUsed();
        counter.increment();
    }

    public void decrement() {
        markUsed();
        counter.decrement();
    }

    public void add(long delta) {
        if (delta != 0) {
            markUsed();
        }
        counter.getAndAdd(delta);
    }

    public void set(long value) {
        if (value != 0) {
            markUsed();
        }
        counter.setRelease(value);
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
        return used;
    }

    private void markUsed() {
        if (!used) {
            used = true;
        }
    }

    @Override
    public String toString() {
        return name.flat() + ": " + get();
    }
}
