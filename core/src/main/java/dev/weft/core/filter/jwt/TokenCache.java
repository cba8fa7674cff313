package dev.weft.core.filter.jwt;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A provider's verified tokens, so a token seen again costs a hash and a string comparison instead of a signature
 * check: a direct-mapped table of a power-of-two number of slots, keyed by the whole token string (looked up where
 * it lies in the header value, without copying it out). A new token replaces whatever shared its slot, so the size
 * is fixed and nothing is ever swept.
 *
 * <p>Threads: any request thread reads and writes. Each slot is one reference read with acquire and written with
 * release semantics ({@link AtomicReferenceArray}); entries are immutable, so a reader sees either the old or the new
 * entry whole. No locks, no allocation on a read. Only verified tokens are stored: a lookup never admits a token by
 * itself; the caller still checks {@code exp} / {@code nbf} against the clock and that the keys the token was
 * verified with are still the provider's current keys.
 */
final class TokenCache {
    static final int HASHED_TAIL = 16;

    private final AtomicReferenceArray<VerifiedToken> slots;
    private final int mask;

    /** A cache of at least {@code size} slots (rounded up to a power of two); size must be positive. */
    TokenCache(int size) {
        int n = Integer.highestOneBit(Math.max(1, size - 1)) << 1;
        slots = new AtomicReferenceArray<>(size == 1 ? 1 : n);
        mask = slots.length() - 1;
    }

    /** The entry for exactly the token {@code s[from, to)}, or null; nothing is allocated. */
    VerifiedToken get(String s, int from, int to) {
        VerifiedToken e = slots.getAcquire(index(s, from, to));
        if (e == null) {
            return null;
        }
        String t = e.token();
        return t.length() == to - from && s.regionMatches(from, t, 0, t.length()) ? e : null;
    }

    void put(VerifiedToken e) {
        slots.setRelease(index(e.token(), 0, e.token().length()), e);
    }

    int capacity() {
        return slots.length();
    }

    /**
     * The slot of a token: a hash of its length and last {@link #HASHED_TAIL} characters. They are the end of the
     * signature, as random as anything a hash could compute from the whole token, and hashing them costs a fixed few
     * nanoseconds whatever the token's size. A crafted collision only evicts an entry.
     */
    private int index(String s, int from, int to) {
        int h = to - from;
        for (int i = Math.max(from, to - HASHED_TAIL); i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return (h ^ (h >>> 16)) & mask;
    }
}
