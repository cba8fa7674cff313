package dev.weft.core.router;

import dev.weft.admin.stats.StatsStore;
import dev.weft.core.config.VirtualHostConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the virtual host by Host and then the first matching route. Immutable; built once per config snapshot.
 *
 * <p>Host lookup order, as in Envoy: exact name, then the longest matching suffix wildcard ({@code *.example.com}),
 * then the longest matching prefix wildcard ({@code api.*}), then {@code *}.
 */
public final class Router {
    private final Map<String, VirtualHost> exact = new HashMap<>();
    private final List<Map.Entry<String, VirtualHost>> suffixes = new ArrayList<>();
    private final List<Map.Entry<String, VirtualHost>> prefixes = new ArrayList<>();
    private VirtualHost any;

    public Router(List<VirtualHostConfig> virtualHosts) {
        this(virtualHosts, null);
    }

    /** @param stats where routes that name a stat_prefix register their stats; null for none */
    public Router(List<VirtualHostConfig> virtualHosts, StatsStore stats) {
        for (VirtualHostConfig c : virtualHosts) {
            VirtualHost vh = new VirtualHost(c, stats);
            for (String d : c.domains()) {
                String domain = d.toLowerCase(Locale.ROOT);
                if (domain.equals("*")) {
                    any = vh;
                } else if (domain.startsWith("*")) {
                    suffixes.add(Map.entry(domain.substring(1), vh));
                } else if (domain.endsWith("*")) {
                    prefixes.add(Map.entry(domain.substring(0, domain.length() - 1), vh));
                } else {
                    exact.putIfAbsent(domain, vh);
                }
            }
        }
        Comparator<Map.Entry<String, VirtualHost>> longestFirst =
                Comparator.comparingInt((Map.Entry<String, VirtualHost> e) -> e.getKey().length()).reversed();
        suffixes.sort(longestFirst);
        prefixes.sort(longestFirst);
    }

    /** The virtual host for a host name (lower case, no port), or null. */
    public VirtualHost virtualHost(String host) {
        VirtualHost vh = exact.get(host);
        if (vh != null) {
            return vh;
        }
        for (Map.Entry<String, VirtualHost> e : suffixes) {
            // "*.example.com" needs at least one character before the suffix, as in Envoy
            if (host.length() > e.getKey().length() && host.endsWith(e.getKey())) {
                return e.getValue();
            }
        }
        for (Map.Entry<String, VirtualHost> e : prefixes) {
            if (host.length() > e.getKey().length() && host.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return any;
    }

    /** The route for a request, or null (404, NR). */
    public Route route(RequestView request) {
        VirtualHost vh = virtualHost(request.host());
        return vh == null ? null : vh.match(request);
    }

    /** Host header value without port, lower case: "Example.com:80" -> "example.com", "[::1]:8080" -> "[::1]". */
    public static String normalizeHost(String hostHeader) {
        if (hostHeader == null) {
            return "";
        }
        int end = hostHeader.length();
        if (hostHeader.startsWith("[")) {
            int close = hostHeader.indexOf(']');
            end = close < 0 ? end : close + 1;
        } else {
            int colon = hostHeader.lastIndexOf(':');
            if (colon >= 0) {
                end = colon;
            }
        }
        String h = hostHeader.substring(0, end);
        for (int i = 0; i < h.length(); i++) {
            char c = h.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return h.toLowerCase(Locale.ROOT);
            }
        }
        return h;
    }
}
