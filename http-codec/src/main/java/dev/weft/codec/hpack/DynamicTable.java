package dev.weft.codec.hpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The dynamic table of RFC 7541 sections 2.3.2 and 4, allocated once for the largest size it may be given and then
 * never again: entry octets (name then value) in a byte ring, their offsets and lengths in int rings, the newest entry
 * at index 1 and the oldest evicted first. An entry may wrap around the end of the byte ring; a reader copies such a
 * range out with {@link #copy}. The ring always has room for the live entries: each one takes 32 octets of table size
 * (RFC 7541 section 4.1) that it does not store.
 *
 * <p>An encoder's table ({@code indexed}) also keeps hash chains by name and by name and value, newest first, as
 * {@code slot + 1} with 0 ending a chain, so its lookups do not scan the table and allocate nothing.
 */
final class DynamicTable {
    static final int ENTRY_OVERHEAD = 32; // RFC 7541 section 4.1
    private static final int SAMPLED_OCTETS = 16;

    private final boolean indexed;
    private int capacity;       // the largest maximum size the storage holds
    private byte[] ring;
    private int slots;          // length of the int rings: the most entries of capacity octets
    private int[] starts;
    private int[] nameLengths;
    private int[] valueLengths;
    private int first;          // slot of the oldest entry
    private int count;
    private int head;           // ring offset for the next entry's first octet
    private int size;           // RFC 7541 section 4.1: sum of name + value + 32 over the entries
    private int maxSize;        // the current maximum size (RFC 7541 section 4.2)

    private int[] nameHashes;
    private int[] fieldHashes;
    private int[] nameNext;
    private int[] fieldNext;
    private int[] nameHeads;
    private int[] fieldHeads;

    /**
     * @param capacity the largest maximum size this table will be given without {@link #ensureCapacity}; also its
     *                 initial maximum size
     * @param indexed  keep the lookup chains of an encoder
     */
    DynamicTable(int capacity, boolean indexed) {
        if (capacity < 0) {
            throw new IllegalArgumentException("dynamic table size " + capacity + " is negative");
        }
        this.indexed = indexed;
        this.maxSize = capacity;
        allocate(capacity);
    }

    private void allocate(int newCapacity) {
        capacity = newCapacity;
        ring = new byte[Math.max(1, newCapacity)];
        slots = Math.max(1, newCapacity / ENTRY_OVERHEAD);
        starts = new int[slots];
        nameLengths = new int[slots];
        valueLengths = new int[slots];
        first = 0;
        count = 0;
        head = 0;
        size = 0;
        if (indexed) {
            int buckets = Integer.highestOneBit(Math.max(2, slots) * 2 - 1) << 1; // a power of two, at least 2 * slots
            nameHashes = new int[slots];
            fieldHashes = new int[slots];
            nameNext = new int[slots];
            fieldNext = new int[slots];
            nameHeads = new int[buckets];
            fieldHeads = new int[buckets];
        }
    }

    /** Grows the storage to hold a maximum size of {@code newCapacity}, keeping the entries; allocates. */
    void ensureCapacity(int newCapacity) {
        if (newCapacity <= capacity) {
            return;
        }
        byte[] oldRing = ring;
        int[] oldStarts = starts;
        int[] oldNames = nameLengths;
        int[] oldValues = valueLengths;
        int[] oldNameHashes = nameHashes;
        int[] oldFieldHashes = fieldHashes;
        int oldSlots = slots;
        int oldFirst = first;
        int oldCount = count;
        int oldSize = size;
        allocate(newCapacity);
        for (int k = 0; k < oldCount; k++) {
            int from = (oldFirst + k) % oldSlots;
            int length = oldNames[from] + oldValues[from];
            int start = oldStarts[from];
            int toEnd = Math.min(length, oldRing.length - start);
            starts[k] = head;
            nameLengths[k] = oldNames[from];
            valueLengths[k] = oldValues[from];
            write(oldRing, start, toEnd);
            write(oldRing, 0, length - toEnd);
            count++;
            if (indexed) {
                link(k, oldNameHashes[from], oldFieldHashes[from]);
            }
        }
        size = oldSize;
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    int count() {
        return count;
    }

    /** Sets the maximum size (RFC 7541 section 4.3), evicting the oldest entries until the table fits. */
    void setMaxSize(int newMaxSize) {
        if (newMaxSize < 0 || newMaxSize > capacity) {
            throw new IllegalArgumentException("dynamic table size " + newMaxSize + " outside 0.." + capacity);
        }
        maxSize = newMaxSize;
        while (size > newMaxSize) {
            evictOldest();
        }
    }

    /**
     * Adds an entry (RFC 7541 section 4.4): evicts the oldest entries until it fits; an entry larger than the maximum
     * size empties the table and is not added. The sources must not be this table's ring (a name taken from the table
     * is copied out first: its entry may be the one evicted).
     *
     * @return whether the entry was added
     */
    boolean add(byte[] name, int nameFrom, int nameLength, byte[] value, int valueFrom, int valueLength,
                int nameHash, int fieldHash) {
        long entrySize = (long) nameLength + valueLength + ENTRY_OVERHEAD;
        if (entrySize > maxSize) {
            clear();
            return false;
        }
        while (size + entrySize > maxSize) {
            evictOldest();
        }
        int slot = first + count;
        if (slot >= slots) {
            slot -= slots;
        }
        starts[slot] = head;
        nameLengths[slot] = nameLength;
        valueLengths[slot] = valueLength;
        write(name, nameFrom, nameLength);
        write(value, valueFrom, valueLength);
        count++;
        size += (int) entrySize;
        if (indexed) {
            link(slot, nameHash, fieldHash);
        }
        return true;
    }

    /** Removes every entry; the maximum size stays. */
    void clear() {
        if (indexed) {
            Arrays.fill(nameHeads, 0);
            Arrays.fill(fieldHeads, 0);
        }
        first = 0;
        count = 0;
        head = 0;
        size = 0;
    }

    private void evictOldest() {
        int slot = first;
        if (indexed) {
            unlink(nameHeads, nameNext, nameHashes[slot], slot);
            unlink(fieldHeads, fieldNext, fieldHashes[slot], slot);
        }
        size -= nameLengths[slot] + valueLengths[slot] + ENTRY_OVERHEAD;
        count--;
        first = slot + 1 == slots ? 0 : slot + 1;
        if (count == 0) {
            first = 0;
            head = 0; // an empty table starts over at offset 0: fewer entries wrap
        }
    }

    private void write(byte[] src, int from, int length) {
        int toEnd = ring.length - head;
        if (length < toEnd) {
            System.arraycopy(src, from, ring, head, length);
            head += length;
        } else {
            System.arraycopy(src, from, ring, head, toEnd);
            System.arraycopy(src, from + toEnd, ring, 0, length - toEnd);
            head = length - toEnd;
        }
    }

    // ---- reading, by slot; index 1 is the newest entry

    /** The slot of the entry at dynamic index {@code index}, 1 to {@link #count()}. */
    int slot(int index) {
        int slot = first + count - index;
        return slot >= slots ? slot - slots : slot;
    }

    byte[] ring() {
        return ring;
    }

    int nameStart(int slot) {
        return starts[slot];
    }

    int nameLength(int slot) {
        return nameLengths[slot];
    }

    int valueStart(int slot) {
        int start = starts[slot] + nameLengths[slot];
        return start >= ring.length ? start - ring.length : start;
    }

    int valueLength(int slot) {
        return valueLengths[slot];
    }

    /** Whether the ring range starting at {@code from} is contiguous (does not wrap). */
    boolean contiguous(int from, int length) {
        return from + length <= ring.length;
    }

    /** Copies a ring range, which may wrap, to the start of {@code dst}. */
    void copy(int from, int length, byte[] dst) {
        int toEnd = Math.min(length, ring.length - from);
        System.arraycopy(ring, from, dst, 0, toEnd);
        System.arraycopy(ring, 0, dst, toEnd, length - toEnd);
    }

    // ---- encoder lookups

    /**
     * The hash of a field: its name's hash continued over the value's length and at most its first and last 16 octets
     * (a lookup compares the octets anyway: hashing a long user-agent in full would cost more than the comparison).
     */
    static int fieldHash(int nameHash, byte[] value, int from, int length) {
        int h = 31 * nameHash + length;
        int end = from + length;
        if (length > 2 * SAMPLED_OCTETS) {
            h = hash(h, value, from, from + SAMPLED_OCTETS);
            from = end - SAMPLED_OCTETS;
        }
        return hash(h, value, from, end);
    }

    private static int hash(int seed, byte[] b, int from, int to) {
        int h = seed;
        for (int i = from; i < to; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    /** The dynamic index (1 = newest) of an entry with exactly this name and value, or 0. */
    int indexOfField(byte[] name, int nameFrom, int nameLength, byte[] value, int valueFrom, int valueLength,
                     int fieldHash) {
        for (int link = fieldHeads[bucket(fieldHash)]; link != 0; link = fieldNext[link - 1]) {
            int slot = link - 1;
            if (fieldHashes[slot] == fieldHash && nameLengths[slot] == nameLength
                    && valueLengths[slot] == valueLength && equal(starts[slot], name, nameFrom, nameLength)
                    && equal(valueStart(slot), value, valueFrom, valueLength)) {
                return indexOfSlot(slot);
            }
        }
        return 0;
    }

    /** The dynamic index (1 = newest) of the newest entry with exactly this name, or 0. */
    int indexOfName(byte[] name, int nameFrom, int nameLength, int nameHash) {
        for (int link = nameHeads[bucket(nameHash)]; link != 0; link = nameNext[link - 1]) {
            int slot = link - 1;
            if (nameHashes[slot] == nameHash && nameLengths[slot] == nameLength
                    && equal(starts[slot], name, nameFrom, nameLength)) {
                return indexOfSlot(slot);
            }
        }
        return 0;
    }

    private int indexOfSlot(int slot) {
        int age = first + count - 1 - slot; // from -(slots - 1) to 2 * slots - 2
        if (age < 0) {
            age += slots;
        } else if (age >= slots) {
            age -= slots;
        }
        return age + 1;
    }

    private boolean equal(int ringFrom, byte[] b, int from, int length) {
        int toEnd = ring.length - ringFrom;
        if (length <= toEnd) {
            return Arrays.equals(ring, ringFrom, ringFrom + length, b, from, from + length);
        }
        return Arrays.equals(ring, ringFrom, ring.length, b, from, from + toEnd)
                && Arrays.equals(ring, 0, length - toEnd, b, from + toEnd, from + length);
    }

    private void link(int slot, int nameHash, int fieldHash) {
        nameHashes[slot] = nameHash;
        fieldHashes[slot] = fieldHash;
        int nb = bucket(nameHash);
        nameNext[slot] = nameHeads[nb];
        nameHeads[nb] = slot + 1;
        int fb = bucket(fieldHash);
        fieldNext[slot] = fieldHeads[fb];
        fieldHeads[fb] = slot + 1;
    }

    /** Unlinks the oldest entry, the last of its chain. */
    private void unlink(int[] heads, int[] next, int hash, int slot) {
        int bucket = bucket(hash);
        if (heads[bucket] == slot + 1) {
            heads[bucket] = next[slot];
            return;
        }
        int p = heads[bucket] - 1;
        while (next[p] != slot + 1) {
            p = next[p] - 1;
        }
        next[p] = next[slot];
    }

    private int bucket(int hash) {
        return (hash ^ (hash >>> 11) ^ (hash >>> 21)) & (nameHeads.length - 1);
    }

    // ---- for tests and diagnostics (allocate)

    String name(int index) {
        int slot = slot(index);
        return string(starts[slot], nameLengths[slot]);
    }

    String value(int index) {
        int slot = slot(index);
        return string(valueStart(slot), valueLengths[slot]);
    }

    private String string(int from, int length) {
        byte[] b = new byte[length];
        copy(from, length, b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
