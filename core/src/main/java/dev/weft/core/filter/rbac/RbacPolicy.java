package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;

/**
 * Envoy's {@code config.rbac.v3.Policy}: it matches a request when some permission and some principal do.
 *
 * @param name        the policy's key in {@code policies}; the access log's effective policy id
 * @param permissions what may be asked, tried in order
 * @param principals  who may ask, tried in order
 */
public record RbacPolicy(String name, RbacMatcher[] permissions, RbacMatcher[] principals) {

    public boolean matches(FilterRequest request) {
        return anyMatches(permissions, request) && anyMatches(principals, request);
    }

    static boolean anyMatches(RbacMatcher[] matchers, FilterRequest request) {
        for (RbacMatcher m : matchers) {
            if (m.matches(request)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append(": permissions ");
        new Matchers.Or("", permissions).describe(b);
        b.append(" principals ");
        new Matchers.Or("", principals).describe(b);
        return b.toString();
    }
}
