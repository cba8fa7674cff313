package dev.weft.codec.hpack;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import dev.weft.codec.hpack.Hpack.Field;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.weft.codec.hpack.Hpack.decode;
import static dev.weft.codec.hpack.Hpack.dump;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Our encoder against our decoder over randomized header lists: same fields, same dynamic table after every block. */
class HpackRoundTripTest {
    private static final String[] NAMES = {":method", ":path", ":authority", ":status", "accept", "accept-encoding",
            "user-agent", "cookie", "authorization", "content-type", "content-length", "x-request-id", "x-trace",
            "x-a", "x-long-custom-header-name", "date", "etag", "via"};
    private static final String[] VALUES = {"GET", "POST", "/", "/index.html", "200", "404", "gzip, deflate", "",
            "text/html", "application/json", "example.com", "v"};

    @ParameterizedTest(name = "table={0} huffman={1}")
    @CsvSource({"0, true", "64, true", "150, false", "256, true", "256, false", "1000, true", "4096, true"})
    void randomListsRoundTrip(int tableSize, boolean huffman) throws HpackException {
        Random random = new Random(31L * tableSize + (huffman ? 1 : 0));
        HpackEncoder encoder = new HpackEncoder(tableSize, huffman);
        HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_TABLE_SIZE, 1 << 20);
        for (int block = 0; block < 400; block++) {
            List<Field> fields = randomList(random);
            assertBlockRoundTrips(encoder, decoder, fields, "block " + block);
        }
    }

    @ParameterizedTest(name = "huffman={0}")
    @CsvSource({"true", "false"})
    void peerTableSizeChangesMidStream(boolean huffman) throws HpackException {
        Random random = new Random(huffman ? 7 : 8);
        HpackEncoder encoder = new HpackEncoder(2048, huffman);
        HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_TABLE_SIZE, 1 << 20);
        int[] sizes = {0, 1, 31, 32, 100, 256, 1000, 2048, 4096, 8192};
        for (int block = 0; block < 600; block++) {
            int changes = random.nextInt(8) == 0 ? 1 + random.nextInt(3) : 0; // sometimes several between blocks
            for (int c = 0; c < changes; c++) {
                int size = sizes[random.nextInt(sizes.length)];
                decoder.setMaxDynamicTableSize(size); // our SETTINGS, acknowledged
                encoder.setPeerMaxTableSize(size);    // the peer's view of the same SETTINGS
            }
            assertBlockRoundTrips(encoder, decoder, randomList(random), "block " + block);
            assertTrue(decoder.dynamicTableSize() <= 2048);
        }
    }

    private static void assertBlockRoundTrips(HpackEncoder encoder, HpackDecoder decoder, List<Field> fields,
                                              String what) throws HpackException {
        int capacity = HpackEncoder.MAX_BLOCK_PREFIX_SIZE;
        for (Field f : fields) {
            capacity += HpackEncoder.maxEncodedSize(f.name().length(), f.value().length());
        }
        ByteBuffer out = ByteBuffer.allocate(capacity);
        encoder.beginBlock(out);
        assertTrue(out.position() <= HpackEncoder.MAX_BLOCK_PREFIX_SIZE);
        for (Field f : fields) {
            int before = out.position();
            encoder.encodeField(out, f.name(), f.value(), f.neverIndexed());
            assertTrue(out.position() - before <= HpackEncoder.maxEncodedSize(f.name().length(), f.value().length()));
        }
        byte[] block = new byte[out.flip().remaining()];
        out.get(block);
        List<Field> expected = new ArrayList<>();
        for (Field f : fields) {
            boolean sensitiveName = List.of("cookie", "authorization").contains(f.name());
            expected.add(new Field(f.name(), f.value(), f.neverIndexed() || sensitiveName));
        }
        assertEquals(expected, decode(decoder, block), what);
        assertEquals(dump(encoder.table()), dump(decoder.table()), what);
        assertEquals(encoder.dynamicTableSize(), decoder.dynamicTableSize(), what);
    }

    private static List<Field> randomList(Random random) {
        List<Field> fields = new ArrayList<>();
        for (int i = random.nextInt(12); i >= 0; i--) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String value = switch (random.nextInt(4)) {
                case 0, 1 -> VALUES[random.nextInt(VALUES.length)];
                case 2 -> "value-" + random.nextInt(40);
                default -> randomString(random, random.nextInt(random.nextInt(10) == 0 ? 600 : 40));
            };
            fields.add(new Field(name, value, random.nextInt(10) == 0));
        }
        return fields;
    }

    private static String randomString(Random random, int length) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(random.nextInt(5) == 0 ? (char) random.nextInt(256) : (char) (0x20 + random.nextInt(0x5F)));
        }
        return s.toString();
    }
}
