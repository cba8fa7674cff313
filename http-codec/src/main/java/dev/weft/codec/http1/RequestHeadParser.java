package dev.weft.codec.http1;

import java.nio.ByteBuffer;

import static dev.weft.codec.http1.HttpChars.SP;
import static dev.weft.codec.http1.HttpChars.hex;
import static dev.weft.codec.http1.HttpChars.isPath;
import static dev.weft.codec.http1.HttpChars.isScheme;
import static dev.weft.codec.http1.HttpChars.isToken;

/**
 * Push-style parser of an HTTP/1.1 request head (RFC 9112 sections 2 to 6): feed it bytes until {@link #parse}
 * returns true, then read {@link #head()}. It consumes exactly the head, never a body byte, so pipelined bytes stay
 * in the buffer. Strict by default (see {@link Http1Violation}); framing is validated when the head is complete.
 * Reuse it per connection with {@link #reset()}: in steady state parsing allocates nothing.
 */
public final class RequestHeadParser {
    private static final int MAX_LEADING_EMPTY_LINES = 4; // RFC 9112 section 2.2: SHOULD ignore at least one CRLF before the request-line
    private static final int CRLF = 2;

    private enum State { REQUEST_LINE, FIELDS, COMPLETE }

    private final Http1Limits limits;
    private final RequestHead head = new RequestHead();
    private final LineReader lines = new LineReader();
    private State state;
    private int emptyLines;

    public RequestHeadParser(Http1Limits limits) {
        this.limits = limits;
        reset();
    }

    /** Prepares for the next request on the same connection, keeping the grown arrays. */
    public void reset() {
        head.clear();
        lines.reset();
        state = State.REQUEST_LINE;
        emptyLines = 0;
    }

    /** The parsed head; valid after {@link #parse} returned true and until {@link #reset()}. */
    public RequestHead head() {
        return head;
    }

    /** Bytes consumed for the current head so far, for a request-headers timeout or limit. */
    public int bytesBuffered() {
        return lines.consumed();
    }

    /**
     * Consumes head bytes from {@code in}.
     *
     * @return true when the head is complete, with {@code in.position()} just after its final CRLF; false when all
     *         of {@code in} was consumed and more is needed
     * @throws Http1Exception on a protocol violation; the connection must be closed after the error reply
     */
    public boolean parse(ByteBuffer in) throws Http1Exception {
        while (true) {
            switch (state) {
                case REQUEST_LINE -> {
                    if (!requestLine(in)) {
                        return false;
                    }
                }
                case FIELDS -> {
                    if (!fieldLine(in)) {
                        return false;
                    }
                }
                case COMPLETE -> {
                    return true;
                }
            }
        }
    }

