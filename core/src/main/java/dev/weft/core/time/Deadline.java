package dev.weft.core.time;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timeout slot owned by a connection: armed and disarmed by its owner thread, fired by the {@link Deadlines}
 * scanner thread.
 *
 * <p>Contract: the owner calls {@link #arm} before a blocking operation and {@link #disarm} after it; arming is one
 * volatile write, so the hot path allocates nothing. The scanner claims an expired slot with a CAS from the armed
 * time to zero, so a slot fires at most once per arming and a disarm that wins the race suppresses the firing.
 * {@link #onExpired} runs on the scanner thread and must only do something quick and non-blocking, typically closing
 * a channel so that the owner's blocked read or write fails.
 */
public abstract class Deadline {
    private static final VarHandle EXPIRES_AT;

    static {
        try {
            EXPIRES_AT = MethodHandles.lookup().findVarHandle(Deadline.class, "expiresAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** System.nanoTime() at which this fires; 0 when disarmed. Written by the owner, CAS-cleared by the scanner. */
    @SuppressWarnings("unused")
    private volatile long expiresAt;
    /** What the last arming was for; read by the owner after a failure to tell a timeout from a peer's close. */
    private volatile int reason;
    /** The reason of the last firing, or 0. Written by the scanner, read and cleared by the owner. */
    private volatile int fired;

    /** Arms this slot to fire after {@code timeoutNanos} (ignored when not positive) with the given reason (>0). */
    public final void arm(long timeoutNanos, int reason) {
        if (timeoutNanos <= 0) {
            EXPIRES_AT.setVolatile(this, 0L);
            return;
        }
        this.reason = reason;
        long at = System.nanoTime() + timeoutNanos;
        EXPIRES_AT.setVolatile(this, at == 0 ? 1 : at);
    }

    /** Disarms; returns true if it had not fired. */
    public final boolean disarm() {
        EXPIRES_AT.setVolatile(this, 0L);
        return fired == 0;
    }

    /** The reason of the firing since the last {@link #clearFired()}, or 0 if it has not fired. */
    public final int firedReason() {
        return fired;
    }

    public final void clearFired() {
        fired = 0;
    }

    /** Called by the scanner: fires when expired. */
    final void check(long now) {
        long at = (long) EXPIRES_AT.getVolatile(this);
        if (at != 0 && now - at >= 0 && EXPIRES_AT.compareAndSet(this, at, 0L)) {
            int r = reason;
            fired = r;
            onExpired(r);
        }
    }

    /** Runs on the scanner thread; must not block. */
    protected abstract void onExpired(int reason);
}
