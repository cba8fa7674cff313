package dev.weft.codec.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helpers: hex blocks, a recording sink, table dumps. */
final class Hpack {
    private Hpack() {
    }

    /** Octets from hex, whitespace ignored ("8286 8441"). */
    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("\\s", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A decoded field; toString is "name: value", with " (never indexed)" when so sent. */
    record Field(String name, String value, boolean neverIndexed) {
        Field(String name, String value) {
            this(name, value, false);
        }

        @Override
        public String toString() {
            return name + ": " + value + (neverIndexed ? " (never indexed)" : "");
        }
    }

    /** Records every field it is given, copying the ranges. */
    static final class Recorder implements HeaderSink {
        final List<Field> fields = new ArrayList<>();

        @Override
        public void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
                          boolean neverIndexed) {
            fields.add(new Field(new String(name, nameOffset, nameLength, StandardCharsets.ISO_8859_1),
                    new String(value, valueOffset, valueLength, StandardCharsets.ISO_8859_1), neverIndexed));
        }
    }

    static List<Field> decode(HpackDecoder decoder, byte[] block) throws HpackException {
        Recorder recorder = new Recorder();
        decoder.decode(ByteBuffer.wrap(block), recorder);
        return recorder.fields;
    }

    static List<Field> decode(HpackDecoder decoder, String hexBlock) throws HpackException {
        return decode(decoder, hex(hexBlock));
    }

    /** The table as "[index] (s = size) name: value" lines, newest first, as RFC 7541 Appendix C prints it. */
    static List<String> dump(DynamicTable table) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= table.count(); i++) {
            String name = table.name(i);
            String value = table.value(i);
            lines.add("[" + i + "] (s = " + (name.length() + value.length() + 32) + ") " + name + ": " + value);
        }
        return lines;
    }

    static void assertTable(DynamicTable table, int size, String... entries) {
        assertEquals(List.of(entries), dump(table));
        assertEquals(size, table.size(), "table size");
    }

    /** Encodes a header list as one block with a fresh-enough buffer. */
    static byte[] encode(HpackEncoder encoder, List<Field> fields) {
        int capacity = HpackEncoder.MAX_BLOCK_PREFIX_SIZE;
        for (Field f : fields) {
            capacity += HpackEncoder.maxEncodedSize(f.name().length(), f.value().length());
        }
        ByteBuffer out = ByteBuffer.allocate(capacity);
        encoder.beginBlock(out);
        for (Field f : fields) {
            encoder.encodeField(out, f.name(), f.value(), f.neverIndexed());
        }
        out.flip();
        byte[] block = new byte[out.remaining()];
        out.get(block);
        return block;
    }
}
