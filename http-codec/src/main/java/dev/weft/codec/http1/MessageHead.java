package dev.weft.codec.http1;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static dev.weft.codec.http1.HttpChars.equalsIgnoreCase;
import static dev.weft.codec.http1.HttpChars.equalsLower;
import static dev.weft.codec.http1.HttpChars.isDigit;
import static dev.weft.codec.http1.HttpChars.isFieldValue;
import static dev.weft.codec.http1.HttpChars.isToken;
import static dev.weft.codec.http1.HttpChars.isWhitespace;

/**
 * The parsed head of an HTTP/1.x message: its field lines and the framing facts read from them.
 *
 * <p>The head owns a copy of its bytes (each line without its CRLF) in a growable {@code byte[]} and the offsets of
 * every field name and trimmed value in an {@code int[]}; parsing allocates no String and, once both arrays have
 * grown to fit, nothing at all. Accessors that return a String allocate it on demand. A head is reused by its parser:
 * it is valid until the parser's next {@code reset()}.
 */
public abstract class MessageHead {
    private static final int STRIDE = 4; // nameStart, nameEnd, valueStart, valueEnd

    byte[] bytes = new byte[1024];
    int size;
    private int[] fields = new int[STRIDE * 32];
    private int fieldCount;
    int versionMinor;

    long contentLength = -1;
    int transferEncodingFields;
    int transferCodings;
    int chunkedCodings;
    boolean lastCodingChunked;
    boolean unknownTransferCoding;
    boolean malformedTransferEncoding;
    private int connectionFields;
    private boolean connectionClose;
    private boolean connectionKeepAlive;

    MessageHead() {
    }

    void clear() {
        size = 0;
        fieldCount = 0;
        versionMinor = 1;
        contentLength = -1;
        transferEncodingFields = 0;
        transferCodings = 0;
        chunkedCodings = 0;
        lastCodingChunked = false;
        unknownTransferCoding = false;
        malformedTransferEncoding = false;
        connectionFields = 0;
        connectionClose = false;
        connectionKeepAlive = false;
    }

