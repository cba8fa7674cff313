package dev.weft.core.filter.ratelimit;

/**
 * A {@code local_rate_limit} filter's config as validated at load time. Immutable.
 *
 * @param statPrefix         inserted before {@code local_rate_limit.} in the stat names, or null
 * @param policy             the limit of every route that does not override it; without a bucket (no
 *                           {@code token_bucket} on the filter) only routes and virtual hosts with their own are
 *                           limited, and its descriptor and percentages are what their overrides inherit
 * @param xRateLimitHeaders  add {@code x-ratelimit-limit / -remaining / -reset} to responses of checked requests
 */
public record LocalRateLimitConfig(String statPrefix, LimitPolicy policy, boolean xRateLimitHeaders) {
}
