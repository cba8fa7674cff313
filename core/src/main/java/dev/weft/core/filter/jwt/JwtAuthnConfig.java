package dev.weft.core.filter.jwt;

import java.util.List;

/**
 * A {@code jwt_authn} filter's validated config: its providers, in document order, and the requirement every route
 * gets unless it overrides it.
 *
 * @param providers   the providers; a {@link Requirement.Provider} index points into this list
 * @param requirement the default requirement, or null: no token needed unless a route asks for one
 */
record JwtAuthnConfig(List<ProviderConfig> providers, Requirement requirement) {

    /**
     * A route's or virtual host's {@code per_filter_config.<name>: {requirement: ...}}.
     *
     * @param requirement replaces the filter's default for the route; null: no token needed on this route
     */
    record PerRoute(Requirement requirement) {
    }
}
