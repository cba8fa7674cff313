package dev.weft.codec.http1;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Serializes HTTP/1.1 heads (and chunk framing) into a reusable, growable byte buffer. Strings are written as
 * ISO-8859-1 bytes without allocating; anything that would let a caller inject a line break or a control character
 * is refused with {@link IllegalArgumentException}, so a filter's header value can never split a message.
 */
public final class HeadWriter {
    private static final byte[] HTTP_1_1 = {'H', 'T', 'T', 'P', '/', '1', '.', '1'};
    private static final byte[] HEX_DIGITS = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

    private byte[] buf;
    private int size;
    private ByteBuffer view;

    public HeadWriter() {
        this(512);
    }

    public HeadWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
        view = ByteBuffer.wrap(buf);
    }

    /** {@code method SP target SP HTTP/1.1 CRLF}. */
    public HeadWriter requestLine(String method, String target) {
        requireToken(method, "method");
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                throw new IllegalArgumentException("request-target must be visible ASCII: " + target); // RFC 9112 section 3.2
            }
        }
        if (target.isEmpty()) {
            throw new IllegalArgumentException("empty request-target");
        }
        ascii(method).put((byte) ' ').ascii(target).put((byte) ' ').put(HTTP_1_1);
        return crlf();
    }

    /** {@code HTTP/1.1 SP status SP reason CRLF}; a null reason writes {@link #reasonPhrase(int)}. */
    public HeadWriter statusLine(int status, String reason) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must have 3 digits: " + status); // RFC 9112 section 4
        }
        String phrase = reason == null ? reasonPhrase(status) : reason;
        requireValue(phrase, "reason");
        put(HTTP_1_1).put((byte) ' ');
        put((byte) ('0' + status / 100)).put((byte) ('0' + status / 10 % 10)).put((byte) ('0' + status % 10));
        return put((byte) ' ').ascii(phrase).crlf();
    }

    /** {@code name ": " value CRLF}; the name must be a token, the value free of CR, LF, NUL and other CTLs. */
    public HeadWriter field(String name, String value) {
        requireToken(name, "field name");
        requireValue(value, "field value");
        return ascii(name).put((byte) ':').put((byte) ' ').ascii(value).crlf();
    }

    /** {@code name ": " decimal CRLF}, without allocating. */
    public HeadWriter field(String name, long value) {
        requireToken(name, "field name");
        ascii(name).put((byte) ':').put((byte) ' ');
        if (value < 0) {
            put((byte) '-');
        }
        int digits = 1;
        for (long v = value / 10; v != 0; v /= 10) {
            digits++;
        }
        ensure(digits);
        long v = value;
        for (int i = size + digits - 1; i >= size; i--) {
            buf[i] = (byte) ('0' + Math.abs(v % 10));
            v /= 10;
        }
        size += digits;
        return crlf();
    }

    /** The empty line that ends a head or a trailer section. */
    public HeadWriter endHead() {
        return crlf();
    }

    /** {@code 0 CRLF}: the last chunk; follow it with trailer {@link #field}s, then {@link #endHead()}. */
    public HeadWriter lastChunk() {
        return put((byte) '0').crlf();
    }

    public void reset() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /**
     * A read-ready view of the written bytes: position 0, limit {@link #size()}. The same instance is returned by
     * every call until the buffer grows; it is valid until the next write or reset.
     */
    public ByteBuffer buffer() {
        if (view.array() != buf) {
            view = ByteBuffer.wrap(buf);
        }
        return view.limit(size).position(0);
    }

    /** A copy of the written bytes. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Writes {@code <hex size> CRLF} (RFC 9112 section 7.1) into {@code out}; returns the bytes written. */
    public static int writeChunkHeader(ByteBuffer out, long size) {
        if (size < 0) {
            throw new IllegalArgumentException("negative chunk size: " + size);
        }
        int digits = Math.max(1, (64 - Long.numberOfLeadingZeros(size) + 3) / 4);
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            out.put(HEX_DIGITS[(int) (size >>> shift) & 0xF]);
        }
        out.put(HttpChars.CR).put(HttpChars.LF);
        return digits + 2;
    }

    /** Writes the CRLF that ends a chunk's data. */
    public static void writeChunkEnd(ByteBuffer out) {
        out.put(HttpChars.CR).put(HttpChars.LF);
    }

    /** The standard reason phrase of a status (RFC 9110 section 15), or "" for an unregistered one. */
    public static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 103 -> "Early Hints";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 203 -> "Non-Authoritative Information";
            case 204 -> "No Content";
            case 205 -> "Reset Content";
            case 206 -> "Partial Content";
            case 300 -> "Multiple Choices";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 408 -> "Request Timeout";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 411 -> "Length Required";
            case 412 -> "Precondition Failed";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 415 -> "Unsupported Media Type";
            case 416 -> "Range Not Satisfiable";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
            case 422 -> "Unprocessable Content";
            case 426 -> "Upgrade Required";
            case 428 -> "Precondition Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    /** Appends an already validated field (bytes from a parsed head). */
    void rawField(byte[] src, int nameFrom, int nameTo, int valueFrom, int valueTo) {
        int n = (nameTo - nameFrom) + 2 + (valueTo - valueFrom) + 2;
        ensure(n);
        System.arraycopy(src, nameFrom, buf, size, nameTo - nameFrom);
        size += nameTo - nameFrom;
        buf[size++] = ':';
        buf[size++] = ' ';
        System.arraycopy(src, valueFrom, buf, size, valueTo - valueFrom);
        size += valueTo - valueFrom;
        buf[size++] = HttpChars.CR;
        buf[size++] = HttpChars.LF;
    }

    private static void requireToken(String s, String what) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7F || !HttpChars.isToken((byte) c)) {
                throw new IllegalArgumentException(what + " must be a token: " + s); // RFC 9110 section 5.6.2
            }
        }
    }

    private static void requireValue(String s, String what) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !HttpChars.isFieldValue((byte) c)) {
                throw new IllegalArgumentException(what + " has a CR, LF, NUL, control or non-Latin-1 char at " + i); // RFC 9110 section 5.5
            }
        }
    }

    private HeadWriter ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size + i] = (byte) s.charAt(i);
        }
        size += n;
        return this;
    }

    private HeadWriter put(byte b) {
        ensure(1);
        buf[size++] = b;
        return this;
    }

    private HeadWriter put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    private HeadWriter crlf() {
        ensure(2);
        buf[size++] = HttpChars.CR;
        buf[size++] = HttpChars.LF;
        return this;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + more, buf.length * 2));
        }
    }
}
