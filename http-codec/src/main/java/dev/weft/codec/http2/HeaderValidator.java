package dev.weft.codec.http2;

import java.nio.charset.StandardCharsets;

import dev.weft.codec.hpack.HeaderSink;

/**
 * Checks one decoded field block against RFC 9113 sections 8.2 and 8.3 while the HPACK decoder streams it in, and
 * forwards every valid field to a delegate {@link HeaderSink}, so that the caller builds its request (or response)
 * from the same pass. Reusable: {@link #reset} before each block, {@link #finish} after it. A valid block allocates
 * nothing once the internal authority buffer has grown.
 *
 * <p>A {@link HeaderSink} cannot throw, so the first violation is recorded ({@link #failure()}) and thrown by
 * {@link #finish()} as a stream error PROTOCOL_ERROR: the message is malformed (section 8.1.1). From the first
 * violation on nothing more is forwarded; fields forwarded before it must be dropped by the caller.
 *
 * <p>Rules, for every mode: field names are non-empty lowercase tokens (RFC 9110 section 5.6.2, which also excludes
 * the characters section 8.2.1 forbids); pseudo-header fields come before regular fields, each at most once, and only
 * those defined for the mode; no connection-specific field (connection, keep-alive, proxy-connection,
 * transfer-encoding, upgrade), and {@code te} only as {@code trailers} (section 8.2.2); values have no leading or
 * trailing SP or HTAB and no control character but HTAB. That last rule is stricter than section 8.2.1, which only
 * forbids NUL, CR and LF: it is the HTTP/1.1 codec's rule (RFC 9110 section 5.5), so that every field accepted here
 * can be forwarded to an HTTP/1.1 peer as it is.
 *
 * <p>{@link Mode#REQUEST}: {@code :method} (a token), {@code :scheme} (RFC 3986 scheme syntax) and {@code :path}
 * (non-empty; "/" followed by RFC 3986 path and query characters, or "*" for OPTIONS) are required, and
 * {@code :authority} (host and optional port, no userinfo) is optional; a CONNECT request has only {@code :method} and
 * {@code :authority}, with a port (section 8.5). {@code host}, if present, is a valid authority, appears once, and
 * equals {@code :authority} (case-insensitively) when both are present (section 8.3.1). {@code content-length}, if
 * present, is all digits, and equal if repeated. {@link Mode#RESPONSE}: only {@code :status}, three digits; same
 * content-length rule. {@link Mode#TRAILERS}: no pseudo-header field at all (section 8.1).
 */
public final class HeaderValidator implements HeaderSink {

    /** What the field block is. */
    public enum Mode {
        /** The header section of a request. */
        REQUEST,
        /** The header section of a response, interim (1xx) or final. */
        RESPONSE,
        /** A trailer section, request or response. */
        TRAILERS
    }

    /** RFC 7541 section 4.1: the size of a field for SETTINGS_MAX_HEADER_LIST_SIZE is name + value + 32. */
    public static final int FIELD_OVERHEAD = 32;

    private static final int METHOD = 1;
    private static final int SCHEME = 1 << 1;
    private static final int AUTHORITY = 1 << 2;
    private static final int PATH = 1 << 3;
    private static final int STATUS = 1 << 4;
    private static final int MAX_PORT = 65535;

