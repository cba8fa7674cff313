package dev.weft.codec.http1;

import java.nio.ByteBuffer;

import static dev.weft.codec.http1.HttpChars.SP;
import static dev.weft.codec.http1.HttpChars.isDigit;
import static dev.weft.codec.http1.HttpChars.isFieldValue;

/**
 * Push-style parser of an HTTP/1.1 response head (RFC 9112 section 4 to 6), the upstream side of the proxy. Same
 * contract as {@link RequestHeadParser}. Any {@link Http1Exception} it throws means the upstream is broken: the
 * proxy answers 502 and closes the upstream connection.
 */
public final class ResponseHeadParser {
    private static final int MIN_STATUS = 100; // RFC 9110 section 15: status codes are 1xx to 5xx
    private static final int MAX_STATUS = 599; // RFC 9110 section 15: the first digit is 1..5

    private enum State { STATUS_LINE, FIELDS, COMPLETE }

    private final Http1Limits limits;
    private final ResponseHead head = new ResponseHead();
    private final LineReader lines = new LineReader();
    private State state;

    public ResponseHeadParser(Http1Limits limits) {
        this.limits = limits;
        reset();
    }

    /** Prepares for the next response (or the final response after a 1xx), keeping the grown arrays. */
    public void reset() {
        head.clear();
        lines.reset();
        state = State.STATUS_LINE;
    }

    public ResponseHead head() {
        return head;
    }

    public int bytesBuffered() {
        return lines.consumed();
    }

    /** Same contract as {@link RequestHeadParser#parse}. */
    public boolean parse(ByteBuffer in) throws Http1Exception {
        while (state != State.COMPLETE) {
            int end = lines.next(in, head, limits.maxHeadBytes(), Http1Violation.RESPONSE_HEADERS_TOO_LARGE);
            if (end < 0) {
                return false;
            }
            int start = lines.start();
            if (state == State.STATUS_LINE) {
                parseStatusLine(start, end);
                state = State.FIELDS;
            } else if (start == end) {
                validateFraming();
                state = State.COMPLETE;
            } else {
                head.addField(start, end, limits.maxHeaderCount(), Http1Violation.RESPONSE_HEADERS_TOO_LARGE);
            }
        }
        return true;
    }

    /**
     * Delegates to {@link ResponseHead#framingAmbiguous()}: the upstream connection must not be reused.
     */
    public boolean framingAmbiguous() {
        return head.framingAmbiguous();
    }

    /**
     * status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 section 4). A missing SP after the
     * status code is accepted: it is common, and the reason phrase carries no meaning (RFC 9112 section 4).
     */
    private void parseStatusLine(int start, int end) throws Http1Exception {
        byte[] b = head.bytes;
        if (end - start < 12 || b[start + 8] != SP) {
            throw Http1Exception.of(Http1Violation.INVALID_STATUS_LINE);
        }
        head.versionMinor = RequestHeadParser.parseVersion(b, start, start + 8, Http1Violation.INVALID_STATUS_LINE);
        int s = start + 9;
        if (!isDigit(b[s]) || !isDigit(b[s + 1]) || !isDigit(b[s + 2])) {
            throw Http1Exception.of(Http1Violation.INVALID_STATUS_LINE); // RFC 9112 section 4: status-code = 3DIGIT
        }
        int status = (b[s] - '0') * 100 + (b[s + 1] - '0') * 10 + (b[s + 2] - '0');
        if (status < MIN_STATUS || status > MAX_STATUS) {
            throw Http1Exception.of(Http1Violation.INVALID_STATUS_LINE);
        }
        head.status = status;
        int reason = s + 3;
        if (reason < end && b[reason++] != SP) {
            throw Http1Exception.of(Http1Violation.INVALID_STATUS_LINE);
        }
        for (int i = reason; i < end; i++) {
            if (!isFieldValue(b[i])) {
                throw Http1Exception.of(Http1Violation.INVALID_STATUS_LINE); // RFC 9112 section 4: HTAB / SP / VCHAR / obs-text
            }
        }
        head.reasonStart = reason;
        head.reasonEnd = end;
    }

    /** Response framing (RFC 9112 section 6.3): Transfer-Encoding wins; ambiguity closes the connection. */
    private void validateFraming() throws Http1Exception {
        ResponseHead h = head;
        if (h.transferEncodingFields == 0) {
            return;
        }
        if (h.malformedTransferEncoding || h.transferCodings == 0) {
            throw Http1Exception.of(Http1Violation.INVALID_TRANSFER_ENCODING); // RFC 9112 section 6.1
        }
        if (h.chunkedCodings > 1) {
            throw Http1Exception.of(Http1Violation.CHUNKED_APPLIED_TWICE); // RFC 9112 section 7: MUST NOT apply chunked twice
        }
        if (h.versionMinor == 0) {
            h.framingAmbiguous = true; // RFC 9112 section 6.1: TE in HTTP/1.0 is faulty framing; read until close
        }
        if (h.contentLength >= 0) {
            h.framingAmbiguous = true; // RFC 9112 section 6.3 rule 3: TE overrides CL; ought to be handled as an error
        }
    }
}
