package dev.weft.core.filter.cors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Envoy's StringMatcher kinds applied to Origin values, and the "matches *" rule. */
class OriginMatcherTest {

    private static OriginMatcher m(OriginMatcher.Kind kind, String value, boolean ignoreCase) {
        Pattern regex = kind == OriginMatcher.Kind.SAFE_REGEX
                ? Pattern.compile(value, ignoreCase ? Pattern.CASE_INSENSITIVE : 0) : null;
        return new OriginMatcher(kind, value, regex, ignoreCase);
    }

    @Test
    void exactComparesTheWholeSerializedOrigin() {
        OriginMatcher exact = m(OriginMatcher.Kind.EXACT, "https://app.weft.local", false);
        assertTrue(exact.matches("https://app.weft.local"));
        assertFalse(exact.matches("https://app.weft.local:8443"), "a port makes another origin");
        assertFalse(exact.matches("http://app.weft.local"), "so does the scheme");
        assertFalse(exact.matches("HTTPS://APP.WEFT.LOCAL"));
        assertTrue(m(OriginMatcher.Kind.EXACT, "https://app.weft.local", true).matches("HTTPS://App.Weft.Local"));
    }

    @Test
    void prefixSuffixAndContains() {
        OriginMatcher suffix = m(OriginMatcher.Kind.SUFFIX, ".weft.local", false);
        assertTrue(suffix.matches("https://api.weft.local"));
        assertFalse(suffix.matches("https://weft.local"), "the dot keeps the bare domain out");
        assertFalse(suffix.matches("https://evilweft.local"));
        assertFalse(suffix.matches("local"));
        assertTrue(m(OriginMatcher.Kind.SUFFIX, ".WEFT.local", true).matches("https://a.weft.LOCAL"));
        OriginMatcher prefix = m(OriginMatcher.Kind.PREFIX, "http://localhost:", false);
        assertTrue(prefix.matches("http://localhost:3000"));
        assertFalse(prefix.matches("http://localhost"));
        assertFalse(prefix.matches("https://localhost:3000"));
        OriginMatcher contains = m(OriginMatcher.Kind.CONTAINS, "staging", false);
        assertTrue(contains.matches("https://staging.weft.local"));
        assertFalse(contains.matches("https://prod.weft.local"));
        assertTrue(m(OriginMatcher.Kind.CONTAINS, "STAGING", true).matches("https://x.Staging.weft"));
        assertFalse(m(OriginMatcher.Kind.CONTAINS, "STAGING", true).matches("https://x.stagin"));
    }

    @Test
    void safeRegexMustMatchTheWholeOrigin() {
        OriginMatcher regex = m(OriginMatcher.Kind.SAFE_REGEX, "https://[a-z]+\\.example\\.com", false);
        assertTrue(regex.matches("https://shop.example.com"));
        assertFalse(regex.matches("https://shop.example.com.evil.net"), "no partial match");
        assertFalse(regex.matches("xhttps://shop.example.com"));
        assertTrue(m(OriginMatcher.Kind.SAFE_REGEX, "https://[a-z]+\\.example\\.com", true)
                .matches("https://SHOP.example.com"));
    }

    @Test
    void aMatcherThatMatchesTheLiteralStarAllowsEveryOrigin() {
        assertTrue(OriginMatcher.anyMatches(List.of(m(OriginMatcher.Kind.EXACT, "*", false)), "https://any.where"));
        assertTrue(OriginMatcher.anyMatches(List.of(m(OriginMatcher.Kind.SAFE_REGEX, ".*", false)), "null"));
        assertFalse(OriginMatcher.anyMatches(List.of(m(OriginMatcher.Kind.EXACT, "https://a", false),
                m(OriginMatcher.Kind.SUFFIX, ".b", false)), "https://c"));
        assertTrue(OriginMatcher.anyMatches(List.of(m(OriginMatcher.Kind.EXACT, "https://a", false),
                m(OriginMatcher.Kind.SUFFIX, ".b", false)), "https://x.b"));
        assertFalse(OriginMatcher.anyMatches(List.of(), "https://a"), "no matchers: nothing allowed");
    }
}
