package dev.weft.codec.hpack;

import java.nio.ByteBuffer;
import java.util.List;

import dev.weft.codec.hpack.Hpack.Field;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.weft.codec.hpack.Hpack.assertTable;
import static dev.weft.codec.hpack.Hpack.decode;
import static dev.weft.codec.hpack.Hpack.encode;
import static dev.weft.codec.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every example of RFC 7541 Appendix C, decoded (fields and dynamic table after each block) and encoded. */
class RfcAppendixCTest {
    private static final List<Field> REQUEST_1 = List.of(new Field(":method", "GET"), new Field(":scheme", "http"),
            new Field(":path", "/"), new Field(":authority", "www.example.com"));
    private static final List<Field> REQUEST_2 = List.of(new Field(":method", "GET"), new Field(":scheme", "http"),
            new Field(":path", "/"), new Field(":authority", "www.example.com"),
            new Field("cache-control", "no-cache"));
    private static final List<Field> REQUEST_3 = List.of(new Field(":method", "GET"), new Field(":scheme", "https"),
            new Field(":path", "/index.html"), new Field(":authority", "www.example.com"),
            new Field("custom-key", "custom-value"));

    private static final String DATE_1 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private static final String DATE_2 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private static final String COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
    private static final List<Field> RESPONSE_1 = List.of(new Field(":status", "302"),
            new Field("cache-control", "private"), new Field("date", DATE_1),
            new Field("location", "https://www.example.com"));
    private static final List<Field> RESPONSE_2 = List.of(new Field(":status", "307"),
            new Field("cache-control", "private"), new Field("date", DATE_1),
            new Field("location", "https://www.example.com"));
    private static final List<Field> RESPONSE_3 = List.of(new Field(":status", "200"),
            new Field("cache-control", "private"), new Field("date", DATE_2),
            new Field("location", "https://www.example.com"), new Field("content-encoding", "gzip"),
            new Field("set-cookie", COOKIE));

    // C.3 (raw) and C.4 (Huffman)
    private static final String[] C3 = {
            "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "8286 84be 5808 6e6f 2d63 6163 6865",
            "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"};
    private static final String[] C4 = {
            "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
            "8286 84be 5886 a8eb 1064 9cbf",
            "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"};
    // C.5 (raw) and C.6 (Huffman), with a 256-octet table
    private static final String[] C5 = {
            "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32"
                    + "3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
            "4803 3330 37c1 c0bf",
            "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970"
                    + "7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61"
                    + "6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31"};
    private static final String[] C6 = {
            "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad"
                    + "1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
            "4883 640e ffc1 c0bf",
            "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2"
                    + "e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07"};

    // ---- C.1 integers

    @ParameterizedTest
    @CsvSource({
            "10, 5, 0a",       // C.1.1
            "1337, 5, 1f9a0a", // C.1.2
            "42, 8, 2a",       // C.1.3
            "31, 5, 1f00",     // the prefix full: one zero continuation octet
            "30, 5, 1e",
            "2147483647, 5, 1fe0ffffff07"})
    void integerRepresentation(int value, int prefixBits, String encoded) throws HpackException {
        byte[] out = new byte[8];
        int end = HpackEncoder.writeInteger(out, 0, value, prefixBits, 0);
        assertEquals(encoded, hex(java.util.Arrays.copyOf(out, end)));
        assertEquals(end, HpackEncoder.integerLength(value, prefixBits));
        assertEquals(value, HpackDecoder.decodeInteger(hex(encoded), prefixBits));
    }

    @Test
    void integerBitsAboveThePrefixAreIgnored() throws HpackException {
        assertEquals(10, HpackDecoder.decodeInteger(hex("ea"), 5)); // C.1.1 with 111 above the prefix
        assertEquals(1337, HpackDecoder.decodeInteger(hex("ff9a0a"), 5));
    }

    // ---- C.2 the four representations

    @Test
    void c21LiteralWithIndexing() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        String block = "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572";
        assertEquals(List.of(new Field("custom-key", "custom-header")), decode(decoder, block));
        assertTable(decoder.table(), 55, "[1] (s = 55) custom-key: custom-header");

