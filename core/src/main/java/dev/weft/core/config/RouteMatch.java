package dev.weft.core.config;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Conditions on a request; all must hold.
 *
 * @param pathKind        how {@code path} is compared with the request path (without the query)
 * @param path            the prefix or exact path; the regex source for REGEX
 * @param pathRegex       compiled when pathKind is REGEX (full match), else null
 * @param caseSensitive   path comparison (default true)
 * @param methods         empty means any method
 * @param headers         each must match
 * @param queryParameters each must match
 */
public record RouteMatch(
        PathKind pathKind,
        String path,
        Pattern pathRegex,
        boolean caseSensitive,
        List<String> methods,
        List<ValueMatcher> headers,
        List<ValueMatcher> queryParameters) {
    public RouteMatch {
        methods = List.copyOf(methods);
        headers = List.copyOf(headers);
        queryParameters = List.copyOf(queryParameters);
    }

    /** The three ways a route path can match. Exactly one is given in the YAML: prefix, path or safe_regex. */
    public enum PathKind { PREFIX, EXACT, REGEX }
}
