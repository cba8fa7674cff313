package dev.weft.core.filter.jwt;

import java.util.List;

/**
 * Which tokens a request must bring (Envoy's {@code JwtRequirement}), with provider names resolved to their index in
 * the filter's provider list. A null requirement means no token is needed.
 */
sealed interface Requirement {

    /** A valid token of this provider must be present (every token found in its locations must be valid). */
    record Provider(int index, String name) implements Requirement {
    }

    /** One of these must be satisfied (OR). */
    record Any(List<Requirement> of) implements Requirement {
    }

    /** All of these must be satisfied (AND). */
    record All(List<Requirement> of) implements Requirement {
    }

    /**
     * Tokens of these providers are verified when present; a request without one passes, one with an invalid one
     * does not ({@code allow_missing}). With {@code orFailed}, invalid tokens pass too and are only not reported as
     * verified ({@code allow_missing_or_failed}).
     */
    record AllowMissing(int[] providers, boolean orFailed) implements Requirement {
    }
}
