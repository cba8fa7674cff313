package dev.weft.core.config;

/**
 * One route: a match and what to do with a request that matches.
 *
 * @param name    optional (null); shown in logs and stats
 * @param match   the conditions, all of which must hold
 * @param action  forward, direct response or redirect
 * @param headers header mutations of this route
 * @param perFilterConfig overrides of the listener's HTTP filters by filter name (disabled, or per-route settings)
 * @param statPrefix when set, this route gets its own stats and latency histogram ({@code route.<stat_prefix>.*});
 *                   null for none
 */
public record RouteConfig(String name, RouteMatch match, RouteAction action, HeaderMutations headers,
                          String statPrefix, java.util.Map<String, PerFilterConfig> perFilterConfig) {
    public RouteConfig {
        perFilterConfig = perFilterConfig == null ? java.util.Map.of() : java.util.Map.copyOf(perFilterConfig);
    }

    public RouteConfig(String name, RouteMatch match, RouteAction action, HeaderMutations headers, String statPrefix) {
        this(name, match, action, headers, statPrefix, java.util.Map.of());
    }
}