    private boolean requestLine(ByteBuffer in) throws Http1Exception {
        int lineLimit = limits.maxRequestLineBytes() + CRLF;
        int end = lineLimit <= limits.maxHeadBytes()
                ? lines.next(in, head, lineLimit, Http1Violation.REQUEST_LINE_TOO_LONG) // RFC 9112 section 3: 414
                : lines.next(in, head, limits.maxHeadBytes(), Http1Violation.HEADERS_TOO_LARGE);
        if (end < 0) {
            return false;
        }
        int start = lines.start();
        if (start == end) {
            if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                throw Http1Exception.of(Http1Violation.INVALID_REQUEST_LINE);
            }
            return true;
        }
        parseRequestLine(start, end);
        state = State.FIELDS;
        return true;
    }

    private boolean fieldLine(ByteBuffer in) throws Http1Exception {
        int end = lines.next(in, head, limits.maxHeadBytes(), Http1Violation.HEADERS_TOO_LARGE); // RFC 6585 section 5: 431
        if (end < 0) {
            return false;
        }
        int start = lines.start();
        if (start == end) {
            validateFraming();
            state = State.COMPLETE;
            return true;
        }
        head.addField(start, end, limits.maxHeaderCount(), Http1Violation.TOO_MANY_HEADERS); // RFC 6585 section 5: 431
        return true;
    }

    /** request-line = method SP request-target SP HTTP-version (RFC 9112 section 3), single spaces only. */
    private void parseRequestLine(int start, int end) throws Http1Exception {
        byte[] b = head.bytes;
        int methodEnd = start;
        while (methodEnd < end && isToken(b[methodEnd])) {
            methodEnd++;
        }
        if (methodEnd == start || methodEnd == end) {
            throw Http1Exception.of(Http1Violation.INVALID_REQUEST_LINE);
        }
        if (b[methodEnd] != SP) {
            throw Http1Exception.of(Http1Violation.INVALID_METHOD); // RFC 9110 section 9.1: method = token
        }
        int versionStart = end;
        while (versionStart > methodEnd && b[versionStart - 1] != SP) {
            versionStart--;
        }
        int targetStart = methodEnd + 1;
        int targetEnd = versionStart - 1;
        if (targetEnd <= targetStart) {
            throw Http1Exception.of(Http1Violation.INVALID_REQUEST_LINE); // RFC 9112 section 3: exactly three parts
        }
        head.versionMinor = parseVersion(b, versionStart, end, Http1Violation.MALFORMED_VERSION);
        head.methodEnd = methodEnd;
        head.knownMethod = knownMethod(b, start, methodEnd);
        head.targetStart = targetStart;
        head.targetEnd = targetEnd;
        parseTarget(b, targetStart, targetEnd);
    }

    /**
     * HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 section 2.3).
     *
     * @return the minor version to act on: 0, or 1 for HTTP/1.1 and above (RFC 9110 section 2.5: a higher minor
     *         version is processed as the highest one the recipient implements)
     */
    static int parseVersion(byte[] b, int from, int to, Http1Violation malformed) throws Http1Exception {
        if (to - from != 8 || b[from] != 'H' || b[from + 1] != 'T' || b[from + 2] != 'T' || b[from + 3] != 'P'
                || b[from + 4] != '/' || !HttpChars.isDigit(b[from + 5]) || b[from + 6] != '.'
                || !HttpChars.isDigit(b[from + 7])) {
            throw Http1Exception.of(malformed);
        }
        if (b[from + 5] != '1') {
            throw Http1Exception.of(Http1Violation.INVALID_VERSION); // RFC 9110 section 15.6.6: 505 for another major version
        }
        return b[from + 7] == '0' ? 0 : 1;
    }

    private static String knownMethod(byte[] b, int from, int to) {
        for (String m : RequestHead.KNOWN_METHODS) {
            if (m.length() == to - from && matches(b, from, m)) {
                return m;
            }
        }
        return null;
    }

    private static boolean matches(byte[] b, int from, String s) {
        for (int i = 0; i < s.length(); i++) {
            if (b[from + i] != s.charAt(i)) {
                return false; // RFC 9110 section 9.1: methods are case-sensitive
            }
        }
        return true;
    }

    private void parseTarget(byte[] b, int from, int to) throws Http1Exception {
        if (head.isConnect()) {
            head.targetForm = TargetForm.AUTHORITY; // RFC 9112 section 3.2.3: CONNECT uses authority-form only
            head.authorityStart = from;
            head.authorityEnd = to;
            Authority.validate(b, from, to, true, false, Http1Violation.INVALID_TARGET);
        } else if (b[from] == '/') {
            head.targetForm = TargetForm.ORIGIN;
            parsePathAndQuery(b, from, to);
        } else if (to - from == 1 && b[from] == '*') {
            if (!head.isOptions()) {
                throw Http1Exception.of(Http1Violation.INVALID_TARGET); // RFC 9112 section 3.2.4: only for OPTIONS
            }
            head.targetForm = TargetForm.ASTERISK;
        } else {
            head.targetForm = TargetForm.ABSOLUTE;
            parseAbsolute(b, from, to);
        }
    }

    /** absolute-URI with an authority: scheme "://" authority path-abempty [ "?" query ] (RFC 3986 section 3). */
    private void parseAbsolute(byte[] b, int from, int to) throws Http1Exception {
        int i = from;
        if (HttpChars.lower(b[i]) < 'a' || HttpChars.lower(b[i]) > 'z') {
            throw Http1Exception.of(Http1Violation.INVALID_TARGET); // RFC 3986 section 3.1: scheme starts with ALPHA
        }
        while (i < to && isScheme(b[i])) {
            i++;
        }
        if (to - i < 3 || b[i] != ':' || b[i + 1] != '/' || b[i + 2] != '/') {
            throw Http1Exception.of(Http1Violation.INVALID_TARGET); // RFC 9110 section 4.2: http(s) URIs have an authority
        }
        head.schemeEnd = i;
        int authority = i + 3;
        int authorityEnd = authority;
        while (authorityEnd < to && b[authorityEnd] != '/' && b[authorityEnd] != '?') {
            authorityEnd++;
        }
        head.authorityStart = authority;
        head.authorityEnd = authorityEnd;
        Authority.validate(b, authority, authorityEnd, false, false, Http1Violation.INVALID_TARGET);
        parsePathAndQuery(b, authorityEnd, to);
    }

    private void parsePathAndQuery(byte[] b, int from, int to) throws Http1Exception {
        int query = -1;
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (!isPath(c)) {
                throw Http1Exception.of(Http1Violation.INVALID_TARGET); // RFC 9112 section 3.2: no CTL, SP or '#'
            }
            if (c == '%' && (i + 2 >= to || hex(b[i + 1]) < 0 || hex(b[i + 2]) < 0)) {
                throw Http1Exception.of(Http1Violation.INVALID_TARGET); // RFC 3986 section 2.1: "%" HEXDIG HEXDIG
            }
            if (c == '?' && query < 0) {
                query = i;
            }
        }
        head.pathStart = from;
        head.pathEnd = query < 0 ? to : query;
        head.queryStart = query < 0 ? -1 : query + 1;
    }

    /** Request framing, checked once all fields are known (RFC 9112 sections 3.2, 6.1, 6.3). */
    private void validateFraming() throws Http1Exception {
        RequestHead h = head;
        if (h.transferEncodingFields > 0) {
            if (h.versionMinor == 0) {
                throw Http1Exception.of(Http1Violation.TRANSFER_ENCODING_IN_HTTP10); // RFC 9112 section 6.1: faulty framing
            }
            if (h.contentLength >= 0) {
                throw Http1Exception.of(Http1Violation.CONTENT_LENGTH_WITH_TRANSFER_ENCODING); // RFC 9112 section 6.3 rule 3
            }
            if (h.malformedTransferEncoding || h.transferCodings == 0) {
                throw Http1Exception.of(Http1Violation.INVALID_TRANSFER_ENCODING); // RFC 9112 section 6.1
            }
            if (h.chunkedCodings > 1) {
                throw Http1Exception.of(Http1Violation.CHUNKED_APPLIED_TWICE); // RFC 9112 section 7: MUST NOT apply chunked twice
            }
            if (!h.lastCodingChunked) {
                throw Http1Exception.of(Http1Violation.TRANSFER_CODING_NOT_CHUNKED_LAST); // RFC 9112 section 6.3 rule 4: MUST 400
            }
            if (h.unknownTransferCoding) {
                throw Http1Exception.of(Http1Violation.UNKNOWN_TRANSFER_CODING); // RFC 9112 section 6.1: 501, not decoded
            }
        }
        if (h.versionMinor >= 1 && h.hostCount == 0) {
            throw Http1Exception.of(Http1Violation.MISSING_HOST); // RFC 9112 section 3.2: HTTP/1.1 without Host -> 400
        }
    }
}
