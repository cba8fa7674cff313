package dev.weft.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Finds where one HTTP/1.1 response ends, push-style: {@link #feed} takes whatever bytes arrived, consumes them, and
 * says whether the response is complete. It keeps the status and whether the connection may be reused, and skips
 * the body without copying it. No I/O, threads or clocks here; {@link ScheduledConnection} does read -> feed -> act.
 *
 * <p>Framing follows RFC 9112 section 6.3: 1xx, 204 and 304 have no body; a Transfer-Encoding whose last coding is
 * chunked is read chunk by chunk (extensions and trailers skipped); any other Transfer-Encoding, or neither header,
 * means the body runs until the server closes; otherwise Content-Length counts the bytes.
 */
final class ResponseParser {

    static final int MAX_LINE_BYTES = 16 * 1024;   // status, header, chunk-size and trailer lines: generous for a test target
    static final int MAX_HEADER_LINES = 256;       // per header or trailer section: a response is either sane or an error

    /** A response this client cannot frame; the connection has to be dropped. */
    static final class MalformedResponseException extends IOException {
        MalformedResponseException(String detail) {
            super(detail);
        }
    }

    /** Where the parser is inside one response; transitions are in the matching {@code on*} methods. */
    private enum State {
        /** -> HEADERS. */
        STATUS_LINE,
        /** -> STATUS_LINE (1xx), DONE (no body), FIXED_BODY, CHUNK_SIZE, BODY_UNTIL_CLOSE. */
        HEADERS,
        /** -> DONE when Content-Length bytes are skipped. */
        FIXED_BODY,
        /** -> CHUNK_DATA, or TRAILERS on the last (zero) chunk. */
        CHUNK_SIZE,
        /** -> CHUNK_DATA_END when the chunk's bytes are skipped. */
        CHUNK_DATA,
        /** -> CHUNK_SIZE on the CRLF that ends a chunk. */
        CHUNK_DATA_END,
        /** -> DONE on the empty line ending the trailer section. */
        TRAILERS,
        /** -> DONE only at end of input ({@link #endOfInput}). */
        BODY_UNTIL_CLOSE,
        /** Terminal until {@link #reset}. */
        DONE
    }

    private final byte[] line = new byte[MAX_LINE_BYTES];
    private int lineLength;
    private boolean lineHasCr;

    private State state = State.STATUS_LINE;
    private int status;
    private boolean http10;
    private boolean keepAlive;
    private long contentLength;
    private boolean chunked;
    private boolean otherTransferCoding;
    private int headerLines;
    private long remaining;

    /** Prepares for the next response on the same connection. */
    void reset() {
        state = State.STATUS_LINE;
        lineLength = 0;
        lineHasCr = false;
        status = 0;
        startHeaders();
    }

    private void startHeaders() {
        http10 = false;
        keepAlive = true;
        contentLength = -1;
        chunked = false;
        otherTransferCoding = false;
        headerLines = 0;
        remaining = 0;
    }

    /** Status code of the final (non-1xx) response; valid once {@link #feed} returned true. */
    int status() {
        return status;
    }

    /** Whether the connection may carry the next request; valid once the response is complete. */
    boolean keepAlive() {
        return keepAlive && state == State.DONE;
    }

    /**
     * Consumes bytes of the current response from {@code in}, leaving anything after its end unread.
     *
     * @return true once the response is complete, false if more bytes are needed
     */
    boolean feed(ByteBuffer in) throws MalformedResponseException {
        while (state != State.DONE && in.hasRemaining()) {
            switch (state) {
                case STATUS_LINE -> {
                    if (readLine(in)) {
                        onStatusLine();
                    }
                }
                case HEADERS -> {
                    if (readLine(in)) {
                        onHeaderLine();
                    }
                }
                case FIXED_BODY -> {
                    skip(in);
                    if (remaining == 0) {
                        state = State.DONE;
                    }
                }
                case CHUNK_SIZE -> {
                    if (readLine(in)) {
                        onChunkSizeLine();
                    }
                }
                case CHUNK_DATA -> {
                    skip(in);
                    if (remaining == 0) {
                        state = State.CHUNK_DATA_END;
                    }
                }
                case CHUNK_DATA_END -> {
                    if (readLine(in)) {
                        if (lineLength != 0) {
                            throw new MalformedResponseException("http1.chunk_not_followed_by_crlf");
                        }
                        state = State.CHUNK_SIZE;
                    }
                }
                case TRAILERS -> {
                    if (readLine(in)) {
                        onTrailerLine();
                    }
                }
                case BODY_UNTIL_CLOSE -> in.position(in.limit());
                case DONE -> throw new AssertionError("loop condition excludes DONE");
            }
        }
        return state == State.DONE;
    }

    /**
     * The peer closed the connection.
     *
     * @return true if that ends the response (a body delimited by close), false if the response is truncated
     */
    boolean endOfInput() {
        if (state == State.BODY_UNTIL_CLOSE) {
            state = State.DONE;
            keepAlive = false;
            return true;
        }
        return state == State.DONE;
    }

    /** Accumulates one line across reads; true when its LF arrived. The line excludes CRLF (a bare LF is accepted). */
    private boolean readLine(ByteBuffer in) throws MalformedResponseException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (b == '\n') {
                lineHasCr = false;
                return true;
            }
            if (lineHasCr) { // RFC 9112 section 2.2: a CR not followed by LF is invalid outside content
                throw new MalformedResponseException("http1.bare_cr");
            }
            if (b == '\r') {
                lineHasCr = true;
                continue;
            }
            if (lineLength == line.length) {
                throw new MalformedResponseException("http1.line_too_long");
            }
            line[lineLength++] = b;
        }
        return false;
    }

    private String takeLine() {
        String s = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        lineLength = 0;
        return s;
    }

    private void skip(ByteBuffer in) {
        int n = (int) Math.min(remaining, in.remaining());
        in.position(in.position() + n);
        remaining -= n;
    }

    // RFC 9112 section 4: status-line = HTTP-version SP status-code SP [ reason-phrase ]
    private void onStatusLine() throws MalformedResponseException {
        String s = takeLine();
        if (s.length() < 12 || !s.startsWith("HTTP/1.") || s.charAt(8) != ' '
                || (s.length() > 12 && s.charAt(12) != ' ')) {
            throw new MalformedResponseException("http1.invalid_status_line");
        }
        char minor = s.charAt(7);
        if (minor != '0' && minor != '1') {
            throw new MalformedResponseException("http1.unsupported_version");
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedResponseException("http1.invalid_status_code");
            }
            code = code * 10 + (c - '0');
        }
        if (code < 100) {
            throw new MalformedResponseException("http1.invalid_status_code");
        }
        if (code == 101) { // this client never asks for an upgrade
            throw new MalformedResponseException("http1.unexpected_upgrade");
        }
        startHeaders();
        status = code;
        http10 = minor == '0';
        keepAlive = !http10; // RFC 9112 section 9.3: HTTP/1.0 is persistent only with keep-alive
        state = State.HEADERS;
    }

    private void onHeaderLine() throws MalformedResponseException {
        if (lineLength == 0) {
            onEndOfHeaders();
            return;
        }
        if (++headerLines > MAX_HEADER_LINES) {
            throw new MalformedResponseException("http1.too_many_headers");
        }
        String s = takeLine();
        int colon = s.indexOf(':');
        if (colon <= 0 || s.charAt(colon - 1) == ' ' || s.charAt(colon - 1) == '\t' || s.charAt(0) == ' '
                || s.charAt(0) == '\t') { // RFC 9112 sections 5.1 and 5.2: no whitespace before the colon, no obs-fold
            throw new MalformedResponseException("http1.invalid_header");
        }
        String name = s.substring(0, colon);
        String value = s.substring(colon + 1).strip();
        if (name.equalsIgnoreCase("Content-Length")) {
            long parsed = parseContentLength(value);
            if (contentLength >= 0 && contentLength != parsed) { // RFC 9110 section 8.6
                throw new MalformedResponseException("http1.conflicting_content_length");
            }
            contentLength = parsed;
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
            // RFC 9112 section 6.3: only a final "chunked" coding delimits the body; anything else reads to close
            String last = value;
            int comma = value.lastIndexOf(',');
            if (comma >= 0) {
                last = value.substring(comma + 1).strip();
            }
            boolean isChunked = last.equalsIgnoreCase("chunked");
            chunked = isChunked;
            otherTransferCoding = !isChunked;
        } else if (name.equalsIgnoreCase("Connection")) {
            for (String token : value.split(",")) {
                String t = token.strip();
                if (t.equalsIgnoreCase("close")) {
                    keepAlive = false;
                } else if (t.equalsIgnoreCase("keep-alive") && http10) {
                    keepAlive = true;
                }
            }
        }
    }

    private static long parseContentLength(String value) throws MalformedResponseException {
        if (value.isEmpty() || value.length() > 18) {
            throw new MalformedResponseException("http1.invalid_content_length");
        }
        long n = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                throw new MalformedResponseException("http1.invalid_content_length");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private void onEndOfHeaders() throws MalformedResponseException {
        if (status < 200) { // interim response (100 Continue, 103 Early Hints): the final one follows
            state = State.STATUS_LINE;
            return;
        }
        if (status == 204 || status == 304) {
            state = State.DONE;
        } else if (chunked || otherTransferCoding) {
            // RFC 9112 section 6.3 item 3: Transfer-Encoding overrides Content-Length, and the connection must close
            if (contentLength >= 0) {
                keepAlive = false;
            }
            if (chunked) {
                state = State.CHUNK_SIZE;
            } else {
                keepAlive = false;
                state = State.BODY_UNTIL_CLOSE;
            }
        } else if (contentLength >= 0) {
            remaining = contentLength;
            state = remaining == 0 ? State.DONE : State.FIXED_BODY;
        } else {
            keepAlive = false;
            state = State.BODY_UNTIL_CLOSE;
        }
    }

    // RFC 9112 section 7.1: chunk-size [ chunk-ext ] CRLF, chunk-size = 1*HEXDIG
    private void onChunkSizeLine() throws MalformedResponseException {
        long size = 0;
        int digits = 0;
        int i = 0;
        for (; i < lineLength; i++) {
            int d = Character.digit(line[i], 16);
            if (d < 0) {
                break;
            }
            if (++digits > 15) {
                throw new MalformedResponseException("http1.chunk_size_too_large");
            }
            size = size * 16 + d;
        }
        if (digits == 0 || (i < lineLength && line[i] != ';' && line[i] != ' ' && line[i] != '\t')) {
            throw new MalformedResponseException("http1.invalid_chunk_size");
        }
        lineLength = 0;
        if (size == 0) {
            headerLines = 0;
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    private void onTrailerLine() throws MalformedResponseException {
        if (lineLength == 0) {
            state = State.DONE;
            return;
        }
        if (++headerLines > MAX_HEADER_LINES) {
            throw new MalformedResponseException("http1.too_many_trailers");
        }
        lineLength = 0;
    }
}
