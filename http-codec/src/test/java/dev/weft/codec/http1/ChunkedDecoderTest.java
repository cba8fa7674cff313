package dev.weft.codec.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ChunkedDecoderTest {

    /** Decodes {@code text} every way and checks the payload, the trailers and the bytes left after the body. */
    static void assertDecodes(Http1Limits limits, String text, String payload, String leftover, String... trailers) {
        byte[] data = Splits.crlf(text);
        ChunkedDecoder decoder = new ChunkedDecoder(limits);
        Random random = new Random(42);
        Splits.allWays(data, plan -> {
            decoder.reset();
            byte[][] rest = new byte[1][];
            byte[] out = Splits.decodeChunked(decoder, data, plan, random, rest);
            assertEquals(payload, new String(out, StandardCharsets.ISO_8859_1));
            assertEquals(leftover, new String(rest[0], StandardCharsets.ISO_8859_1));
            assertEquals(trailers.length / 2, decoder.trailerCount());
            for (int i = 0; i < trailers.length / 2; i++) {
                assertEquals(trailers[2 * i], decoder.trailerName(i));
                assertEquals(trailers[2 * i + 1], decoder.trailerValue(i));
            }
        });
    }

    static void assertDecodes(String text, String payload, String... trailers) {
        assertDecodes(Http1Limits.DEFAULTS, text, payload, "", trailers);
    }

    static void assertRejected(Http1Limits limits, String text, Http1Violation expected) {
        byte[] data = Splits.crlf(text);
        ChunkedDecoder decoder = new ChunkedDecoder(limits);
        Random random = new Random(7);
        Splits.allWays(data, plan -> {
            decoder.reset();
            try {
                Splits.decodeChunked(decoder, data, plan, random, new byte[1][]);
                throw new AssertionError("accepted, expected " + expected);
            } catch (Http1Exception e) {
                assertEquals(expected, e.violation());
            }
        });
    }

    static void assertRejected(String text, Http1Violation expected) {
        assertRejected(Http1Limits.DEFAULTS, text, expected);
    }

    @Test
    void decodesChunks() {
        assertDecodes("5\nhello\n1\n \nA\n0123456789\n0\n\n", "hello 0123456789");
    }

    @Test
    void decodesEmptyBody() {
        assertDecodes("0\n\n", "");
        assertDecodes("000\n\n", "");
    }

    @Test
    void acceptsUpperAndLowerCaseHexWithLeadingZeros() {
        assertDecodes("0000b\nhello world\n0B\nhello world\n0\n\n", "hello worldhello world");
    }

    @Test
    void decodesChunkExtensions() {
        assertDecodes("5;a\nhello\n5 ; a = b ;c=\"q \\\" ;\"\nworld\n0;last=1\n\n", "helloworld");
        assertDecodes("3;a;b=c;d\nabc\n0\n\n", "abc");
    }

    @Test
    void decodesTrailers() {
        assertDecodes("3\nabc\n0\nChecksum: 123\nX-Trailer:  v  \n\n", "abc", "Checksum", "123", "X-Trailer", "v");
    }

    @Test
    void leavesPipelinedBytesAfterTheBody() {
        assertDecodes(Http1Limits.DEFAULTS, "2\nhi\n0\n\nGET / HTTP/1.1\n", "hi", "GET / HTTP/1.1\r\n");
    }

    @Test
    void endIsStableOnceReached() throws Http1Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(Splits.crlf("0\n\nX"));
        assertEquals(ChunkedDecoder.END, decoder.next(in));
        assertEquals(ChunkedDecoder.END, decoder.next(in));
        assertEquals(1, in.remaining());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0x10", "-1", " 5", "+5", "fffffffffffffffff", "ffffffffffffffff", "00000000000000001", "g", ""})
    void rejectsInvalidChunkSize(String size) {
        assertRejected(size + "\nhello\n0\n\n", Http1Violation.INVALID_CHUNK_SIZE);
    }

    @Test
    void acceptsLargestChunkSize() throws Http1Exception {
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(Splits.crlf("7fffffffffffffff\nab"));
        assertEquals(2, decoder.next(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5;\n", "5 \n", "5;=x\n", "5;a=\n", "5;a=\"x\n", "5;a b\n", "5;a=b c\n", "5;a=\"x\"y\n",
            "5 x\n", "5;a=\u0001\n"})
    void rejectsInvalidChunkExtension(String line) {
        assertRejected(line + "hello\n0\n\n", Http1Violation.INVALID_CHUNK_LINE);
    }

    @Test
    void rejectsMissingCrlfAfterChunkData() {
        assertRejected("5\nhelloX\n0\n\n", Http1Violation.INVALID_CHUNK_LINE);
        assertRejected("5\nhello<CR>X0\n\n", Http1Violation.INVALID_CHUNK_LINE);
        assertRejected("5\nhello<LF>0\n\n", Http1Violation.INVALID_CHUNK_LINE);
    }

    @Test
    void rejectsBareLfInChunkLine() {
        assertRejected("5<LF>hello\n0\n\n", Http1Violation.BARE_LF);
        assertRejected("5;a=b<LF>hello\n0\n\n", Http1Violation.BARE_LF);
        assertRejected("0\nA: b<LF>\n", Http1Violation.BARE_LF);
        assertRejected("0\n<LF>", Http1Violation.BARE_LF);
    }

    @Test
    void rejectsBareCrInChunkLine() {
        assertRejected("5<CR>hello\n0\n\n", Http1Violation.BARE_CR);
        assertRejected("0\nA: b<CR>c\n\n", Http1Violation.BARE_CR);
    }

    @Test
    void rejectsOverlongChunkExtension() {
        Http1Limits limits = new Http1Limits(64, 1024, 10, 32, 64);
        assertDecodes(limits, "1;" + "a".repeat(30) + "\nx\n0\n\n", "x", "");
        assertRejected(limits, "1;" + "a".repeat(31) + "\nx\n0\n\n", Http1Violation.CHUNK_EXTENSION_TOO_LONG);
    }

    @Test
    void rejectsInvalidTrailerField() {
        assertRejected("0\nA : b\n\n", Http1Violation.WHITESPACE_BEFORE_COLON);
        assertRejected("0\nA: b\n c\n\n", Http1Violation.OBS_FOLD);
        assertRejected("0\nA: b\u0000\n\n", Http1Violation.INVALID_FIELD_VALUE);
    }

    @Test
    void rejectsTooLargeTrailers() {
        Http1Limits limits = new Http1Limits(64, 1024, 2, 64, 16);
        assertDecodes(limits, "0\nA: 123456789\n\n", "", "", "A", "123456789"); // 12 + 2 + 2 = 16 bytes: at the limit
        assertRejected(limits, "0\nA: 1234567890\n\n", Http1Violation.TRAILERS_TOO_LARGE);
        assertRejected(limits, "0\nA: 1\nB: 2\nC: 3\n\n", Http1Violation.TRAILERS_TOO_LARGE);
        assertEquals(400, Http1Violation.TRAILERS_TOO_LARGE.status());
    }

    @Test
    void writtenChunksDecodeBack() throws Http1Exception {
        ByteBuffer out = ByteBuffer.allocate(256);
        byte[] first = "0123456789abcdefXYZ".getBytes(StandardCharsets.US_ASCII);
        assertEquals(4, HeadWriter.writeChunkHeader(out, first.length));
        out.put(first);
        HeadWriter.writeChunkEnd(out);
        HeadWriter tail = new HeadWriter().lastChunk().field("Checksum", "x").endHead();
        out.put(tail.buffer()).flip();
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        assertEquals(first.length, decoder.next(out));
        out.position(out.position() + first.length);
        assertEquals(ChunkedDecoder.END, decoder.next(out));
        assertEquals("x", decoder.trailerValue(0));
        HeadWriter copy = new HeadWriter();
        decoder.writeTrailers(copy);
        assertEquals("Checksum: x\r\n", new String(copy.toByteArray(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void chunkHeaderIsLowerCaseHex() {
        ByteBuffer out = ByteBuffer.allocate(32);
        HeadWriter.writeChunkHeader(out, 0);
        HeadWriter.writeChunkHeader(out, 0xABCDEFL);
        HeadWriter.writeChunkHeader(out, Long.MAX_VALUE);
        assertEquals("0\r\nabcdef\r\n7fffffffffffffff\r\n", new String(out.array(), 0, out.position(), StandardCharsets.US_ASCII));
        assertThrows(IllegalArgumentException.class, () -> HeadWriter.writeChunkHeader(out, -1));
    }
}
