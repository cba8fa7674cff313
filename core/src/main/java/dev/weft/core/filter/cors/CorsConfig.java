package dev.weft.core.filter.cors;

/**
 * A {@code cors} filter's config. Immutable.
 *
 * @param name          the filter's name in the chain, the key of its {@code per_filter_config} on routes and hosts
 * @param defaultPolicy the policy of requests whose route and virtual host give none (and of requests no route
 *                      matched), or null
 */
public record CorsConfig(String name, CorsPolicy defaultPolicy) {
}