    private static final boolean[] NAME = new boolean[256];
    private static final boolean[] VALUE = new boolean[256];
    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] PATH_CHAR = new boolean[256];
    private static final boolean[] REG_NAME = new boolean[256];
    private static final boolean[] SCHEME_CHAR = new boolean[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean lowerAlnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            boolean alnum = lowerAlnum || (c >= 'A' && c <= 'Z');
            boolean tcharSymbol = c < 128 && "!#$%&'*+-.^_`|~".indexOf(c) >= 0; // RFC 9110 section 5.6.2
            TOKEN[c] = alnum || tcharSymbol;
            NAME[c] = lowerAlnum || tcharSymbol; // RFC 9113 section 8.2.1: no uppercase
            VALUE[c] = (c >= 0x21 && c <= 0x7E) || c >= 0x80 || c == ' ' || c == '\t'; // RFC 9110 section 5.5
            boolean unreserved = alnum || (c < 128 && "-._~".indexOf(c) >= 0); // RFC 3986 section 2.3
            boolean subDelim = c < 128 && "!$&'()*+,;=".indexOf(c) >= 0;    // RFC 3986 section 2.2
            PATH_CHAR[c] = unreserved || subDelim || c == ':' || c == '@' || c == '/' || c == '?' || c == '%';
            REG_NAME[c] = unreserved || subDelim || c == '%';
            SCHEME_CHAR[c] = alnum || c == '+' || c == '-' || c == '.';
        }
    }

    private static final byte[] P_METHOD = ascii(":method");
    private static final byte[] P_SCHEME = ascii(":scheme");
    private static final byte[] P_AUTHORITY = ascii(":authority");
    private static final byte[] P_PATH = ascii(":path");
    private static final byte[] P_STATUS = ascii(":status");
    private static final byte[] CONNECTION = ascii("connection");
    private static final byte[] KEEP_ALIVE = ascii("keep-alive");
    private static final byte[] PROXY_CONNECTION = ascii("proxy-connection");
    private static final byte[] TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] UPGRADE = ascii("upgrade");
    private static final byte[] TE = ascii("te");
    private static final byte[] TRAILERS_VALUE = ascii("trailers");
    private static final byte[] HOST = ascii("host");
    private static final byte[] CONTENT_LENGTH = ascii("content-length");
    private static final byte[] CONNECT = ascii("CONNECT");
    private static final byte[] OPTIONS = ascii("OPTIONS");

    private final HeaderSink delegate;
    private Mode mode = Mode.REQUEST;
    private int streamId;
    private Http2Exception failure;
    private int pseudo;
    private boolean regularSeen;
    private boolean connect;
    private boolean options;
    private boolean asteriskPath;
    private boolean authorityHasPort;
    private boolean hostSeen;
    private long contentLength;
    private long headerListSize;
    private byte[] authority = new byte[64];
    private int authorityLength;

    /** @param delegate receives every field up to the first violation, in order */
    public HeaderValidator(HeaderSink delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("delegate is null");
        }
        this.delegate = delegate;
    }

    /** Prepares for the field block of {@code streamId}, the stream a violation resets. */
    public void reset(Mode mode, int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id " + streamId + " must be positive");
        }
        this.mode = mode;
        this.streamId = streamId;
        failure = null;
        pseudo = 0;
        regularSeen = false;
        connect = false;
        options = false;
        asteriskPath = false;
        authorityHasPort = false;
        hostSeen = false;
        contentLength = -1;
        headerListSize = 0;
        authorityLength = 0;
    }

    public Mode mode() {
        return mode;
    }

    /** The first violation found so far, without the end-of-block checks of {@link #finish()}; null if none. */
    public Http2Exception failure() {
        return failure;
    }

    /** The value of content-length, or -1 if absent (or not checked yet, or in {@link Mode#TRAILERS}). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the request's :method is CONNECT. */
    public boolean isConnect() {
        return connect;
    }

    /**
     * The size of the block as SETTINGS_MAX_HEADER_LIST_SIZE counts it (RFC 9113 section 6.5.2): the sum of name
     * length, value length and 32 over every field received, valid or not.
     */
    public long headerListSize() {
        return headerListSize;
    }

    /**
     * Ends the block: checks that the required pseudo-header fields were present (RFC 9113 sections 8.3 and 8.5).
     *
     * @throws Http2Exception the first violation, a stream error PROTOCOL_ERROR on the stream given to {@link #reset}
     */
    public void finish() throws Http2Exception {
        if (failure == null) {
            if (mode == Mode.REQUEST) {
                finishRequest();
            } else if (mode == Mode.RESPONSE && (pseudo & STATUS) == 0) {
                fail("missing :status");
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void finishRequest() {
        if ((pseudo & METHOD) == 0) {
            fail("missing :method");
        } else if (connect) { // RFC 9113 section 8.5
            if ((pseudo & (SCHEME | PATH)) != 0) {
                fail("CONNECT request with :scheme or :path");
            } else if ((pseudo & AUTHORITY) == 0) {
                fail("CONNECT request without :authority");
            } else if (!authorityHasPort) {
                fail("CONNECT request :authority without a port");
            }
        } else if ((pseudo & SCHEME) == 0) {
            fail("missing :scheme");
        } else if ((pseudo & PATH) == 0) {
            fail("missing :path");
        } else if (asteriskPath && !options) {
            fail(":path \"*\" is only for OPTIONS");
        }
    }

    @Override
    public void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
                      boolean neverIndexed) {
        if (streamId == 0) {
            throw new IllegalStateException("reset() the validator before a field block");
        }
        headerListSize += nameLength + valueLength + FIELD_OVERHEAD;
        if (failure != null) {
            return;
        }
        if (nameLength == 0) {
            fail("empty field name");
        } else if (name[nameOffset] == ':') {
            pseudoHeader(name, nameOffset, nameLength, value, valueOffset, valueLength);
        } else {
            regularField(name, nameOffset, nameLength, value, valueOffset, valueLength);
        }
        if (failure == null) {
            delegate.field(name, nameOffset, nameLength, value, valueOffset, valueLength, neverIndexed);
        }
    }

    private void pseudoHeader(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset,
                              int valueLength) {
        int bit = pseudoBit(name, nameOffset, nameLength);
        if (mode == Mode.TRAILERS) {
            fail("pseudo-header field in trailers"); // RFC 9113 section 8.1
            return;
        }
        if (bit == 0) {
            fail("undefined pseudo-header field"); // RFC 9113 section 8.3
            return;
        }
        String field = pseudoName(bit);
        if ((bit == STATUS) != (mode == Mode.RESPONSE)) {
            fail(field + " in a " + (mode == Mode.RESPONSE ? "response" : "request"));
            return;
        }
        if (regularSeen) {
            fail(field + " after a regular field"); // RFC 9113 section 8.3
            return;
        }
        if ((pseudo & bit) != 0) {
            fail("duplicate " + field);
            return;
        }
        pseudo |= bit;
        int end = valueOffset + valueLength;
        switch (bit) {
            case METHOD -> {
                if (valueLength == 0 || !all(TOKEN, value, valueOffset, end)) {
                    fail(":method is not a token"); // RFC 9110 section 9.1
                    return;
                }
                connect = equals(value, valueOffset, valueLength, CONNECT);
                options = equals(value, valueOffset, valueLength, OPTIONS);
            }
            case SCHEME -> {
                if (valueLength == 0 || !isAlpha(value[valueOffset]) || !all(SCHEME_CHAR, value, valueOffset, end)) {
                    fail(":scheme is not a URI scheme"); // RFC 3986 section 3.1
                }
            }
            case AUTHORITY -> {
                int port = authority(value, valueOffset, end);
                if (port == INVALID) {
                    fail(":authority is not a valid host and port"); // RFC 9113 section 8.3.1: no userinfo either
                    return;
                }
                authorityHasPort = port == WITH_PORT;
                if (authority.length < valueLength) {
                    authority = new byte[Math.max(valueLength, 2 * authority.length)];
                }
                System.arraycopy(value, valueOffset, authority, 0, valueLength);
                authorityLength = valueLength;
            }
            case PATH -> {
                if (valueLength == 0) {
                    fail("empty :path"); // RFC 9113 section 8.3.1
                } else if (valueLength == 1 && value[valueOffset] == '*') {
                    asteriskPath = true;
                } else if (value[valueOffset] != '/') {
                    fail(":path does not start with \"/\"");
                } else if (!isPathAndQuery(value, valueOffset, end)) {
                    fail(":path has a character outside RFC 3986 path and query");
                }
            }
            default -> { // STATUS
                if (valueLength != 3 || !isDigit(value[valueOffset]) || !isDigit(value[valueOffset + 1])
                        || !isDigit(value[valueOffset + 2])) {
                    fail(":status is not three digits"); // RFC 9110 section 15
                }
            }
        }
    }

    private void regularField(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset,
                              int valueLength) {
        if (!all(NAME, name, nameOffset, nameOffset + nameLength)) {
            fail("field name is not a lowercase token"); // RFC 9113 section 8.2.1
            return;
        }
        regularSeen = true;
        int end = valueOffset + valueLength;
        for (int i = valueOffset; i < end; i++) {
            if (!VALUE[value[i] & 0xFF]) { // RFC 9113 section 8.2.1 (NUL, CR, LF), RFC 9110 section 5.5 (other CTLs)
                fail("control character 0x" + Integer.toHexString(value[i] & 0xFF) + " in the value of "
                        + string(name, nameOffset, nameLength));
                return;
            }
        }
        if (valueLength > 0 && (isWhitespace(value[valueOffset]) || isWhitespace(value[end - 1]))) {
            fail("leading or trailing whitespace in the value of " + string(name, nameOffset, nameLength));
            return;
        }
        switch (nameLength) {
            case 2 -> {
                if (equals(name, nameOffset, nameLength, TE) && !equalsIgnoreCase(value, valueOffset, valueLength,
                        TRAILERS_VALUE)) {
                    fail("te other than \"trailers\""); // RFC 9113 section 8.2.2
                }
            }
            case 4 -> {
                if (mode == Mode.REQUEST && equals(name, nameOffset, nameLength, HOST)) {
                    host(value, valueOffset, valueLength);
                }
            }
            case 7, 10, 16, 17 -> {
                if (equals(name, nameOffset, nameLength, CONNECTION) || equals(name, nameOffset, nameLength, KEEP_ALIVE)
                        || equals(name, nameOffset, nameLength, PROXY_CONNECTION)
                        || equals(name, nameOffset, nameLength, TRANSFER_ENCODING)
                        || equals(name, nameOffset, nameLength, UPGRADE)) {
                    fail("connection-specific field " + string(name, nameOffset, nameLength)); // RFC 9113 section 8.2.2
                }
            }
            case 14 -> {
                if (mode != Mode.TRAILERS && equals(name, nameOffset, nameLength, CONTENT_LENGTH)) {
                    contentLength(value, valueOffset, valueLength);
                }
            }
            default -> {
                // no rule for other fields
            }
        }
    }

    private void host(byte[] value, int offset, int length) {
        if (hostSeen) {
            fail("duplicate host"); // RFC 9110 section 7.2 (as in HTTP/1.1, RFC 9112 section 3.2)
        } else if (authority(value, offset, offset + length) == INVALID) {
            fail("host is not a valid host and port");
        } else if ((pseudo & AUTHORITY) != 0
                && !equalsIgnoreCase(value, offset, length, authority, authorityLength)) {
            fail("host differs from :authority"); // RFC 9113 section 8.3.1
        }
        hostSeen = true;
    }

    /** RFC 9110 section 8.6: Content-Length = 1*DIGIT; repeated fields must agree (a list is not accepted). */
    private void contentLength(byte[] value, int offset, int length) {
        if (length == 0) {
            fail("empty content-length");
            return;
        }
        long n = 0;
        for (int i = offset; i < offset + length; i++) {
            if (!isDigit(value[i])) {
                fail("content-length is not a number");
                return;
            }
            int digit = value[i] - '0';
            if (n > (Long.MAX_VALUE - digit) / 10) {
                fail("content-length too large");
                return;
            }
            n = n * 10 + digit;
        }
        if (contentLength >= 0 && contentLength != n) {
            fail("differing content-length values");
            return;
        }
        contentLength = n;
    }

    private static final int INVALID = -1;
    private static final int NO_PORT = 0;
    private static final int WITH_PORT = 1;

    /** {@code uri-host [ ":" port ]} (RFC 3986 sections 3.2.2 and 3.2.3), as the HTTP/1.1 codec's Authority. */
    private static int authority(byte[] b, int from, int to) {
        int i = from;
        if (i < to && b[i] == '[') {
            i++;
            int literal = i;
            while (i < to && b[i] != ']') {
                if (hex(b[i]) < 0 && b[i] != ':' && b[i] != '.') {
                    return INVALID;
                }
                i++;
            }
            if (i == to || i == literal) {
                return INVALID;
            }
            i++;
        } else {
            while (i < to && b[i] != ':') {
                if (!REG_NAME[b[i] & 0xFF] || b[i] == '%' && (i + 2 >= to || hex(b[i + 1]) < 0 || hex(b[i + 2]) < 0)) {
                    return INVALID;
                }
                i++;
            }
            if (i == from) {
                return INVALID; // RFC 9110 section 4.2.1: an empty host is invalid
            }
        }
        if (i == to) {
            return NO_PORT;
        }
        if (b[i++] != ':') {
            return INVALID;
        }
        if (i == to) {
            return NO_PORT; // RFC 3986 section 3.2.3: port = *DIGIT, an empty port is allowed
        }
        int port = 0;
        for (int digits = 0; i < to; i++, digits++) {
            if (!isDigit(b[i]) || digits == 5) {
                return INVALID;
            }
            port = port * 10 + (b[i] - '0');
        }
        return port > MAX_PORT ? INVALID : WITH_PORT;
    }

    private static boolean isPathAndQuery(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!PATH_CHAR[b[i] & 0xFF]) {
                return false; // RFC 3986 section 3.3 and 3.4: no CTL, SP, '#', or other excluded character
            }
            if (b[i] == '%' && (i + 2 >= to || hex(b[i + 1]) < 0 || hex(b[i + 2]) < 0)) {
                return false;
            }
        }
        return true;
    }

    private void fail(String reason) {
        if (failure == null) {
            String what = switch (mode) {
                case REQUEST -> "malformed request on stream ";
                case RESPONSE -> "malformed response on stream ";
                case TRAILERS -> "malformed trailers on stream ";
            };
            failure = Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR, what + streamId + ": " + reason);
        }
    }

    private static int pseudoBit(byte[] name, int offset, int length) {
        return switch (length) {
            case 5 -> equals(name, offset, length, P_PATH) ? PATH : 0;
            case 7 -> equals(name, offset, length, P_METHOD) ? METHOD
                    : equals(name, offset, length, P_SCHEME) ? SCHEME
                    : equals(name, offset, length, P_STATUS) ? STATUS : 0;
            case 10 -> equals(name, offset, length, P_AUTHORITY) ? AUTHORITY : 0;
            default -> 0;
        };
    }

    private static String pseudoName(int bit) {
        return switch (bit) {
            case METHOD -> ":method";
            case SCHEME -> ":scheme";
            case AUTHORITY -> ":authority";
            case PATH -> ":path";
            default -> ":status";
        };
    }

    private static boolean all(boolean[] table, byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!table[b[i] & 0xFF]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equals(byte[] b, int offset, int length, byte[] literal) {
        if (length != literal.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[offset + i] != literal[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean equalsIgnoreCase(byte[] b, int offset, int length, byte[] other) {
        return equalsIgnoreCase(b, offset, length, other, other.length);
    }

    private static boolean equalsIgnoreCase(byte[] b, int offset, int length, byte[] other, int otherLength) {
        if (length != otherLength) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (lower(b[offset + i]) != lower(other[i])) {
                return false;
            }
        }
        return true;
    }

    private static int lower(byte b) {
        return b >= 'A' && b <= 'Z' ? b | 0x20 : b & 0xFF;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean isAlpha(byte b) {
        return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t';
    }

    private static int hex(byte b) {
        return Character.digit(b & 0xFF, 16);
    }

    private static String string(byte[] b, int offset, int length) {
        return new String(b, offset, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
