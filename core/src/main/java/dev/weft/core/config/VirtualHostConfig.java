package dev.weft.core.config;

import java.util.List;

/**
 * A set of domains served by one ordered route table.
 *
 * @param name    unique within its listener
 * @param domains each one of: an exact host {@code api.example.com}, a suffix wildcard {@code *.example.com},
 *                a prefix wildcard {@code api.*}, or {@code *}; matched without the port, case-insensitively
 * @param routes  first match wins
 * @param headers header mutations applied to every route of this host (after the route's own)
 * @param perFilterConfig overrides of the listener's HTTP filters for every route of this host; a route's own
 *                        override of the same filter replaces it
 */
public record VirtualHostConfig(String name, List<String> domains, List<RouteConfig> routes, HeaderMutations headers,
                                java.util.Map<String, PerFilterConfig> perFilterConfig) {
    public VirtualHostConfig {
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
        perFilterConfig = perFilterConfig == null ? java.util.Map.of() : java.util.Map.copyOf(perFilterConfig);
    }

    public VirtualHostConfig(String name, List<String> domains, List<RouteConfig> routes, HeaderMutations headers) {
        this(name, domains, routes, headers, java.util.Map.of());
    }
}
