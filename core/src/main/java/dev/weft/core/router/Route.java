package dev.weft.core.router;

import dev.weft.admin.stats.StatsStore;
import dev.weft.core.config.HeaderMutations;
import dev.weft.core.config.RouteAction;
import dev.weft.core.config.RouteConfig;
import dev.weft.core.config.RouteMatch;
import dev.weft.core.config.ValueMatcher;
import dev.weft.core.stats.RouteStats;

/** A compiled route: its match predicate, its action and the virtual host it belongs to. Immutable. */
public final class Route {
    private final RouteConfig config;
    private final VirtualHost virtualHost;
    private final RouteMatch match;
    private final HeaderPlan requestHeaders;
    private final HeaderPlan responseHeaders;

    private final RouteStats stats;
    /**
     * The literal start every match of an anchored path regex must have ("/items/" of "^/items/[0-9]+$"), or null: a
     * path without it is refused before a Matcher is allocated.
     */
    private final String regexLiteralStart;

    Route(RouteConfig config, VirtualHost virtualHost, StatsStore store) {
        this.config = config;
        this.stats = store != null && config.statPrefix() != null ? new RouteStats(store, config.statPrefix()) : null;
        this.virtualHost = virtualHost;
        this.match = config.match();
        HeaderMutations r = config.headers() == null ? HeaderMutations.NONE : config.headers();
        HeaderMutations v = virtualHost.config().headers() == null
                ? HeaderMutations.NONE : virtualHost.config().headers();
        this.requestHeaders = HeaderPlan.merge(r.requestToRemove(), r.requestToAdd(),
                v.requestToRemove(), v.requestToAdd());
        this.responseHeaders = HeaderPlan.merge(r.responseToRemove(), r.responseToAdd(),
                v.responseToRemove(), v.responseToAdd());
        this.regexLiteralStart = match.pathKind() == RouteMatch.PathKind.REGEX && match.caseSensitive()
                ? literalStart(match.pathRegex().pattern()) : null;
    }

    /**
     * The literal characters a regex starts with (a safe_regex must match the whole path, so they are a required
     * prefix): stops at the first character with a meaning, and gives up on alternation anywhere (a|b).
     */
    public static String literalStart(String regex) {
        if (regex.indexOf('|') >= 0) {
            return null;
        }
        int i = regex.startsWith("^") ? 1 : 0;
        StringBuilder b = new StringBuilder();
        for (; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if ("\\.[]{}()*+?^$".indexOf(c) >= 0) {
                // a quantifier applies to the last literal: that one is optional
                if ((c == '*' || c == '?' || c == '{') && !b.isEmpty()) {
                    b.setLength(b.length() - 1);
                }
                break;
            }
            b.append(c);
        }
        return b.isEmpty() ? null : b.toString();
    }

    /**
     * The override of the listener's filter {@code filterName} for this route: the route's own, else its virtual
     * host's, else null.
     */
    public dev.weft.core.config.PerFilterConfig perFilterConfig(String filterName) {
        dev.weft.core.config.PerFilterConfig c = config.perFilterConfig().get(filterName);
        return c != null ? c : virtualHost.config().perFilterConfig().get(filterName);
    }

    /** This route's stats, or null when it names no stat_prefix. */
    public RouteStats stats() {
        return stats;
    }

    /** Mutations of the request sent upstream (route's, then virtual host's). */
    public HeaderPlan requestHeaders() {
        return requestHeaders;
    }

    /** Mutations of the response sent downstream (route's, then virtual host's). */
    public HeaderPlan responseHeaders() {
        return responseHeaders;
    }

    public RouteMatch match() {
        return match;
    }

    public RouteConfig config() {
        return config;
    }

    public RouteAction action() {
        return config.action();
    }

    public VirtualHost virtualHost() {
        return virtualHost;
    }

    /** A name for logs: the route's name, else its match. */
    public String displayName() {
        return config.name() != null ? config.name() : match.pathKind().name().toLowerCase() + ":" + match.path();
    }

    boolean matches(RequestView req) {
        if (!pathMatches(req.path())) {
            return false;
        }
        if (!match.methods().isEmpty() && !match.methods().contains(req.method())) {
            return false;
        }
        for (ValueMatcher h : match.headers()) {
            if (!valueMatches(h, req.header(h.name()))) {
                return false;
            }
        }
        if (!match.queryParameters().isEmpty()) {
            String q = req.query();
            for (ValueMatcher m : match.queryParameters()) {
                if (!valueMatches(m, queryParameter(q, m.name()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private boolean pathMatches(String path) {
        if (path == null) {
            return false;
        }
        return switch (match.pathKind()) {
            case PREFIX -> match.caseSensitive()
                    ? path.startsWith(match.path())
                    : path.regionMatches(true, 0, match.path(), 0, match.path().length());
            case EXACT -> match.caseSensitive() ? path.equals(match.path()) : path.equalsIgnoreCase(match.path());
            case REGEX -> (regexLiteralStart == null || path.startsWith(regexLiteralStart))
                    && match.pathRegex().matcher(path).matches();
        };
    }

    /** Applies a header or query matcher to a value that may be absent (null). */
    static boolean valueMatches(ValueMatcher m, String value) {
        boolean result;
        if (m.kind() == ValueMatcher.Kind.PRESENT) {
            result = value != null;
        } else if (value == null) {
            result = false;
        } else {
            result = switch (m.kind()) {
                case EXACT -> value.equals(m.value());
                case PREFIX -> value.startsWith(m.value());
                case SUFFIX -> value.endsWith(m.value());
                case REGEX -> m.regex().matcher(value).matches();
                case PRESENT -> true;
            };
        }
        return result != m.invert();
    }

    /**
     * The raw (not percent-decoded) value of the first query parameter with this name; "" for a name without '=';
     * null when absent.
     */
    static String queryParameter(String query, String name) {
        if (query == null) {
            return null;
        }
        int i = 0;
        int n = query.length();
        while (i <= n) {
            int amp = query.indexOf('&', i);
            int end = amp < 0 ? n : amp;
            int eq = query.indexOf('=', i);
            int keyEnd = eq >= 0 && eq < end ? eq : end;
            if (keyEnd - i == name.length() && query.regionMatches(i, name, 0, name.length())) {
                return keyEnd == end ? "" : query.substring(keyEnd + 1, end);
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return null;
    }
}
