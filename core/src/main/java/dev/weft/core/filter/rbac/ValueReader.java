package dev.weft.core.filter.rbac;

import dev.weft.core.config.YamlMap;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the leaf matchers of RBAC config (Envoy's StringMatcher, HeaderMatcher, CidrRange) and reports every problem
 * at its path. Each method returns null when there was a problem, which is then already reported.
 */
final class ValueReader {
    private static final String[] STRING_MATCHER_FIELDS = {"exact", "prefix", "suffix", "contains", "safe_regex",
            "ignore_case"};
    private static final String[] REGEX_FIELDS = {"regex", "google_re2"};
    private static final String[] HEADER_FIELDS = {"name", "exact_match", "prefix_match", "suffix_match",
            "contains_match", "safe_regex_match", "present_match", "range_match", "string_match", "invert_match",
            "treat_missing_header_as_empty"};
    private static final String[] HEADER_MATCH_KINDS = {"exact_match", "prefix_match", "suffix_match",
            "contains_match", "safe_regex_match", "present_match", "range_match", "string_match"};
    private static final String[] CIDR_FIELDS = {"address_prefix", "prefix_len"};
    private static final String[] RANGE_FIELDS = {"start", "end"};

    private ValueReader() {
    }

    /** Envoy's StringMatcher at {@code parent.field}: exactly one of exact, prefix, suffix, contains, safe_regex. */
    static StringMatcher stringMatcher(YamlMap parent, String field) {
        YamlMap m = parent.map(field, STRING_MATCHER_FIELDS);
        return m == null ? null : stringMatcher(m);
    }

    /** As {@link #stringMatcher(YamlMap, String)}, or a plain string as an exact match (Weft's shorthand). */
    static StringMatcher stringMatcherOrExact(YamlMap parent, String field) {
        if (parent.value(field) instanceof MappingNode) {
            return stringMatcher(parent, field);
        }
        String s = parent.string(field, null);
        return s == null ? null : StringMatcher.exact(s);
    }

    static StringMatcher stringMatcher(YamlMap m) {
        String kind = onlyOne(m, "exact", "prefix", "suffix", "contains", "safe_regex");
        if (kind == null) {
            return null;
        }
        boolean ignoreCase = m.bool("ignore_case", false);
        if (kind.equals("safe_regex")) {
            if (ignoreCase) {
                m.problem("ignore_case", "has no effect on safe_regex (as in Envoy); write (?i) in the regex");
                return null;
            }
            YamlMap r = m.map("safe_regex", REGEX_FIELDS);
            Pattern p = r == null ? null : regex(r);
            return p == null ? null : StringMatcher.regex(p);
        }
        String value = m.string(kind, null);
        if (value == null) {
            return null;
        }
        if (value.isEmpty() && !kind.equals("exact")) {
            m.problem(kind, "must not be empty"); // Envoy: min_len 1
            return null;
        }
        return StringMatcher.of(switch (kind) {
            case "exact" -> StringMatcher.Kind.EXACT;
            case "prefix" -> StringMatcher.Kind.PREFIX;
            case "suffix" -> StringMatcher.Kind.SUFFIX;
            default -> StringMatcher.Kind.CONTAINS;
        }, value, ignoreCase);
    }

    /** Envoy's RegexMatcher: {@code regex} (a full match; google_re2 is accepted and ignored). */
    private static Pattern regex(YamlMap r) {
        String source = r.requiredString("regex");
        if (source == null) {
            return null;
        }
        try {
            return Pattern.compile(source);
        } catch (PatternSyntaxException e) {
            r.problem("regex", "invalid regex: " + e.getDescription() + " near index " + e.getIndex());
            return null;
        }
    }

    /** Envoy's HeaderMatcher at {@code node}. */
    static HeaderMatcher header(YamlMap parent, Node node, String path) {
        YamlMap m = parent.mapAt(node, path, HEADER_FIELDS);
        if (m == null) {
            return null;
        }
        String name = m.requiredString("name");
        boolean invert = m.bool("invert_match", false);
        boolean missingAsEmpty = m.bool("treat_missing_header_as_empty", false);
        if (name == null) {
            return null;
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.startsWith(":") ? !HeaderMatcher.knownPseudoHeader(name) : !dev.weft.core.filter.HttpTokens.isToken(name)) {
            m.problem("name", name.startsWith(":")
                    ? "unknown pseudo-header '" + name + "'; known: :method, :path, :authority, :scheme"
                    : "'" + name + "' is not a header name (RFC 9110 token)");
            return null;
        }
        String kind = null;
        for (String k : HEADER_MATCH_KINDS) {
            if (m.has(k)) {
                if (kind != null) {
                    m.problem(k, "only one of " + String.join(", ", HEADER_MATCH_KINDS) + " may be given (also "
                            + kind + ")");
                    return null;
                }
                kind = k;
            }
        }
        if (kind == null) {
            // Envoy: a HeaderMatcher without a match specifier tests that the header is present
            return new HeaderMatcher(name, HeaderMatcher.Kind.PRESENT, null, true, 0, 0, invert, missingAsEmpty);
        }
        switch (kind) {
            case "present_match" -> {
                return new HeaderMatcher(name, HeaderMatcher.Kind.PRESENT, null, m.bool(kind, true), 0, 0, invert,
                        missingAsEmpty);
            }
            case "range_match" -> {
                YamlMap r = m.map(kind, RANGE_FIELDS);
                Integer start = r == null ? null : r.requiredInteger("start", Integer.MIN_VALUE, Integer.MAX_VALUE);
                Integer end = r == null ? null : r.requiredInteger("end", Integer.MIN_VALUE, Integer.MAX_VALUE);
                if (start == null || end == null) {
                    return null;
                }
                if (start >= end) {
                    r.problem("end", "must be greater than start (the range is [start, end))");
                    return null;
                }
                return new HeaderMatcher(name, HeaderMatcher.Kind.RANGE, null, false, start, end, invert,
                        missingAsEmpty);
            }
            case "string_match" -> {
                StringMatcher s = stringMatcher(m, kind);
                return s == null ? null : new HeaderMatcher(name, HeaderMatcher.Kind.STRING, s, false, 0, 0,
                        invert, missingAsEmpty);
            }
            case "safe_regex_match" -> {
                YamlMap r = m.map(kind, REGEX_FIELDS);
                Pattern p = r == null ? null : regex(r);
                return p == null ? null : new HeaderMatcher(name, HeaderMatcher.Kind.STRING,
                        StringMatcher.regex(p), false, 0, 0, invert, missingAsEmpty);
            }
            default -> {
                String value = m.string(kind, null);
                if (value == null) {
                    return null;
                }
                if (value.isEmpty() && !kind.equals("exact_match")) {
                    m.problem(kind, "must not be empty");
                    return null;
                }
                StringMatcher.Kind k = switch (kind) {
                    case "exact_match" -> StringMatcher.Kind.EXACT;
                    case "prefix_match" -> StringMatcher.Kind.PREFIX;
                    case "suffix_match" -> StringMatcher.Kind.SUFFIX;
                    default -> StringMatcher.Kind.CONTAINS;
                };
                return new HeaderMatcher(name, HeaderMatcher.Kind.STRING, StringMatcher.of(k, value, false), false,
                        0, 0, invert, missingAsEmpty);
            }
        }
    }

    /**
     * Envoy's CidrRange at {@code parent.field}. {@code prefix_len} is required: Envoy defaults it to 0, which
     * silently matches every address.
     */
    static Cidr cidr(YamlMap parent, String field) {
        YamlMap m = parent.map(field, CIDR_FIELDS);
        if (m == null) {
            return null;
        }
        String address = m.requiredString("address_prefix");
        if (!m.has("prefix_len")) {
            m.problemAt(null, m.path("prefix_len"), "is required: Envoy's default of 0 would match every "
                    + "address; write 32 (IPv4) or 128 (IPv6) for one address");
            return null;
        }
        Integer length = m.requiredInteger("prefix_len", 0, 128);
        if (address == null || length == null) {
            return null;
        }
        try {
            return Cidr.parse(address, length);
        } catch (IllegalArgumentException e) {
            m.problem(e.getMessage().startsWith("prefix_len") ? "prefix_len" : "address_prefix", e.getMessage());
            return null;
        }
    }

    /** The one field of {@code candidates} that is given, or null (reported) when none or several are. */
    static String onlyOne(YamlMap m, String... candidates) {
        String found = null;
        for (String c : candidates) {
            if (m.has(c)) {
                if (found != null) {
                    m.problem(c, "only one of " + String.join(", ", candidates) + " may be given (also " + found
                            + ")");
                    return null;
                }
                found = c;
            }
        }
        if (found == null) {
            m.problem("needs one of " + String.join(", ", candidates));
        }
        return found;
    }

}
