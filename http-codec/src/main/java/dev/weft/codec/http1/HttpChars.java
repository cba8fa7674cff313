package dev.weft.codec.http1;

/**
 * Byte-class lookup tables for the HTTP/1.1 grammar: one array read per byte, no branches on ranges.
 * Sources: RFC 9110 section 5.6.2 (token), section 5.5 (field-value), RFC 3986 sections 2 and 3 (URI characters).
 */
final class HttpChars {
    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HTAB = '\t';

    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~"; // RFC 9110 section 5.6.2
    private static final String UNRESERVED_SYMBOLS = "-._~";       // RFC 3986 section 2.3
    private static final String SUB_DELIMS = "!$&'()*+,;=";         // RFC 3986 section 2.2

    private static final boolean[] TOKEN = new boolean[256];
    private static final boolean[] FIELD_VALUE = new boolean[256];
    private static final boolean[] PATH = new boolean[256];
    private static final boolean[] REG_NAME = new boolean[256];
    private static final boolean[] SCHEME = new boolean[256];
    private static final byte[] HEX = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            TOKEN[c] = alnum || (c < 128 && TCHAR_SYMBOLS.indexOf(c) >= 0);
            // field-vchar = VCHAR / obs-text, plus SP and HTAB inside the value (RFC 9110 section 5.5)
            FIELD_VALUE[c] = (c >= 0x21 && c <= 0x7E) || c >= 0x80 || c == SP || c == HTAB;
            boolean unreserved = alnum || (c < 128 && UNRESERVED_SYMBOLS.indexOf(c) >= 0);
            boolean subDelim = c < 128 && SUB_DELIMS.indexOf(c) >= 0;
            // pchar / "/" / "?" (RFC 3986 section 3.3 and 3.4); '%' is checked for two HEXDIGs by the caller
            PATH[c] = unreserved || subDelim || c == ':' || c == '@' || c == '/' || c == '?' || c == '%';
            REG_NAME[c] = unreserved || subDelim || c == '%'; // RFC 3986 section 3.2.2
            SCHEME[c] = alnum || c == '+' || c == '-' || c == '.'; // RFC 3986 section 3.1
            HEX[c] = (byte) Character.digit(c, 16);
        }
    }

    private HttpChars() {
    }

    static boolean isToken(byte b) {
        return TOKEN[b & 0xFF];
    }

    static boolean isFieldValue(byte b) {
        return FIELD_VALUE[b & 0xFF];
    }

    static boolean isPath(byte b) {
        return PATH[b & 0xFF];
    }

    static boolean isRegName(byte b) {
        return REG_NAME[b & 0xFF];
    }

    static boolean isScheme(byte b) {
        return SCHEME[b & 0xFF];
    }

    /** @return the value of a hex digit, or -1. */
    static int hex(byte b) {
        return HEX[b & 0xFF];
    }

    static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    static boolean isWhitespace(byte b) {
        return b == SP || b == HTAB;
    }

    /** ASCII lower case; other bytes unchanged. */
    static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b | 0x20 : b & 0xFF;
    }

    /** Case-insensitive comparison of {@code bytes[from, to)} with a lower-case ASCII string, no allocation. */
    static boolean equalsLower(byte[] bytes, int from, int to, String lowerCase) {
        int n = lowerCase.length();
        if (to - from != n) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (lower(bytes[from + i]) != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** Case-insensitive comparison of two byte ranges, no allocation. */
    static boolean equalsIgnoreCase(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
        if (aTo - aFrom != bTo - bFrom) {
            return false;
        }
        for (int i = 0; i < aTo - aFrom; i++) {
            if (lower(a[aFrom + i]) != lower(b[bFrom + i])) {
                return false;
            }
        }
        return true;
    }
}
