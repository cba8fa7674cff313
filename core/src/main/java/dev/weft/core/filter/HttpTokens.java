package dev.weft.core.filter;

/** RFC 9110 section 5.6.2 tokens, for filters that validate header names and methods in their config. */
public final class HttpTokens {
    /** tchar besides ALPHA and DIGIT. */
    private static final String TCHAR_SYMBOLS = "!#$%&'*+-.^_`|~";

    private HttpTokens() {
    }

    /** True when {@code s} is a non-empty token: a valid header name or method. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || TCHAR_SYMBOLS.indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }
}
