package dev.weft.core.config;

import dev.weft.core.config.HeaderValueOption.AppendAction;
import dev.weft.core.config.RouteMatch.PathKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/** Binds {@code routes[]} (match, action, header mutations) and the header mutations of a virtual host. */
final class RouteBinder {
    static final List<String> HEADER_MUTATION_FIELDS = List.of(
            "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
            "response_headers_to_remove");
    private static final String[] ROUTE_FIELDS = {"name", "stat_prefix", "match", "route", "direct_response",
            "redirect",
            "request_headers_to_add", "request_headers_to_remove", "response_headers_to_add",
            "response_headers_to_remove", "per_filter_config"};
    private static final List<String> PATH_FIELDS = List.of("prefix", "path", "safe_regex");
    private static final List<String> ACTION_FIELDS = List.of("route", "direct_response", "redirect");
    private static final List<String> MATCHER_FIELDS = List.of("exact", "prefix", "suffix", "safe_regex", "present");
    /** Envoy's RedirectResponseCode names. */
    private static final Map<String, Integer> REDIRECT_CODES = Map.of(
            "MOVED_PERMANENTLY", 301, "FOUND", 302, "SEE_OTHER", 303, "TEMPORARY_REDIRECT", 307,
            "PERMANENT_REDIRECT", 308);
    static final String REDIRECT_CODE_MESSAGE = "must be one of 301, 302, 303, 307, 308, MOVED_PERMANENTLY, FOUND, "
            + "SEE_OTHER, TEMPORARY_REDIRECT, PERMANENT_REDIRECT";

    private final NodeReader reader;
    private final Set<String> clusterNames;

    /** The chain of the listener whose routes are being read; per-route overrides refer to its filters. */
    private List<HttpFilterConfig> filters = List.of();

    Set<String> clusterNames() {
        return clusterNames;
    }

    void filters(List<HttpFilterConfig> chain) {
        filters = chain;
    }

    /** {@code per_filter_config} of a route or virtual host. */
    Map<String, PerFilterConfig> perFilterConfig(YamlMap m) {
        return FilterBinder.perFilterConfig(m, filters, clusterNames);
    }

    /** {@code clusterNames}: every cluster name given in the config, valid or not, so a typo is reported once. */
    RouteBinder(NodeReader reader, Set<String> clusterNames) {
        this.reader = reader;
        this.clusterNames = clusterNames;
    }

    RouteConfig route(Node node, String path) {
        YamlMap m = reader.map(node, path, ROUTE_FIELDS);
        if (m == null) {
            return null;
        }
        String name = m.string("name", null);
        if (name != null && name.isEmpty()) {
            m.problem("name", "must not be empty");
        }
        RouteMatch match = m.require("match") ? match(m.map("match", "prefix", "path", "safe_regex",
                "case_sensitive", "methods", "headers", "query_parameters")) : null;
        RouteAction action = null;
        String actionField = exactlyOne(m, ACTION_FIELDS);
        if (actionField != null) {
            PathKind pathKind = match == null ? null : match.pathKind();
            action = switch (actionField) {
                case "route" -> forward(m.map("route", "cluster", "prefix_rewrite", "host_rewrite_literal", "timeout"),
                        pathKind);
                case "direct_response" -> directResponse(m.map("direct_response", "status", "body", "content_type"));
                default -> redirect(m.map("redirect", "https_redirect", "host_redirect", "port_redirect",
                        "path_redirect", "prefix_rewrite", "response_code", "strip_query"), pathKind);
            };
        }
        String statPrefix = m.string("stat_prefix", null);
        if (statPrefix != null && !Syntax.NAME.matcher(statPrefix).matches()) {
            m.problem("stat_prefix", Syntax.NAME_MESSAGE);
        }
        return new RouteConfig(name, match, action, headerMutations(m), statPrefix, perFilterConfig(m));
    }

    /**
     * The one field of {@code choices} that {@code m} has, or null after reporting that none or several are given.
     */
    private static String exactlyOne(YamlMap m, List<String> choices) {
        List<String> given = choices.stream().filter(m::has).toList();
        if (given.isEmpty()) {
            m.problem("one of " + String.join(", ", choices) + " is required");
            return null;
        }
        if (given.size() > 1) {
            m.problem("only one of " + String.join(", ", choices) + " is allowed, found " + String.join(" and ", given));
            return null;
        }
        return given.get(0);
    }

