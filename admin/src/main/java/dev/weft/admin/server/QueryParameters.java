package dev.weft.admin.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The query of an admin request as name -> value (first occurrence wins). A name without {@code =} ({@code ?usedonly})
 * maps to "". Percent-escapes are decoded as UTF-8 (RFC 3986 section 2.1), but {@code +} stays a plus: stats filters
 * are regular expressions where {@code +} is an operator, so a client sends a space as {@code %20}.
 */
final class QueryParameters {
    static final QueryParameters EMPTY = new QueryParameters(Map.of());

    private final Map<String, String> values;

    private QueryParameters(Map<String, String> values) {
        this.values = values;
    }

    /** Parses a raw query (without '?'); null means no query. */
    static QueryParameters parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            values.putIfAbsent(name, value);
        }
        return new QueryParameters(Collections.unmodifiableMap(values));
    }

    /** The value, "" for a bare name, or null when absent. */
    String get(String name) {
        return values.get(name);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    /**
     * Decodes {@code %XX} escapes. The codec has already checked every '%' is followed by two hex digits
     * (RFC 3986 section 2.1); malformed UTF-8 becomes U+FFFD rather than an error.
     */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                bytes.write(hex(s.charAt(i + 1)) << 4 | hex(s.charAt(i + 2)));
                i += 2;
            } else {
                bytes.write(c); // the codec only lets visible ASCII through the request-target
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
