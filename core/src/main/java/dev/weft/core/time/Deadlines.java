package dev.weft.core.time;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The one shared timer of a Weft process: a daemon thread that scans every registered {@link Deadline} each tick and
 * runs periodic housekeeping tasks. Blocking NIO reads have no timeout of their own; this closes the channel instead.
 *
 * <p>Why a scan and not a hashed wheel: a connection owns one long-lived slot that it re-arms with a volatile write
 * per blocking operation, so arming is allocation-free and costs no queue operation; the scan is a tight loop over
 * live connections (10k slots take well under a millisecond) at a {@link #TICK_MILLIS} resolution that is fine for
 * timeouts measured in seconds.
 */
public final class Deadlines implements AutoCloseable {
    /** Scan period: the resolution of every timeout. */
    public static final long TICK_MILLIS = 10;

    private final Set<Deadline> slots = ConcurrentHashMap.newKeySet();
    private final CopyOnWriteArrayList<Periodic> periodic = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;

    private record Periodic(Runnable task, long periodNanos, long[] next) {
    }

    public Deadlines() {
        thread = Thread.ofPlatform().daemon().name("weft-deadlines").unstarted(this::loop);
        thread.start();
    }

    public void register(Deadline d) {
        slots.add(d);
    }

    public void unregister(Deadline d) {
        d.disarm();
        slots.remove(d);
    }

    /** Runs {@code task} on the timer thread about every {@code periodMillis}; it must be quick and not block. */
    public void every(long periodMillis, Runnable task) {
        long p = periodMillis * 1_000_000L;
        periodic.add(new Periodic(task, p, new long[] {System.nanoTime() + p}));
    }

    public int registered() {
        return slots.size();
    }

    private void loop() {
        while (!closed) {
            long now = System.nanoTime();
            for (Deadline d : slots) {
                try {
                    d.check(now);
                } catch (RuntimeException e) {
                    System.getLogger("weft.deadlines").log(System.Logger.Level.WARNING, "timeout action failed", e);
                }
            }
            for (Periodic p : periodic) {
                if (now - p.next[0] >= 0) {
                    p.next[0] = now + p.periodNanos;
                    try {
                        p.task.run();
                    } catch (RuntimeException e) {
                        System.getLogger("weft.deadlines").log(System.Logger.Level.WARNING, "periodic task failed", e);
                    }
                }
            }
            LockSupport.parkNanos(TICK_MILLIS * 1_000_000L);
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
