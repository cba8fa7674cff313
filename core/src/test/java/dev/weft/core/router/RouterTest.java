package dev.weft.core.router;

import dev.weft.core.config.HeaderMutations;
import dev.weft.core.config.RouteAction;
import dev.weft.core.config.RouteConfig;
import dev.weft.core.config.RouteMatch;
import dev.weft.core.config.ValueMatcher;
import dev.weft.core.config.VirtualHostConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RouterTest {

    /** A request as the router sees it. */
    record Req(String method, String host, String path, String query, Map<String, String> headers)
            implements RequestView {
        Req(String host, String path) {
            this("GET", host, path, null, Map.of());
        }

        @Override
        public String header(String lowerName) {
            return headers.get(lowerName);
        }
    }

    private static RouteConfig route(String name, RouteMatch m) {
        return new RouteConfig(name, m, new RouteAction.Forward("c", null, null, Duration.ofSeconds(15)),
                HeaderMutations.NONE, null);
    }

    private static RouteMatch prefix(String p) {
        return new RouteMatch(RouteMatch.PathKind.PREFIX, p, null, true, List.of(), List.of(), List.of());
    }

    private static VirtualHostConfig vhost(String name, List<String> domains, RouteConfig... routes) {
        return new VirtualHostConfig(name, domains, List.of(routes), HeaderMutations.NONE);
    }

    private static final Router ROUTER = new Router(List.of(
            vhost("exact", List.of("api.example.com"), route("exact", prefix("/"))),
            vhost("suffix", List.of("*.example.com"), route("suffix", prefix("/"))),
            vhost("longer-suffix", List.of("*.eu.example.com"), route("longer-suffix", prefix("/"))),
            vhost("prefix", List.of("api.*"), route("prefix", prefix("/"))),
            vhost("any", List.of("*"), route("any", prefix("/")))));

    private static String vh(String host) {
        return ROUTER.virtualHost(host).name();
    }

    @Test
    void picksExactThenLongestSuffixThenPrefixThenAny() {
        assertEquals("exact", vh("api.example.com"));
        assertEquals("suffix", vh("www.example.com"));
        assertEquals("longer-suffix", vh("x.eu.example.com"));
        assertEquals("prefix", vh("api.other.org"));
        assertEquals("any", vh("other.org"));
        assertEquals("any", vh(""));
    }

    @Test
    void suffixWildcardNeedsAtLeastOneCharacter() {
        assertEquals("any", vh(".example.com"));
        assertEquals("any", vh("example.com"));
    }

    @Test
    void normalizesHostHeader() {
        assertEquals("example.com", Router.normalizeHost("Example.COM:8080"));
        assertEquals("[::1]", Router.normalizeHost("[::1]:8080"));
        assertEquals("[::1]", Router.normalizeHost("[::1]"));
        assertEquals("a.b", Router.normalizeHost("a.b"));
        assertEquals("", Router.normalizeHost(null));
    }

    @Test
    void matchesPathsByPrefixExactAndRegexInOrder() {
        Router r = new Router(List.of(vhost("v", List.of("*"),
                route("exact", new RouteMatch(RouteMatch.PathKind.EXACT, "/health", null, true, List.of(),
                        List.of(), List.of())),
                route("regex", new RouteMatch(RouteMatch.PathKind.REGEX, "/v[0-9]+/.*",
                        Pattern.compile("/v[0-9]+/.*"), true, List.of(), List.of(), List.of())),
                route("ci", new RouteMatch(RouteMatch.PathKind.PREFIX, "/API", null, false, List.of(), List.of(),
                        List.of())),
                route("api", prefix("/api")))));
        assertEquals("exact", r.route(new Req("h", "/health")).config().name());
        assertEquals("regex", r.route(new Req("h", "/v2/users")).config().name());
        assertNull(r.route(new Req("h", "/healthz")));
        assertNull(r.route(new Req("h", "/vx/users")));
        assertEquals("ci", r.route(new Req("h", "/api/x")).config().name());
        assertEquals("ci", r.route(new Req("h", "/Api")).config().name());
    }

    @Test
    void matchesMethodsHeadersAndQueryParameters() {
        RouteMatch m = new RouteMatch(RouteMatch.PathKind.PREFIX, "/", null, true, List.of("POST"),
                List.of(new ValueMatcher("x-env", ValueMatcher.Kind.EXACT, "prod", null, false),
                        new ValueMatcher("x-debug", ValueMatcher.Kind.PRESENT, null, null, true),
                        new ValueMatcher("x-ver", ValueMatcher.Kind.REGEX, "v[12]", Pattern.compile("v[12]"), false)),
                List.of(new ValueMatcher("tenant", ValueMatcher.Kind.PREFIX, "acme", null, false)));
        Router r = new Router(List.of(vhost("v", List.of("*"), route("r", m))));
        Map<String, String> good = Map.of("x-env", "prod", "x-ver", "v2");
        assertTrue(r.route(new Req("POST", "h", "/", "a=1&tenant=acme-eu", good)) != null);
        assertNull(r.route(new Req("GET", "h", "/", "tenant=acme", good)), "method");
        assertNull(r.route(new Req("POST", "h", "/", "tenant=other", good)), "query value");
        assertNull(r.route(new Req("POST", "h", "/", null, good)), "query absent");
        assertNull(r.route(new Req("POST", "h", "/", "tenant=acme", Map.of("x-env", "dev", "x-ver", "v1"))));
        assertNull(r.route(new Req("POST", "h", "/", "tenant=acme", Map.of("x-env", "prod", "x-ver", "v3"))));
        assertNull(r.route(new Req("POST", "h", "/", "tenant=acme",
                Map.of("x-env", "prod", "x-ver", "v1", "x-debug", "1"))), "inverted present");
    }

    @Test
    void readsRawQueryParameters() {
        assertEquals("1", Route.queryParameter("a=1&b=2", "a"));
        assertEquals("2", Route.queryParameter("a=1&b=2", "b"));
        assertEquals("", Route.queryParameter("a&b=2", "a"));
        assertEquals("", Route.queryParameter("a=&b=2", "a"));
        assertNull(Route.queryParameter("ab=1", "a"));
        assertNull(Route.queryParameter("", "a"));
        assertNull(Route.queryParameter(null, "a"));
        assertEquals("x=y", Route.queryParameter("k=x=y", "k"));
    }

    @Test
    void invertedMatcherMatchesAbsentValue() {
        ValueMatcher m = new ValueMatcher("x", ValueMatcher.Kind.EXACT, "1", null, true);
        assertTrue(Route.valueMatches(m, null));
        assertTrue(Route.valueMatches(m, "2"));
        assertFalse(Route.valueMatches(m, "1"));
    }

    @Test
    void regexRoutesAreRefusedByTheirLiteralStartBeforeAnyMatcher() {
        org.junit.jupiter.api.Assertions.assertEquals("/items/", Route.literalStart("^/items/[0-9]+/detail$"));
        org.junit.jupiter.api.Assertions.assertEquals("/api/v", Route.literalStart("/api/v[12]/.*"));
        org.junit.jupiter.api.Assertions.assertEquals("/", Route.literalStart("/a?b"));
        org.junit.jupiter.api.Assertions.assertEquals("/x", Route.literalStart("/xy*"));
        org.junit.jupiter.api.Assertions.assertEquals("/a", Route.literalStart("/a\\.b"));
        org.junit.jupiter.api.Assertions.assertNull(Route.literalStart("/a|/b"));
        org.junit.jupiter.api.Assertions.assertNull(Route.literalStart("(?i)/items"));
        org.junit.jupiter.api.Assertions.assertNull(Route.literalStart(".*"));
    }
}
