package dev.weft.core.filter.rbac;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last {@link #CAPACITY} RBAC denials of the process, newest first, for the admin server's
 * {@code GET /authz/denials}. One instance per process ({@code FilterContext.shared}), written by every denied
 * request of every listener, read by admin connections.
 *
 * <p>Lock-free: a writer claims a sequence number with one {@code getAndIncrement} and stores its immutable entry in
 * slot {@code sequence % CAPACITY} with a volatile write (the entry's fields are final, so a reader that sees the
 * reference sees them). A reader walks back from the last claimed sequence and keeps an entry only if it carries the
 * sequence it expects: a slot not yet written by its claimer, or already overwritten by a writer a full lap ahead, is
 * skipped rather than shown out of order. Writers never wait for readers or each other.
 */
public final class DenialLog {
    /** Denials kept; a denial costs about 1 KiB, so the ring stays small whatever the denial rate. */
    public static final int CAPACITY = 256;

    private record Entry(long sequence, DecisionTrace trace) {
    }

    private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(CAPACITY);
    /** The next sequence to claim: written by every writer (getAndIncrement), read by readers. */
    private final AtomicLong next = new AtomicLong();

    public void add(DecisionTrace trace) {
        long sequence = next.getAndIncrement();
        slots.set((int) (sequence % CAPACITY), new Entry(sequence, trace));
    }

    /** Up to {@code last} denials, newest first. */
    public List<DecisionTrace> recent(int last) {
        long newest = next.get() - 1;
        int n = (int) Math.min(Math.min(last, CAPACITY), newest + 1);
        List<DecisionTrace> out = new ArrayList<>(Math.max(n, 0));
        for (long s = newest; s > newest - n && s >= 0; s--) {
            Entry e = slots.get((int) (s % CAPACITY));
            if (e != null && e.sequence() == s) {
                out.add(e.trace());
            }
        }
        return out;
    }

    /** Denials recorded since the process started (including those the ring no longer holds). */
    public long total() {
        return next.get();
    }
}
