package dev.weft.core.e2e;

import static dev.weft.core.e2e.FilterE2E.Proto;
import static dev.weft.core.e2e.FilterE2E.Resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The cors filter through a real proxy to a real upstream: the JDK's HttpClient over HTTP/1.1 (cleartext) and HTTP/2
 * (TLS, h2 by ALPN), and curl over both. Preflights answered or forwarded, every origin matcher kind, credentials,
 * exposed headers on upstream responses and on local replies, per-route policies and disable, stats, access log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CorsE2ETest {
    private static final String APP = "https://app.weft.local";
    private static final String[] ACA = {"access-control-allow-origin", "access-control-allow-credentials",
        "access-control-allow-methods", "access-control-allow-headers", "access-control-max-age",
        "access-control-expose-headers"};

    private Path dir;
    private Pki pki;
    private TestUpstream up;
    private WeftServer proxy;
    private final HttpClient admin = E2E.httpClient();
    private final Map<Proto, HttpClient> clients = new java.util.EnumMap<>(Proto.class);

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-cors");
        pki = new Pki(dir).ca("corsca").leaf("server", "corsca", "DNS:localhost,IP:127.0.0.1", 2);
        up = TestUpstream.start("a");
        int dead = E2E.refusedPort();
        String chain = """
                    http_filters:
                      - name: cors
                        default_policy:
                          allow_origin_string_match: [{exact: "https://default.weft.local"}]
                          expose_headers: x-default
                      - name: local_rate_limit
                    virtual_hosts:
                      - name: app
                        domains: ["localhost"]
                        per_filter_config:
                          cors:
                            allow_origin_string_match:
                              - {exact: "https://app.weft.local"}
                              - {suffix: ".weft.local"}
                              - {prefix: "http://localhost:", ignore_case: true}
                              - {contains: "-staging."}
                              - {safe_regex: {regex: "https://[a-z]+\\\\.example\\\\.com"}}
                            allow_methods: "GET, POST, PUT"
                            allow_headers: "content-type, authorization"
                            expose_headers: "x-request-id, x-upstream"
                            max_age: "600"
                            allow_credentials: true
                        routes:
                          - match: {prefix: /route-override}
                            per_filter_config:
                              cors:
                                allow_origin_string_match: [{exact: "https://other.example"}]
                                allow_credentials: false
                                max_age: "30"
                            route: {cluster: a}
                          - match: {prefix: /no-cors}
                            per_filter_config: {cors: {disabled: true}}
                            route: {cluster: a}
                          - match: {prefix: /strict}
                            per_filter_config: {cors: {forward_not_matching_preflights: false}}
                            route: {cluster: a}
                          - match: {prefix: /wild}
                            per_filter_config: {cors: {allow_methods: "*", allow_headers: "*"}}
                            route: {cluster: a}
                          - match: {prefix: /direct}
                            direct_response: {status: 404, body: "not here"}
                          - match: {prefix: /dead}
                            route: {cluster: dead}
                          - match: {prefix: /limited}
                            per_filter_config:
                              local_rate_limit: {token_bucket: {max_tokens: 1, fill_interval: 24h}}
                            route: {cluster: a}
                          - match: {prefix: /}
                            route: {cluster: a}
                      - name: rest
                        domains: ["*"]
                        routes:
                          - match: {prefix: /api}
                            route: {cluster: a}
                """;
        String log = "%PROTOCOL% %REQ(:METHOD)% %REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_CODE_DETAILS%";
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: h1
                    address: 127.0.0.1
                    port: 0
                    codec: http1
                    stat_prefix: cors_h1
                    access_log: [{path: %s, format: "%s"}]
                %s  - name: h2
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: cors_h2
                    tls: {certificates: [{cert_file: %s, key_file: %s}]}
                    access_log: [{path: %s, format: "%s"}]
                %sclusters:
                %s%s""".formatted(log(Proto.HTTP_1_1), log, chain, pki.crt("server"), pki.key("server"),
                log(Proto.HTTP_2), log, chain, E2E.cluster("a", up.port()), E2E.cluster("dead", dead)));
        for (Proto p : Proto.values()) {
            clients.put(p, FilterE2E.client(p, pki.crt("corsca")));
        }
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (up != null) {
            up.close();
        }
    }

    private Path log(Proto p) {
        return dir.resolve(p == Proto.HTTP_1_1 ? "h1.log" : "h2.log");
    }

    private int port(Proto p) {
        return proxy.address(p == Proto.HTTP_1_1 ? "h1" : "h2").getPort();
    }

    /** A request to the "app" virtual host (Host localhost), or with {@code host} 127.0.0.1 to the other one. */
    private Resp send(Proto p, String method, String host, String path, String... headers) throws Exception {
        String url = (p == Proto.HTTP_1_1 ? "http://" : "https://") + host + ":" + port(p) + path;
        return FilterE2E.send(clients.get(p), method, url, headers);
    }

    private Resp app(Proto p, String method, String path, String... headers) throws Exception {
        return send(p, method, "localhost", path, headers);
    }

    private long stat(Proto p, String name) throws Exception {
        return FilterE2E.stat(admin, proxy.adminAddress().getPort(), "http."
                + (p == Proto.HTTP_1_1 ? "cors_h1" : "cors_h2") + ".cors." + name);
    }

    private static void assertNoCorsHeaders(Resp r) {
        for (String h : ACA) {
            assertEquals(List.of(), r.all(h), h);
        }
    }

    private static boolean variesByOrigin(Resp r) {
        return r.all("vary").stream().anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("origin"));
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aPreflightFromAnAllowedOriginIsAnsweredByTheProxyAndNeverForwarded(Proto p) throws Exception {
        long valid = stat(p, "origin_valid");
        long preflights = stat(p, "preflight");
        int upstreamBefore = up.requestsTo("/res").size();
        Resp r = app(p, "OPTIONS", "/res?preflight=" + p, "origin", APP, "access-control-request-method", "PUT",
                "access-control-request-headers", "content-type");
        assertEquals(200, r.status());
        assertEquals("", r.body());
        assertNull(r.header("x-upstream"));
        assertEquals(List.of(APP), r.all("access-control-allow-origin"), "the origin itself, never *");
        assertEquals("true", r.header("access-control-allow-credentials"));
        assertEquals("GET, POST, PUT", r.header("access-control-allow-methods"));
        assertEquals("content-type, authorization", r.header("access-control-allow-headers"));
        assertEquals("600", r.header("access-control-max-age"));
        assertTrue(variesByOrigin(r), r.headers().toString());
        assertEquals(upstreamBefore, up.requestsTo("/res").size(), "the upstream never saw it");
        assertEquals(valid + 1, stat(p, "origin_valid"));
        assertEquals(preflights + 1, stat(p, "preflight"));
        List<String> line = FilterE2E.awaitLog(log(p), "/res?preflight=" + p, 1);
        assertTrue(line.get(0).endsWith(" OPTIONS /res?preflight=" + p + " 200 cors_response"), line.get(0));
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aPreflightFromAnOriginNotAllowedIsForwardedUntouchedAsEnvoyDoes(Proto p) throws Exception {
        long invalid = stat(p, "origin_invalid");
        long preflights = stat(p, "preflight");
        Resp r = app(p, "OPTIONS", "/res?evil=" + p, "origin", "https://evil.example",
                "access-control-request-method", "PUT");
        assertEquals(200, r.status());
        assertEquals("a", r.header("x-upstream"), "answered by the upstream");
        assertNoCorsHeaders(r);
        TestUpstream.Request seen = up.requestsTo("/res").stream().filter(q -> q.target().contains("evil=" + p))
                .findFirst().orElseThrow();
        assertTrue(seen.requestLine().startsWith("OPTIONS "), seen.requestLine());
        assertEquals("https://evil.example", seen.header("origin"));
        assertEquals("PUT", seen.header("access-control-request-method"));
        assertEquals(invalid + 1, stat(p, "origin_invalid"));
        assertEquals(preflights, stat(p, "preflight"));
        // with forward_not_matching_preflights: false the proxy answers it, without any CORS header
        int strictBefore = up.requestsTo("/strict").size();
        Resp strict = app(p, "OPTIONS", "/strict", "origin", "https://evil.example",
                "access-control-request-method", "PUT");
        assertEquals(200, strict.status());
        assertNull(strict.header("x-upstream"));
        assertNoCorsHeaders(strict);
        assertEquals(strictBefore, up.requestsTo("/strict").size());
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void everyMatcherKindAllowsItsOriginsAndNoOthers(Proto p) throws Exception {
        for (String origin : List.of(APP, "https://api.weft.local", "http://localhost:3000", "HTTP://LOCALHOST:8080",
                "https://shop.example.com", "https://web-staging.partner.net")) {
            Resp r = app(p, "GET", "/res", "origin", origin);
            assertEquals(200, r.status());
            assertEquals("a", r.header("x-upstream"));
            assertEquals(List.of(origin), r.all("access-control-allow-origin"), origin);
            assertEquals("true", r.header("access-control-allow-credentials"));
            assertEquals("x-request-id, x-upstream", r.header("access-control-expose-headers"));
            assertNull(r.header("access-control-allow-methods"), "preflight-only");
            assertNull(r.header("access-control-max-age"), "preflight-only");
            assertTrue(variesByOrigin(r));
        }
        for (String origin : List.of("https://weft.local", "https://weft.local.evil.com", "https://app.weft.locale",
                "https://shop.example.com.evil.net", "https://localhost:3000", "https://staging.partner.net",
                "null")) {
            Resp r = app(p, "GET", "/res", "origin", origin);
            assertEquals(200, r.status(), origin);
            assertNoCorsHeaders(r);
            assertTrue(variesByOrigin(r), "the answer still depends on Origin: " + origin);
        }
        Resp noOrigin = app(p, "GET", "/res");
        assertNoCorsHeaders(noOrigin);
        assertTrue(variesByOrigin(noOrigin), "Fetch 3.2.5: also on non-CORS responses of a CORS resource");
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aRoutePolicyOverridesTheHostsFieldByFieldAndADisabledRouteGetsNothing(Proto p) throws Exception {
        Resp other = app(p, "OPTIONS", "/route-override", "origin", "https://other.example",
                "access-control-request-method", "POST");
        assertEquals(200, other.status());
        assertNull(other.header("x-upstream"));
        assertEquals("https://other.example", other.header("access-control-allow-origin"));
        assertNull(other.header("access-control-allow-credentials"), "the route says false");
        assertEquals("30", other.header("access-control-max-age"), "the route's");
        assertEquals("GET, POST, PUT", other.header("access-control-allow-methods"), "the host's, not overridden");
        assertNoCorsHeaders(app(p, "GET", "/route-override", "origin", APP));

        Resp disabled = app(p, "GET", "/no-cors", "origin", APP);
        assertEquals(200, disabled.status());
        assertNoCorsHeaders(disabled);
        assertTrue(!variesByOrigin(disabled), "the filter did not run");
        Resp forwarded = app(p, "OPTIONS", "/no-cors", "origin", APP, "access-control-request-method", "PUT");
        assertEquals("a", forwarded.header("x-upstream"), "a disabled route forwards even allowed preflights");
        assertNoCorsHeaders(forwarded);

        Resp wild = app(p, "OPTIONS", "/wild", "origin", APP, "access-control-request-method", "PATCH",
                "access-control-request-headers", "x-a, x-b");
        assertEquals("PATCH", wild.header("access-control-allow-methods"), "* echoes the requested method");
        assertEquals("x-a, x-b", wild.header("access-control-allow-headers"));
        assertEquals("true", wild.header("access-control-allow-credentials"));
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void localRepliesCarryTheHeadersToo(Proto p) throws Exception {
        // no route matched on the other host: the filter's default policy, on the proxy's own 404
        Resp notFound = send(p, "GET", "127.0.0.1", "/missing", "origin", "https://default.weft.local");
        assertEquals(404, notFound.status());
        assertNull(notFound.header("x-upstream"));
        assertEquals("https://default.weft.local", notFound.header("access-control-allow-origin"));
        assertEquals("x-default", notFound.header("access-control-expose-headers"));
        assertNull(notFound.header("access-control-allow-credentials"));
        assertNoCorsHeaders(send(p, "GET", "127.0.0.1", "/missing", "origin", APP));
        // a direct response, and a 502 for an upstream that refuses connections, after the chain let it through
        Resp direct = app(p, "GET", "/direct", "origin", APP);
        assertEquals(404, direct.status());
        assertEquals(APP, direct.header("access-control-allow-origin"));
        assertEquals("x-request-id, x-upstream", direct.header("access-control-expose-headers"));
        Resp dead = app(p, "GET", "/dead", "origin", APP);
        assertEquals(502, dead.status());
        assertEquals(APP, dead.header("access-control-allow-origin"));
        assertEquals("true", dead.header("access-control-allow-credentials"));
        // a later filter's reply: local_rate_limit's 429, so the page can read why it was refused
        assertEquals(200, app(p, "GET", "/limited", "origin", APP).status());
        Resp limited = app(p, "GET", "/limited", "origin", APP);
        assertEquals(429, limited.status());
        assertEquals("local_rate_limited", limited.body());
        assertEquals(List.of(APP), limited.all("access-control-allow-origin"));
        assertEquals("x-request-id, x-upstream", limited.header("access-control-expose-headers"));
        assertTrue(variesByOrigin(limited));
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void anUpstreamsOwnCorsHeadersAreReplacedNotRepeated(Proto p) throws Exception {
        Resp r = app(p, "GET", "/with-cors-headers", "origin", APP);
        assertEquals("own cors", r.body());
        assertEquals(List.of(APP), r.all("access-control-allow-origin"));
        assertEquals(List.of("x-request-id, x-upstream"), r.all("access-control-expose-headers"));
        assertTrue(r.all("vary").stream().anyMatch(v -> v.contains("accept-encoding")), "the upstream's vary stays");
        assertTrue(variesByOrigin(r));
        Resp notAllowed = app(p, "GET", "/with-cors-headers", "origin", "https://evil.example");
        assertEquals(List.of("*"), notAllowed.all("access-control-allow-origin"), "untouched when not allowed");
    }

    // ---- curl ------------------------------------------------------------------------------------------------------

    @Test
    void curlPreflightAndActualRequestOverHttp11AndHttp2() throws Exception {
        for (String proto : List.of("--http1.1", "--http2")) {
            boolean h2 = proto.equals("--http2");
            String base = (h2 ? "https://localhost:" + port(Proto.HTTP_2) : "http://localhost:" + port(Proto.HTTP_1_1));
            List<String> tls = h2 ? List.of("--cacert", pki.crt("corsca")) : List.of();
            List<String> pre = new ArrayList<>(List.of(proto, "-i", "-X", "OPTIONS", "-H", "Origin: " + APP,
                    "-H", "Access-Control-Request-Method: POST", "-H", "Access-Control-Request-Headers: authorization",
                    base + "/curl"));
            pre.addAll(tls);
            String head = FilterE2E.curl(pre).text().toLowerCase(Locale.ROOT);
            assertTrue(head.startsWith(h2 ? "http/2 200" : "http/1.1 200"), head);
            assertTrue(head.contains("access-control-allow-origin: " + APP + "\r\n"), head);
            assertTrue(head.contains("access-control-allow-methods: get, post, put\r\n"), head);
            assertTrue(head.contains("access-control-allow-headers: content-type, authorization\r\n"), head);
            assertTrue(head.contains("access-control-max-age: 600\r\n"), head);
            assertTrue(head.contains("access-control-allow-credentials: true\r\n"), head);
            assertTrue(!head.contains("x-upstream"), head);

            List<String> get = new ArrayList<>(List.of(proto, "-i", "-H", "Origin: https://api.weft.local",
                    base + "/curl"));
            get.addAll(tls);
            String actual = FilterE2E.curl(get).text().toLowerCase(Locale.ROOT);
            assertTrue(actual.contains("x-upstream: a\r\n"), actual);
            assertTrue(actual.contains("access-control-allow-origin: https://api.weft.local\r\n"), actual);
            assertTrue(actual.contains("access-control-expose-headers: x-request-id, x-upstream\r\n"), actual);
            assertTrue(actual.contains("vary: origin\r\n"), actual);
        }
    }
}
