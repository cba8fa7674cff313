package dev.weft.core.config;

/**
 * One entry of a listener's {@code http_filters} chain.
 *
 * @param name   unique in the chain; the key of per-route overrides ({@code per_filter_config.<name>})
 * @param type   the filter type ({@code rbac}, {@code jwt_authn}, {@code ext_authz}, {@code local_rate_limit},
 *               {@code cors}, or one added through {@link java.util.ServiceLoader})
 * @param config what the type's factory parsed; immutable
 */
public record HttpFilterConfig(String name, String type, Object config) {
}
