package dev.weft.codec.hpack;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.List;

import dev.weft.codec.hpack.Hpack.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.weft.codec.hpack.Hpack.bytes;
import static dev.weft.codec.hpack.Hpack.decode;
import static dev.weft.codec.hpack.Hpack.dump;
import static dev.weft.codec.hpack.Hpack.encode;
import static dev.weft.codec.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HpackEncoderTest {

    private static String encodeOne(HpackEncoder encoder, String name, String value, boolean sensitive) {
        return hex(encode(encoder, List.of(new Field(name, value, sensitive))));
    }

    @ParameterizedTest
    @CsvSource({
            ":method, GET, 82",                  // exact static match
            ":status, 404, 8d",
            "accept-encoding, 'gzip, deflate', 90",
            ":path, /, 84",
            ":path, /x, 04 02 2f78",             // :path is not indexed: literal without indexing, static name
            "content-length, 12, 0f0d 02 3132",  // name index 28 with a 4-bit prefix
            "cookie, a=1, 1f11 03 613d31",       // never indexed, name index 32
            "set-cookie, a=1, 1f28 03 613d31",
            "authorization, x, 1f08 01 78",
            "proxy-authorization, x, 1f22 01 78",
            "user-agent, x, 7a 01 78",           // literal with incremental indexing, name index 58
            "x-new, aaaa, 40 05 782d6e6577 04 61616161"})
    void representationPolicy(String name, String value, String expected) {
        HpackEncoder encoder = new HpackEncoder(4096, false);
        assertEquals(expected.replace(" ", ""), encodeOne(encoder, name, value, false));
    }

    @Test
    void huffmanOnlyWhenShorter() {
        HpackEncoder encoder = new HpackEncoder(4096);
        // 0xff has a 26-bit code: raw is shorter
        assertEquals("7a 02 ffff".replace(" ", ""), hex(encodeBytes(encoder, "user-agent", new byte[] {-1, -1})));
        // 'a' (5 bits) three times: 15 bits, 2 octets instead of 3
        assertEquals("7a 82 18c7".replace(" ", ""), encodeOne(encoder, "user-agent", "aaa", false));
        // "307": 17 bits, 3 octets either way: raw
        assertEquals("48 03 333037".replace(" ", ""), encodeOne(encoder, ":status", "307", false));
    }

    private static byte[] encodeBytes(HpackEncoder encoder, String name, byte[] value) {
        ByteBuffer out = ByteBuffer.allocate(64);
        encoder.beginBlock(out);
        encoder.encodeField(out, bytes(name), value, false);
        byte[] b = new byte[out.flip().remaining()];
        out.get(b);
        return b;
    }

    @Test
    void anExactDynamicMatchIsIndexedUnlessSensitive() {
        HpackEncoder encoder = new HpackEncoder(4096, false);
        assertEquals("40 07 782d746f6b656e 03 616263".replace(" ", ""), encodeOne(encoder, "x-token", "abc", false));
        assertEquals("be", encodeOne(encoder, "x-token", "abc", false));
        // sensitive: the shorter indexed form would reveal the match; the name comes from the table
        assertEquals("1f2f 03 616263".replace(" ", ""), encodeOne(encoder, "x-token", "abc", true));
        assertEquals("7e 03 78797a".replace(" ", ""), encodeOne(encoder, "x-token", "xyz", false));
        assertEquals(2, encoder.dynamicTableEntries());
        assertEquals("bf", encodeOne(encoder, "x-token", "abc", false));
        assertEquals("be", encodeOne(encoder, "x-token", "xyz", false));
    }

    @Test
    void aSensitiveNameIsNeverIndexedEvenTheSecondTime() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        for (int i = 0; i < 2; i++) {
            List<Field> fields = decode(decoder, encode(encoder, List.of(new Field("cookie", "session=1"))));
            assertEquals(List.of(new Field("cookie", "session=1", true)), fields);
        }
        assertEquals(0, encoder.dynamicTableEntries());
    }

    @Test
    void aFieldTakingMoreThanThreeQuartersOfTheTableIsNotIndexed() {
        HpackEncoder encoder = new HpackEncoder(256, false);
        encoder.setPeerMaxTableSize(256);
        String value = "v".repeat(192 - 32 - 3 + 1); // entry 193 > 192
        byte[] block = encode(encoder, List.of(new Field("x-a", value)));
        assertEquals("3fe101" + "0003", hex(block).substring(0, 10));
        assertEquals(0, encoder.dynamicTableEntries());
        encode(encoder, List.of(new Field("x-a", value.substring(1)))); // 192: indexed
        assertEquals(1, encoder.dynamicTableEntries());
    }

    @Test
    void tableSizeUpdates() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        assertEquals("82", hex(encode(encoder, List.of(new Field(":method", "GET"))))); // 4096 already: none
        encoder.setPeerMaxTableSize(8192);
        assertEquals("82", hex(encode(encoder, List.of(new Field(":method", "GET"))))); // own maximum: none
        encode(encoder, List.of(new Field("x-a", "1")));
        assertEquals(1, encoder.dynamicTableEntries());
        encoder.setPeerMaxTableSize(0);
        encoder.setPeerMaxTableSize(4096);
        assertEquals("20 3fe11f 82".replace(" ", ""), hex(encode(encoder, List.of(new Field(":method", "GET")))));
        assertEquals(0, encoder.dynamicTableEntries());
        encoder.setPeerMaxTableSize(100);
        assertEquals("3f45 82".replace(" ", ""), hex(encode(encoder, List.of(new Field(":method", "GET")))));
        encoder.setPeerMaxTableSize(50);
        encoder.setPeerMaxTableSize(200);
        assertEquals("3f13 3fa901 82".replace(" ", ""), hex(encode(encoder, List.of(new Field(":method", "GET")))));

        HpackEncoder big = new HpackEncoder(16384);
        assertEquals("82", hex(encode(big, List.of(new Field(":method", "GET")))));
        big.setPeerMaxTableSize(65536);
        assertEquals("3fe17f 82".replace(" ", ""), hex(encode(big, List.of(new Field(":method", "GET")))));

        HpackEncoder zero = new HpackEncoder(0);
        HpackDecoder decoder = new HpackDecoder(4096, 16384);
        byte[] block = encode(zero, List.of(new Field("x-a", "1"), new Field("x-a", "1")));
        assertTrue(hex(block).startsWith("20"));
        assertEquals(List.of(new Field("x-a", "1"), new Field("x-a", "1")), decode(decoder, block));
        assertEquals(0, decoder.dynamicTableEntries());
    }

    @Test
    void aBufferTooSmallThrowsAndChangesNothing() {
        HpackEncoder encoder = new HpackEncoder(4096, false);
        encoder.setPeerMaxTableSize(1000);
        ByteBuffer tiny = ByteBuffer.allocate(2);
        assertThrows(BufferOverflowException.class, () -> encoder.beginBlock(tiny)); // 1000 is 3f c9 07
        assertEquals(0, tiny.position());
        ByteBuffer out = ByteBuffer.allocate(3);
        encoder.beginBlock(out);
        assertEquals("3fc907", hex(out.array()));

        ByteBuffer small = ByteBuffer.allocate(10);
        assertThrows(BufferOverflowException.class,
                () -> encoder.encodeField(small, "x-custom", "value", false)); // 16 octets
        assertEquals(0, small.position());
        assertEquals(0, encoder.dynamicTableEntries());
        ByteBuffer exact = ByteBuffer.allocate(16);
        encoder.encodeField(exact, "x-custom", "value", false);
        assertEquals("4008782d637573746f6d0576616c7565", hex(exact.array()));
        assertEquals(1, encoder.dynamicTableEntries());
        assertThrows(BufferOverflowException.class, () -> encoder.encodeField(small.position(10), "x-custom", "value",
                false)); // indexed now, but no room at all
    }

    @Test
    void maxEncodedSizeBoundsEveryRepresentation() {
        assertEquals(13, HpackEncoder.maxEncodedSize(0, 0));
        assertEquals(1000 + 200 + 13, HpackEncoder.maxEncodedSize(1000, 200));
        assertThrows(ArithmeticException.class, () -> HpackEncoder.maxEncodedSize(Integer.MAX_VALUE, 1));
        assertThrows(IllegalArgumentException.class, () -> HpackEncoder.maxEncodedSize(-1, 1));
        // the worst cases: a new name with raw strings at integer boundaries, and an empty name by a large index
        HpackEncoder encoder = new HpackEncoder(65536, false);
        encoder.setPeerMaxTableSize(65536);
        for (int length : new int[] {0, 126, 127, 128, 254, 255, 16510, 16511}) {
            String name = "n".repeat(length);
            ByteBuffer out = ByteBuffer.allocate(HpackEncoder.maxEncodedSize(length, length));
            encoder.beginBlock(ByteBuffer.allocate(HpackEncoder.MAX_BLOCK_PREFIX_SIZE));
            encoder.encodeField(out, name, name, true);
            assertTrue(out.position() <= out.capacity());
        }
    }

    @Test
    void aDirectOrReadOnlyOutputBuffer() {
        HpackEncoder heap = new HpackEncoder(4096);
        HpackEncoder direct = new HpackEncoder(4096);
        List<Field> fields = List.of(new Field(":method", "GET"), new Field(":authority", "example.com"),
                new Field("user-agent", "weft/0.1"), new Field("cookie", "a=b"));
        for (int round = 0; round < 2; round++) {
            byte[] expected = encode(heap, fields);
            ByteBuffer out = ByteBuffer.allocateDirect(256);
            direct.beginBlock(out);
            for (Field f : fields) {
                direct.encodeField(out, f.name(), f.value(), false);
            }
            byte[] actual = new byte[out.flip().remaining()];
            out.get(actual);
            assertEquals(hex(expected), hex(actual));
        }
        assertThrows(java.nio.ReadOnlyBufferException.class,
                () -> heap.encodeField(ByteBuffer.allocate(64).asReadOnlyBuffer(), "x-a", "1", false));
    }

    @Test
    void rangesAndStringsEncodeAlike() {
        HpackEncoder strings = new HpackEncoder(4096);
        HpackEncoder ranges = new HpackEncoder(4096);
        ByteBuffer a = ByteBuffer.allocate(64);
        ByteBuffer b = ByteBuffer.allocate(64);
        strings.encodeField(a, "x-\u00e9t\u00e9".translateEscapes(), "caf\u00e9".translateEscapes(), false);
        byte[] buffer = bytes("..x-\u00e9t\u00e9caf\u00e9..".translateEscapes());
        ranges.encodeField(b, buffer, 2, 5, buffer, 7, 4, false);
        assertEquals(hex(a.flip().array()), hex(b.flip().array()));
        assertEquals(dump(strings.table()), dump(ranges.table()));
        assertThrows(IllegalArgumentException.class, () -> strings.encodeField(a, "x", "\u20ac".translateEscapes(),
                false));
        assertThrows(IndexOutOfBoundsException.class, () -> ranges.encodeField(b, buffer, 10, 6, buffer, 0, 1, false));
    }
}
