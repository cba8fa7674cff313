package dev.weft.codec.http2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.weft.codec.hpack.HeaderSink;
import dev.weft.codec.http2.HeaderValidator.Mode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9113 sections 8.2 and 8.3, one rule at a time, valid and invalid. */
class HeaderValidatorTest {
    private static final int STREAM = 5;

    /** Records forwarded fields as "name: value". */
    private static final class Fields implements HeaderSink {
        final List<String> got = new ArrayList<>();

        @Override
        public void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
                          boolean neverIndexed) {
            got.add(new String(name, nameOffset, nameLength, StandardCharsets.ISO_8859_1) + ": "
                    + new String(value, valueOffset, valueLength, StandardCharsets.ISO_8859_1)
                    + (neverIndexed ? " (never indexed)" : ""));
        }
    }

    private final Fields fields = new Fields();
    private final HeaderValidator validator = new HeaderValidator(fields);

    /** Streams {@code nameValues} (name, value, name, value...) in, each at a non-zero offset of a larger array. */
    private Http2Exception run(Mode mode, String... nameValues) {
        fields.got.clear();
        validator.reset(mode, STREAM);
        for (int i = 0; i < nameValues.length; i += 2) {
            byte[] name = padded(nameValues[i]);
            byte[] value = padded(nameValues[i + 1]);
            validator.field(name, 2, name.length - 3, value, 2, value.length - 3, false);
        }
        try {
            validator.finish();
            return null;
        } catch (Http2Exception e) {
            return e;
        }
    }

    private static byte[] padded(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[b.length + 3];
        out[0] = 'X';
        out[1] = ':';
        System.arraycopy(b, 0, out, 2, b.length);
        out[out.length - 1] = '\r';
        return out;
    }

    private static String[] request(String... more) {
        List<String> all = new ArrayList<>(List.of(":method", "GET", ":scheme", "https", ":authority",
                "example.com", ":path", "/"));
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }

    private void assertValid(Mode mode, String... nameValues) {
        Http2Exception e = run(mode, nameValues);
        assertNull(e, () -> "rejected: " + e.getMessage());
        assertEquals(nameValues.length / 2, fields.got.size(), "every field forwarded");
    }

    private void assertMalformed(String reason, Mode mode, String... nameValues) {
        Http2Exception e = run(mode, nameValues);
        if (e == null) {
            throw new AssertionError("accepted, expected: " + reason);
        }
        assertFalse(e.isConnectionError(), "a malformed message is a stream error (RFC 9113 section 8.1.1)");
        assertEquals(STREAM, e.streamId());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.error());
        String what = switch (mode) {
            case REQUEST -> "request";
            case RESPONSE -> "response";
            case TRAILERS -> "trailers";
        };
        assertEquals("malformed " + what + " on stream 5: " + reason, e.getMessage());
    }

    // --- valid blocks ---

    @Test
    void acceptsATypicalRequestAndForwardsEveryField() {
        assertValid(Mode.REQUEST, request("user-agent", "curl/8.5.0", "accept", "*/*", "cookie", "a=1",
                "cookie", "b=2", "x-empty", "", "x-obs-text", "caf\u00e9", "x-inner-space", "a \t b"));
        assertEquals("user-agent: curl/8.5.0", fields.got.get(4));
        assertEquals(-1, validator.contentLength());
        assertFalse(validator.isConnect());
    }

    @Test
    void forwardsTheNeverIndexedFlag() throws Http2Exception {
        validator.reset(Mode.TRAILERS, 1);
        byte[] name = "authorization".getBytes(StandardCharsets.US_ASCII);
        byte[] value = "secret".getBytes(StandardCharsets.US_ASCII);
        validator.field(name, 0, name.length, value, 0, value.length, true);
        validator.finish();
        assertEquals(List.of("authorization: secret (never indexed)"), fields.got);
    }

    @Test
    void acceptsAuthorityFormsAndAMatchingHost() {
        assertValid(Mode.REQUEST, ":method", "GET", ":scheme", "http", ":authority", "Example.COM:8080", ":path",
                "/a/b%20c?x=1&y=/?", "host", "example.com:8080");
        assertValid(Mode.REQUEST, ":method", "GET", ":scheme", "http", ":authority", "[::1]:80", ":path", "/");
        assertValid(Mode.REQUEST, ":method", "GET", ":scheme", "http", ":authority", "a:", ":path", "/");
        // no :authority: host carries it
        assertValid(Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path", "/", "host", "example.com");
        // neither is not malformed in HTTP/2 (RFC 9113 section 8.3.1): the caller decides
        assertValid(Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path", "/");
    }

    @Test
    void acceptsPseudoHeadersInAnyOrder() {
        assertValid(Mode.REQUEST, ":path", "*", ":authority", "a", ":scheme", "https", ":method", "OPTIONS");
    }

    @Test
    void acceptsConnectWithOnlyMethodAndAuthority() {
        assertValid(Mode.REQUEST, ":method", "CONNECT", ":authority", "example.com:443");
        assertTrue(validator.isConnect());
    }

    @Test
    void acceptsResponsesAndTrailers() {
        assertValid(Mode.RESPONSE, ":status", "200", "content-type", "text/plain", "content-length", "12");
        assertEquals(12, validator.contentLength());
        assertValid(Mode.RESPONSE, ":status", "103", "link", "</a.css>; rel=preload");
        assertValid(Mode.TRAILERS, "grpc-status", "0", "x-checksum", "abc");
        assertValid(Mode.TRAILERS);
    }

    @Test
    void parsesContentLengthAndAcceptsEqualRepeats() {
        assertValid(Mode.REQUEST, request("content-length", "0"));
        assertEquals(0, validator.contentLength());
        assertValid(Mode.REQUEST, request("content-length", "9223372036854775807", "content-length",
                "9223372036854775807"));
        assertEquals(Long.MAX_VALUE, validator.contentLength());
        assertValid(Mode.REQUEST, request("content-length", "007", "content-length", "7"));
        assertEquals(7, validator.contentLength());
    }

    @Test
    void teTrailersIsTheOnlyConnectionFieldAllowed() {
        assertValid(Mode.REQUEST, request("te", "trailers"));
        assertValid(Mode.REQUEST, request("te", "Trailers"));
    }

    // --- malformed blocks ---

    static Stream<Arguments> malformed() {
        return Stream.of(
                // pseudo-header fields (RFC 9113 section 8.3)
                bad(":path after a regular field", Mode.REQUEST, ":method", "GET", ":scheme", "https", "accept", "*/*",
                        ":path", "/"),
                bad("duplicate :path", Mode.REQUEST, request(":path", "/b")),
                bad("duplicate :method", Mode.REQUEST, ":method", "GET", ":method", "GET", ":scheme", "https", ":path",
                        "/"),
                bad("undefined pseudo-header field", Mode.REQUEST, request(":protocol", "websocket")),
                bad("undefined pseudo-header field", Mode.REQUEST, ":", "x"),
                bad(":status in a request", Mode.REQUEST, ":status", "200"),
                bad(":path in a response", Mode.RESPONSE, ":status", "200", ":path", "/"),
                bad(":method in a response", Mode.RESPONSE, ":method", "GET"),
                bad("pseudo-header field in trailers", Mode.TRAILERS, ":status", "200"),
                bad("pseudo-header field in trailers", Mode.TRAILERS, "x", "1", ":path", "/"),
                bad("missing :method", Mode.REQUEST, ":scheme", "https", ":path", "/"),
                bad("missing :scheme", Mode.REQUEST, ":method", "GET", ":path", "/"),
                bad("missing :path", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":authority", "a"),
                bad("missing :status", Mode.RESPONSE, "content-type", "text/plain"),
                bad("missing :status", Mode.RESPONSE),
                // pseudo-header values
                bad(":method is not a token", Mode.REQUEST, ":method", "GE T", ":scheme", "https", ":path", "/"),
                bad(":method is not a token", Mode.REQUEST, ":method", "", ":scheme", "https", ":path", "/"),
                bad(":scheme is not a URI scheme", Mode.REQUEST, ":method", "GET", ":scheme", "1http", ":path", "/"),
                bad(":scheme is not a URI scheme", Mode.REQUEST, ":method", "GET", ":scheme", "ht tp", ":path", "/"),
                bad("empty :path", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path", ""),
                bad(":path does not start with \"/\"", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path",
                        "a"),
                bad(":path does not start with \"/\"", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path",
                        "http://a/"),
                bad(":path \"*\" is only for OPTIONS", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path",
                        "*"),
                bad(":path has a character outside RFC 3986 path and query", Mode.REQUEST, ":method", "GET", ":scheme",
                        "https", ":path", "/a b"),
                bad(":path has a character outside RFC 3986 path and query", Mode.REQUEST, ":method", "GET", ":scheme",
                        "https", ":path", "/a#frag"),
                bad(":path has a character outside RFC 3986 path and query", Mode.REQUEST, ":method", "GET", ":scheme",
                        "https", ":path", "/a\r\nX: y"),
                bad(":path has a character outside RFC 3986 path and query", Mode.REQUEST, ":method", "GET", ":scheme",
                        "https", ":path", "/a%zz"),
                bad(":authority is not a valid host and port", Mode.REQUEST, ":method", "GET", ":scheme", "https",
                        ":authority", "user@example.com", ":path", "/"),
                bad(":authority is not a valid host and port", Mode.REQUEST, ":method", "GET", ":scheme", "https",
                        ":authority", "", ":path", "/"),
                bad(":authority is not a valid host and port", Mode.REQUEST, ":method", "GET", ":scheme", "https",
                        ":authority", "a:99999", ":path", "/"),
                bad(":authority is not a valid host and port", Mode.REQUEST, ":method", "GET", ":scheme", "https",
                        ":authority", "a b", ":path", "/"),
                bad(":status is not three digits", Mode.RESPONSE, ":status", "2000"),
                bad(":status is not three digits", Mode.RESPONSE, ":status", "20x"),
                // CONNECT (RFC 9113 section 8.5)
                bad("CONNECT request with :scheme or :path", Mode.REQUEST, ":method", "CONNECT", ":authority", "a:443",
                        ":path", "/"),
                bad("CONNECT request with :scheme or :path", Mode.REQUEST, ":method", "CONNECT", ":authority", "a:443",
                        ":scheme", "https"),
                bad("CONNECT request without :authority", Mode.REQUEST, ":method", "CONNECT"),
                bad("CONNECT request :authority without a port", Mode.REQUEST, ":method", "CONNECT", ":authority",
                        "example.com"),
                // field names (RFC 9113 section 8.2.1)
                bad("field name is not a lowercase token", Mode.REQUEST, request("Accept", "*/*")),
                bad("field name is not a lowercase token", Mode.REQUEST, request("x y", "1")),
                bad("field name is not a lowercase token", Mode.REQUEST, request("x:y", "1")),
                bad("field name is not a lowercase token", Mode.TRAILERS, "x\u00e9", "1"),
                bad("empty field name", Mode.REQUEST, request("", "1")),
                // connection-specific fields (RFC 9113 section 8.2.2)
                bad("connection-specific field connection", Mode.REQUEST, request("connection", "keep-alive")),
                bad("connection-specific field keep-alive", Mode.REQUEST, request("keep-alive", "timeout=5")),
                bad("connection-specific field proxy-connection", Mode.REQUEST, request("proxy-connection", "close")),
                bad("connection-specific field transfer-encoding", Mode.RESPONSE, ":status", "200",
                        "transfer-encoding", "chunked"),
                bad("connection-specific field upgrade", Mode.REQUEST, request("upgrade", "h2c")),
                bad("connection-specific field connection", Mode.TRAILERS, "connection", "close"),
                bad("te other than \"trailers\"", Mode.REQUEST, request("te", "gzip")),
                bad("te other than \"trailers\"", Mode.REQUEST, request("te", "trailers, deflate")),
                // field values (RFC 9113 section 8.2.1, RFC 9110 section 5.5)
                bad("control character 0x0 in the value of x-a", Mode.REQUEST, request("x-a", "a\u0000b")),
                bad("control character 0xd in the value of x-a", Mode.REQUEST, request("x-a", "a\rb")),
                bad("control character 0xa in the value of x-a", Mode.REQUEST, request("x-a", "a\nb")),
                bad("control character 0x1 in the value of x-a", Mode.REQUEST, request("x-a", "\u0001")),
                bad("control character 0x7f in the value of x-a", Mode.TRAILERS, "x-a", "\u007f"),
                bad("leading or trailing whitespace in the value of x-a", Mode.REQUEST, request("x-a", " a")),
                bad("leading or trailing whitespace in the value of x-a", Mode.REQUEST, request("x-a", "a\t")),
                bad("leading or trailing whitespace in the value of x-a", Mode.REQUEST, request("x-a", " ")),
                // host and :authority (RFC 9113 section 8.3.1)
                bad("host differs from :authority", Mode.REQUEST, request("host", "other.example")),
                bad("host differs from :authority", Mode.REQUEST, request("host", "example.com:443")),
                bad("duplicate host", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path", "/", "host", "a",
                        "host", "a"),
                bad("host is not a valid host and port", Mode.REQUEST, ":method", "GET", ":scheme", "https", ":path",
                        "/", "host", "a/b"),
                // content-length (RFC 9110 section 8.6)
                bad("content-length is not a number", Mode.REQUEST, request("content-length", "1a")),
                bad("content-length is not a number", Mode.REQUEST, request("content-length", "-1")),
                bad("content-length is not a number", Mode.REQUEST, request("content-length", "1,1")),
                bad("empty content-length", Mode.REQUEST, request("content-length", "")),
                bad("content-length too large", Mode.REQUEST, request("content-length", "9223372036854775808")),
                bad("differing content-length values", Mode.RESPONSE, ":status", "200", "content-length", "1",
                        "content-length", "2"));
    }

    private static Arguments bad(String reason, Mode mode, String... nameValues) {
        return Arguments.of(reason, mode, nameValues);
    }

    @ParameterizedTest(name = "{1}: {0}")
    @MethodSource("malformed")
    void rejectsMalformedBlocks(String reason, Mode mode, String[] nameValues) {
        assertMalformed(reason, mode, nameValues);
    }

    // --- behaviour around a violation ---

    @Test
    void stopsForwardingAtTheFirstViolationAndKeepsIt() {
        Http2Exception e = run(Mode.REQUEST, ":method", "GET", "Bad", "1", "connection", "close", ":path", "/");
        assertEquals("malformed request on stream 5: field name is not a lowercase token", e.getMessage());
        assertEquals(List.of(":method: GET"), fields.got);
        assertSame(e, validator.failure(), "the first violation wins");
    }

    @Test
    void theFailureIsKnownBeforeTheEndOfTheBlock() {
        validator.reset(Mode.REQUEST, 3);
        byte[] b = "connection".getBytes(StandardCharsets.US_ASCII);
        validator.field(b, 0, b.length, b, 0, b.length, false);
        assertEquals(3, validator.failure().streamId());
        assertEquals(0, fields.got.size());
    }

    @Test
    void countsTheHeaderListSizeOfEveryField() {
        run(Mode.REQUEST, ":method", "GET", "Bad", "12345", ":scheme", "https", ":path", "/");
        assertEquals((7 + 3 + 32) + (3 + 5 + 32) + (7 + 5 + 32) + (5 + 1 + 32), validator.headerListSize());
    }

    @Test
    void resetStartsOver() {
        assertMalformed("duplicate :path", Mode.REQUEST, request(":path", "/b"));
        assertValid(Mode.REQUEST, request("content-length", "3"));
        assertEquals(3, validator.contentLength());
        assertValid(Mode.RESPONSE, ":status", "204");
        assertEquals(-1, validator.contentLength());
        assertEquals(Mode.RESPONSE, validator.mode());
        assertThrows(IllegalArgumentException.class, () -> validator.reset(Mode.REQUEST, 0));
    }

    @Test
    void mustBeResetBeforeUse() {
        HeaderValidator fresh = new HeaderValidator((n, no, nl, v, vo, vl, ni) -> { });
        byte[] b = "a".getBytes(StandardCharsets.US_ASCII);
        assertThrows(IllegalStateException.class, () -> fresh.field(b, 0, 1, b, 0, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new HeaderValidator(null));
    }

    @Test
    void aLongAuthorityGrowsTheBuffer() {
        String host = "a".repeat(300) + ".example";
        assertValid(Mode.REQUEST, ":method", "GET", ":scheme", "https", ":authority", host, ":path", "/",
                "host", host.toUpperCase());
    }
}
