package dev.weft.core.filter.jwt;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A provider's verified tokens, so a token seen again costs a hash and a string comparison instead of a signature
 * check: a direct-mapped table of a power-of-two number of slots, keyed by the whole token string. A new token
 * replaces whatever shared its slot, so the size is fixed and nothing is ever swept.
 *
 * <p>Threads: any request thread reads and writes. Each slot is one reference read with acquire and written with
 * release semantics ({@link AtomicReferenceArray}); entries are immutable, so a reader sees either the old or the new
 * entry whole. No locks, no allocation on a read. Only verified tokens are stored: a lookup never admits a token by
 * itself; the caller still checks {@code exp} / {@code nbf} against the clock and that the keys the token was
 * verified with are still the provider's current keys.
 */
final class TokenCache {
    private final AtomicReferenceArray<VerifiedToken> slots;
    private final int mask;

    /** A cache of at least {@code size} slots (rounded up to a power of two); size must be positive. */
    TokenCache(int size) {
        int n = Integer.highestOneBit(Math.max(1, size - 1)) << 1;
        slots = new AtomicReferenceArray<>(size == 1 ? 1 : n);
        mask = slots.length() - 1;
    }

    /** The entry for exactly this token, or null. */
    VerifiedToken get(String token) {
        VerifiedToken e = slots.getAcquire(index(token));
        return e != null && e.token().equals(token) ? e : null;
    }

    void put(VerifiedToken e) {
        slots.setRelease(index(e.token()), e);
    }

    int capacity() {
        return slots.length();
    }

    private int index(String token) {
        int h = token.hashCode();
        return (h ^ (h >>> 16)) & mask;
    }
}
