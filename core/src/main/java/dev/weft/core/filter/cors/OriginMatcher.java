package dev.weft.core.filter.cors;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One entry of {@code allow_origin_string_match}, Envoy's StringMatcher applied to the request's {@code Origin}
 * (its serialization, e.g. {@code https://app.weft.local:8443}). Immutable.
 *
 * @param kind       how {@code value} is compared
 * @param value      the literal, or the regex source for {@link Kind#SAFE_REGEX}
 * @param regex      the compiled regex (whole-value match, as Envoy's RE2 {@code safe_regex}); null otherwise
 * @param ignoreCase compare literals case-insensitively (a regex was compiled with CASE_INSENSITIVE)
 */
public record OriginMatcher(Kind kind, String value, Pattern regex, boolean ignoreCase) {

    /** The StringMatcher kinds. */
    public enum Kind {
        EXACT,
        PREFIX,
        SUFFIX,
        CONTAINS,
        SAFE_REGEX
    }

    public boolean matches(String origin) {
        int n = value.length();
        return switch (kind) {
            case EXACT -> ignoreCase ? origin.equalsIgnoreCase(value) : origin.equals(value);
            case PREFIX -> origin.regionMatches(ignoreCase, 0, value, 0, n);
            case SUFFIX -> origin.length() >= n && origin.regionMatches(ignoreCase, origin.length() - n, value, 0, n);
            case CONTAINS -> contains(origin);
            case SAFE_REGEX -> regex.matcher(origin).matches();
        };
    }

    private boolean contains(String origin) {
        if (!ignoreCase) {
            return origin.contains(value);
        }
        for (int i = 0; i + value.length() <= origin.length(); i++) {
            if (origin.regionMatches(true, i, value, 0, value.length())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code origin} is allowed by any of {@code matchers}. As in Envoy, a matcher that matches the literal
     * {@code *} (e.g. {@code exact: "*"}) allows every origin; the reply still names the request's origin, never
     * {@code *}, so it is valid with credentials too.
     */
    public static boolean anyMatches(List<OriginMatcher> matchers, String origin) {
        for (int i = 0, n = matchers.size(); i < n; i++) {
            OriginMatcher m = matchers.get(i);
            if (m.matches("*") || m.matches(origin)) {
                return true;
            }
        }
        return false;
    }
}
