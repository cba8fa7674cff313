package dev.weft.codec.http1;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.weft.codec.http1.RequestHeads.assertParses;
import static dev.weft.codec.http1.RequestHeads.assertRejected;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every request that a lenient parser would frame differently from a strict one, rejected with its status. */
class RequestSmugglingTest {

    @Test
    void rejectsContentLengthWithTransferEncoding() {
        assertRejected("POST / HTTP/1.1\nHost: a\nContent-Length: 5\nTransfer-Encoding: chunked\n\n",
                Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING);
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\nContent-Length: 0\n\n",
                Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING);
        assertEquals(400, Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING.status());
    }

    @Test
    void rejectsDifferingContentLength() {
        assertRejected("POST / HTTP/1.1\nHost: a\nContent-Length: 5\nContent-Length: 6\n\n",
                Http1Violation.DIFFERING_CONTENT_LENGTH);
        assertRejected("POST / HTTP/1.1\nHost: a\nContent-Length: 5, 6\n\n", Http1Violation.DIFFERING_CONTENT_LENGTH);
    }

    @Test
    void acceptsIdenticalRepeatedContentLengthAsOne() {
        assertParses("POST / HTTP/1.1\nHost: a\nContent-Length: 5 , 5\nContent-Length: 5\n\n",
                h -> assertEquals(5, h.contentLength())); // RFC 9110 section 8.6
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+5", "0x10", "5a", "1 2", "5,", ",5", "99999999999999999999", "\"5\""})
    void rejectsInvalidContentLength(String value) {
        assertRejected("POST / HTTP/1.1\nHost: a\nContent-Length: " + value + "\n\n",
                Http1Violation.INVALID_CONTENT_LENGTH);
    }

    @Test
    void rejectsChunkedNotLast() {
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked, identity\n\n",
                Http1Violation.TRANSFER_CODING_NOT_CHUNKED_LAST);
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: gzip\n\n",
                Http1Violation.TRANSFER_CODING_NOT_CHUNKED_LAST); // RFC 9112 section 6.3 rule 4 MUST beats 501's SHOULD
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\nTransfer-Encoding: gzip\n\n",
                Http1Violation.TRANSFER_CODING_NOT_CHUNKED_LAST);
    }

    @Test
    void rejectsUnknownTransferCodingWith501() {
        for (String coding : new String[] {"gzip", "deflate", "compress", "x-custom;q=1"}) {
            assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: " + coding + ", chunked\n\n",
                    Http1Violation.UNKNOWN_TRANSFER_CODING);
        }
        assertEquals(501, Http1Violation.UNKNOWN_TRANSFER_CODING.status());
    }

    @Test
    void rejectsChunkedAppliedTwice() {
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked, chunked\n\n",
                Http1Violation.CHUNKED_APPLIED_TWICE);
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\nTransfer-Encoding: chunked\n\n",
                Http1Violation.CHUNKED_APPLIED_TWICE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ",", "chunked;x=1", "chunked x", "\"chunked\""})
    void rejectsMalformedTransferEncoding(String value) {
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: " + value + "\n\n",
                Http1Violation.INVALID_TRANSFER_ENCODING);
    }

    @Test
    void rejectsTransferEncodingLookalikes() {
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: xchunked\n\n",
                Http1Violation.TRANSFER_CODING_NOT_CHUNKED_LAST);
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding: chunked\u000b\n\n",
                Http1Violation.INVALID_FIELD_VALUE);
        assertRejected("POST / HTTP/1.1\nHost: a\nTransfer-Encoding : chunked\n\n",
                Http1Violation.WHITESPACE_BEFORE_COLON);
    }

    @Test
    void rejectsTransferEncodingInHttp10() {
        assertRejected("POST / HTTP/1.0\nTransfer-Encoding: chunked\n\n", Http1Violation.TRANSFER_ENCODING_IN_HTTP10);
    }

    @Test
    void rejectsObsFold() {
        assertRejected("GET / HTTP/1.1\nHost: a\nX-A: one\n two\n\n", Http1Violation.OBS_FOLD);
        assertRejected("GET / HTTP/1.1\nHost: a\nX-A: one\n\ttwo\n\n", Http1Violation.OBS_FOLD);
    }

    @Test
    void rejectsWhitespaceBeforeFirstField() {
        assertRejected("GET / HTTP/1.1\n Host: a\n\n", Http1Violation.WHITESPACE_AFTER_START_LINE);
    }

    @Test
    void rejectsWhitespaceBeforeColon() {
        assertRejected("GET / HTTP/1.1\nHost : a\n\n", Http1Violation.WHITESPACE_BEFORE_COLON);
        assertRejected("GET / HTTP/1.1\nHost: a\nContent-Length\t: 5\n\n", Http1Violation.WHITESPACE_BEFORE_COLON);
    }

    @Test
    void rejectsBareLf() {
        assertRejected("GET / HTTP/1.1<LF>Host: a\n\n", Http1Violation.BARE_LF);
        assertRejected("GET / HTTP/1.1\nHost: a<LF>\n", Http1Violation.BARE_LF);
        assertRejected("GET / HTTP/1.1\nHost: a\n<LF>", Http1Violation.BARE_LF);
        assertRejected("<LF>GET / HTTP/1.1\nHost: a\n\n", Http1Violation.BARE_LF);
    }

    @Test
    void rejectsBareCr() {
        assertRejected("GET / HTTP/1.1\nHost: a\nX-A: b<CR>c\n\n", Http1Violation.BARE_CR);
        assertRejected("GET /<CR> HTTP/1.1\nHost: a\n\n", Http1Violation.BARE_CR);
        assertRejected("GET / HTTP/1.1\nHost: a\n<CR><CR>\n", Http1Violation.BARE_CR);
    }

    @Test
    void rejectsNulInValue() {
        assertRejected("GET / HTTP/1.1\nHost: a\nX-A: b\u0000c\n\n", Http1Violation.INVALID_FIELD_VALUE);
        assertRejected("GET / HTTP/1.1\nHost: a\nX-A: \u007f\n\n", Http1Violation.INVALID_FIELD_VALUE);
    }

    @Test
    void rejectsInvalidFieldName() {
        assertRejected("GET / HTTP/1.1\nHost: a\n: empty\n\n", Http1Violation.INVALID_FIELD_NAME);
        assertRejected("GET / HTTP/1.1\nHost: a\nX(A): b\n\n", Http1Violation.INVALID_FIELD_NAME);
        assertRejected("GET / HTTP/1.1\nHost: a\nNoColon\n\n", Http1Violation.INVALID_FIELD_NAME);
        assertRejected("GET / HTTP/1.1\nHost: a\nX\u0000A: b\n\n", Http1Violation.INVALID_FIELD_NAME);
        assertRejected("GET / HTTP/1.1\nHost: a\nX A: b\n\n", Http1Violation.INVALID_FIELD_NAME);
    }

    @Test
    void rejectsMissingHostInHttp11() {
        assertRejected("GET / HTTP/1.1\nAccept: */*\n\n", Http1Violation.MISSING_HOST);
        assertRejected("GET http://a/ HTTP/1.1\n\n", Http1Violation.MISSING_HOST);
    }

    @Test
    void rejectsDuplicateHost() {
        assertRejected("GET / HTTP/1.1\nHost: a\nhost: a\n\n", Http1Violation.DUPLICATE_HOST);
        assertRejected("GET / HTTP/1.0\nHost: a\nHost: b\n\n", Http1Violation.DUPLICATE_HOST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a:b", "a:123456", "user@a", "[::1", "[zz]", "a%2", "a,b:80:80"})
    void rejectsInvalidHost(String host) {
        assertRejected("GET / HTTP/1.1\nHost: " + host + "\n\n", Http1Violation.INVALID_HOST);
    }

    @Test
    void rejectsOverlongRequestLineWith414() {
        Http1Limits small = new Http1Limits(32, 1024, 10, 64, 64);
        String line = "GET /" + "a".repeat(32 - 14) + " HTTP/1.1"; // exactly 32 bytes
        assertEquals(32, line.length());
        RequestHeads.assertParses(small, Splits.crlf(line + "\nHost: a\n\n"), h -> assertEquals(32 - 14, h.path().length() - 1));
        RequestHeads.assertRejected(small, Splits.crlf("GET /" + "a".repeat(32 - 13) + " HTTP/1.1\nHost: a\n\n"),
                Http1Violation.REQUEST_LINE_TOO_LONG);
        RequestHeads.assertRejected(small, Splits.crlf("\n\nGET /" + "a".repeat(32 - 14) + " HTTP/1.1\nHost: a\n\n"),
                Http1Violation.REQUEST_LINE_TOO_LONG); // leading empty lines count against the line
        RequestHeads.assertRejected(small, Splits.crlf("GET /" + "a".repeat(1000)), Http1Violation.REQUEST_LINE_TOO_LONG);
        assertEquals(414, Http1Violation.REQUEST_LINE_TOO_LONG.status());
    }

    @Test
    void rejectsOverlongRequestLineWith414AtDefaultLimit() {
        byte[] data = Splits.crlf("GET /" + "a".repeat(Http1Limits.DEFAULT_MAX_REQUEST_LINE_BYTES) + " HTTP/1.1\nHost: a\n\n");
        RequestHeads.assertRejected(Http1Limits.DEFAULTS, data, Http1Violation.REQUEST_LINE_TOO_LONG);
    }

    @Test
    void rejectsTooManyHeadersWith431() {
        Http1Limits three = new Http1Limits(64, 1024, 3, 64, 64);
        RequestHeads.assertParses(three, Splits.crlf("GET / HTTP/1.1\nHost: a\nA: 1\nB: 2\n\n"), h -> assertEquals(3, h.fieldCount()));
        RequestHeads.assertRejected(three, Splits.crlf("GET / HTTP/1.1\nHost: a\nA: 1\nB: 2\nC: 3\n\n"),
                Http1Violation.TOO_MANY_HEADERS);
        assertEquals(431, Http1Violation.TOO_MANY_HEADERS.status());
    }

    @Test
    void rejectsTooLargeHeadersWith431() {
        String head = "GET / HTTP/1.1\nHost: a\nX: " + "v".repeat(20) + "\n\n";
        int size = Splits.crlf(head).length;
        RequestHeads.assertParses(new Http1Limits(64, size, 10, 64, 64), Splits.crlf(head), h -> assertEquals(2, h.fieldCount()));
        RequestHeads.assertRejected(new Http1Limits(64, size - 1, 10, 64, 64), Splits.crlf(head),
                Http1Violation.HEADERS_TOO_LARGE);
        assertEquals(431, Http1Violation.HEADERS_TOO_LARGE.status());
    }

    @Test
    void rejectsTooLargeHeadersWith431AtDefaultLimit() {
        byte[] data = Splits.crlf("GET / HTTP/1.1\nHost: a\nCookie: " + "c".repeat(Http1Limits.DEFAULT_MAX_HEAD_BYTES) + "\n\n");
        RequestHeads.assertRejected(Http1Limits.DEFAULTS, data, Http1Violation.HEADERS_TOO_LARGE);
    }

    @Test
    void rejectsEndlessEmptyLines() {
        RequestHeads.assertRejected("\n\n\n\n\n\n\n\n", Http1Violation.INVALID_REQUEST_LINE);
    }
}
