package dev.weft.tls.channel;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The one timer the TLS channels share to bound blocking steps that {@code SocketChannel} cannot time out by itself
 * (the handshake, the close_notify attempt in {@code close()}): when an alarm fires it runs a task that closes the
 * socket, which wakes the blocked thread with an {@code AsynchronousCloseException}.
 *
 * <p>One daemon platform thread serves every channel; tasks must be short and non-blocking (closing a socket is).
 * Cancelled alarms are removed from the queue at once, so a handshake that finishes in time costs one queue insert
 * and one removal. The core module may later replace this with its shared timer wheel.
 */
final class Watchdog {
    private static final ScheduledThreadPoolExecutor TIMER = newTimer();

    private Watchdog() {
    }

    /** An armed alarm; {@link #cancel()} is idempotent and safe from any thread. */
    interface Alarm {
        void cancel();
    }

    static Alarm schedule(long delayNanos, Runnable task) {
        ScheduledFuture<?> future = TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    private static ScheduledThreadPoolExecutor newTimer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "weft-tls-watchdog");
            thread.setDaemon(true);
            return thread;
        });
        timer.setRemoveOnCancelPolicy(true); // a handshake that finishes in time leaves nothing behind
        return timer;
    }
}
