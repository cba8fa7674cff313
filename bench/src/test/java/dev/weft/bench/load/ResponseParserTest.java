package dev.weft.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Response framing, each case fed whole, split at every offset, and byte by byte. */
class ResponseParserTest {

    private static final String NEXT = "HTTP/1.1 200 OK\r\n"; // bytes of a following response must stay unread

    static Stream<Arguments> framedResponses() {
        return Stream.of(
                Arguments.of("contentLength", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, true),
                Arguments.of("emptyBody", "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n", 200, true),
                Arguments.of("chunkedWithExtensionsAndTrailers",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;a=b\r\nhello\r\n1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\n\r\n", 200, true),
                Arguments.of("gzipThenChunked",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", 200, true),
                Arguments.of("transferEncodingOverridesContentLengthAndCloses",
                        "HTTP/1.1 200 OK\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200,
                        false),
                Arguments.of("interimThenFinal",
                        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nContent-Length: 2\r\n\r\nno", 503, true),
                Arguments.of("noContent", "HTTP/1.1 204 No Content\r\n\r\n", 204, true),
                Arguments.of("notModifiedIgnoresContentLength",
                        "HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", 304, true),
                Arguments.of("connectionClose",
                        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx", 200, false),
                Arguments.of("http10KeepAlive",
                        "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx", 200, true),
                Arguments.of("http10WithoutKeepAlive", "HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, false),
                Arguments.of("bareLineFeeds", "HTTP/1.1 200 OK\nContent-Length: 2\n\nok", 200, true),
                Arguments.of("noReasonPhrase", "HTTP/1.1 404\r\nContent-Length: 0\r\n\r\n", 404, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("framedResponses")
    void framesResponseAtEverySplit(String name, String response, int status, boolean keepAlive) throws Exception {
        byte[] bytes = (response + NEXT).getBytes(StandardCharsets.ISO_8859_1);
        int end = response.length();
        for (List<ByteBuffer> pieces : splits(bytes)) {
            ResponseParser parser = new ResponseParser();
            parser.reset();
            boolean complete = false;
            int consumed = 0;
            for (ByteBuffer piece : pieces) {
                if (complete) {
                    break;
                }
                int before = piece.position();
                complete = parser.feed(piece);
                consumed += piece.position() - before;
            }
            assertTrue(complete, name);
            assertEquals(end, consumed, name + ": consumes exactly the response");
            assertEquals(status, parser.status(), name);
            assertEquals(keepAlive, parser.keepAlive(), name);
        }
    }

    @Test
    void bodyWithoutLengthEndsAtEndOfInput() throws Exception {
        byte[] bytes = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreaming until close"
                .getBytes(StandardCharsets.ISO_8859_1);
        ResponseParser parser = new ResponseParser();
        parser.reset();
        assertFalse(parser.feed(ByteBuffer.wrap(bytes)));
        assertTrue(parser.endOfInput());
        assertEquals(200, parser.status());
        assertFalse(parser.keepAlive());
    }

    /** 1 MiB bodies, Content-Length and chunked (16 chunks of 64 KiB), arriving in reads of 64 KiB as on a socket. */
    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void skipsLargeBodiesReadInPieces(boolean chunked) throws Exception {
        int size = 1 << 20;
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        byte[] data = new byte[64 * 1024];
        if (chunked) {
            wire.writeBytes(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
            for (int i = 0; i < size / data.length; i++) {
                wire.writeBytes(bytes(Integer.toHexString(data.length) + "\r\n"));
                wire.writeBytes(data);
                wire.writeBytes(bytes("\r\n"));
            }
            wire.writeBytes(bytes("0\r\n\r\n"));
        } else {
            wire.writeBytes(bytes("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
            for (int i = 0; i < size / data.length; i++) {
                wire.writeBytes(data);
            }
        }
        int end = wire.size();
        wire.writeBytes(bytes(NEXT));
        ByteBuffer all = ByteBuffer.wrap(wire.toByteArray());

        ResponseParser parser = new ResponseParser();
        parser.reset();
        boolean complete = false;
        while (!complete) {
            ByteBuffer read = all.slice(all.position(), Math.min(ScheduledConnection.READ_BUFFER_BYTES,
                    all.remaining()));
            assertTrue(read.hasRemaining(), "ran out of input before the response ended");
            complete = parser.feed(read);
            all.position(all.position() + read.position());
        }
        assertEquals(end, all.position(), "consumes exactly the response");
        assertEquals(200, parser.status());
        assertTrue(parser.keepAlive());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void truncatedBodyIsNotComplete() throws Exception {
        ResponseParser parser = new ResponseParser();
        parser.reset();
        assertFalse(parser.feed(ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")));
        assertFalse(parser.endOfInput());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void rejectsMalformedResponse(String detail, String response) {
        ResponseParser parser = new ResponseParser();
        parser.reset();
        var e = assertThrows(ResponseParser.MalformedResponseException.class, () -> parser.feed(ascii(response)));
        assertEquals(detail, e.getMessage());
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("http1.invalid_status_line", "HTTP/2 200 OK\r\n\r\n"),
                Arguments.of("http1.invalid_status_code", "HTTP/1.1 2x0 OK\r\n\r\n"),
                Arguments.of("http1.unexpected_upgrade", "HTTP/1.1 101 Switching Protocols\r\n\r\n"),
                Arguments.of("http1.invalid_header", "HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\n"),
                Arguments.of("http1.invalid_header", "HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n"),
                Arguments.of("http1.invalid_content_length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"),
                Arguments.of("http1.conflicting_content_length",
                        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
                Arguments.of("http1.invalid_chunk_size",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
                Arguments.of("http1.chunk_not_followed_by_crlf",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"),
                Arguments.of("http1.chunk_size_too_large",
                        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1000000000000000\r\n"),
                Arguments.of("http1.bare_cr", "HTTP/1.1 200 OK\rX\n"),
                Arguments.of("http1.line_too_long", "HTTP/1.1 200 OK\r\nX: " + "a".repeat(20_000) + "\r\n\r\n"));
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The input whole, split in two at every offset, and one byte at a time. */
    private static List<List<ByteBuffer>> splits(byte[] bytes) {
        List<List<ByteBuffer>> all = new ArrayList<>();
        all.add(List.of(ByteBuffer.wrap(bytes)));
        for (int i = 1; i < bytes.length; i++) {
            all.add(List.of(ByteBuffer.wrap(bytes, 0, i).slice(), ByteBuffer.wrap(bytes, i, bytes.length - i).slice()));
        }
        List<ByteBuffer> oneByOne = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            oneByOne.add(ByteBuffer.wrap(bytes, i, 1).slice());
        }
        all.add(oneByOne);
        return all;
    }
}
