package dev.weft.core.config;

import java.util.regex.Pattern;

/**
 * Matches a named header or query parameter. Header names are lower-cased by the loader.
 *
 * @param name   header name (lower case) or query parameter name (as given)
 * @param kind   which comparison
 * @param value  the literal for EXACT / PREFIX / SUFFIX; the regex source for REGEX; null for PRESENT
 * @param regex  compiled for REGEX (full match), else null
 * @param invert the result is negated (a missing header then matches, except for PRESENT which becomes "absent")
 */
public record ValueMatcher(String name, Kind kind, String value, Pattern regex, boolean invert) {
    /** Exactly one of exact, prefix, suffix, safe_regex, present is given in the YAML. */
    public enum Kind { EXACT, PREFIX, SUFFIX, REGEX, PRESENT }
}
