package dev.weft.codec.hpack;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Encoder of HPACK header blocks (RFC 7541), one per connection direction. Call {@link #beginBlock} at the start of
 * every header block, then {@link #encodeField} per field. Names are written as given: HTTP/2 requires them in
 * lowercase (RFC 9113 section 8.2.1), and the lookups below are case-sensitive. The byte[] methods allocate nothing
 * once the encoder is built (nor does the String one, for names and values up to the longest seen).
 *
 * <p>Policy, per field:
 * <ol>
 *   <li>an exact match in the static or dynamic table is sent as an indexed field, unless the field is sensitive;</li>
 *   <li>a sensitive field ({@code sensitive}, or a name among authorization, proxy-authorization, cookie and
 *       set-cookie) is a never-indexed literal (RFC 7541 section 7.1.3): no exact match is used for it either, as the
 *       shorter encoding would tell an observer that the value equals a table entry (CRIME-style probing);</li>
 *   <li>any other field is a literal with incremental indexing, except: names whose values differ per message
 *       ({@code :path}, content-length, etag, if-modified-since, if-none-match, age), and fields whose entry would
 *       take more than 3/4 of the table (it would evict most of it); these are literals without indexing.</li>
 * </ol>
 * The name is sent by index when the static table (preferred: smaller indices) or the dynamic table has it. A string
 * is Huffman-coded only when that is strictly shorter.
 *
 * <p>Table size. The encoder uses min(its own maximum, the peer's SETTINGS_HEADER_TABLE_SIZE), starting from the
 * peer's initial 4096, and writes the required dynamic table size update(s) at the start of the next block: the
 * lowest size reached since the last block, then the final one if different (RFC 7541 section 4.2).
 *
 * <p>If {@code out} is too small, a method throws {@link BufferOverflowException} without writing anything and
 * without changing the encoder's state. Not thread-safe.
 */
public final class HpackEncoder {
    /** RFC 9113 section 6.5.2: the initial SETTINGS_HEADER_TABLE_SIZE, the peer's table size before its SETTINGS. */
    public static final int DEFAULT_TABLE_SIZE = 4096;
    /** The most octets {@link #beginBlock} writes: two dynamic table size updates. */
    public static final int MAX_BLOCK_PREFIX_SIZE = 12;

    private static final int MAX_INTEGER_LENGTH = 6; // 2^31-1 with any prefix: prefix octet + 5 continuation octets

    private final int ownMaxTableSize;
    private final boolean huffman;
    private final DynamicTable table;
    private int announcedSize = DEFAULT_TABLE_SIZE; // the table size the peer's decoder knows
    private int targetSize;                         // min(own, peer)
    private int lowestSize;                         // the lowest target since the last block start

    private byte[] nameScratch = new byte[64];
    private byte[] valueScratch = new byte[256];
    private byte[] outScratch = new byte[256];

    // the output being written: the buffer's array, or outScratch for a buffer without one
    private byte[] dst;
    private int dp;

    /** An encoder that Huffman-codes strings when shorter. */
    public HpackEncoder(int maxDynamicTableSize) {
        this(maxDynamicTableSize, true);
    }

    /**
     * @param maxDynamicTableSize the most dynamic table size this encoder will use, whatever the peer allows; its
     *                            table storage is allocated for it once
     * @param huffman             Huffman-code strings when shorter; false writes every string raw
     */
    public HpackEncoder(int maxDynamicTableSize, boolean huffman) {
        if (maxDynamicTableSize < 0) {
            throw new IllegalArgumentException("dynamic table size " + maxDynamicTableSize + " is negative");
        }
        this.ownMaxTableSize = maxDynamicTableSize;
        this.huffman = huffman;
        this.table = new DynamicTable(maxDynamicTableSize, true);
        this.targetSize = Math.min(maxDynamicTableSize, DEFAULT_TABLE_SIZE);
        this.lowestSize = targetSize;
        table.setMaxSize(targetSize);
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE: the change is signalled at the start of the next block. */
    public void setPeerMaxTableSize(int peerMaxTableSize) {
        if (peerMaxTableSize < 0) {
            throw new IllegalArgumentException("peer table size " + peerMaxTableSize + " is negative");
        }
        targetSize = Math.min(ownMaxTableSize, peerMaxTableSize);
        lowestSize = Math.min(lowestSize, targetSize);
    }

    /** The dynamic table's size in the sense of RFC 7541 section 4.1. */
    public int dynamicTableSize() {
        return table.size();
    }

    public int dynamicTableEntries() {
        return table.count();
    }

    DynamicTable table() {
        return table;
    }

    /**
     * The most octets {@link #encodeField} writes for a field of these lengths ({@link #beginBlock} excluded).
     *
     * @throws ArithmeticException when that is above {@link Integer#MAX_VALUE}
     */
    public static int maxEncodedSize(int nameLength, int valueLength) {
        if (nameLength < 0 || valueLength < 0) {
            throw new IllegalArgumentException("negative length: " + nameLength + ", " + valueLength);
        }
        // first octet + name length + name (or the name's index, no longer), then value length + value
        return Math.addExact(Math.addExact(nameLength, valueLength), 1 + 2 * MAX_INTEGER_LENGTH);
    }

    /**
     * Starts a header block: writes the pending dynamic table size update(s), at most {@link #MAX_BLOCK_PREFIX_SIZE}
     * octets, and applies them to the table.
     */
    public void beginBlock(ByteBuffer out) {
        boolean lowered = lowestSize < announcedSize;
        boolean changed = targetSize != (lowered ? lowestSize : announcedSize);
        if (!lowered && !changed) {
            return;
        }
        int size = (lowered ? integerLength(lowestSize, 5) : 0) + (changed ? integerLength(targetSize, 5) : 0);
        reserve(out, size);
        if (lowered) {
            writeInteger(lowestSize, 5, 0x20);
            table.setMaxSize(lowestSize);
        }
        if (changed) {
            writeInteger(targetSize, 5, 0x20);
        }
        finish(out, size);
        table.setMaxSize(targetSize);
        announcedSize = targetSize;
        lowestSize = targetSize;
    }

    /** Encodes one field; see the class comment for the representation chosen. */
    public void encodeField(ByteBuffer out, byte[] name, byte[] value, boolean sensitive) {
        encodeField(out, name, 0, name.length, value, 0, value.length, sensitive);
    }

    /**
     * Encodes one field given as ISO-8859-1 strings.
     *
     * @throws IllegalArgumentException if a character is above U+00FF
     */
    public void encodeField(ByteBuffer out, String name, String value, boolean sensitive) {
        nameScratch = latin1(name, nameScratch);
        valueScratch = latin1(value, valueScratch);
        encodeField(out, nameScratch, 0, name.length(), valueScratch, 0, value.length(), sensitive);
    }

    /** Encodes one field given as byte ranges, e.g. as a {@link HeaderSink} received it. */
    public void encodeField(ByteBuffer out, byte[] name, int nameOffset, int nameLength, byte[] value,
                            int valueOffset, int valueLength, boolean sensitive) {
        Objects.checkFromIndexSize(nameOffset, nameLength, name.length);
        Objects.checkFromIndexSize(valueOffset, valueLength, value.length);
        int nameHash = StaticTable.hash(name, nameOffset, nameLength);
        int staticName = StaticTable.indexOfName(name, nameOffset, nameLength, nameHash);
        boolean neverIndexed = sensitive || StaticTable.isSensitive(staticName);
        int fieldHash = 0;
        if (!neverIndexed) {
            int index = staticName == 0 ? 0 : StaticTable.indexOfField(staticName, value, valueOffset, valueLength);
            if (index == 0) {
                fieldHash = DynamicTable.fieldHash(nameHash, value, valueOffset, valueLength);
                int dynamic = table.indexOfField(name, nameOffset, nameLength, value, valueOffset, valueLength,
                        fieldHash);
                index = dynamic == 0 ? 0 : StaticTable.LENGTH + dynamic;
            }
            if (index != 0) {
                int size = integerLength(index, 7);
                reserve(out, size);
                writeInteger(index, 7, 0x80); // RFC 7541 section 6.1
                finish(out, size);
                return;
            }
        }
        int nameIndex = staticName;
        if (nameIndex == 0) {
            int dynamic = table.indexOfName(name, nameOffset, nameLength, nameHash);
            nameIndex = dynamic == 0 ? 0 : StaticTable.LENGTH + dynamic;
        }
        boolean indexing = !neverIndexed && !StaticTable.isNotIndexed(staticName)
                && (long) nameLength + valueLength + DynamicTable.ENTRY_OVERHEAD <= table.maxSize() * 3L / 4;
        int prefixBits = indexing ? 6 : 4;
        int first = indexing ? 0x40 : neverIndexed ? 0x10 : 0x00; // RFC 7541 sections 6.2.1, 6.2.3, 6.2.2
        int nameHuffman = nameIndex == 0 ? huffmanLength(name, nameOffset, nameLength) : -1;
        int valueHuffman = huffmanLength(value, valueOffset, valueLength);
        int size = (nameIndex != 0 ? integerLength(nameIndex, prefixBits) : 1 + stringLength(nameLength, nameHuffman))
                + stringLength(valueLength, valueHuffman);
        reserve(out, size);
        if (nameIndex != 0) {
            writeInteger(nameIndex, prefixBits, first);
        } else {
            dst[dp++] = (byte) first;
            writeString(name, nameOffset, nameLength, nameHuffman);
        }
        writeString(value, valueOffset, valueLength, valueHuffman);
        finish(out, size);
        if (indexing) {
            table.add(name, nameOffset, nameLength, value, valueOffset, valueLength, nameHash, fieldHash);
        }
    }

    /** The Huffman length of a string when Huffman coding is on and strictly shorter, else -1 (raw). */
    private int huffmanLength(byte[] b, int from, int length) {
        if (!huffman) {
            return -1;
        }
        long encoded = Huffman.encodedLength(b, from, length);
        return encoded < length ? (int) encoded : -1;
    }

    private static int stringLength(int rawLength, int huffmanLength) {
        int length = huffmanLength >= 0 ? huffmanLength : rawLength;
        return integerLength(length, 7) + length;
    }

    /** Octets of an integer with an N-bit prefix (RFC 7541 section 5.1). */
    static int integerLength(int value, int prefixBits) {
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            return 1;
        }
        int length = 2;
        for (int rest = value - mask; rest >= 0x80; rest >>>= 7) {
            length++;
        }
        return length;
    }

    private void writeInteger(int value, int prefixBits, int first) {
        dp = writeInteger(dst, dp, value, prefixBits, first);
    }

    /**
     * Writes an integer with an N-bit prefix (RFC 7541 section 5.1) at {@code at}, {@code first} holding the bits
     * above the prefix.
     *
     * @return the offset after it
     */
    static int writeInteger(byte[] dst, int at, int value, int prefixBits, int first) {
        int mask = (1 << prefixBits) - 1;
        int p = at;
        if (value < mask) {
            dst[p++] = (byte) (first | value);
            return p;
        }
        dst[p++] = (byte) (first | mask);
        int rest = value - mask;
        while (rest >= 0x80) {
            dst[p++] = (byte) (rest | 0x80);
            rest >>>= 7;
        }
        dst[p++] = (byte) rest;
        return p;
    }

    private void writeString(byte[] b, int from, int length, int huffmanLength) {
        if (huffmanLength >= 0) {
            writeInteger(huffmanLength, 7, 0x80);
            dp = Huffman.encode(b, from, length, dst, dp);
        } else {
            writeInteger(length, 7, 0x00);
            System.arraycopy(b, from, dst, dp, length);
            dp += length;
        }
    }

    /** Checks room for {@code size} octets and points {@code dst} at where they go. Nothing is written on failure. */
    private void reserve(ByteBuffer out, int size) {
        if (out.remaining() < size) {
            throw new BufferOverflowException();
        }
        if (out.hasArray()) {
            dst = out.array();
            dp = out.arrayOffset() + out.position();
        } else {
            if (outScratch.length < size) {
                outScratch = new byte[Math.max(size, 2 * outScratch.length)];
            }
            dst = outScratch;
            dp = 0;
        }
    }

    private void finish(ByteBuffer out, int size) {
        if (dst == outScratch) {
            out.put(outScratch, 0, size);
        } else {
            out.position(out.position() + size);
        }
        dst = null;
    }

    private static byte[] latin1(String s, byte[] scratch) {
        int length = s.length();
        byte[] b = scratch.length >= length ? scratch : new byte[Math.max(length, 2 * scratch.length)];
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(c | 0x10000).substring(1)
                        + " at " + i + " is not ISO-8859-1");
            }
            b[i] = (byte) c;
        }
        return b;
    }
}
