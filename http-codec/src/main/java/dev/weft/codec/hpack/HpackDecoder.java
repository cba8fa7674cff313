package dev.weft.codec.hpack;

import java.nio.ByteBuffer;

/**
 * Decoder of HPACK header blocks (RFC 7541), one per connection direction. {@link #decode} takes a complete header
 * block (HEADERS or PUSH_PROMISE with its CONTINUATION frames, reassembled) and hands each field to a {@link
 * HeaderSink} as byte ranges. Once its scratch arrays have grown to the largest string seen, decoding allocates
 * nothing: not for Huffman strings (a table-driven decoder, up to two symbols per lookup, into a reused array), not
 * for dynamic table insertions and evictions (a byte ring sized once from the table size limit).
 *
 * <p>Limits. The dynamic table size is bounded by {@link #setMaxDynamicTableSize} (our SETTINGS_HEADER_TABLE_SIZE): a
 * size update above it is a {@link HpackException.Kind#COMPRESSION} error, and after the limit is lowered below the
 * table's current size the next block must start with a size update (RFC 7541 section 4.2). The header list size
 * (RFC 9113 SETTINGS_MAX_HEADER_LIST_SIZE: name + value + 32 per field) is bounded by {@code maxHeaderListSize}:
 * once the fields decoded so far exceed it, the decoder stops calling the sink but decodes the rest of the block, so
 * the dynamic table stays in step with the peer's, and throws {@link HpackException.Kind#HEADER_LIST_TOO_LARGE} at
 * the end. A string literal whose encoded length is above {@code maxHeaderListSize} makes the list too large at once
 * and is not decoded into memory (HPACK bomb): it is only validated, and copied into the dynamic table when its
 * representation adds it and it fits there (an entry larger than the table empties the table, RFC 7541 section 4.4,
 * which needs no octets). So a too-large list is always a stream error, never a connection error.
 *
 * <p>Not thread-safe. The sink's ranges point into the block, the dynamic table, shared static arrays or scratch
 * arrays, and are valid only during the call; the sink must not modify them, nor throw (the rest of the block would
 * not reach the table: discard the decoder and the connection).
 */
public final class HpackDecoder {
    /** RFC 9113 section 6.5.2: the initial SETTINGS_HEADER_TABLE_SIZE. */
    public static final int DEFAULT_TABLE_SIZE = 4096;

    private static final int INITIAL_SCRATCH = 256;

    private final DynamicTable table;
    private final StringSlot name = new StringSlot();
    private final StringSlot value = new StringSlot();
    private int limit;               // our SETTINGS_HEADER_TABLE_SIZE
    private int maxHeaderListSize;
    private boolean sizeUpdateRequired;
    private int requiredMax;         // the lowest limit set since the peer's last size update
    private byte[] blockCopy = new byte[0];

    // the block being decoded
    private byte[] src;
    private int pos;
    private int end;
    private long listSize;
    private boolean tooLarge;
    private boolean fieldSeen;