    /** Null if the map is missing or has no valid path condition (all reported); pathKind null if that is bad. */
    private RouteMatch match(YamlMap m) {
        if (m == null) {
            return null;
        }
        boolean caseSensitive = m.bool("case_sensitive", ConfigDefaults.CASE_SENSITIVE);
        PathKind kind = null;
        String pathValue = null;
        Pattern regex = null;
        String field = exactlyOne(m, PATH_FIELDS);
        if (field != null && field.equals("safe_regex")) {
            pathValue = regexSource(m.value(field), m.path(field));
            regex = compile(m.value(field), m.path(field), pathValue, caseSensitive ? 0 : Pattern.CASE_INSENSITIVE);
            kind = regex == null ? null : PathKind.REGEX;
        } else if (field != null) {
            pathValue = m.string(field, null);
            if (pathValue != null && !pathValue.startsWith("/")) {
                m.problem(field, "must start with '/'");
            } else if (pathValue != null) {
                kind = field.equals("prefix") ? PathKind.PREFIX : PathKind.EXACT;
            }
        }
        List<String> methods = new ArrayList<>();
        List<Node> methodNodes = m.list("methods");
        for (int i = 0; i < methodNodes.size(); i++) {
            String itemPath = NodeReader.item(m.path("methods"), i);
            String method = reader.string(methodNodes.get(i), itemPath);
            if (method == null) {
                continue;
            }
            method = method.toUpperCase(Locale.ROOT);
            if (!Syntax.isToken(method)) {
                reader.problems().add(methodNodes.get(i), itemPath, "must be an HTTP method name (RFC 9110 token)");
            } else if (methods.contains(method)) {
                reader.problems().add(methodNodes.get(i), itemPath, "duplicate method '" + method + "'");
            } else {
                methods.add(method);
            }
        }
        List<ValueMatcher> headers = matchers(m, "headers", true);
        List<ValueMatcher> queryParameters = matchers(m, "query_parameters", false);
        return new RouteMatch(kind, pathValue, regex, caseSensitive, methods, headers, queryParameters);
    }

    private List<ValueMatcher> matchers(YamlMap m, String field, boolean header) {
        List<ValueMatcher> matchers = new ArrayList<>();
        List<Node> items = m.list(field);
        for (int i = 0; i < items.size(); i++) {
            ValueMatcher matcher = matcher(reader.map(items.get(i), NodeReader.item(m.path(field), i), "name",
                    "exact", "prefix", "suffix", "safe_regex", "present", "invert_match"), header);
            if (matcher != null) {
                matchers.add(matcher);
            }
        }
        return matchers;
    }

    private ValueMatcher matcher(YamlMap m, boolean header) {
        if (m == null) {
            return null;
        }
        String name = m.requiredString("name");
        if (name != null && header) {
            name = name.toLowerCase(Locale.ROOT);
            if (!Syntax.isToken(name)) {
                m.problem("name", "must be a valid header name (RFC 9110 token)");
            }
        } else if (name != null && name.isEmpty()) {
            m.problem("name", "must not be empty");
        }
        boolean invert = m.bool("invert_match", false);
        String field = exactlyOne(m, MATCHER_FIELDS);
        if (field == null) {
            return null;
        }
        ValueMatcher.Kind kind = switch (field) {
            case "exact" -> ValueMatcher.Kind.EXACT;
            case "prefix" -> ValueMatcher.Kind.PREFIX;
            case "suffix" -> ValueMatcher.Kind.SUFFIX;
            case "safe_regex" -> ValueMatcher.Kind.REGEX;
            default -> ValueMatcher.Kind.PRESENT;
        };
        String value = null;
        Pattern regex = null;
        switch (kind) {
            case PRESENT -> {
                if (Boolean.FALSE.equals(reader.bool(m.value(field), m.path(field)))) {
                    m.problem(field, "must be true (use invert_match: true to require absence)");
                }
            }
            case REGEX -> {
                value = regexSource(m.value(field), m.path(field));
                regex = compile(m.value(field), m.path(field), value, 0);
            }
            default -> {
                value = m.string(field, null);
                if (value != null && value.isEmpty() && kind != ValueMatcher.Kind.EXACT) {
                    m.problem(field, "must not be empty");
                }
            }
        }
        return new ValueMatcher(name, kind, value, regex, invert);
    }

