package dev.weft.core.config;

/**
 * A route's or virtual host's override of one filter of the listener's chain ({@code per_filter_config.<name>}).
 *
 * @param disabled the filter does not run for requests of this route
 * @param config   the filter's own per-route settings as its factory parsed them, or null
 */
public record PerFilterConfig(boolean disabled, Object config) {
    public static final PerFilterConfig DISABLED = new PerFilterConfig(true, null);
}
