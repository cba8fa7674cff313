package dev.weft.core.filter.cors;

import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import dev.weft.core.filter.HttpTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads and validates the {@code cors} filter (Envoy's {@code envoy.filters.http.cors}): an optional
 * {@code default_policy} on the filter, and policies on virtual hosts and routes as
 * {@code per_filter_config.<name>}; builds {@link CorsFilter}.
 */
public final class CorsFactory implements HttpFilterFactory {
    public static final String TYPE = "cors";

    private static final String[] POLICY_FIELDS = {"allow_origin_string_match", "allow_methods", "allow_headers",
        "expose_headers", "max_age", "allow_credentials", "forward_not_matching_preflights"};
    private static final String[] MATCHER_FIELDS = {"exact", "prefix", "suffix", "contains", "safe_regex",
        "ignore_case"};
    private static final String[] KINDS = {"exact", "prefix", "suffix", "contains", "safe_regex"};

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String[] fields() {
        return new String[] {"default_policy"};
    }

    @Override
    public String[] perRouteFields() {
        return POLICY_FIELDS.clone();
    }

    @Override
    public Object parse(YamlMap m, FilterBindContext context) {
        CorsPolicy policy = m.has("default_policy") ? policy(m.map("default_policy", POLICY_FIELDS)) : null;
        return new CorsConfig(m.string("name", TYPE), policy);
    }

    @Override
    public Object parsePerRoute(YamlMap m, Object listenerConfig, FilterBindContext context) {
        return policy(m);
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        return new CorsFilter((CorsConfig) config, context);
    }

    static CorsPolicy policy(YamlMap p) {
        if (p == null) {
            return null;
        }
        List<OriginMatcher> origins = null;
        if (p.has("allow_origin_string_match")) {
            List<Node> items = p.requiredList("allow_origin_string_match"); // reports a non-list or an empty one
            origins = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                YamlMap item = p.mapAt(items.get(i), p.itemPath("allow_origin_string_match", i), MATCHER_FIELDS);
                OriginMatcher matcher = item == null ? null : matcher(item);
                if (matcher != null) {
                    origins.add(matcher);
                }
            }
        }
        String methods = list(p, "allow_methods", "methods");
        String headers = list(p, "allow_headers", "header names");
        String expose = list(p, "expose_headers", "header names");
        String maxAge = maxAge(p);
        Boolean credentials = p.has("allow_credentials") ? p.bool("allow_credentials", false) : null;
        if (Boolean.TRUE.equals(credentials) && origins != null && OriginMatcher.anyMatches(origins, "null")
                && OriginMatcher.anyMatches(origins, "https://any-site.invalid")) {
            // every origin (also "null", sent by sandboxed frames) could read responses sent with the user's cookies
            p.problem("allow_credentials", "must not be true with an origin matcher that allows every origin; "
                    + "list the origins that may send credentials");
        }
        Boolean forward = p.has("forward_not_matching_preflights")
                ? p.bool("forward_not_matching_preflights", true) : null;
        return new CorsPolicy(origins, methods, headers, expose, maxAge, credentials, forward);
    }

    private static OriginMatcher matcher(YamlMap m) {
        String kind = null;
        for (String k : KINDS) {
            if (m.has(k)) {
                if (kind != null) {
                    m.problem("exactly one of exact, prefix, suffix, contains, safe_regex is allowed");
                    return null;
                }
                kind = k;
            }
        }
        if (kind == null) {
            m.problem("one of exact, prefix, suffix, contains, safe_regex is required");
            return null;
        }
        boolean ignoreCase = m.bool("ignore_case", false);
        if (!kind.equals("safe_regex")) {
            String value = m.string(kind, null);
            if (value == null) {
                return null;
            }
            if (value.isEmpty()) {
                m.problem(kind, "must not be empty");
                return null;
            }
            return new OriginMatcher(OriginMatcher.Kind.valueOf(kind.toUpperCase(Locale.ROOT)), value, null,
                    ignoreCase);
        }
        // Envoy's RegexMatcher {regex: "..."}, or the regex as a plain string
        YamlMap envoyStyle = m.value("safe_regex") instanceof MappingNode ? m.map("safe_regex", "regex") : null;
        String source = envoyStyle != null ? envoyStyle.requiredString("regex") : m.string("safe_regex", null);
        if (source == null) {
            return null;
        }
        try {
            Pattern regex = Pattern.compile(source, ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
            return new OriginMatcher(OriginMatcher.Kind.SAFE_REGEX, source, regex, ignoreCase);
        } catch (PatternSyntaxException e) {
            String message = "invalid regex: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : "");
            if (envoyStyle != null) {
                envoyStyle.problem("regex", message);
            } else {
                m.problem("safe_regex", message);
            }
            return null;
        }
    }

    /**
     * A comma-separated list of tokens (methods or header names), or {@code *}; normalized to "a, b, c". The check
     * also keeps CR and LF out of the response headers the list becomes.
     */
    private static String list(YamlMap p, String field, String what) {
        String text = p.string(field, null);
        if (text == null) {
            return null;
        }
        if (text.strip().equals("*")) {
            return "*";
        }
        List<String> items = new ArrayList<>();
        for (String item : text.split(",", -1)) {
            String t = item.strip();
            if (!HttpTokens.isToken(t)) {
                p.problem(field, "must be a comma-separated list of " + what + " (RFC 9110 tokens), or *");
                return null;
            }
            items.add(t);
        }
        return String.join(", ", items);
    }

    /** Envoy gives max_age as a string of seconds; a YAML integer is taken too. */
    private static String maxAge(YamlMap p) {
        if (!p.has("max_age")) {
            return null;
        }
        Node node = p.value("max_age");
        if (node instanceof ScalarNode && Tag.INT.equals(node.getTag())) {
            return Integer.toString(p.integer("max_age", 0, 0, Integer.MAX_VALUE));
        }
        String text = p.string("max_age", null);
        if (text == null) {
            return null;
        }
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            p.problem("max_age", "must be a whole number of seconds, e.g. \"600\"");
            return null;
        }
        return Integer.toString(Integer.parseInt(text));
    }
}