    /** A regex as a string, or as Envoy's RegexMatcher {@code {regex: "..."}}. */
    private String regexSource(Node node, String path) {
        YamlMap envoyStyle = node instanceof MappingNode
                ? reader.map(node, path, "regex") : null;
        if (envoyStyle != null) {
            return envoyStyle.requiredString("regex");
        }
        return reader.string(node, path);
    }

    private Pattern compile(Node node, String path, String source, int flags) {
        if (source == null) {
            return null;
        }
        try {
            return Pattern.compile(source, flags);
        } catch (PatternSyntaxException e) {
            reader.problems().add(node, path, "invalid regex: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
            return null;
        }
    }

    private RouteAction.Forward forward(YamlMap m, PathKind pathKind) {
        if (m == null) {
            return null;
        }
        String cluster = m.requiredString("cluster");
        if (cluster != null && !clusterNames.contains(cluster)) {
            m.problem("cluster", "unknown cluster '" + cluster + "'");
        }
        String prefixRewrite = prefixRewrite(m, pathKind);
        String hostRewrite = m.string("host_rewrite_literal", null);
        if (hostRewrite != null && (hostRewrite.isEmpty() || !Syntax.isPathSafe(hostRewrite))) {
            m.problem("host_rewrite_literal", "must be a host, optionally with :port, without spaces");
        }
        Duration timeout = m.duration("timeout", ConfigDefaults.ROUTE_TIMEOUT);
        return new RouteAction.Forward(cluster, prefixRewrite, hostRewrite, timeout);
    }

    /** prefix_rewrite replaces the matched prefix, so it needs a prefix match (unknown if the match is broken). */
    private static String prefixRewrite(YamlMap m, PathKind pathKind) {
        String prefixRewrite = m.string("prefix_rewrite", null);
        if (prefixRewrite == null) {
            return null;
        }
        if (pathKind != null && pathKind != PathKind.PREFIX) {
            m.problem("prefix_rewrite", "only allowed when the route matches on prefix");
        } else if (!Syntax.isPathSafe(prefixRewrite)) {
            m.problem("prefix_rewrite", "must not contain spaces or control characters");
        }
        return prefixRewrite;
    }

    private RouteAction.DirectResponse directResponse(YamlMap m) {
        if (m == null) {
            return null;
        }
        Integer status = m.requiredInteger("status", 200, 599);
        String body = m.string("body", ConfigDefaults.DIRECT_RESPONSE_BODY);
        String contentType = m.string("content_type", ConfigDefaults.DIRECT_RESPONSE_CONTENT_TYPE);
        if (m.has("content_type") && contentType != null
                && (contentType.isBlank() || !Syntax.isHeaderValue(contentType))) {
            m.problem("content_type", "must be a non-empty header value without CR, LF or NUL");
        }
        return new RouteAction.DirectResponse(status == null ? 0 : status, body, contentType);
    }

    private RouteAction.Redirect redirect(YamlMap m, PathKind pathKind) {
        if (m == null) {
            return null;
        }
        boolean https = m.bool("https_redirect", false);
        String host = m.string("host_redirect", null);
        if (host != null) {
            String bare = Syntax.stripBrackets(host);
            if (Syntax.isIpv6(bare)) {
                host = "[" + bare + "]"; // it goes into the authority of the Location URL
            } else if (!Syntax.isIpv4(host) && !Syntax.isHostName(host)) {
                m.problem("host_redirect", "must be a host name or an IP address");
            }
        }
        int port = m.integer("port_redirect", 0, 1, 65535);
        String pathRedirect = m.string("path_redirect", null);
        if (pathRedirect != null && !pathRedirect.startsWith("/")) {
            m.problem("path_redirect", "must start with '/'");
        } else if (pathRedirect != null && !Syntax.isPathSafe(pathRedirect)) {
            m.problem("path_redirect", "must not contain spaces or control characters");
        }
        String prefixRewrite = null;
        if (pathRedirect != null && m.has("prefix_rewrite")) {
            m.problem("prefix_rewrite", "not allowed together with path_redirect");
        } else {
            prefixRewrite = prefixRewrite(m, pathKind);
        }
        int code = m.has("response_code") ? redirectCode(m) : ConfigDefaults.REDIRECT_RESPONSE_CODE;
        boolean stripQuery = m.bool("strip_query", false);
        if (!https && !m.has("host_redirect") && !m.has("port_redirect") && !m.has("path_redirect")
                && !m.has("prefix_rewrite") && !stripQuery) {
            m.problem("must change the URL: set https_redirect, host_redirect, port_redirect, path_redirect, "
                    + "prefix_rewrite or strip_query (a redirect to the same URL loops)");
        }
        return new RouteAction.Redirect(https, host, port, pathRedirect, prefixRewrite, code, stripQuery);
    }

    private static int redirectCode(YamlMap m) {
        Integer code = null;
        if (m.value("response_code") instanceof ScalarNode scalar) {
            if (Tag.INT.equals(scalar.getTag()) && scalar.getValue().matches("\\d{3}")) {
                int number = Integer.parseInt(scalar.getValue());
                code = REDIRECT_CODES.containsValue(number) ? number : null;
            } else if (Tag.STR.equals(scalar.getTag())) {
                code = REDIRECT_CODES.get(scalar.getValue().toUpperCase(Locale.ROOT));
            }
        }
        if (code == null) {
            m.problem("response_code", REDIRECT_CODE_MESSAGE);
            return ConfigDefaults.REDIRECT_RESPONSE_CODE;
        }
        return code;
    }

    /** The four header mutation lists of a route or a virtual host ({@code m} holds them as fields). */
    HeaderMutations headerMutations(YamlMap m) {
        if (HEADER_MUTATION_FIELDS.stream().noneMatch(m::has)) {
            return HeaderMutations.NONE;
        }
        return new HeaderMutations(headersToAdd(m, "request_headers_to_add"),
                headersToRemove(m, "request_headers_to_remove"),
                headersToAdd(m, "response_headers_to_add"),
                headersToRemove(m, "response_headers_to_remove"));
    }

    private List<HeaderValueOption> headersToAdd(YamlMap parent, String field) {
        List<HeaderValueOption> result = new ArrayList<>();
        List<Node> items = parent.list(field);
        for (int i = 0; i < items.size(); i++) {
            YamlMap m = reader.map(items.get(i), NodeReader.item(parent.path(field), i), "key", "value",
                    "append_action");
            if (m == null) {
                continue;
            }
            String key = m.requiredString("key");
            if (key != null) {
                key = key.toLowerCase(Locale.ROOT);
                String problem = Syntax.mutableHeaderProblem(key);
                if (problem != null) {
                    m.problem("key", problem);
                }
            }
            String value = m.requiredString("value");
            if (value != null && !Syntax.isHeaderValue(value)) {
                m.problem("value", "must not contain CR, LF or NUL");
            }
            AppendAction action = m.oneOf("append_action", AppendAction.class, ConfigDefaults.APPEND_ACTION);
            if (key != null && value != null) {
                result.add(new HeaderValueOption(key, value, action));
            }
        }
        return result;
    }

    private List<String> headersToRemove(YamlMap parent, String field) {
        List<String> result = new ArrayList<>();
        List<Node> items = parent.list(field);
        for (int i = 0; i < items.size(); i++) {
            String itemPath = NodeReader.item(parent.path(field), i);
            String name = reader.string(items.get(i), itemPath);
            if (name == null) {
                continue;
            }
            name = name.toLowerCase(Locale.ROOT);
            String problem = Syntax.mutableHeaderProblem(name);
            if (problem != null) {
                reader.problems().add(items.get(i), itemPath, problem);
            } else if (!result.contains(name)) {
                result.add(name);
            }
        }
        return result;
    }
}
