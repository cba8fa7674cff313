package dev.weft.core.e2e;

import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackEncoder;
import dev.weft.codec.hpack.HpackException;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;

/**
 * The header block encoder of h2spec, written after the behaviour of the Go HPACK encoder it uses, so that the server
 * decodes the very representations h2spec sends (the codec's {@link HpackEncoder} chooses others): every field that
 * fits the 4096-octet dynamic table is a literal with incremental indexing (so even a 4040-octet dummy field evicts the
 * whole table, and a field sent again in the next block is a dynamic table reference), an exact match in the static
 * table (else the dynamic one) is an indexed field, and a name is sent by index when a table has it (the static
 * table's last entry of that name, else the newest dynamic one). Strings are Huffman-coded when strictly shorter. A
 * table size change is signalled at the start of the next field: the lowest size since the last one, if lower, then
 * the current one.
 */
final class H2SpecHpack {
    private static final int STATIC_LENGTH = 61;
    private static final int ENTRY_OVERHEAD = 32; // RFC 7541 section 4.1
    private static final String[][] STATIC = staticTable();

    private record Entry(String name, String value) {
        int size() {
            return name.length() + value.length() + ENTRY_OVERHEAD;
        }
    }

    /** Newest first. */
    private final Deque<Entry> dynamic = new ArrayDeque<>();
    private int size;
    private int maxSize = 4096;
    private int minSize = Integer.MAX_VALUE;
    private boolean sizeUpdatePending;
    /** Huffman-codes strings exactly as RFC 7541 requires, through the codec's public encoder (see {@link #string}). */
    private final HpackEncoder strings = new HpackEncoder(0, true);

    /** The encoding of {@code fields} as one header block; the dynamic table carries over to the next one. */
    byte[] encode(List<String[]> fields) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] f : fields) {
            field(out, f[0], f[1]);
        }
        return out.toByteArray();
    }

    /** Lowers (or raises, up to 4096) the table size: the next field starts with the update(s). */
    void setMaxDynamicTableSize(int v) {
        v = Math.min(v, 4096);
        minSize = Math.min(minSize, v);
        sizeUpdatePending = true;
        maxSize = v;
        evict();
    }

    private void field(ByteArrayOutputStream out, String name, String value) {
        if (sizeUpdatePending) {
            sizeUpdatePending = false;
            if (minSize < maxSize) {
                integer(out, minSize, 5, 0x20);
            }
            minSize = Integer.MAX_VALUE;
            integer(out, maxSize, 5, 0x20);
        }
        int staticName = 0;
        for (int i = 1; i <= STATIC_LENGTH; i++) {
            if (STATIC[i][0].equals(name)) {
                if (STATIC[i][1].equals(value)) {
                    integer(out, i, 7, 0x80);
                    return;
                }
                staticName = i; // the last entry of that name
            }
        }
        int dynamicName = 0;
        int index = STATIC_LENGTH;
        for (Entry e : dynamic) {
            index++;
            if (e.name().equals(name)) {
                if (e.value().equals(value)) {
                    integer(out, index, 7, 0x80);
                    return;
                }
                if (dynamicName == 0) {
                    dynamicName = index;
                }
            }
        }
        int nameIndex = staticName != 0 ? staticName : dynamicName;
        Entry entry = new Entry(name, value);
        boolean indexing = entry.size() <= maxSize;
        if (indexing) {
            dynamic.addFirst(entry);
            size += entry.size();
            evict();
        }
        if (nameIndex != 0) {
            integer(out, nameIndex, indexing ? 6 : 4, indexing ? 0x40 : 0x00);
        } else {
            out.write(indexing ? 0x40 : 0x00);
            string(out, name);
        }
        string(out, value);
    }

    private void evict() {
        for (Iterator<Entry> it = dynamic.descendingIterator(); size > maxSize && it.hasNext(); ) {
            size -= it.next().size();
            it.remove();
        }
    }

    /** An integer with an N-bit prefix (RFC 7541 section 5.1). */
    private static void integer(ByteArrayOutputStream out, int value, int prefixBits, int first) {
        int mask = (1 << prefixBits) - 1;
        if (value < mask) {
            out.write(first | value);
            return;
        }
        out.write(first | mask);
        for (value -= mask; value >= 0x80; value >>>= 7) {
            out.write(0x80 | (value & 0x7f));
        }
        out.write(value);
    }

    /**
     * A string literal, Huffman-coded when strictly shorter (RFC 7541 section 5.2). The codec's encoder, with no
     * dynamic table, writes a field with name :authority (static 1) and any other value as 0x01 followed by the value's
     * string literal, which is taken from there.
     */
    private void string(ByteArrayOutputStream out, String s) {
        if (s.isEmpty()) {
            out.write(0);
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(16 + 2 * s.length());
        strings.encodeField(b, ":authority", s, false);
        if (b.get(0) != 0x01) {
            throw new IllegalStateException("unexpected literal representation " + b.get(0));
        }
        out.write(b.array(), 1, b.position() - 1);
    }

    /** RFC 7541 Appendix A, read back from the codec's decoder (index 1 to 61). */
    private static String[][] staticTable() {
        String[][] t = new String[STATIC_LENGTH + 1][];
        HpackDecoder d = new HpackDecoder(0, 1 << 16);
        for (int i = 1; i <= STATIC_LENGTH; i++) {
            int index = i;
            try {
                d.decode(ByteBuffer.wrap(new byte[] {(byte) (0x80 | i)}), (n, no, nl, v, vo, vl, ni) -> t[index] =
                        new String[] {new String(n, no, nl, StandardCharsets.ISO_8859_1),
                                new String(v, vo, vl, StandardCharsets.ISO_8859_1)});
            } catch (HpackException e) {
                throw new IllegalStateException(e);
            }
        }
        return t;
    }
}
