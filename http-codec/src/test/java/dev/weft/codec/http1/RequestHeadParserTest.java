package dev.weft.codec.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.weft.codec.http1.RequestHeads.assertParses;
import static dev.weft.codec.http1.RequestHeads.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestHeadParserTest {

    @Test
    void parsesOriginFormWithQuery() {
        assertParses("GET /a/b%20c?x=1&y=/? HTTP/1.1\nHost: example.com:8080\nAccept: */*\n\n", h -> {
            assertSame("GET", h.method());
            assertEquals(TargetForm.ORIGIN, h.targetForm());
            assertEquals("/a/b%20c?x=1&y=/?", h.target());
            assertEquals("/a/b%20c", h.path());
            assertEquals("x=1&y=/?", h.query());
            assertNull(h.scheme());
            assertNull(h.authority());
            assertEquals("example.com:8080", h.host());
            assertEquals(1, h.versionMinor());
            assertEquals(2, h.fieldCount());
            assertEquals("Host", h.name(0));
            assertEquals("*/*", h.value(1));
            assertEquals(BodyFraming.Kind.NONE, BodyFraming.request(h));
        });
    }

    @Test
    void emptyQueryIsEmptyNotNull() {
        assertParses("GET /? HTTP/1.1\nHost: a\n\n", h -> {
            assertEquals("/", h.path());
            assertEquals("", h.query());
        });
        assertParses("GET / HTTP/1.1\nHost: a\n\n", h -> assertNull(h.query()));
    }

    @Test
    void absoluteFormAuthorityWinsOverHost() {
        assertParses("GET http://upstream.example:81/p?q HTTP/1.1\nHost: other\n\n", h -> {
            assertEquals(TargetForm.ABSOLUTE, h.targetForm());
            assertEquals("http", h.scheme());
            assertEquals("upstream.example:81", h.authority());
            assertEquals("upstream.example:81", h.host());
            assertEquals("/p", h.path());
            assertEquals("q", h.query());
        });
    }

    @Test
    void absoluteFormWithEmptyPathHasSlashPath() {
        assertParses("GET https://[::1]:8443 HTTP/1.1\nHost: x\n\n", h -> {
            assertEquals("https", h.scheme());
            assertEquals("[::1]:8443", h.authority());
            assertEquals("/", h.path());
            assertNull(h.query());
        });
    }

    @Test
    void connectUsesAuthorityForm() {
        assertParses("CONNECT example.com:443 HTTP/1.1\nHost: example.com:443\n\n", h -> {
            assertTrue(h.isConnect());
            assertEquals(TargetForm.AUTHORITY, h.targetForm());
            assertEquals("example.com:443", h.authority());
            assertNull(h.path());
            assertEquals("example.com:443", h.host());
        });
    }

    @Test
    void optionsAcceptsAsterisk() {
        assertParses("OPTIONS * HTTP/1.1\nHost: a\n\n", h -> {
            assertEquals(TargetForm.ASTERISK, h.targetForm());
            assertEquals("*", h.path());
        });
    }

    @ParameterizedTest
    @CsvSource({
            "GET * HTTP/1.1, asterisk only with OPTIONS",
            "CONNECT /path HTTP/1.1, CONNECT needs authority-form",
            "CONNECT example.com HTTP/1.1, authority-form needs a port",
            "GET example.com:443 HTTP/1.1, authority-form only with CONNECT",
            "GET /a#frag HTTP/1.1, fragment",
            "GET /a%zz HTTP/1.1, bad percent-encoding",
            "GET /a% HTTP/1.1, truncated percent-encoding",
            "GET /a|b HTTP/1.1, not an RFC 3986 character",
            "GET /a[b] HTTP/1.1, brackets outside the authority",
            "GET http:///p HTTP/1.1, empty host in http URI",
            "GET http://user@host/ HTTP/1.1, userinfo",
            "GET mailto:x@y HTTP/1.1, no authority",
            "GET http://host:99999/ HTTP/1.1, port out of range",
    })
    void rejectsInvalidTarget(String requestLine, String why) {
        assertRejected(requestLine + "\nHost: a\n\n", Http1Violation.INVALID_TARGET);
    }

    @Test
    void rejectsControlCharacterInTarget() {
        assertRejected("GET /a\u0001b HTTP/1.1\nHost: a\n\n", Http1Violation.INVALID_TARGET);
        assertRejected("GET /a b HTTP/1.1\nHost: a\n\n", Http1Violation.INVALID_TARGET);
    }

    @Test
    void knownMethodsAreSharedConstantsAndOthersAllocate() {
        for (String m : RequestHead.KNOWN_METHODS) {
            String target = m.equals("CONNECT") ? "a:1" : "/";
            assertParses(m + " " + target + " HTTP/1.1\nHost: a\n\n", h -> assertSame(m, h.method()));
        }
        assertParses("PROPFIND / HTTP/1.1\nHost: a\n\n", h -> assertEquals("PROPFIND", h.method()));
        assertParses("get / HTTP/1.1\nHost: a\n\n", h -> {
            assertEquals("get", h.method()); // RFC 9110 section 9.1: case-sensitive, so not GET
            assertFalse(h.isHead());
        });
    }

    @Test
    void rejectsInvalidMethod() {
        assertRejected("GE(T / HTTP/1.1\nHost: a\n\n", Http1Violation.INVALID_METHOD);
    }

    @ParameterizedTest
    @CsvSource({
            "' GET / HTTP/1.1', leading space",
            "'GET  / HTTP/1.1', two spaces",
            "'GET /', no version",
            "'GET', method only",
            "'GET / HTTP/1.1 ', trailing space",
    })
    void rejectsMalformedRequestLine(String line, String why) {
        byte[] data = Splits.crlf(line + "\nHost: a\n\n");
        RequestHeadParser p = new RequestHeadParser(Http1Limits.DEFAULTS);
        Http1Exception e = assertThrows(Http1Exception.class, () -> p.parse(ByteBuffer.wrap(data)));
        assertEquals(400, e.violation().status(), e.violation().name());
    }

    @Test
    void rejectsUnsupportedVersionWith505() {
        assertRejected("GET / HTTP/2.0\nHost: a\n\n", Http1Violation.INVALID_VERSION);
        assertRejected("GET / HTTP/0.9\nHost: a\n\n", Http1Violation.INVALID_VERSION);
        assertEquals(505, Http1Violation.INVALID_VERSION.status());
    }

    @Test
    void rejectsMalformedVersionWith400() {
        assertRejected("GET / HTTP/1.10\nHost: a\n\n", Http1Violation.MALFORMED_VERSION);
        assertRejected("GET / http/1.1\nHost: a\n\n", Http1Violation.MALFORMED_VERSION);
        assertRejected("GET / HTTP/1\nHost: a\n\n", Http1Violation.MALFORMED_VERSION);
    }

    @Test
    void treatsHigherMinorVersionAsHttp11() {
        assertParses("GET / HTTP/1.2\nHost: a\n\n", h -> assertEquals(1, h.versionMinor())); // RFC 9110 section 2.5
    }

    @Test
    void http11KeepsAliveUnlessConnectionClose() {
        assertParses("GET / HTTP/1.1\nHost: a\n\n", h -> assertTrue(h.keepAlive()));
        assertParses("GET / HTTP/1.1\nHost: a\nConnection: Close\n\n", h -> assertFalse(h.keepAlive()));
        assertParses("GET / HTTP/1.1\nHost: a\nConnection: foo, close\n\n", h -> assertFalse(h.keepAlive()));
    }

    @Test
    void http10KeepsAliveOnlyWithKeepAliveToken() {
        assertParses("GET / HTTP/1.0\n\n", h -> {
            assertEquals(0, h.versionMinor());
            assertFalse(h.keepAlive());
            assertNull(h.host());
        });
        assertParses("GET / HTTP/1.0\nConnection: Keep-Alive\n\n", h -> assertTrue(h.keepAlive()));
    }

    @Test
    void connectionTokensMakeNamedFieldsHopByHop() {
        assertParses("GET / HTTP/1.1\nHost: a\nConnection: X-Secret , upgrade\nX-Secret: 1\nUpgrade: h2c\n"
                + "Keep-Alive: 5\nProxy-Connection: x\nTE: trailers\nAccept: */*\nX-Other: 2\n\n", h -> {
            assertTrue(h.hasConnectionToken("x-secret"));
            assertTrue(h.hasConnectionToken("upgrade"));
            assertFalse(h.hasConnectionToken("close"));
            boolean[] expected = {false, true, true, true, true, true, true, false, false};
            for (int i = 0; i < h.fieldCount(); i++) {
                assertEquals(expected[i], h.isHopByHop(i), h.name(i));
            }
        });
    }

    @Test
    void recognisesExpectContinueCaseInsensitively() {
        assertParses("POST / HTTP/1.1\nHost: a\nContent-Length: 3\nExpect: 100-Continue\n\n", h -> {
            assertTrue(h.expectContinue());
            assertEquals(3, h.contentLength());
            assertEquals(BodyFraming.Kind.CONTENT_LENGTH, BodyFraming.request(h));
        });
        assertParses("POST / HTTP/1.1\nHost: a\nExpect: something-else\n\n", h -> assertFalse(h.expectContinue()));
    }

    @Test
    void trimsOptionalWhitespaceAroundValues() {
        assertParses("GET / HTTP/1.1\nHost:a\nX-A: \t v a l \t \nX-Empty:\nX-Latin: caf\u00e9\n\n", h -> {
            assertEquals("a", h.value(0));
            assertEquals("v a l", h.value(1));
            assertEquals("", h.value(2));
            assertEquals("caf\u00e9", h.value(3));
            assertEquals("v a l", h.firstValue("x-a"));
            assertNull(h.firstValue("x-missing"));
            assertEquals(2, h.indexOf("x-empty", 0));
            assertEquals(-1, h.indexOf("x-empty", 3));
            assertTrue(h.nameIs(1, "x-a"));
        });
    }

    @Test
    void ignoresUpToFourLeadingEmptyLines() {
        assertParses("\n\n\n\nGET / HTTP/1.1\nHost: a\n\n", h -> assertEquals("/", h.path()));
        assertRejected("\n\n\n\n\nGET / HTTP/1.1\nHost: a\n\n", Http1Violation.INVALID_REQUEST_LINE);
    }

    @Test
    void chunkedRequestIsChunked() {
        assertParses("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: Chunked\n\n", h -> {
            assertTrue(h.chunked());
            assertEquals(-1, h.contentLength());
            assertEquals(BodyFraming.Kind.CHUNKED, BodyFraming.request(h));
        });
    }

    @Test
    void contentLengthZeroIsContentLengthFraming() {
        assertParses("POST / HTTP/1.1\nHost: a\nContent-Length: 0\n\n",
                h -> assertEquals(BodyFraming.Kind.CONTENT_LENGTH, BodyFraming.request(h)));
    }

    @Test
    void parsesPipelinedRequestsInOneBuffer() throws Http1Exception {
        byte[] two = Splits.crlf("GET /one HTTP/1.1\nHost: a\n\nPOST /two HTTP/1.1\nHost: b\nContent-Length: 2\n\nhi");
        RequestHeadParser parser = new RequestHeadParser(Http1Limits.DEFAULTS);
        Splits.allWays(two, plan -> {
            parser.reset();
            byte[] rest = Splits.feed(two, plan, parser::parse);
            assertEquals("/one", parser.head().path());
            parser.reset();
            byte[] body = Splits.feed(rest, new Splits.Plan("whole", new int[0]), parser::parse);
            assertEquals("/two", parser.head().path());
            assertEquals("b", parser.head().host());
            assertEquals("hi", new String(body, StandardCharsets.ISO_8859_1));
        });
    }

    @Test
    void parseAfterCompletionConsumesNothing() throws Http1Exception {
        RequestHeadParser parser = new RequestHeadParser(Http1Limits.DEFAULTS);
        ByteBuffer in = ByteBuffer.wrap(Splits.crlf("GET / HTTP/1.1\nHost: a\n\nGET"));
        assertTrue(parser.parse(in));
        int position = in.position();
        assertTrue(parser.parse(in));
        assertEquals(position, in.position());
    }

    @Test
    void parsesFromDirectBuffer() throws Http1Exception {
        byte[] data = Splits.crlf("GET /d HTTP/1.1\nHost: a\n\n");
        ByteBuffer direct = ByteBuffer.allocateDirect(data.length).put(data).flip();
        RequestHeadParser parser = new RequestHeadParser(Http1Limits.DEFAULTS);
        assertTrue(parser.parse(direct));
        assertEquals("/d", parser.head().path());
    }

    @Test
    void acceptsEmptyHostValue() {
        assertParses("OPTIONS * HTTP/1.1\nHost:\n\n", h -> assertEquals("", h.host())); // RFC 9112 section 3.2
    }

    @Test
    void copiesFieldsWithoutReformattingThem() {
        assertParses("GET / HTTP/1.1\nHost: a\nX-Y:   z  \n\n", h -> {
            HeadWriter w = new HeadWriter();
            h.copyField(1, w);
            assertEquals("X-Y: z\r\n", new String(w.toByteArray(), StandardCharsets.ISO_8859_1));
        });
    }
}
