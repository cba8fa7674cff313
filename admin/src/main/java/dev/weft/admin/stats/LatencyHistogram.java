package dev.weft.admin.stats;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.PackedHistogram;
import org.HdrHistogram.Recorder;

/**
 * One latency distribution (a listener's, route's or cluster's): writers record microseconds into an HdrHistogram
 * {@link Recorder}, readers see a cumulative and a recent (last ~60 s) distribution.
 *
 * <p>Writers: any number of threads; {@link #recordMicros(long)} is wait-free (the Recorder's
 * {@code WriterReaderPhaser} writer side is one {@code getAndIncrement} on entry and exit), never blocks and never
 * allocates. Readers and the roller: {@link #roll()} swaps the Recorder's active histogram out under
 * {@link #rollLock} (one roll at a time; no I/O inside), adds the interval into {@link #cumulative} and into the slot
 * of the current 5 s epoch in the window ring. Snapshot calls roll first, so readers always see fresh data.
 *
 * <p>Footprint: the Recorder holds two fixed-range {@code AtomicHistogram}s (1 us .. 1 h at 3 digits, ~189 KB each);
 * the cumulative and window histograms are {@link PackedHistogram}s, which take a few KB for a real latency spread.
 */
public final class LatencyHistogram {
    /** Lowest discernible value: 1 microsecond. */
    static final long LOWEST_MICROS = 1;
    /** Highest trackable value: one hour; larger values are clamped to it rather than thrown away. */
    static final long HIGHEST_MICROS = 3_600_000_000L;
    /** Significant decimal digits: 0.1% value precision. */
    static final int SIGNIFICANT_DIGITS = 3;
    /** Length of one window slot and the roller's period. */
    static final long INTERVAL_MILLIS = 5_000;
    /** Slots in the recent window: 12 x 5 s = the last 55..60 s (the current slot is partly filled). */
    static final int WINDOW_INTERVALS = 12;

    private final StatName name;
    private final Recorder recorder = new Recorder(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    private final LongSupplier clockMillis;
    private final ReentrantLock rollLock = new ReentrantLock();

    // Guarded by rollLock.
    private Histogram interval;
    private final Histogram cumulative = newPacked();
    private final Histogram[] window = new Histogram[WINDOW_INTERVALS];
    private final long[] windowEpoch = new long[WINDOW_INTERVALS];
    private final Histogram scratch = newPacked();

    /**
     * @param clockMillis a monotonic millisecond clock that places rolled intervals into window slots. Test seam:
     *                    package-private so tests drive time; production passes {@code System.nanoTime() / 1e6}.
     */
    LatencyHistogram(StatName name, LongSupplier clockMillis) {
        this.name = name;
        this.clockMillis = clockMillis;
        for (int i = 0; i < WINDOW_INTERVALS; i++) {
            window[i] = newPacked();
            windowEpoch[i] = Long.MIN_VALUE;
        }
    }

    /** Records one latency in microseconds; negative values count as 0, values above one hour as one hour. */
    public void recordMicros(long micros) {
        recorder.recordValue(micros < 0 ? 0 : Math.min(micros, HIGHEST_MICROS));
    }

    /** Records one latency in nanoseconds (e.g. a {@code System.nanoTime()} difference), truncated to microseconds. */
    public void recordNanos(long nanos) {
        recordMicros(nanos / 1_000);
    }

    public StatName name() {
        return name;
    }

    /** Everything recorded since the store was created. */
    public HistogramSnapshot cumulative() {
        rollLock.lock();
        try {
            rollLocked();
            return HistogramSnapshot.of(cumulative);
        } finally {
            rollLock.unlock();
        }
    }

    /** What was recorded in about the last 60 s: the current 5 s slot and the 11 before it. */
    public HistogramSnapshot recent() {
        rollLock.lock();
        try {
            long epoch = rollLocked();
            scratch.reset();
            for (int i = 0; i < WINDOW_INTERVALS; i++) {
                if (windowEpoch[i] > epoch - WINDOW_INTERVALS) {
                    scratch.add(window[i]);
                }
            }
            return HistogramSnapshot.of(scratch);
        } finally {
            rollLock.unlock();
        }
    }

    /** Moves what the writers recorded since the last roll into the cumulative histogram and the window. */
    void roll() {
        rollLock.lock();
        try {
            rollLocked();
        } finally {
            rollLock.unlock();
        }
    }

    /** Returns the current epoch. */
    private long rollLocked() {
        long epoch = Math.floorDiv(clockMillis.getAsLong(), INTERVAL_MILLIS);
        // Recycling the previous interval histogram keeps the roller allocation-free after the first roll.
        interval = recorder.getIntervalHistogram(interval);
        if (interval.getTotalCount() > 0) {
            cumulative.add(interval);
            int slot = (int) Math.floorMod(epoch, (long) WINDOW_INTERVALS);
            if (windowEpoch[slot] != epoch) {
                window[slot].reset();
                windowEpoch[slot] = epoch;
            }
            window[slot].add(interval);
        }
        return epoch;
    }

    private static Histogram newPacked() {
        return new PackedHistogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    @Override
    public String toString() {
        return "LatencyHistogram[" + name.flat() + "]";
    }
}
