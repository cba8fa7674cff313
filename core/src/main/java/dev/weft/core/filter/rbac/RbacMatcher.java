package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;

/**
 * One node of a compiled RBAC policy: a permission (what is asked: headers, path, method, destination, SNI) or a
 * principal (who asks: certificate, addresses, verified JWT claims), or a combination of them. Built once per config
 * snapshot; {@link #matches} runs on the request's thread, reads only the request, and allocates nothing for the
 * common matchers (see each one).
 */
public interface RbacMatcher {

    boolean matches(FilterRequest request);

    /** A compact one-line rendering for traces and the explain endpoint, e.g. {@code url_path(prefix "/api/")}. */
    void describe(StringBuilder out);

    /** {@link #describe} as a string. */
    static String describe(RbacMatcher m) {
        StringBuilder b = new StringBuilder(48);
        m.describe(b);
        return b.toString();
    }
}
