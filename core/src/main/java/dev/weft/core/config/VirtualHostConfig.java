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
 */
public record VirtualHostConfig(String name, List<String> domains, List<RouteConfig> routes, HeaderMutations headers) {
    public VirtualHostConfig {
        domains = List.copyOf(domains);
        routes = List.copyOf(routes);
    }
}
