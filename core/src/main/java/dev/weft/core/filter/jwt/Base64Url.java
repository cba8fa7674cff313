package dev.weft.core.filter.jwt;

/**
 * Strict base64url without padding (RFC 4648 section 5, as RFC 7515 section 2 requires for JWS segments and RFC 7517
 * for JWK members): only the 64 URL-safe characters, no {@code =}, no whitespace, and the unused low bits of the last
 * character must be zero, so every byte string has exactly one encoding (the JDK decoder accepts padding and
 * non-canonical tails).
 */
final class Base64Url {
    private static final byte[] VALUES = new byte[128];

    static {
        java.util.Arrays.fill(VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        for (int i = 0; i < alphabet.length(); i++) {
            VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private Base64Url() {
    }

    /** Decodes {@code s[from, to)}, or returns null when it is not canonical unpadded base64url. */
    static byte[] decode(CharSequence s, int from, int to) {
        int n = to - from;
        if (n % 4 == 1) {
            return null; // one character carries only 6 bits: never a whole byte
        }
        byte[] out = new byte[n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1)];
        int o = 0;
        int i = from;
        for (int end = from + n / 4 * 4; i < end; i += 4) {
            int a = value(s.charAt(i));
            int b = value(s.charAt(i + 1));
            int c = value(s.charAt(i + 2));
            int d = value(s.charAt(i + 3));
            if ((a | b | c | d) < 0) {
                return null;
            }
            int bits = a << 18 | b << 12 | c << 6 | d;
            out[o++] = (byte) (bits >> 16);
            out[o++] = (byte) (bits >> 8);
            out[o++] = (byte) bits;
        }
        int rest = to - i;
        if (rest == 2) {
            int a = value(s.charAt(i));
            int b = value(s.charAt(i + 1));
            if ((a | b) < 0 || (b & 0x0f) != 0) {
                return null;
            }
            out[o] = (byte) (a << 2 | b >> 4);
        } else if (rest == 3) {
            int a = value(s.charAt(i));
            int b = value(s.charAt(i + 1));
            int c = value(s.charAt(i + 2));
            if ((a | b | c) < 0 || (c & 0x03) != 0) {
                return null;
            }
            int bits = a << 12 | b << 6 | c;
            out[o++] = (byte) (bits >> 10);
            out[o] = (byte) (bits >> 2);
        }
        return out;
    }

    static byte[] decode(CharSequence s) {
        return decode(s, 0, s.length());
    }

    /** True when every character of {@code s[from, to)} is in the base64url alphabet. */
    static boolean isAlphabet(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (value(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int value(char c) {
        return c < 128 ? VALUES[c] : -1;
    }
}
