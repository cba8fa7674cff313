package dev.weft.tls.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.identity.SanMatcher.Kind;
import dev.weft.tls.identity.SanMatcher.Type;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SanMatcherTest {
    private static final PeerIdentity WEB = new PeerIdentity(
            List.of("web.example.com", "*.api.example.com"),
            List.of("spiffe://cluster.local/ns/default/sa/web"),
            List.of("10.0.0.7", "0:0:0:0:0:0:0:1"),
            "CN=web", "spiffe://cluster.local/ns/default/sa/web");

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource({
        "DNS, EXACT, web.example.com, true",
        "DNS, EXACT, WEB.Example.COM, true",
        "DNS, EXACT, web.example.com., true",
        "DNS, EXACT, other.example.com, false",
        "DNS, EXACT, a.api.example.com, true",
        "DNS, EXACT, A.API.example.com, true",
        "DNS, EXACT, a.b.api.example.com, false",
        "DNS, EXACT, api.example.com, false",
        "DNS, PREFIX, web., true",
        "DNS, PREFIX, WEB., true",
        "DNS, SUFFIX, .example.com, true",
        "DNS, SUFFIX, .example.org, false",
        "DNS, REGEX, web\\.example\\.(com|org), true",
        "DNS, REGEX, example\\.com, false",
        "URI, EXACT, spiffe://cluster.local/ns/default/sa/web, true",
        "URI, EXACT, SPIFFE://cluster.local/ns/default/sa/web, false",
        "URI, PREFIX, spiffe://cluster.local/ns/default/, true",
        "URI, PREFIX, spiffe://cluster.local/ns/prod/, false",
        "URI, SUFFIX, /sa/web, true",
        "URI, REGEX, spiffe://cluster\\.local/ns/[^/]+/sa/web, true",
        "IP, EXACT, 10.0.0.7, true",
        "IP, EXACT, ::1, true",
        "IP, EXACT, 10.0.0.8, false",
        "IP, PREFIX, 10.0., true",
        "ANY, EXACT, spiffe://cluster.local/ns/default/sa/web, true",
        "ANY, EXACT, web.example.com, true",
        "ANY, EXACT, 10.0.0.7, true",
        "ANY, SUFFIX, /sa/db, false",
    })
    void matches(Type type, Kind kind, String value, boolean expected) {
        assertEquals(expected, new SanMatcher(type, kind, value, null).matches(WEB));
    }

    @Test
    void dnsMatchersDoNotLookAtUris() {
        assertFalse(SanMatcher.suffix(Type.DNS, "/sa/web").matches(WEB));
        assertFalse(SanMatcher.exact(Type.URI, "web.example.com").matches(WEB));
    }

    @Test
    void emptyListIsNoConstraint() {
        assertTrue(SanMatcher.anyMatches(List.of(), WEB));
        assertTrue(SanMatcher.anyMatches(List.of(), PeerIdentity.NONE));
    }

    @Test
    void anyOfSeveralMatchers() {
        List<SanMatcher> matchers = List.of(SanMatcher.exact(Type.DNS, "db.example.com"),
                SanMatcher.prefix(Type.URI, "spiffe://cluster.local/ns/default/"));
        assertTrue(SanMatcher.anyMatches(matchers, WEB));
        assertFalse(SanMatcher.anyMatches(matchers, PeerIdentity.NONE));
        assertFalse(SanMatcher.anyMatches(List.of(matchers.get(0)), WEB));
    }

    @ParameterizedTest(name = "{0} covers {1}: {2}")
    @CsvSource({
        "*.example.com, a.example.com, true",
        "*.example.com, A.EXAMPLE.COM, true",
        "*.example.com, example.com, false",
        "*.example.com, a.b.example.com, false",
        "*.example.com, .example.com, false",
        "*.com, example.com, false",
        "a*.example.com, ab.example.com, false",
        "*.*.example.com, a.b.example.com, false",
        "x.*.example.com, x.a.example.com, false",
        "example.com, example.com, true",
    })
    void wildcardRulesOfRfc6125(String pattern, String name, boolean expected) {
        assertEquals(expected, SanMatcher.dnsNameCovers(pattern, name));
    }

    @Test
    void regexMatchesTheWholeNameAndCompilesFromValue() {
        SanMatcher matcher = SanMatcher.regex(Type.DNS, "web");
        assertFalse(matcher.matches(WEB), "partial matches are not matches");
        assertEquals("web", matcher.regex().pattern());
        SanMatcher fromPattern = new SanMatcher(Type.DNS, Kind.REGEX, null, Pattern.compile("web\\..*"));
        assertEquals("web\\..*", fromPattern.value());
        assertTrue(fromPattern.matches(WEB));
    }

    @Test
    void emptyValueIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> SanMatcher.prefix(Type.URI, ""));
        assertThrows(NullPointerException.class, () -> SanMatcher.exact(Type.DNS, null));
    }
}