    /**
     * @param maxDynamicTableSize the dynamic table size limit, and the table's initial maximum size: the protocol's
     *                            initial value ({@link #DEFAULT_TABLE_SIZE} for HTTP/2); announce a different one
     *                            with {@link #setMaxDynamicTableSize} once the peer acknowledged it
     * @param maxHeaderListSize   the most header list size (name + value + 32 per field) a block may decode to
     */
    public HpackDecoder(int maxDynamicTableSize, int maxHeaderListSize) {
        if (maxHeaderListSize < 0) {
            throw new IllegalArgumentException("max header list size " + maxHeaderListSize + " is negative");
        }
        this.table = new DynamicTable(maxDynamicTableSize, false);
        this.limit = maxDynamicTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /**
     * Sets the dynamic table size limit (our SETTINGS_HEADER_TABLE_SIZE, once acknowledged by the peer). Size updates
     * above it are decoding errors. When it is below the table's current maximum size, the next block must start with
     * a size update not above the lowest limit set meanwhile (RFC 7541 section 4.2); when it is not, no update is
     * required (as nghttp2: an encoder need not signal a change that leaves its table size as it is). Raising it
     * beyond the size given so far grows the table's storage, a byte ring of that many octets (allocates once).
     */
    public void setMaxDynamicTableSize(int maxDynamicTableSize) {
        if (maxDynamicTableSize < 0) {
            throw new IllegalArgumentException("dynamic table size " + maxDynamicTableSize + " is negative");
        }
        table.ensureCapacity(maxDynamicTableSize);
        limit = maxDynamicTableSize;
        if (table.maxSize() > maxDynamicTableSize) {
            requiredMax = sizeUpdateRequired ? Math.min(requiredMax, maxDynamicTableSize) : maxDynamicTableSize;
            sizeUpdateRequired = true;
        }
    }

    /** Sets the header list size limit (our SETTINGS_MAX_HEADER_LIST_SIZE) for the following blocks. */
    public void setMaxHeaderListSize(int maxHeaderListSize) {
        if (maxHeaderListSize < 0) {
            throw new IllegalArgumentException("max header list size " + maxHeaderListSize + " is negative");
        }
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /** The dynamic table's size in the sense of RFC 7541 section 4.1 (octets + 32 per entry). */
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
     * Decodes a complete header block, consuming all of it, and hands its fields to {@code sink} in order.
     *
     * @throws HpackException {@link HpackException.Kind#COMPRESSION} on a decoding error (connection error; the
     *                        decoder must not be used again), or {@link HpackException.Kind#HEADER_LIST_TOO_LARGE}
     *                        after the whole block was decoded (stream error; the decoder stays usable)
     */
    public void decode(ByteBuffer block, HeaderSink sink) throws HpackException {
        int length = block.remaining();
        if (block.hasArray()) {
            src = block.array();
            pos = block.arrayOffset() + block.position();
        } else {
            if (blockCopy.length < length) {
                blockCopy = new byte[Math.max(length, 2 * blockCopy.length)];
            }
            block.get(block.position(), blockCopy, 0, length);
            src = blockCopy;
            pos = 0;
        }
        end = pos + length;
        block.position(block.limit());
        listSize = 0;
        tooLarge = false;
        fieldSeen = false;
        try {
            if (sizeUpdateRequired && (pos == end || (src[pos] & 0xE0) != 0x20)) {
                throw HpackException.compression("no dynamic table size update at the start of the block after the"
                        + " limit was lowered to " + requiredMax);
            }
            while (pos < end) {
                representation(sink);
            }
        } finally {
            src = null;
            name.clear();
            value.clear();
        }
        if (tooLarge) {
            throw new HpackException(HpackException.Kind.HEADER_LIST_TOO_LARGE, "header list size " + listSize
                    + " above the limit " + maxHeaderListSize + " (name + value + 32 per field)");
        }
    }

    /** One representation, dispatched on its first octet (RFC 7541 section 6). */
    private void representation(HeaderSink sink) throws HpackException {
        int b = src[pos];
        if (b < 0) {
            indexed(integer(7), sink);                      // 1xxxxxxx: indexed (section 6.1)
        } else if (b >= 0x40) {
            literal(integer(6), true, false, sink);         // 01xxxxxx: with incremental indexing (section 6.2.1)
        } else if (b >= 0x20) {
            sizeUpdate(integer(5));                         // 001xxxxx: dynamic table size update (section 6.3)
        } else {
            literal(integer(4), false, b >= 0x10, sink);    // 0000xxxx without indexing, 0001xxxx never indexed
        }
    }

    private void indexed(int index, HeaderSink sink) throws HpackException {
        fieldSeen = true;
        if (index == 0) {
            throw HpackException.compression("index 0 is not a table index"); // RFC 7541 section 6.1
        }
        if (index <= StaticTable.LENGTH) {
            byte[] n = StaticTable.name(index);
            byte[] v = StaticTable.value(index);
            if (fits(n.length, v.length)) {
                sink.field(n, 0, n.length, v, 0, v.length, false);
            }
            return;
        }
        int slot = dynamicSlot(index);
        if (fits(table.nameLength(slot), table.valueLength(slot))) { // else no copy: repeated references stay cheap
            fromTable(name, table.nameStart(slot), table.nameLength(slot), false);
            fromTable(value, table.valueStart(slot), table.valueLength(slot), false);
            emit(sink, false);
        }
    }

    private void literal(int nameIndex, boolean indexing, boolean neverIndexed, HeaderSink sink)
            throws HpackException {
        fieldSeen = true;
        if (nameIndex == 0) {
            string(name, indexing);
        } else if (nameIndex <= StaticTable.LENGTH) {
            name.set(StaticTable.name(nameIndex));
        } else {
            int slot = dynamicSlot(nameIndex);
            if (tooLarge && !indexing) {
                name.skipped(table.nameLength(slot));
            } else {
                // an indexing literal may evict the entry its name comes from: copy the name out of the ring first
                fromTable(name, table.nameStart(slot), table.nameLength(slot), indexing);
            }
        }
        string(value, indexing);
        if (fits(name.length, value.length)) {
            emit(sink, neverIndexed);
        }
        if (indexing) {
            insert();
        }
    }

    /** Adds the field just decoded to the dynamic table (RFC 7541 section 4.4). */
    private void insert() throws HpackException {
        long entrySize = (long) name.length + value.length + DynamicTable.ENTRY_OVERHEAD;
        if (entrySize > table.maxSize()) {
            table.clear(); // no octets needed: this is all a skipped (too long) string can do to the table
            return;
        }
        materialize(name);
        materialize(value);
        table.add(name.bytes, name.offset, name.length, value.bytes, value.offset, value.length, 0, 0);
    }

    private void sizeUpdate(int newSize) throws HpackException {
        if (fieldSeen) {
            throw HpackException.compression("dynamic table size update after the first field of the block"); // 4.2
        }
        if (newSize > limit) {
            throw HpackException.compression("dynamic table size update " + newSize + " above the limit " + limit);
        }
        if (sizeUpdateRequired) {
            if (newSize > requiredMax) {
                throw HpackException.compression("dynamic table size update " + newSize + " above " + requiredMax
                        + ", the lowest limit since the last update");
            }
            sizeUpdateRequired = false;
        }
        table.setMaxSize(newSize);
    }

    private int dynamicSlot(int index) throws HpackException {
        int dynamic = index - StaticTable.LENGTH;
        if (dynamic > table.count()) {
            throw HpackException.compression("index " + index + " beyond static + dynamic table ("
                    + StaticTable.LENGTH + " + " + table.count() + ")");
        }
        return table.slot(dynamic);
    }

    /** Points {@code slot} at a dynamic table range, copying it out when it wraps or {@code copy} is set. */
    private void fromTable(StringSlot slot, int from, int length, boolean copy) {
        if (!copy && table.contiguous(from, length)) {
            slot.set(table.ring(), from, length);
        } else {
            table.copy(from, length, slot.scratch(length));
            slot.set(slot.scratch, 0, length);
        }
    }

    /**
     * Reads a string literal (RFC 7541 section 5.2) into {@code slot}. A string above the header list size limit, or
     * any string once the list is too large unless the representation adds it to the table, is only validated.
     */
    private void string(StringSlot slot, boolean indexing) throws HpackException {
        if (pos >= end) {
            throw HpackException.compression("block ends where a string literal starts");
        }
        boolean huffman = src[pos] < 0;
        int length = integer(7);
        if (length > end - pos) {
            throw HpackException.compression("string literal length " + length + " beyond the block ("
                    + (end - pos) + " bytes left)");
        }
        slot.source(pos, length, huffman);
        pos += length;
        if (length > maxHeaderListSize) {
            tooLarge = true;
        }
        if (tooLarge && (!indexing || length > maxHeaderListSize)) {
            slot.skipped(huffman ? Huffman.decodedLength(src, slot.sourceOffset, length) : length);
        } else {
            materialize(slot);
        }
    }

    /** Decodes a string whose source is known and not decoded yet. */
    private void materialize(StringSlot slot) throws HpackException {
        if (slot.bytes != null) {
            return;
        }
        int from = slot.sourceOffset;
        int length = slot.sourceLength;
        if (!slot.huffman) {
            slot.set(src, from, length);
        } else {
            byte[] out = slot.scratch(Huffman.maxDecodedLength(length) + 1);
            slot.set(out, 0, Huffman.decode(src, from, length, out));
        }
    }

    /** Adds a field to the header list size: whether the list is still within the limit, so the field goes out. */
    private boolean fits(int nameLength, int valueLength) {
        listSize += (long) nameLength + valueLength + DynamicTable.ENTRY_OVERHEAD;
        if (listSize > maxHeaderListSize) {
            tooLarge = true;
        }
        return !tooLarge;
    }

    private void emit(HeaderSink sink, boolean neverIndexed) {
        sink.field(name.bytes, name.offset, name.length, value.bytes, value.offset, value.length, neverIndexed);
    }

    /** An integer with an N-bit prefix (RFC 7541 section 5.1), up to 2^31-1, starting at the current octet. */
    private int integer(int prefixBits) throws HpackException {
        int mask = (1 << prefixBits) - 1;
        int value = src[pos++] & mask;
        if (value < mask) {
            return value;
        }
        long result = value;
        for (int shift = 0; ; shift += 7) {
            if (pos >= end) {
                throw HpackException.compression("block ends inside an integer");
            }
            int b = src[pos++];
            result += (long) (b & 0x7F) << shift;
            if (result > Integer.MAX_VALUE) {
                throw HpackException.compression("integer overflows 2^31-1");
            }
            if (b >= 0) {
                return (int) result;
            }
            if (shift == 28) {
                throw HpackException.compression("integer longer than 5 continuation bytes");
            }
        }
    }

    /** Decodes the integer with an N-bit prefix at the start of {@code b}, for tests; allocates. */
    static int decodeInteger(byte[] b, int prefixBits) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(0, 0);
        decoder.src = b;
        decoder.end = b.length;
        if (b.length == 0) {
            throw HpackException.compression("block ends inside an integer");
        }
        return decoder.integer(prefixBits);
    }

    /** A name or value: a byte range, or a string literal that was validated but not decoded. */
    private static final class StringSlot {
        byte[] bytes;        // null: skipped, only length is known
        int offset;
        int length;
        int sourceOffset;    // the literal in the block, to decode a skipped string after all
        int sourceLength;
        boolean huffman;
        byte[] scratch = new byte[INITIAL_SCRATCH];

        void set(byte[] b) {
            set(b, 0, b.length);
        }

        void set(byte[] b, int from, int len) {
            bytes = b;
            offset = from;
            length = len;
        }

        void source(int from, int len, boolean isHuffman) {
            sourceOffset = from;
            sourceLength = len;
            huffman = isHuffman;
            bytes = null;
        }

        void skipped(int decodedLength) {
            bytes = null;
            length = decodedLength;
        }

        /** The scratch array, grown to at least {@code size}. */
        byte[] scratch(int size) {
            if (scratch.length < size) {
                scratch = new byte[Math.max(size, 2 * scratch.length)];
            }
            return scratch;
        }

        void clear() {
            bytes = null;
        }
    }
}
