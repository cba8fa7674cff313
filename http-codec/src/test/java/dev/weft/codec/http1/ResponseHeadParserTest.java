package dev.weft.codec.http1;

import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseHeadParserTest {

    static void assertParses(String text, Consumer<ResponseHeadParser> check) {
        assertParses(Http1Limits.DEFAULTS, Splits.crlf(text), check);
    }

    static void assertParses(Http1Limits limits, byte[] data, Consumer<ResponseHeadParser> check) {
        ResponseHeadParser parser = new ResponseHeadParser(limits);
        Splits.allWays(data, plan -> {
            parser.reset();
            byte[] rest = Splits.feed(data, plan, parser::parse);
            assertNotNull(rest, "head incomplete");
            assertEquals(0, rest.length);
            check.accept(parser);
        });
    }

    static void assertRejected(String text, Http1Violation expected) {
        assertRejected(Http1Limits.DEFAULTS, Splits.crlf(text), expected);
    }

    static void assertRejected(Http1Limits limits, byte[] data, Http1Violation expected) {
        ResponseHeadParser parser = new ResponseHeadParser(limits);
        Splits.allWays(data, plan -> {
            parser.reset();
            Splits.assertRejected(data, plan, parser::parse, expected);
        });
    }

    @Test
    void parsesStatusLineAndFields() {
        assertParses("HTTP/1.1 200 OK\nContent-Length: 12\nServer: x\n\n", p -> {
            ResponseHead h = p.head();
            assertEquals(200, h.status());
            assertEquals("OK", h.reason());
            assertEquals(12, h.contentLength());
            assertTrue(h.keepAlive());
            assertFalse(p.framingAmbiguous());
            assertEquals(BodyFraming.Kind.CONTENT_LENGTH, BodyFraming.response("GET", h));
        });
    }

    @Test
    void acceptsEmptyAndMissingReason() {
        assertParses("HTTP/1.1 204 \n\n", p -> assertEquals("", p.head().reason()));
        assertParses("HTTP/1.1 204\n\n", p -> assertEquals("", p.head().reason()));
        assertParses("HTTP/1.0 404 Not \u00e9 Found\n\n", p -> {
            assertEquals("Not \u00e9 Found", p.head().reason());
            assertFalse(p.head().keepAlive());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 20 OK", "HTTP/1.1 099 X", "HTTP/1.1 600 X", "HTTP/1.1 2000 X", "HTTP/1.1  200 OK",
            "HTTP/1.1 200 O\u0001K", "http/1.1 200 OK", "HTTP/1.1", "ICY 200 OK", "HTTP/1.1 abc OK"})
    void rejectsInvalidStatusLine(String line) {
        assertRejected(line + "\n\n", Http1Violation.INVALID_STATUS_LINE);
        assertEquals(502, Http1Violation.INVALID_STATUS_LINE.status());
    }

    @Test
    void rejectsUnsupportedResponseVersion() {
        assertRejected("HTTP/2.0 200 OK\n\n", Http1Violation.INVALID_VERSION);
    }

    @ParameterizedTest
    @CsvSource({"HEAD, 200", "GET, 100", "GET, 101", "GET, 103", "GET, 204", "GET, 304", "POST, 304"})
    void responsesWithoutBody(String method, int status) {
        assertParses("HTTP/1.1 " + status + " X\nContent-Length: 10\nTransfer-Encoding: chunked\n\n",
                p -> assertEquals(BodyFraming.Kind.NONE, BodyFraming.response(method, p.head())));
    }

    @Test
    void informationalResponseIsFollowedByFinalResponse() {
        byte[] data = Splits.crlf("HTTP/1.1 100 Continue\n\nHTTP/1.1 200 OK\nContent-Length: 0\n\n");
        ResponseHeadParser parser = new ResponseHeadParser(Http1Limits.DEFAULTS);
        Splits.allWays(data, plan -> {
            parser.reset();
            byte[] rest = Splits.feed(data, plan, parser::parse);
            assertTrue(parser.head().isInformational());
            parser.reset();
            Splits.feed(rest, new Splits.Plan("whole", new int[0]), parser::parse);
            assertEquals(200, parser.head().status());
            assertFalse(parser.head().isInformational());
        });
    }

    @Test
    void successfulConnectBecomesTunnel() {
        assertParses("HTTP/1.1 200 Connection Established\n\n",
                p -> assertEquals(BodyFraming.Kind.UNTIL_CLOSE, BodyFraming.response("CONNECT", p.head())));
        assertParses("HTTP/1.1 407 Auth\nContent-Length: 0\n\n",
                p -> assertEquals(BodyFraming.Kind.CONTENT_LENGTH, BodyFraming.response("CONNECT", p.head())));
    }

    @Test
    void chunkedResponse() {
        assertParses("HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\n\n", p -> {
            assertTrue(p.head().chunked());
            assertEquals(BodyFraming.Kind.CHUNKED, BodyFraming.response("GET", p.head()));
        });
    }

    @Test
    void responseWithoutLengthIsReadUntilClose() {
        assertParses("HTTP/1.1 200 OK\n\n",
                p -> assertEquals(BodyFraming.Kind.UNTIL_CLOSE, BodyFraming.response("GET", p.head())));
    }

    @Test
    void responseWithChunkedNotLastIsReadUntilClose() {
        assertParses("HTTP/1.1 200 OK\nTransfer-Encoding: chunked, gzip\n\n", p -> {
            assertFalse(p.head().chunked());
            assertEquals(BodyFraming.Kind.UNTIL_CLOSE, BodyFraming.response("GET", p.head())); // RFC 9112 section 6.3 rule 4
        });
    }

    @Test
    void contentLengthWithTransferEncodingIsChunkedAndClosesTheConnection() {
        assertParses("HTTP/1.1 200 OK\nContent-Length: 5\nTransfer-Encoding: chunked\n\n", p -> {
            assertTrue(p.framingAmbiguous());
            assertFalse(p.head().keepAlive());
            assertEquals(BodyFraming.Kind.CHUNKED, BodyFraming.response("GET", p.head()));
        });
    }

    @Test
    void transferEncodingInHttp10ResponseIsReadUntilClose() {
        assertParses("HTTP/1.0 200 OK\nTransfer-Encoding: chunked\nConnection: keep-alive\n\n", p -> {
            assertTrue(p.framingAmbiguous());
            assertFalse(p.head().keepAlive());
            assertEquals(BodyFraming.Kind.UNTIL_CLOSE, BodyFraming.response("GET", p.head()));
        });
    }

    @Test
    void rejectsDifferingContentLengthInResponse() {
        assertRejected("HTTP/1.1 200 OK\nContent-Length: 1\nContent-Length: 2\n\n", Http1Violation.DIFFERING_CONTENT_LENGTH);
    }

    @Test
    void rejectsChunkedAppliedTwiceInResponse() {
        assertRejected("HTTP/1.1 200 OK\nTransfer-Encoding: chunked, chunked\n\n", Http1Violation.CHUNKED_APPLIED_TWICE);
    }

    @Test
    void rejectsBareLfAndObsFoldInResponse() {
        assertRejected("HTTP/1.1 200 OK<LF>\n", Http1Violation.BARE_LF);
        assertRejected("HTTP/1.1 200 OK\nA: b\n c\n\n", Http1Violation.OBS_FOLD);
    }

    @Test
    void rejectsTooLargeResponseHeadWith502() {
        Http1Limits small = new Http1Limits(64, 64, 2, 64, 64);
        assertRejected(small, Splits.crlf("HTTP/1.1 200 OK\nX: " + "v".repeat(64) + "\n\n"),
                Http1Violation.RESPONSE_HEADERS_TOO_LARGE);
        assertRejected(small, Splits.crlf("HTTP/1.1 200 OK\nA: 1\nB: 2\nC: 3\n\n"),
                Http1Violation.RESPONSE_HEADERS_TOO_LARGE);
        assertEquals(502, Http1Violation.RESPONSE_HEADERS_TOO_LARGE.status());
    }
}
