package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;

/**
 * Envoy's {@code config.route.v3.HeaderMatcher} as RBAC uses it: one request header (or the pseudo-headers
 * {@code :method}, {@code :path} with its query, {@code :authority}, {@code :scheme}; {@code host} reads
 * {@code :authority} as in Envoy) compared by a {@link StringMatcher}, an integer range or presence, optionally
 * inverted. Several fields of one name are compared joined by "," (RFC 9110 section 5.3), as Envoy does.
 *
 * <p>A missing header matches only a presence test that asks for absence: {@code present_match: false}, or
 * {@code present_match: true} with {@code invert_match} (Envoy's rule; every other matcher fails, inverted or not),
 * unless {@code treat_missing_header_as_empty} compares it as "".
 */
final class HeaderMatcher {

    /** Where the value comes from. */
    enum Source { METHOD, PATH, AUTHORITY, SCHEME, HEADER }

    /** What is compared. */
    enum Kind { STRING, PRESENT, RANGE }

    private final String name;
    private final Source source;
    private final Kind kind;
    private final StringMatcher string;
    private final boolean present;
    private final long rangeStart;
    private final long rangeEnd;
    private final boolean invert;
    private final boolean missingAsEmpty;

    HeaderMatcher(String name, Kind kind, StringMatcher string, boolean present, long rangeStart, long rangeEnd,
                  boolean invert, boolean missingAsEmpty) {
        this.name = name;
        this.source = switch (name) {
            case ":method" -> Source.METHOD;
            case ":path" -> Source.PATH;
            case ":authority", "host" -> Source.AUTHORITY;
            case ":scheme" -> Source.SCHEME;
            default -> Source.HEADER;
        };
        this.kind = kind;
        this.string = string;
        this.present = present;
        this.rangeStart = rangeStart;
        this.rangeEnd = rangeEnd;
        this.invert = invert;
        this.missingAsEmpty = missingAsEmpty;
    }

    /** The pseudo-headers a matcher may name. */
    static boolean knownPseudoHeader(String name) {
        return name.equals(":method") || name.equals(":path") || name.equals(":authority")
                || name.equals(":scheme");
    }

    boolean matches(FilterRequest r) {
        String v = switch (source) {
            case METHOD -> r.method();
            case PATH -> r.query() == null ? r.path() : r.path() + "?" + r.query(); // Envoy's :path has the query
            case AUTHORITY -> r.authority();
            case SCHEME -> r.scheme();
            case HEADER -> r.header(name);
        };
        if (v == null) {
            if (!missingAsEmpty) {
                return kind == Kind.PRESENT && present == invert;
            }
            v = "";
        }
        boolean m = switch (kind) {
            case STRING -> string.matches(v);
            case PRESENT -> present;
            case RANGE -> inRange(v);
        };
        return m != invert;
    }

    /** Envoy's range_match: the whole value is a base-10 int64 in [start, end). */
    private boolean inRange(String v) {
        int n = v.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (v.charAt(0) == '-' || v.charAt(0) == '+')) {
            negative = v.charAt(0) == '-';
            i = 1;
        }
        if (i == n || n - i > 18) {
            return false; // empty, or too long to be parsed without overflow checks (beyond any sane range)
        }
        long value = 0;
        for (; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            value = value * 10 + (c - '0');
        }
        if (negative) {
            value = -value;
        }
        return value >= rangeStart && value < rangeEnd;
    }

    void describe(StringBuilder b) {
        b.append("header(").append(name).append(' ');
        switch (kind) {
            case STRING -> string.describe(b);
            case PRESENT -> b.append(present ? "present" : "absent");
            case RANGE -> b.append("range [").append(rangeStart).append(", ").append(rangeEnd).append(')');
        }
        if (invert) {
            b.append(" inverted");
        }
        b.append(')');
    }
}