        HpackEncoder encoder = new HpackEncoder(4096, false);
        assertEquals(hex(hex(block)), hex(encode(encoder, List.of(new Field("custom-key", "custom-header")))));
        assertTable(encoder.table(), 55, "[1] (s = 55) custom-key: custom-header");
    }

    @Test
    void c22LiteralWithoutIndexing() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        String block = "040c 2f73 616d 706c 652f 7061 7468";
        assertEquals(List.of(new Field(":path", "/sample/path")), decode(decoder, block));
        assertTable(decoder.table(), 0);

        HpackEncoder encoder = new HpackEncoder(4096, false); // :path is never indexed by our encoder
        assertEquals(hex(hex(block)), hex(encode(encoder, List.of(new Field(":path", "/sample/path")))));
        assertTable(encoder.table(), 0);
    }

    @Test
    void c23LiteralNeverIndexed() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        String block = "1008 7061 7373 776f 7264 0673 6563 7265 74";
        assertEquals(List.of(new Field("password", "secret", true)), decode(decoder, block));
        assertTable(decoder.table(), 0);

        HpackEncoder encoder = new HpackEncoder(4096, false);
        assertEquals(hex(hex(block)), hex(encode(encoder, List.of(new Field("password", "secret", true)))));
        assertTable(encoder.table(), 0);
    }

    @Test
    void c24IndexedField() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        assertEquals(List.of(new Field(":method", "GET")), decode(decoder, "82"));
        assertTable(decoder.table(), 0);
        assertEquals("82", hex(encode(new HpackEncoder(4096), List.of(new Field(":method", "GET")))));
    }

    // ---- C.3 and C.4 requests

    @ParameterizedTest(name = "huffman={0}")
    @ValueSource(booleans = {false, true})
    void requestsOnOneConnection(boolean huffman) throws HpackException {
        String[] blocks = huffman ? C4 : C3;
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        HpackEncoder encoder = new HpackEncoder(4096, huffman);

        assertEquals(REQUEST_1, decode(decoder, blocks[0]));
        String[] table1 = {"[1] (s = 57) :authority: www.example.com"};
        assertTable(decoder.table(), 57, table1);
        assertEquals(hex(hex(blocks[0])), hex(encode(encoder, REQUEST_1)));
        assertTable(encoder.table(), 57, table1);

        assertEquals(REQUEST_2, decode(decoder, blocks[1]));
        String[] table2 = {"[1] (s = 53) cache-control: no-cache", "[2] (s = 57) :authority: www.example.com"};
        assertTable(decoder.table(), 110, table2);
        assertEquals(hex(hex(blocks[1])), hex(encode(encoder, REQUEST_2)));
        assertTable(encoder.table(), 110, table2);

        assertEquals(REQUEST_3, decode(decoder, blocks[2]));
        String[] table3 = {"[1] (s = 54) custom-key: custom-value", "[2] (s = 53) cache-control: no-cache",
                "[3] (s = 57) :authority: www.example.com"};
        assertTable(decoder.table(), 164, table3);
        assertEquals(hex(hex(blocks[2])), hex(encode(encoder, REQUEST_3)));
        assertTable(encoder.table(), 164, table3);
        assertEquals(164, decoder.dynamicTableSize());
        assertEquals(3, decoder.dynamicTableEntries());
    }

    // ---- C.5 and C.6 responses, 256-octet table with evictions

    @ParameterizedTest(name = "huffman={0}")
    @ValueSource(booleans = {false, true})
    void responsesWithEvictions(boolean huffman) throws HpackException {
        String[] blocks = huffman ? C6 : C5;
        HpackDecoder decoder = new HpackDecoder(256, 65536);

        assertEquals(RESPONSE_1, decode(decoder, blocks[0]));
        assertTable(decoder.table(), 222,
                "[1] (s = 63) location: https://www.example.com",
                "[2] (s = 65) date: " + DATE_1,
                "[3] (s = 52) cache-control: private",
                "[4] (s = 42) :status: 302");

        assertEquals(RESPONSE_2, decode(decoder, blocks[1]));
        assertTable(decoder.table(), 222,
                "[1] (s = 42) :status: 307",
                "[2] (s = 63) location: https://www.example.com",
                "[3] (s = 65) date: " + DATE_1,
                "[4] (s = 52) cache-control: private");

        assertEquals(RESPONSE_3, decode(decoder, blocks[2]));
        assertTable(decoder.table(), 215,
                "[1] (s = 98) set-cookie: " + COOKIE,
                "[2] (s = 52) content-encoding: gzip",
                "[3] (s = 65) date: " + DATE_2);
    }

    @ParameterizedTest(name = "huffman={0}")
    @ValueSource(booleans = {false, true})
    void responsesEncodeAsTheRfcDoes(boolean huffman) throws HpackException {
        String[] blocks = huffman ? C6 : C5;
        HpackEncoder encoder = new HpackEncoder(256, huffman);
        // the peer's table starts at 4096 (RFC 9113 section 6.5.2): ours at 256 is signalled first
        assertEquals("3fe101" + hex(hex(blocks[0])), hex(encode(encoder, RESPONSE_1)));
        assertEquals(222, encoder.dynamicTableSize());
        // "307" is 3 octets raw and Huffman-coded alike: the RFC codes it, our encoder only codes when shorter
        assertEquals(huffman ? "4803333037c1c0bf" : hex(hex(blocks[1])), hex(encode(encoder, RESPONSE_2)));
        assertTable(encoder.table(), 222,
                "[1] (s = 42) :status: 307",
                "[2] (s = 63) location: https://www.example.com",
                "[3] (s = 65) date: " + DATE_1,
                "[4] (s = 52) cache-control: private");

        // the RFC indexes set-cookie; our encoder sends it never-indexed: same fields, one entry fewer
        byte[] third = encode(encoder, RESPONSE_3);
        HpackDecoder decoder = new HpackDecoder(256, 65536);
        decode(decoder, blocks[0]);
        decode(decoder, blocks[1]);
        List<Field> decoded = decode(decoder, third);
        assertEquals(RESPONSE_3.subList(0, 5), decoded.subList(0, 5));
        assertEquals(new Field("set-cookie", COOKIE, true), decoded.get(5));
        assertTable(decoder.table(), 222,
                "[1] (s = 52) content-encoding: gzip",
                "[2] (s = 65) date: " + DATE_2,
                "[3] (s = 42) :status: 307",
                "[4] (s = 63) location: https://www.example.com");
        assertEquals(Hpack.dump(decoder.table()), Hpack.dump(encoder.table()));
    }

    @Test
    void aDirectBufferDecodesLikeAHeapOne() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 65536);
        for (int i = 0; i < C4.length; i++) {
            byte[] block = hex(C4[i]);
            ByteBuffer direct = ByteBuffer.allocateDirect(block.length + 4);
            direct.position(2);
            direct.put(block).flip().position(2);
            Hpack.Recorder recorder = new Hpack.Recorder();
            decoder.decode(direct, recorder);
            assertEquals(direct.limit(), direct.position());
            assertEquals(List.of(REQUEST_1, REQUEST_2, REQUEST_3).get(i), recorder.fields);
        }
    }
}
