package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Routing through a real proxy to three real upstreams: by Host (exact, {@code *.suffix}, {@code prefix.*},
 * {@code *}), by path (exact, regex, prefix), by header (exact, present, regex, inverted), by query parameter and by
 * method. Each case asserts which upstream answered and that this upstream received the request unchanged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class RoutingE2ETest {
    private final Map<String, TestUpstream> upstreams = new java.util.HashMap<>();
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        for (String name : List.of("a", "b", "c")) {
            upstreams.put(name, TestUpstream.start(name));
        }
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: exact
                        domains: ["api.example.com"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                      - name: suffix
                        domains: ["*.example.com"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: b}
                      - name: prefix-wildcard
                        domains: ["static.*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: c}
                      - name: any
                        domains: ["*"]
                        routes:
                          - match: {path: /exact}
                            route: {cluster: a}
                          - match: {prefix: /exact}
                            route: {cluster: b}
                          - match: {safe_regex: "/items/[0-9]+"}
                            route: {cluster: c}
                          - match:
                              prefix: /hdr
                              headers: [{name: X-Tenant, exact: blue}]
                            route: {cluster: a}
                          - match:
                              prefix: /hdr
                              headers: [{name: x-debug, present: true}]
                            route: {cluster: b}
                          - match:
                              prefix: /hdr
                              headers: [{name: x-version, safe_regex: "v[0-9]+"}]
                            route: {cluster: c}
                          - match:
                              prefix: /inv
                              headers: [{name: x-env, exact: prod, invert_match: true}]
                            route: {cluster: a}
                          - match: {prefix: /inv}
                            route: {cluster: b}
                          - match:
                              prefix: /q
                              query_parameters: [{name: v, exact: "2"}]
                            route: {cluster: b}
                          - match:
                              prefix: /q
                              query_parameters: [{name: debug, present: true}]
                            route: {cluster: c}
                          - match: {prefix: /q}
                            route: {cluster: a}
                          - match: {prefix: /m, methods: [POST, PUT]}
                            route: {cluster: c}
                          - match: {prefix: /m}
                            route: {cluster: a}
                          - match: {prefix: /}
                            direct_response: {status: 200, body: "fallback"}
                clusters:
                %s%s%s""".formatted(E2E.cluster("a", upstreams.get("a").port()),
                E2E.cluster("b", upstreams.get("b").port()), E2E.cluster("c", upstreams.get("c").port())));
        address = proxy.address("main");
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstreams.values().forEach(TestUpstream::close);
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        // by host
        c.add(Arguments.of("exact host", "api.example.com", "GET", "/x", List.of(), "a"));
        c.add(Arguments.of("exact host, any case, with port", "API.Example.COM:8080", "GET", "/x", List.of(), "a"));
        c.add(Arguments.of("suffix wildcard", "shop.example.com", "GET", "/x", List.of(), "b"));
        c.add(Arguments.of("suffix wildcard beats prefix wildcard", "static.example.com", "GET", "/x", List.of(),
                "b"));
        c.add(Arguments.of("prefix wildcard", "static.example.org", "GET", "/x", List.of(), "c"));
        c.add(Arguments.of("bare suffix domain is not *.suffix", "example.com", "GET", "/x", List.of(), null));
        // by path on the '*' host
        c.add(Arguments.of("exact path", "other.test", "GET", "/exact", List.of(), "a"));
        c.add(Arguments.of("exact path ignores the query", "other.test", "GET", "/exact?x=1", List.of(), "a"));
        c.add(Arguments.of("longer path falls to the prefix route", "other.test", "GET", "/exact/more", List.of(),
                "b"));
        c.add(Arguments.of("regex path", "other.test", "GET", "/items/42", List.of(), "c"));
        c.add(Arguments.of("regex must match the whole path", "other.test", "GET", "/items/42x", List.of(), null));
        // by header
        c.add(Arguments.of("header exact", "other.test", "GET", "/hdr", List.of("X-Tenant: blue"), "a"));
        c.add(Arguments.of("header exact is case-sensitive on the value", "other.test", "GET", "/hdr",
                List.of("X-Tenant: Blue", "x-debug: 1"), "b"));
        c.add(Arguments.of("header present (empty value)", "other.test", "GET", "/hdr", List.of("x-debug:"), "b"));
        c.add(Arguments.of("header regex", "other.test", "GET", "/hdr", List.of("x-version: v12"), "c"));
        c.add(Arguments.of("header regex full match", "other.test", "GET", "/hdr", List.of("x-version: v12b"),
                null));
        c.add(Arguments.of("inverted header, header absent", "other.test", "GET", "/inv", List.of(), "a"));
        c.add(Arguments.of("inverted header, other value", "other.test", "GET", "/inv", List.of("x-env: dev"), "a"));
        c.add(Arguments.of("inverted header, value equal", "other.test", "GET", "/inv", List.of("x-env: prod"), "b"));
        // by query parameter
        c.add(Arguments.of("query exact", "other.test", "GET", "/q?a=1&v=2", List.of(), "b"));
        c.add(Arguments.of("query exact, other value", "other.test", "GET", "/q?v=22", List.of(), "a"));
        c.add(Arguments.of("query present without value", "other.test", "GET", "/q?debug", List.of(), "c"));
        c.add(Arguments.of("no query", "other.test", "GET", "/q", List.of(), "a"));
        // by method
        c.add(Arguments.of("method POST", "other.test", "POST", "/m", List.of("content-length: 0"), "c"));
        c.add(Arguments.of("method PUT", "other.test", "PUT", "/m", List.of("content-length: 0"), "c"));
        c.add(Arguments.of("method GET", "other.test", "GET", "/m", List.of(), "a"));
        c.add(Arguments.of("method DELETE", "other.test", "DELETE", "/m", List.of(), "a"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}: {2} {1}{3} -> {5}")
    @MethodSource("cases")
    void routesToTheExpectedUpstream(String description, String host, String method, String target,
                                     List<String> headers, String expected) throws Exception {
        String probe = UUID.randomUUID().toString();
        List<String> all = new ArrayList<>(headers);
        all.add("x-probe: " + probe);
        Wire.Response r = Wire.request(address, method, host, target, all.toArray(String[]::new));

        assertEquals(200, r.status(), description);
        if (expected == null) {
            assertNull(r.header("x-upstream"), "expected the fallback direct response");
            assertEquals("fallback", r.bodyText());
            for (TestUpstream u : upstreams.values()) {
                assertEquals(List.of(), probed(u, probe), "upstream " + u.name() + " must not see the request");
            }
            return;
        }
        assertEquals(expected, r.header("x-upstream"), description);
        List<TestUpstream.Request> seen = probed(upstreams.get(expected), probe);
        assertEquals(1, seen.size(), "the chosen upstream received the request once");
        TestUpstream.Request req = seen.get(0);
        assertEquals(method + " " + target + " HTTP/1.1", req.requestLine());
        assertEquals(host, req.header("host"));
        for (TestUpstream u : upstreams.values()) {
            if (!u.name().equals(expected)) {
                assertEquals(List.of(), probed(u, probe), "upstream " + u.name() + " must not see the request");
            }
        }
    }

    private static List<TestUpstream.Request> probed(TestUpstream u, String probe) {
        return u.requests().stream().filter(r -> probe.equals(r.header("x-probe"))).toList();
    }
}