    final void ensureCapacity(int capacity) {
        if (capacity > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(capacity, bytes.length * 2));
        }
    }

    /** The minor version: 0 for HTTP/1.0, 1 for HTTP/1.1 (and for HTTP/1.2+ per RFC 9110 section 2.5). */
    public int versionMinor() {
        return versionMinor;
    }

    public int fieldCount() {
        return fieldCount;
    }

    /** The field name as received (original case). */
    public String name(int i) {
        int at = check(i);
        return string(fields[at], fields[at + 1]);
    }

    /** The field value without leading and trailing whitespace. */
    public String value(int i) {
        int at = check(i);
        return string(fields[at + 2], fields[at + 3]);
    }

    /** ASCII case-insensitive name comparison with a lower-case name; no allocation. */
    public boolean nameIs(int i, String lowerCaseName) {
        int at = check(i);
        return equalsLower(bytes, fields[at], fields[at + 1], lowerCaseName);
    }

    /** The value of the first field with this (lower-case) name, or null. */
    public String firstValue(String lowerCaseName) {
        int i = indexOf(lowerCaseName, 0);
        return i < 0 ? null : value(i);
    }

    /** Index of the first field at or after {@code from} with this (lower-case) name, or -1. */
    public int indexOf(String lowerCaseName, int from) {
        for (int i = Math.max(0, from); i < fieldCount; i++) {
            if (equalsLower(bytes, fields[i * STRIDE], fields[i * STRIDE + 1], lowerCaseName)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether field {@code i} is hop-by-hop and so must not be forwarded (RFC 9110 section 7.6.1): Connection,
     * Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade, and every field named by a Connection option.
     */
    public boolean isHopByHop(int i) {
        int at = check(i);
        int from = fields[at];
        int to = fields[at + 1];
        boolean fixed = switch (to - from) {
            case 2 -> equalsLower(bytes, from, to, "te");
            case 7 -> equalsLower(bytes, from, to, "upgrade");
            case 10 -> equalsLower(bytes, from, to, "connection") || equalsLower(bytes, from, to, "keep-alive");
            case 16 -> equalsLower(bytes, from, to, "proxy-connection");
            case 17 -> equalsLower(bytes, from, to, "transfer-encoding");
            default -> false;
        };
        if (fixed) {
            return true;
        }
        for (int c = 0; connectionFields > 0 && (c = indexOf("connection", c)) >= 0; c++) {
            if (listContains(fields[c * STRIDE + 2], fields[c * STRIDE + 3], bytes, from, to)) {
                return true;
            }
        }
        return false;
    }

    /** Whether field {@code i} is Content-Length or Transfer-Encoding, which a proxy regenerates, never copies. */
    public boolean isFraming(int i) {
        return nameIs(i, "content-length") || nameIs(i, "transfer-encoding");
    }

    /**
     * The Content-Length, or -1 if absent. Identical repeated values ("5, 5", or two fields with 5) collapse to one
     * (RFC 9110 section 8.6). On a response with Transfer-Encoding this is not the framing: see {@link BodyFraming}.
     */
    public long contentLength() {
        return contentLength;
    }

    /** Whether a Transfer-Encoding field is present. */
    public boolean hasTransferEncoding() {
        return transferEncodingFields > 0;
    }

    /** Whether the final transfer coding is chunked, so the body is chunked (RFC 9112 section 6.3 rule 4). */
    public boolean chunked() {
        return transferEncodingFields > 0 && lastCodingChunked && versionMinor >= 1;
    }

    /**
     * Whether the connection may carry another message after this one (RFC 9112 section 9.3): HTTP/1.1 unless
     * "Connection: close"; HTTP/1.0 only with "Connection: keep-alive". Always false for an ambiguously framed
     * response.
     */
    public boolean keepAlive() {
        if (connectionClose || framingAmbiguous()) {
            return false;
        }
        return versionMinor >= 1 || connectionKeepAlive;
    }

    /** Whether a Connection field lists this option (lower-case token, compared case-insensitively). */
    public boolean hasConnectionToken(String lowerToken) {
        for (int c = 0; connectionFields > 0 && (c = indexOf("connection", c)) >= 0; c++) {
            if (listContains(fields[c * STRIDE + 2], fields[c * STRIDE + 3], lowerToken)) {
                return true;
            }
        }
        return false;
    }

    /** Appends field {@code i} to {@code out} as "name: value" CRLF, copying bytes (no String). */
    public void copyField(int i, HeadWriter out) {
        int at = check(i);
        out.rawField(bytes, fields[at], fields[at + 1], fields[at + 2], fields[at + 3]);
    }

    /** Whether the proxy must close after this message because its framing was ambiguous; false for requests. */
    boolean framingAmbiguous() {
        return false;
    }

    final String string(int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private int check(int i) {
        if (i < 0 || i >= fieldCount) {
            throw new IndexOutOfBoundsException(i);
        }
        return i * STRIDE;
    }

    /**
     * Validates and records the field line {@code bytes[start, end)}: {@code field-name ":" OWS field-value OWS}.
     */
    final void addField(int start, int end, int maxCount, Http1Violation tooMany) throws Http1Exception {
        byte[] b = bytes;
        if (isWhitespace(b[start])) {
            throw Http1Exception.of(fieldCount == 0
                    ? Http1Violation.WHITESPACE_AFTER_START_LINE // RFC 9112 section 2.2: reject whitespace before the first field
                    : Http1Violation.OBS_FOLD);                  // RFC 9112 section 5.2: obs-fold is rejected
        }
        int colon = start;
        while (colon < end && isToken(b[colon])) {
            colon++;
        }
        if (colon == end || b[colon] != ':') {
            int after = colon;
            while (after < end && isWhitespace(b[after])) {
                after++;
            }
            if (after > colon && after < end && b[after] == ':') {
                throw Http1Exception.of(Http1Violation.WHITESPACE_BEFORE_COLON); // RFC 9112 section 5.1: MUST reject with 400
            }
            throw Http1Exception.of(Http1Violation.INVALID_FIELD_NAME); // RFC 9110 section 5.1: field-name = token
        }
        if (colon == start) {
            throw Http1Exception.of(Http1Violation.INVALID_FIELD_NAME); // RFC 9110 section 5.1: a token has 1+ tchar
        }
        int valueStart = colon + 1;
        while (valueStart < end && isWhitespace(b[valueStart])) {
            valueStart++;
        }
        int valueEnd = end;
        while (valueEnd > valueStart && isWhitespace(b[valueEnd - 1])) {
            valueEnd--;
        }
        for (int i = valueStart; i < valueEnd; i++) {
            if (!isFieldValue(b[i])) {
                throw Http1Exception.of(Http1Violation.INVALID_FIELD_VALUE); // RFC 9110 section 5.5: no NUL or CTL but HTAB
            }
        }
        if (fieldCount >= maxCount) {
            throw Http1Exception.of(tooMany);
        }
        int at = fieldCount * STRIDE;
        if (at + STRIDE > fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[at] = start;
        fields[at + 1] = colon;
        fields[at + 2] = valueStart;
        fields[at + 3] = valueEnd;
        fieldCount++;
        onField(start, colon, valueStart, valueEnd);
    }

    /** Recognises the fields that matter to framing as they are added; subclasses add their own, then call this. */
    void onField(int nameStart, int nameEnd, int valueStart, int valueEnd) throws Http1Exception {
        switch (nameEnd - nameStart) {
            case 10 -> {
                if (equalsLower(bytes, nameStart, nameEnd, "connection")) {
                    connectionFields++;
                    connectionClose |= listContains(valueStart, valueEnd, "close");
                    connectionKeepAlive |= listContains(valueStart, valueEnd, "keep-alive");
                }
            }
            case 14 -> {
                if (equalsLower(bytes, nameStart, nameEnd, "content-length")) {
                    onContentLength(valueStart, valueEnd);
                }
            }
            case 17 -> {
                if (equalsLower(bytes, nameStart, nameEnd, "transfer-encoding")) {
                    onTransferEncoding(valueStart, valueEnd);
                }
            }
            default -> {
            }
        }
    }

    /** Content-Length = 1*DIGIT; a list of identical values is accepted as one (RFC 9110 section 8.6). */
    private void onContentLength(int from, int to) throws Http1Exception {
        byte[] b = bytes;
        int i = from;
        while (true) {
            int digits = i;
            long value = 0;
            while (i < to && isDigit(b[i])) {
                if (value > (Long.MAX_VALUE - 9) / 10) {
                    throw Http1Exception.of(Http1Violation.INVALID_CONTENT_LENGTH); // RFC 9110 section 8.6: must fit
                }
                value = value * 10 + (b[i++] - '0');
            }
            if (i == digits) {
                throw Http1Exception.of(Http1Violation.INVALID_CONTENT_LENGTH); // RFC 9110 section 8.6: 1*DIGIT
            }
            if (contentLength >= 0 && contentLength != value) {
                throw Http1Exception.of(Http1Violation.DIFFERING_CONTENT_LENGTH); // RFC 9112 section 6.3 rule 5
            }
            contentLength = value;
            while (i < to && isWhitespace(b[i])) {
                i++;
            }
            if (i == to) {
                return;
            }
            if (b[i++] != ',') {
                throw Http1Exception.of(Http1Violation.INVALID_CONTENT_LENGTH); // RFC 9110 section 8.6: 1*DIGIT
            }
            while (i < to && isWhitespace(b[i])) {
                i++;
            }
        }
    }

    /**
     * Transfer-Encoding = #transfer-coding (RFC 9112 section 6.1). Records the codings in order across all fields;
     * the parser decides what is allowed once the head is complete. Empty list elements are skipped (RFC 9110
     * section 5.6.1); parameters on chunked, or a non-token, make the field malformed.
     */
    private void onTransferEncoding(int from, int to) throws Http1Exception {
        transferEncodingFields++;
        byte[] b = bytes;
        int i = from;
        while (i < to) {
            if (b[i] == ',' || isWhitespace(b[i])) {
                i++;
                continue;
            }
            int name = i;
            while (i < to && isToken(b[i])) {
                i++;
            }
            if (i == name) {
                malformedTransferEncoding = true;
                return;
            }
            boolean chunked = equalsLower(b, name, i, "chunked");
            transferCodings++;
            lastCodingChunked = chunked;
            if (chunked) {
                chunkedCodings++;
            } else {
                unknownTransferCoding = true;
            }
            while (i < to && isWhitespace(b[i])) {
                i++;
            }
            if (i < to && b[i] == ';') {
                if (chunked) {
                    malformedTransferEncoding = true; // RFC 9112 section 7: chunked takes no parameters
                    return;
                }
                while (i < to && b[i] != ',') {
                    i++;
                }
            } else if (i < to && b[i] != ',') {
                malformedTransferEncoding = true;
                return;
            }
        }
    }

    /** Whether the comma-separated token list {@code bytes[from, to)} holds {@code lowerToken}. */
    final boolean listContains(int from, int to, String lowerToken) {
        byte[] b = bytes;
        int i = from;
        while (i < to) {
            int start = i;
            while (i < to && b[i] != ',') {
                i++;
            }
            int end = i++;
            int s = start;
            while (s < end && isWhitespace(b[s])) {
                s++;
            }
            while (end > s && isWhitespace(b[end - 1])) {
                end--;
            }
            if (equalsLower(b, s, end, lowerToken)) {
                return true;
            }
        }
        return false;
    }

    private boolean listContains(int from, int to, byte[] name, int nameFrom, int nameTo) {
        byte[] b = bytes;
        int i = from;
        while (i < to) {
            int start = i;
            while (i < to && b[i] != ',') {
                i++;
            }
            int end = i++;
            int s = start;
            while (s < end && isWhitespace(b[s])) {
                s++;
            }
            while (end > s && isWhitespace(b[end - 1])) {
                end--;
            }
            if (equalsIgnoreCase(b, s, end, name, nameFrom, nameTo)) {
                return true;
            }
        }
        return false;
    }
}
