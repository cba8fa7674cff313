package dev.weft.core.filter;

import dev.weft.core.config.YamlMap;

/**
 * Makes one type of HTTP filter: validates its config when the config is loaded (every problem reported with its
 * path, so a bad policy never reaches a running proxy), and builds the filter for each listener of a snapshot.
 * Found through {@link java.util.ServiceLoader}, so filters outside this module plug in the same way.
 */
public interface HttpFilterFactory {

    /** The type name in config, e.g. {@code rbac}: an {@code http_filters} entry's {@code type} (default: its name). */
    String type();

    /** The fields an {@code http_filters} entry of this type may have besides {@code name} and {@code type}. */
    String[] fields();

    /**
     * Reads and validates the filter's config; reports problems through {@code config} and may return anything
     * (even null) when there are some, since the result is then discarded. The result must be immutable.
     */
    Object parse(YamlMap config, FilterBindContext context);

    /**
     * The fields a per-route override ({@code per_filter_config.<name>} of a route or virtual host) may have besides
     * {@code disabled}; empty when the filter has none.
     */
    default String[] perRouteFields() {
        return new String[0];
    }

    /**
     * Reads a per-route override. Called only when it has fields besides {@code disabled}.
     *
     * @param listenerConfig what {@link #parse} returned for the listener's filter (null if that had problems)
     */
    default Object parsePerRoute(YamlMap config, Object listenerConfig, FilterBindContext context) {
        return null;
    }

    /** Builds the filter of one listener from what {@link #parse} returned; called once per snapshot. */
    HttpFilter create(Object config, FilterContext context);
}
