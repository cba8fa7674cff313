package dev.weft.core.filter.extauthz;

import dev.weft.core.config.YamlMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Envoy's {@code StringMatcher} applied to a header name, which is always lower case: {@code exact}, {@code prefix},
 * {@code suffix}, {@code contains} or {@code safe_regex} (a full match), optionally with {@code ignore_case}.
 * Immutable.
 */
record NameMatcher(Kind kind, String value, Pattern regex, boolean ignoreCase) {
    private static final String[] FIELDS = {"exact", "prefix", "suffix", "contains", "safe_regex", "ignore_case"};

    enum Kind { EXACT, PREFIX, SUFFIX, CONTAINS, REGEX }

    /** Whether the lower-case header name matches. */
    boolean matches(String name) {
        return switch (kind) {
            case EXACT -> ignoreCase ? name.equalsIgnoreCase(value) : name.equals(value);
            case PREFIX -> name.regionMatches(ignoreCase, 0, value, 0, value.length());
            case SUFFIX -> name.regionMatches(ignoreCase, name.length() - value.length(), value, 0, value.length());
            case CONTAINS -> ignoreCase ? name.contains(value.toLowerCase(Locale.ROOT)) : name.contains(value);
            case REGEX -> regex.matcher(name).matches();
        };
    }

    /** True when any of {@code matchers} matches. */
    static boolean any(List<NameMatcher> matchers, String name) {
        for (int i = 0, n = matchers.size(); i < n; i++) {
            if (matchers.get(i).matches(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads a list of matchers given as a plain list, or as Envoy's {@code ListStringMatcher}
     * ({@code {patterns: [...]}}); every problem is reported with its path. Empty when the field is absent.
     */
    static List<NameMatcher> list(YamlMap owner, String field) {
        List<NameMatcher> out = new ArrayList<>();
        if (!owner.has(field)) {
            return out;
        }
        YamlMap holder = owner;
        String listField = field;
        if (owner.value(field) instanceof MappingNode) {
            holder = owner.map(field, "patterns");
            listField = "patterns";
            if (holder == null || !holder.require("patterns")) {
                return out;
            }
        }
        List<Node> items = holder.list(listField);
        for (int i = 0; i < items.size(); i++) {
            String path = holder.itemPath(listField, i);
            YamlMap m = holder.mapAt(items.get(i), path, FIELDS);
            if (m != null) {
                NameMatcher matcher = one(m);
                if (matcher != null) {
                    out.add(matcher);
                }
            }
        }
        return out;
    }

    private static NameMatcher one(YamlMap m) {
        String field = null;
        for (int i = 0; i < FIELDS.length - 1; i++) {
            if (m.has(FIELDS[i])) {
                if (field != null) {
                    m.problem(FIELDS[i], "only one of exact, prefix, suffix, contains, safe_regex may be given");
                    return null;
                }
                field = FIELDS[i];
            }
        }
        boolean ignoreCase = m.bool("ignore_case", false);
        if (field == null) {
            m.problem("needs one of exact, prefix, suffix, contains, safe_regex");
            return null;
        }
        if (field.equals("safe_regex")) {
            String source = regexSource(m);
            if (source == null) {
                return null;
            }
            try {
                return new NameMatcher(Kind.REGEX, source,
                        Pattern.compile(source, ignoreCase ? Pattern.CASE_INSENSITIVE : 0), ignoreCase);
            } catch (PatternSyntaxException e) {
                m.problem(field, "invalid regex: " + e.getDescription()
                        + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
                return null;
            }
        }
        String value = m.string(field, null);
        if (value == null) {
            return null;
        }
        if (value.isEmpty()) {
            m.problem(field, "must not be empty");
            return null;
        }
        if (!ignoreCase && !value.equals(value.toLowerCase(Locale.ROOT))) {
            // Envoy compares the lower-case header key: an upper-case literal would silently never match
            m.problem(field, "header names are compared in lower case: write '" + value.toLowerCase(Locale.ROOT)
                    + "' or set ignore_case: true");
            return null;
        }
        Kind kind = switch (field) {
            case "exact" -> Kind.EXACT;
            case "prefix" -> Kind.PREFIX;
            case "suffix" -> Kind.SUFFIX;
            default -> Kind.CONTAINS;
        };
        return new NameMatcher(kind, value, null, ignoreCase);
    }

    /** A regex as a string, or as Envoy's RegexMatcher {@code {regex: "..."}}. */
    private static String regexSource(YamlMap m) {
        if (m.value("safe_regex") instanceof MappingNode) {
            YamlMap envoyStyle = m.map("safe_regex", "regex", "google_re2");
            return envoyStyle == null ? null : envoyStyle.requiredString("regex");
        }
        return m.string("safe_regex", null);
    }
}
