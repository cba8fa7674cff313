package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.config.ConfigLoader;
import dev.weft.core.server.WeftServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * {@code examples/zero-trust-gateway.yaml} as shipped (only its ports moved and its log sent to a file), with the
 * example's own certificates, signing key and token script, driven by curl over HTTP/1.1 and HTTP/2: JWT on /api/,
 * RBAC on POST /api/orders by SPIFFE identity, ext_authz on /admin/, CORS and the rate limit everywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ZeroTrustGatewayE2ETest {
    private static final Path EXAMPLES = Path.of("..", "examples");
    private Path dir;
    private Path certs;
    private Path log;
    private TestUpstream backend;
    private AuthzServer authz;
    private WeftServer proxy;
    private int port;
    private int adminPort;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-gateway");
        certs = dir.resolve("certs");
        E2E.Run made = E2E.runBounded(List.of(EXAMPLES.resolve("certs/make-certs.sh").toString(), certs.toString()),
                Duration.ofSeconds(60));
        assertEquals(0, made.exitCode(), "make-certs.sh: " + made.err());
        backend = TestUpstream.start("backend");
        authz = AuthzServer.start();
        log = dir.resolve("access.log");
        String yaml = Files.readString(EXAMPLES.resolve("zero-trust-gateway.yaml"));
        yaml = replaceOnce(yaml, "port: 10443", "port: 0");
        yaml = replaceOnce(yaml, "port: 9901", "port: 0");
        yaml = replaceOnce(yaml, "port: 8080}", "port: " + backend.port() + "}");
        yaml = replaceOnce(yaml, "port: 9191}", "port: " + authz.port() + "}");
        yaml = replaceOnce(yaml, "path: /dev/stdout", "path: " + log);
        // the example's tight authz budgets are for production; a busy test machine gets more room
        yaml = replaceOnce(yaml, "server_uri: {cluster: authz, timeout: 0.5s}", "server_uri: {cluster: authz, timeout: 3s}");
        yaml = replaceOnce(yaml, "connect_timeout: 0.25s", "connect_timeout: 3s");
        Path config = dir.resolve("zero-trust-gateway.yaml");
        Files.writeString(config, yaml);
        proxy = WeftServer.start(ConfigLoader.load(config));
        port = proxy.address("gateway").getPort();
        adminPort = proxy.adminAddress().getPort();
    }

    private static String replaceOnce(String s, String from, String to) {
        int i = s.indexOf(from);
        assertTrue(i >= 0 && s.indexOf(from, i + 1) < 0, "the example has exactly one '" + from + "'");
        return s.substring(0, i) + to + s.substring(i + from.length());
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (authz != null) {
            authz.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    // ---- clients ------------------------------------------------------------------------------------------------

    private String token(String subject, int ttlSeconds) throws Exception {
        E2E.Run run = E2E.runBounded(List.of(EXAMPLES.resolve("certs/mint-jwt.sh").toString(), subject, "orders-api",
                Integer.toString(ttlSeconds), certs.toString()), Duration.ofSeconds(30));
        assertEquals(0, run.exitCode(), run.err());
        return run.text().trim();
    }

    /** curl over TLS as {@code workload} (a certificate made by make-certs.sh, or null for none). */
    private Resp curl(String version, String workload, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("curl", "curl"), "-sS", "-i", "--max-time", "20",
                version.equals("h2") ? "--http2" : "--http1.1", "--cacert", certs.resolve("ca.crt").toString()));
        if (workload != null) {
            cmd.addAll(List.of("--cert", certs.resolve(workload + ".crt").toString(), "--key",
                    certs.resolve(workload + ".key").toString()));
        }
        cmd.addAll(List.of(args));
        E2E.Run run = E2E.runBounded(cmd, Duration.ofSeconds(30));
        assertEquals(0, run.exitCode(), run.err());
        return Resp.parse(run.text());
    }

    private String url(String path) {
        return "https://localhost:" + port + path;
    }

    /** A {@code curl -i} response: status, header lines with lower-case names, body. */
    record Resp(int status, List<String> headers, String body) {
        static Resp parse(String text) {
            String t = text;
            while (t.startsWith("HTTP/") && t.substring(9, 12).equals("100")) {
                t = t.substring(t.indexOf("\r\n\r\n") + 4);
            }
            int end = t.indexOf("\r\n\r\n");
            String[] lines = t.substring(0, end).split("\r\n");
            List<String> h = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                h.add(lines[i].substring(0, colon).toLowerCase(Locale.ROOT) + lines[i].substring(colon));
            }
            return new Resp(Integer.parseInt(lines[0].split(" ")[1]), h, t.substring(end + 4));
        }

        String header(String name) {
            for (String l : headers) {
                if (l.startsWith(name + ":")) {
                    return l.substring(name.length() + 1).trim();
                }
            }
            return null;
        }
    }

    // ---- the example's promises -----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void onlyTheFrontendWorkloadWithATokenMayPostOrders(String v) throws Exception {
        String bearer = "authorization: Bearer " + token("alice", 300);
        Resp ok = curl(v, "frontend", "-X", "POST", "-H", bearer, "-H", "x-user: mallory", url("/api/orders"));
        assertEquals(200, ok.status(), ok.toString());
        TestUpstream.Request seen = backend.lastRequest();
        assertEquals("POST /api/orders HTTP/1.1", seen.requestLine());
        assertEquals(List.of("alice"), seen.headers("x-user"), "the verified subject, not the client's x-user");
        assertEquals(List.of(), seen.headers("authorization"), "the token is not forwarded");

        int before = backend.requests().size();
        Resp denied = curl(v, "batch", "-X", "POST", "-H", bearer, url("/api/orders"));
        assertEquals(403, denied.status());
        assertEquals("RBAC: access denied", denied.body().trim());
        Resp noCert = curl(v, null, "-X", "POST", "-H", bearer, url("/api/orders"));
        assertEquals(403, noCert.status(), "no client certificate: no identity");
        assertEquals(before, backend.requests().size(), "refused requests never reach the backend");

        assertEquals(200, curl(v, "batch", "-H", bearer, url("/api/orders")).status(), "batch may read");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void apiRequestsWithoutAValidTokenGet401WithAChallenge(String v) throws Exception {
        Resp missing = curl(v, "frontend", "-X", "POST", url("/api/orders"));
        assertEquals(401, missing.status());
        assertEquals("Jwt is missing", missing.body().trim());
        assertTrue(missing.header("www-authenticate").startsWith("Bearer realm="), missing.headers().toString());

        Resp expired = curl(v, "frontend", "-H", "authorization: Bearer " + token("alice", -600), url("/api/x"));
        assertEquals(401, expired.status());
        assertTrue(expired.header("www-authenticate").contains("error=\"invalid_token\""),
                expired.headers().toString());
        assertEquals("Jwt is expired", expired.body().trim());

        assertEquals(200, curl(v, null, url("/public/page")).status(), "outside /api/ no token is needed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void adminRequestsAreCheckedByTheAuthorizationService(String v) throws Exception {
        Resp ok = curl(v, null, "-H", "authorization: Bearer good", url("/admin/users"));
        assertEquals(200, ok.status());
        assertEquals(List.of("alice"), backend.lastRequest().headers("x-user"), "the authz service's user");
        assertTrue(authz.checksTo("/check/admin/users").size() >= 1);

        int before = backend.requests().size();
        Resp denied = curl(v, null, "-H", "authorization: Bearer bad", url("/admin/users"));
        assertEquals(401, denied.status(), "the authorization service's own status");
        assertEquals(AuthzServer.DENY_BODY, denied.body());
        assertEquals(before, backend.requests().size());

        int checks = authz.checksTo("/check/").size();
        curl(v, null, url("/public/x"));
        assertEquals(checks, authz.checksTo("/check/").size(), "ext_authz runs on /admin/ only");
    }

    /**
     * Other spellings of /api/orders and /admin/ that a backend resolves to them (RFC 3986 section 6.2.2: percent-
     * encoded unreserved characters, dot segments; merged slashes; an escaped slash many servers decode) must not
     * get past the policies that match the plain spelling: RBAC's url_path prefix, and the routes that enable
     * jwt_authn and ext_authz. None may reach the backend.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void otherSpellingsOfAProtectedPathDoNotGetPastThePolicies(String v) throws Exception {
        String bearer = "authorization: Bearer " + token("alice", 300);
        String[] orders = {"/api//orders", "/api/%6Frders", "/api/./orders", "/api/x/../orders", "/api%2Forders",
            "/api%2forders"};
        String[] admin = {"/%61dmin/users", "//admin/users", "/./admin/users", "/x/../admin/users",
            "/admin%2Fusers", "/admin%5Cusers"};
        int before = backend.requests().size();
        for (String p : orders) {
            Resp r = curl(v, "batch", "--path-as-is", "-X", "POST", "-H", bearer, url(p));
            assertEquals(400, r.status(), p + ": " + r);
        }
        for (String p : admin) {
            Resp r = curl(v, null, "--path-as-is", "-H", "authorization: Bearer bad", url(p));
            assertEquals(400, r.status(), p + ": " + r);
        }
        assertEquals(before, backend.requests().size(), "no other spelling reaches the backend");
        // normal paths, and escapes that are not of unreserved characters, still work
        assertEquals(200, curl(v, null, url("/public/a%20b%C3%A9?q=%2F..%2F")).status());
    }

    @Test
    void browsersFromTheAppOriginGetCorsAndPreflightsAreAnsweredHere() throws Exception {
        int before = backend.requests().size();
        Resp pre = curl("h1", null, "-X", "OPTIONS", "-H", "origin: https://app.weft.local", "-H",
                "access-control-request-method: POST", "-H", "access-control-request-headers: authorization",
                url("/api/orders"));
        assertEquals(200, pre.status());
        assertEquals("https://app.weft.local", pre.header("access-control-allow-origin"));
        assertTrue(pre.header("access-control-allow-methods").contains("POST"));
        assertEquals("600", pre.header("access-control-max-age"));
        assertEquals(before, backend.requests().size(), "a preflight is answered by the gateway");

        Resp denied = curl("h2", null, "-H", "origin: https://app.weft.local", url("/api/orders"));
        assertEquals(401, denied.status());
        assertEquals("https://app.weft.local", denied.header("access-control-allow-origin"),
                "a refusal still carries CORS headers, so the page can read it");
        Resp other = curl("h2", null, "-H", "origin: https://evil.example", url("/public/x"));
        assertNull(other.header("access-control-allow-origin"));
    }

    @Test
    void everyResponseCarriesTheRateLimitHeaders() throws Exception {
        Resp r = curl("h1", null, url("/public/x"));
        assertEquals("200", r.header("x-ratelimit-limit"));
        assertTrue(Integer.parseInt(r.header("x-ratelimit-remaining")) < 200);
    }

    @Test
    void aDenialIsExplainedInTheAccessLogAndTheAdminServer() throws Exception {
        String bearer = "authorization: Bearer " + token("bob", 300);
        curl("h1", "batch", "-X", "POST", "-H", bearer, url("/api/orders/denied-for-log"));
        String line = awaitLine("/api/orders/denied-for-log");
        assertTrue(line.contains("\"response_code\":403"), line);
        assertTrue(line.contains("spiffe://weft.local/ns/default/sa/batch"), line);
        assertTrue(line.contains("orders-only-from-frontend"), line);

        E2E.Run denials = E2E.runBounded(List.of(E2E.tool("curl", "curl"), "-sS", "--max-time", "10",
                "http://127.0.0.1:" + adminPort + "/authz/denials?last=20"), Duration.ofSeconds(20));
        String json = denials.text();
        assertTrue(json.contains("/api/orders/denied-for-log"), json);
        assertTrue(json.contains("spiffe://weft.local/ns/default/sa/batch"), json);
    }

    private String awaitLine(String marker) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log)) {
                for (String l : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                    if (l.contains(marker)) {
                        return l;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line with " + marker);
    }
}
