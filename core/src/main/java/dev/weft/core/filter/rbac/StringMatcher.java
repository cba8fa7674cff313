package dev.weft.core.filter.rbac;

import dev.weft.core.router.Route;
import java.util.regex.Pattern;

/**
 * Envoy's {@code type.matcher.v3.StringMatcher}: exact, prefix, suffix, contains or a full-match regex, optionally
 * ignoring ASCII case (not for regexes, as in Envoy). Immutable; {@link #matches} allocates nothing except for a
 * regex whose literal start the value has (then a {@link java.util.regex.Matcher}).
 */
public final class StringMatcher {

    /** Which comparison. */
    enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

    private final Kind kind;
    private final String value;
    private final boolean ignoreCase;
    private final Pattern regex;
    /** For REGEX: the literal every match starts with, checked before a Matcher is allocated; else null. */
    private final String regexLiteralStart;

    private StringMatcher(Kind kind, String value, boolean ignoreCase, Pattern regex) {
        this.kind = kind;
        this.value = value;
        this.ignoreCase = ignoreCase;
        this.regex = regex;
        this.regexLiteralStart = regex == null ? null : Route.literalStart(regex.pattern());
    }

    static StringMatcher of(Kind kind, String value, boolean ignoreCase) {
        return new StringMatcher(kind, value, ignoreCase, null);
    }

    /** A full-match regex, already compiled (and checked) by the config reader. */
    static StringMatcher regex(Pattern pattern) {
        return new StringMatcher(Kind.REGEX, pattern.pattern(), false, pattern);
    }

    /** The exact value, case-sensitive. */
    public static StringMatcher exact(String value) {
        return of(Kind.EXACT, value, false);
    }

    /** False for null. */
    public boolean matches(String s) {
        if (s == null) {
            return false;
        }
        return switch (kind) {
            case EXACT -> ignoreCase ? value.equalsIgnoreCase(s) : value.equals(s);
            case PREFIX -> s.regionMatches(ignoreCase, 0, value, 0, value.length());
            case SUFFIX -> s.length() >= value.length()
                    && s.regionMatches(ignoreCase, s.length() - value.length(), value, 0, value.length());
            case CONTAINS -> contains(s);
            case REGEX -> (regexLiteralStart == null || s.startsWith(regexLiteralStart)) && regexMatches(s);
        };
    }

    /**
     * java.util.regex recurses per repetition of some constructs (e.g. {@code (a|b)*}) and can overflow the stack on a
     * long client-controlled value. Neither "matched" nor "not matched" is safe then (a DENY policy would let the
     * request through), so it becomes a filter failure, which the chain answers with 500.
     */
    private boolean regexMatches(String s) {
        try {
            return regex.matcher(s).matches();
        } catch (StackOverflowError e) {
            throw new IllegalStateException("regex \"" + regex.pattern() + "\" overflowed the stack on a value of "
                    + s.length() + " characters");
        }
    }

    private boolean contains(String s) {
        if (!ignoreCase) {
            return s.contains(value);
        }
        for (int i = 0, last = s.length() - value.length(); i <= last; i++) {
            if (s.regionMatches(true, i, value, 0, value.length())) {
                return true;
            }
        }
        return false;
    }

    /** Renders the matcher for traces, e.g. {@code prefix "/api/"} or {@code exact~i "Admin"}. */
    void describe(StringBuilder b) {
        b.append(switch (kind) {
            case EXACT -> "exact";
            case PREFIX -> "prefix";
            case SUFFIX -> "suffix";
            case CONTAINS -> "contains";
            case REGEX -> "regex";
        });
        if (ignoreCase) {
            b.append("~i");
        }
        b.append(' ');
        quote(b, value);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        describe(b);
        return b.toString();
    }

    /** A double-quoted value with quotes, backslashes and control characters escaped (traces are single lines). */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }
}
