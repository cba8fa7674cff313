package dev.weft.codec.hpack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.weft.codec.hpack.Hpack.Field;
import dev.weft.codec.hpack.HpackException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.weft.codec.hpack.Hpack.assertTable;
import static dev.weft.codec.hpack.Hpack.decode;
import static dev.weft.codec.hpack.Hpack.dump;
import static dev.weft.codec.hpack.Hpack.encode;
import static dev.weft.codec.hpack.Hpack.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class HpackDecoderTest {
    private static final String C3_1 = "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d";
    private static final String[][] VALID_SEQUENCES = {
            {"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", "8286 84be 5808 6e6f 2d63 6163 6865",
                    "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65"},
            {"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", "8286 84be 5886 a8eb 1064 9cbf",
                    "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"},
            {"400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
                    "040c 2f73 616d 706c 652f 7061 7468 1008 7061 7373 776f 7264 0673 6563 7265 74 be",
                    "3fe11f 3f45 82 7e89 25a8 49e9 5bb8 e8b4 bf"}};

    private static HpackException assertCompressionError(HpackDecoder decoder, String block, String message) {
        HpackException e = assertThrows(HpackException.class, () -> decode(decoder, block));
        assertEquals(Kind.COMPRESSION, e.kind(), e.getMessage());
        assertEquals(message, e.getMessage());
        return e;
    }

    private static HpackDecoder decoder() {
        return new HpackDecoder(4096, 16384);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "80 | index 0 is not a table index",
            "be | index 62 beyond static + dynamic table (61 + 0)",
            "7f00 0161 | index 63 beyond static + dynamic table (61 + 0)",    // literal with a dynamic name index
            "0f30 0161 | index 63 beyond static + dynamic table (61 + 0)",
            "ffffffffff7f | integer overflows 2^31-1",
            "ff8080808080 00 | integer longer than 5 continuation bytes",
            "ff | block ends inside an integer",
            "ff80 | block ends inside an integer",
            "3fe13f | dynamic table size update 8192 above the limit 4096",
            "82 20 | dynamic table size update after the first field of the block",
            "82 3fe11f 84 | dynamic table size update after the first field of the block",
            "00 | block ends where a string literal starts",
            "0003 6162 | string literal length 3 beyond the block (2 bytes left)",
            "0001 61 | block ends where a string literal starts",
            "0001 61 7f | block ends inside an integer",
            "0001 61 82 1fff | Huffman padding longer than 7 bits",
            "0081 18 00 | Huffman padding not all ones (not a prefix of EOS)",
            "4084 ffff fffc 00 | EOS symbol in Huffman string"})
    void rejectsMalformedBlocks(String block, String message) {
        assertCompressionError(decoder(), block, message);
    }

    @Test
    void reportsTheDynamicTableSizeInTheIndexError() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096, false);
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            fields.add(new Field("x-h" + i, "v"));
        }
        HpackDecoder decoder = decoder();
        decode(decoder, encode(encoder, fields));
        assertEquals(13, decoder.dynamicTableEntries());
        assertCompressionError(decoder, "cb", "index 75 beyond static + dynamic table (61 + 13)");
        assertEquals(List.of(new Field("x-h0", "v")), decode(decoder, "ca"));
    }

    @Test
    void aStringLongerThanTheRestOfTheBlock() {
        StringBuilder block = new StringBuilder("00 7fad01"); // new name, raw, length 127 + 173 = 300
        block.append("61".repeat(12));
        assertCompressionError(decoder(), block.toString(), "string literal length 300 beyond the block (12 bytes left)");
    }

    @Test
    void everyCutInsideARepresentationIsACompressionError() throws HpackException {
        for (String[] sequence : VALID_SEQUENCES) {
            HpackDecoder reference = decoder();
            for (String hexBlock : sequence) {
                byte[] block = hex(hexBlock);
                // a decoder in the state the block expects, one per cut (a failed decode leaves it unusable)
                List<Field> whole = decode(copyOf(sequence, hexBlock), block);
                int boundaries = 0;
                for (int cut = 0; cut < block.length; cut++) {
                    HpackDecoder decoder = copyOf(sequence, hexBlock);
                    byte[] prefix = java.util.Arrays.copyOf(block, cut);
                    try {
                        List<Field> fields = decode(decoder, prefix);
                        assertEquals(whole.subList(0, fields.size()), fields, "cut at " + cut);
                        boundaries++;
                    } catch (HpackException e) {
                        assertEquals(Kind.COMPRESSION, e.kind(), "cut at " + cut + ": " + e.getMessage());
                    } catch (RuntimeException e) {
                        fail("cut at " + cut + " of " + hexBlock + " threw " + e, e);
                    }
                }
                // a cut decodes only between representations: the fields, and the size updates (no field)
                int sizeUpdates = boundaries - whole.size();
                assertTrue(sizeUpdates >= 0 && sizeUpdates <= 2, "cuts that decode: " + boundaries);
                decode(reference, block);
            }
        }
    }

    /** A fresh decoder that has decoded the blocks of {@code sequence} before {@code block}. */
    private static HpackDecoder copyOf(String[] sequence, String block) throws HpackException {
        HpackDecoder decoder = decoder();
        for (String earlier : sequence) {
            if (earlier.equals(block)) {
                break;
            }
            decode(decoder, earlier);
        }
        return decoder;
    }

    @Test
    void randomBlocksFailOnlyWithHpackExceptions() {
        Random random = new Random(9113);
        byte[][] seeds = {hex(VALID_SEQUENCES[1][0]), hex(VALID_SEQUENCES[1][2]), hex(VALID_SEQUENCES[2][1])};
        for (int round = 0; round < 20_000; round++) {
            byte[] block;
            if (round % 2 == 0) {
                block = new byte[random.nextInt(40)];
                random.nextBytes(block);
            } else { // a valid block with a few octets flipped: deeper into the decoder
                block = seeds[round % seeds.length].clone();
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    block[random.nextInt(block.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            HpackDecoder decoder = new HpackDecoder(4096, 200);
            try {
                decode(decoder, C3_1);
                decode(decoder, block);
                decode(decoder, "82 be");
            } catch (HpackException e) {
                assertTrue(e.getMessage() != null && !e.getMessage().isEmpty());
            } catch (RuntimeException e) {
                fail("round " + round + ": " + hex(block) + " threw " + e, e);
            }
        }
    }

    @Test
    void emptyBlockAndSizeUpdatesOnly() throws HpackException {
        HpackDecoder decoder = decoder();
        assertEquals(List.of(), decode(decoder, ""));
        decode(decoder, C3_1);
        assertEquals(1, decoder.dynamicTableEntries());
        assertEquals(List.of(), decode(decoder, "3fe11f"));  // 4096: unchanged
        assertEquals(1, decoder.dynamicTableEntries());
        assertEquals(List.of(new Field(":method", "GET")), decode(decoder, "20 3f19 82")); // 0 empties, then 56
        assertTable(decoder.table(), 0);
        assertEquals(List.of(new Field(":authority", "www.example.com")), decode(decoder, "41 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d"));
        assertEquals(0, decoder.dynamicTableEntries()); // 57 > 56: adding it empties the table (RFC 7541 4.4)
    }

    // ---- the table size limit (our SETTINGS_HEADER_TABLE_SIZE)

    @Test
    void aLoweredLimitRequiresASizeUpdateAtTheStartOfTheNextBlock() throws HpackException {
        HpackDecoder decoder = decoder();
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(256);
        assertCompressionError(decoder, "82",
                "no dynamic table size update at the start of the block after the limit was lowered to 256");

        decoder = decoder();
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(256);
        assertCompressionError(decoder, "",
                "no dynamic table size update at the start of the block after the limit was lowered to 256");

        decoder = decoder();
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(256);
        assertCompressionError(decoder, "3fe201 82", "dynamic table size update 257 above the limit 256");

        decoder = decoder();
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(256);
        assertEquals(List.of(new Field(":method", "GET")), decode(decoder, "3fe101 82"));
        assertTable(decoder.table(), 57, "[1] (s = 57) :authority: www.example.com");
        assertEquals(List.of(new Field(":method", "GET")), decode(decoder, "82")); // only once
    }

    @Test
    void aLimitLoweredThenRaisedRequiresTheLowestFirst() throws HpackException {
        HpackDecoder decoder = decoder();
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(0);
        decoder.setMaxDynamicTableSize(4096);
        assertCompressionError(decoder, "3fe11f 82",
                "dynamic table size update 4096 above 0, the lowest limit since the last update");

        decoder = decoder();
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(0);
        decoder.setMaxDynamicTableSize(4096);
        assertEquals(List.of(new Field(":method", "GET")), decode(decoder, "20 3fe11f 82"));
        assertEquals(0, decoder.dynamicTableEntries());
    }

    @Test
    void aLimitAboveTheCurrentSizeRequiresNoUpdate() throws HpackException {
        HpackDecoder decoder = decoder();
        decode(decoder, "3f45"); // the peer uses 100
        decode(decoder, C3_1);
        decoder.setMaxDynamicTableSize(1000); // lowered, but not below 100
        assertEquals(List.of(new Field(":method", "GET")), decode(decoder, "82"));
        assertCompressionError(decoder, "3fca07", "dynamic table size update 1001 above the limit 1000");
    }

    @Test
    void aRaisedLimitGrowsTheTableKeepingItsEntries() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(100, 16384);
        HpackEncoder encoder = new HpackEncoder(100, false);
        encoder.setPeerMaxTableSize(100);
        decode(decoder, encode(encoder, List.of(new Field("x-a", "1"), new Field("x-b", "22"))));
        List<String> before = dump(decoder.table());
        decoder.setMaxDynamicTableSize(10_000);
        assertEquals(before, dump(decoder.table()));
        assertEquals(List.of(), decode(decoder, "3f f1 4d")); // 10000
        assertEquals(List.of(new Field("x-b", "22"), new Field("x-a", "1")), decode(decoder, "be bf"));
        assertEquals(before, dump(decoder.table()));
    }

    // ---- the header list size limit (our SETTINGS_MAX_HEADER_LIST_SIZE)

    @ParameterizedTest(name = "huffman={0}")
    @ValueSource(booleans = {false, true})
    void aTooLargeListIsDecodedToTheEndAndKeepsTheTableInStep(boolean huffman) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096, huffman);
        String sixty = "abcdefghij".repeat(6);
        byte[] first = encode(encoder, List.of(new Field("x-a", sixty), new Field("x-b", sixty),
                new Field("x-c", "c"), new Field(":method", "POST")));
        HpackDecoder decoder = new HpackDecoder(4096, 100);
        Hpack.Recorder recorder = new Hpack.Recorder();
        HpackException e = assertThrows(HpackException.class, () -> decoder.decode(ByteBuffer.wrap(first), recorder));
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
        assertEquals("header list size " + (95 * 2 + 36 + 43) + " above the limit 100 (name + value + 32 per field)",
                e.getMessage());
        assertEquals(List.of(new Field("x-a", sixty)), recorder.fields); // none after the limit was passed
        assertEquals(dump(encoder.table()), dump(decoder.table()));

        // the next block refers to entries the too-large one added
        byte[] second = encode(encoder, List.of(new Field("x-b", sixty)));
        assertEquals("bf", hex(second));
        assertEquals(List.of(new Field("x-b", sixty)), decode(decoder, second));
        assertEquals(List.of(new Field("x-c", "c"), new Field(":method", "POST")), decode(decoder, "be 83"));
    }

    @ParameterizedTest(name = "huffman={0}")
    @ValueSource(booleans = {false, true})
    void aStringAboveTheListLimitIsNotDecodedButTheTableStaysInStep(boolean huffman) throws HpackException {
        String big = "0123456789".repeat(30); // 300
        HpackEncoder encoder = new HpackEncoder(4096, huffman);
        HpackDecoder decoder = new HpackDecoder(4096, 200);

        // a literal without indexing: skipped
        byte[] block = encode(encoder, List.of(new Field(":path", big), new Field("x-after", "1")));
        HpackException e = assertThrows(HpackException.class, () -> decode(decoder, block));
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
        assertEquals(dump(encoder.table()), dump(decoder.table()));
        assertEquals(1, decoder.dynamicTableEntries()); // x-after, added after the limit was passed

        // a literal with indexing that fits in the table: copied into it, still a stream error
        byte[] indexed = encode(encoder, List.of(new Field("x-big", big)));
        e = assertThrows(HpackException.class, () -> decode(decoder, indexed));
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
        assertEquals(dump(encoder.table()), dump(decoder.table()));
        decoder.setMaxHeaderListSize(1000);
        assertEquals(List.of(new Field("x-big", big), new Field("x-after", "1")),
                decode(decoder, encode(encoder, List.of(new Field("x-big", big), new Field("x-after", "1")))));

        // a literal with indexing larger than the whole table: empties it, no octets needed
        HpackEncoder small = new HpackEncoder(4096, huffman);
        HpackDecoder smallDecoder = new HpackDecoder(4096, 200);
        decode(smallDecoder, encode(small, List.of(new Field("x-a", "1"))));
        String huge = big.repeat(14); // 4200 octets: above the 4096 table
        // our encoder would not index it: write the representation by hand
        ByteBuffer out = ByteBuffer.allocate(8000);
        small.beginBlock(out);
        out.put((byte) 0x40);
        out.put((byte) 0x05).put(Hpack.bytes("x-big"));
        out.put((byte) 0x7f).put((byte) (4200 - 127 & 0x7f | 0x80)).put((byte) (4200 - 127 >>> 7));
        out.put(Hpack.bytes(huge));
        out.flip();
        e = assertThrows(HpackException.class, () -> smallDecoder.decode(out, new Hpack.Recorder()));
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
        assertEquals(0, smallDecoder.dynamicTableEntries());
        assertEquals(List.of(new Field(":method", "GET")), decode(smallDecoder, "82"));
    }

    @Test
    void repeatedReferencesToALargeEntryAreBoundedByTheListLimit() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 8192);
        HpackEncoder encoder = new HpackEncoder(4096, false);
        String value = "v".repeat(3000);
        decode(decoder, encode(encoder, List.of(new Field("x-a", value))));
        Hpack.Recorder recorder = new Hpack.Recorder();
        HpackException e = assertThrows(HpackException.class,
                () -> decoder.decode(ByteBuffer.wrap(hex("be".repeat(1000))), recorder)); // 1000 octets, 3 MB
        assertEquals(Kind.HEADER_LIST_TOO_LARGE, e.kind());
        assertEquals(2, recorder.fields.size());
        assertEquals(List.of(new Field("x-a", value)), decode(decoder, "be"));
    }

    @Test
    void anIndexingLiteralMayNameTheEntryItEvicts() throws HpackException {
        // RFC 7541 section 4.4: the name is read before the entry it comes from is evicted
        HpackDecoder decoder = new HpackDecoder(100, 16384);
        decode(decoder, "3f45");
        String thirty = "0123456789".repeat(3);
        decode(decoder, "40 04" + hex(Hpack.bytes("name")) + "1e" + hex(Hpack.bytes(thirty))); // 66
        String other = "abcdefghij".repeat(3);
        assertEquals(List.of(new Field("name", other)), decode(decoder, "7e 1e" + hex(Hpack.bytes(other))));
        assertTable(decoder.table(), 66, "[1] (s = 66) name: " + other);
        // and again, now that the ring wraps
        for (int i = 0; i < 5; i++) {
            String v = String.valueOf((char) ('k' + i)).repeat(30);
            assertEquals(List.of(new Field("name", v)), decode(decoder, "7e 1e" + hex(Hpack.bytes(v))));
            assertTable(decoder.table(), 66, "[1] (s = 66) name: " + v);
            assertEquals(List.of(new Field("name", v)), decode(decoder, "be"));
        }
    }

    @Test
    void neverIndexedIsReportedToTheSink() throws HpackException {
        assertEquals(List.of(new Field("authorization", "x", true), new Field("authorization", "y", false)),
                decode(decoder(), "1f08 0178 0f08 0179"));
    }
}
