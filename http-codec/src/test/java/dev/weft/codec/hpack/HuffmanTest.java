package dev.weft.codec.hpack;

import java.util.Arrays;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.weft.codec.hpack.Hpack.bytes;
import static dev.weft.codec.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class HuffmanTest {

    @Test
    void theCodeTableIsTheCanonicalCompleteCodeOfAppendixB() {
        // Appendix B's codes are canonical: by (length, symbol), each code is the previous one + 1, shifted to its
        // length. A mistyped code or length breaks this chain; the final code must be all ones (EOS, 30 bits).
        Integer[] order = IntStream.rangeClosed(0, Huffman.EOS).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingInt((Integer s) -> Huffman.codeLength(s)).thenComparingInt(s -> s));
        long code = 0;
        for (int i = 0; i < order.length; i++) {
            int symbol = order[i];
            if (i > 0) {
                code = (code + 1) << (Huffman.codeLength(symbol) - Huffman.codeLength(order[i - 1]));
            }
            assertEquals(code, Huffman.code(symbol), "code of symbol " + symbol);
        }
        assertEquals(Huffman.EOS, order[order.length - 1]);
        assertEquals((1L << 30) - 1, code);
        assertEquals(5, Huffman.codeLength('0'));
        assertEquals(0x1ff8, Huffman.code(0));
        assertEquals(13, Huffman.codeLength(0));
    }

    @ParameterizedTest
    @CsvSource({
            "www.example.com, f1e3c2e5f23a6ba0ab90f4ff", // RFC 7541 C.4.1
            "no-cache, a8eb10649cbf",                   // C.4.2
            "custom-key, 25a849e95ba97d7f",             // C.4.3
            "custom-value, 25a849e95bb8e8b4bf",
            "302, 6402",                                // C.6.1
            "private, aec3771a4b",
            "https://www.example.com, 9d29ad171863c78f0b97c8e9ae82ae43d3"})
    void encodesAndDecodesTheRfcStrings(String text, String encoded) throws HpackException {
        assertEquals(encoded, hex(encode(bytes(text))));
        assertEquals(encoded.length() / 2, Huffman.encodedLength(bytes(text), 0, text.length()));
        assertEquals(text, new String(decode(hex(encoded)), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Test
    void everySymbolRoundTripsAloneAndTogether() throws HpackException {
        byte[] all = new byte[256];
        for (int symbol = 0; symbol < 256; symbol++) {
            byte[] one = {(byte) symbol};
            assertArrayEquals(one, decode(encode(one)), "symbol " + symbol);
            all[symbol] = (byte) symbol;
        }
        assertArrayEquals(all, decode(encode(all)));
        byte[] reversed = new byte[256];
        for (int i = 0; i < 256; i++) {
            reversed[i] = all[255 - i];
        }
        assertArrayEquals(reversed, decode(encode(reversed)));
    }

    @Test
    void randomStringsRoundTrip() throws HpackException {
        Random random = new Random(7541);
        for (int round = 0; round < 2000; round++) {
            byte[] s = new byte[random.nextInt(300)];
            if (round % 2 == 0) {
                random.nextBytes(s); // any octet, long codes
            } else {
                for (int i = 0; i < s.length; i++) {
                    s[i] = (byte) (0x20 + random.nextInt(0x5F)); // printable, the usual case
                }
            }
            byte[] encoded = encode(s);
            assertArrayEquals(s, decode(encoded), "round " + round);
            assertEquals(s.length, Huffman.decodedLength(encoded, 0, encoded.length));
        }
    }

    @Test
    void decodesAtAnOffset() throws HpackException {
        byte[] src = hex("00 00 a8eb10649cbf 00");
        byte[] dst = new byte[Huffman.maxDecodedLength(6) + 1];
        assertEquals(8, Huffman.decode(src, 2, 6, dst));
        assertEquals("no-cache", new String(dst, 0, 8, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @CsvSource({
            "1f ff, Huffman padding longer than 7 bits",     // 'a' (00011) then 11 one bits
            "ff, Huffman padding longer than 7 bits",        // 8 one bits and no symbol
            "1fff, Huffman padding longer than 7 bits",
            "18, Huffman padding not all ones (not a prefix of EOS)", // 'a' then 000
            "1e, Huffman padding not all ones (not a prefix of EOS)", // 'a' then 110
            "fe, Huffman padding not all ones (not a prefix of EOS)", // 7 ones then a 0: no symbol that short
            "ffffffff, EOS symbol in Huffman string",        // 30 ones (EOS), then 2 more
            "ffff fffc, EOS symbol in Huffman string",       // EOS then 00 padding
            "1fff ffff ff, EOS symbol in Huffman string",     // 'a' then EOS
            "ffff fffc 1f, EOS symbol in Huffman string"})
    void rejectsInvalidPaddingAndEos(String encoded, String message) {
        byte[] src = hex(encoded);
        HpackException e = assertThrows(HpackException.class, () -> decode(src));
        assertEquals(message, e.getMessage());
        assertEquals(HpackException.Kind.COMPRESSION, e.kind());
        HpackException counted = assertThrows(HpackException.class,
                () -> Huffman.decodedLength(src, 0, src.length));
        assertEquals(message, counted.getMessage());
    }

    @Test
    void paddingUpToSevenBitsIsAccepted() throws HpackException {
        // '0' is 00000: "00" takes 10 bits and 6 of padding, "0" 5 bits and 3 of padding
        assertEquals("00", new String(decode(hex("003f")), java.nio.charset.StandardCharsets.ISO_8859_1));
        assertEquals("0", new String(decode(hex("07")), java.nio.charset.StandardCharsets.ISO_8859_1));
        // 'a' is 00011 and ' ' 010100: "a a" fills exactly 16 bits; a whole octet of padding after it is refused
        assertEquals("1a83", hex(encode(bytes("a a"))));
        assertArrayEquals(bytes("a a"), decode(hex("1a83")));
        assertEquals("Huffman padding longer than 7 bits",
                assertThrows(HpackException.class, () -> decode(hex("1a83ff"))).getMessage());
        byte[] eight = bytes("00000000"); // 40 bits: exactly 5 octets, no padding
        assertEquals(5, encode(eight).length);
        assertArrayEquals(eight, decode(encode(eight)));
        assertArrayEquals(new byte[0], decode(new byte[0]));
    }

    private static byte[] encode(byte[] s) {
        byte[] out = new byte[(int) Huffman.encodedLength(s, 0, s.length)];
        assertEquals(out.length, Huffman.encode(s, 0, s.length, out, 0));
        return out;
    }

    private static byte[] decode(byte[] encoded) throws HpackException {
        byte[] out = new byte[Huffman.maxDecodedLength(encoded.length) + 1];
        int length = Huffman.decode(encoded, 0, encoded.length, out);
        return Arrays.copyOf(out, length);
    }
}
