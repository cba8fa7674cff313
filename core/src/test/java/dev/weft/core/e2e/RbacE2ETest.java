package dev.weft.core.e2e;

import static dev.weft.core.e2e.RbacFixture.awaitLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.e2e.RbacFixture.Reply;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The RBAC filter between real clients (curl over HTTP/1.1 and HTTP/2, the JDK's HttpClient) and a real upstream:
 * every permission and principal kind, ALLOW / DENY / LOG, shadow rules, per-route disable and override, the stats
 * and the access log. A denied request must never reach the upstream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RbacE2ETest {
    private static final String DENIED = "RBAC: access denied";

    private RbacFixture f;

    @BeforeAll
    void start() throws Exception {
        f = new RbacFixture();
    }

    @AfterAll
    void stop() {
        if (f != null) {
            f.close();
        }
    }

    private Reply edge(String protocol, String method, String path, String... headers) throws Exception {
        return f.curl(protocol, f.edge, method, path, headers);
    }

    private void assertAllowed(Reply r, String path) throws Exception {
        assertEquals(200, r.status(), path + ": " + r.body());
        f.app.awaitRequest(path, 5_000);
    }

    private void assertDenied(Reply r, String path) {
        assertEquals(403, r.status(), path + ": " + r.body());
        assertEquals(DENIED, r.body());
        assertEquals(0, f.app.requestsTo(path).size(), "a denied request reached the upstream: " + path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void allowRulesLetOnlyMatchingRequestsThrough(String p) throws Exception {
        assertAllowed(edge(p, "GET", "/public/" + p), "/public/" + p);
        assertAllowed(edge(p, "GET", "/api/read-" + p, "x-user: alice"), "/api/read-" + p);
        assertDenied(edge(p, "POST", "/api/write-" + p, "x-user: alice"), "/api/write-" + p);
        assertDenied(edge(p, "GET", "/api/bob-" + p, "x-user: bob"), "/api/bob-" + p);
        assertDenied(edge(p, "GET", "/nothing-" + p), "/nothing-" + p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void regexPathsAndOrIds(String p) throws Exception {
        String id = p.equals("h1") ? "41" : "42";
        assertAllowed(edge(p, "GET", "/items/" + id, "x-user: bob"), "/items/" + id);
        assertAllowed(edge(p, "GET", "/items/1" + id + "?q=1", "x-user: svc-billing"), "/items/1" + id);
        assertDenied(edge(p, "GET", "/items/" + id + "x", "x-user: bob"), "/items/" + id + "x");
        assertDenied(edge(p, "GET", "/items/2" + id, "x-user: carol"), "/items/2" + id);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void remoteIpHonoursTheTrustedForwardedForHopWhileDirectRemoteIpDoesNot(String p) throws Exception {
        assertAllowed(edge(p, "GET", "/office/a-" + p, "x-forwarded-for: 203.0.113.9"), "/office/a-" + p);
        assertDenied(edge(p, "GET", "/office/b-" + p, "x-forwarded-for: 198.51.100.1"), "/office/b-" + p);
        assertDenied(edge(p, "GET", "/office/c-" + p), "/office/c-" + p);
        assertAllowed(edge(p, "GET", "/loopback/" + p, "x-forwarded-for: 10.1.1.1"), "/loopback/" + p);
        assertDenied(edge(p, "GET", "/lan/" + p, "x-forwarded-for: 10.1.1.1"), "/lan/" + p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void destinationPortAndIpAreTheListenersAddress(String p) throws Exception {
        assertAllowed(edge(p, "GET", "/port/" + p), "/port/" + p);
        assertDenied(edge(p, "GET", "/otherport/" + p), "/otherport/" + p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void headersPseudoHeadersAndNegations(String p) throws Exception {
        assertAllowed(edge(p, "GET", "/quiet/a-" + p), "/quiet/a-" + p);
        assertDenied(edge(p, "GET", "/quiet/b-" + p, "x-debug: 1"), "/quiet/b-" + p);
        assertAllowed(edge(p, "GET", "/t/a-" + p, "host: shop.tenant.test"), "/t/a-" + p);
        assertAllowed(edge(p, "GET", "/t/b-" + p, "x-tenant: acme"), "/t/b-" + p);
        assertDenied(edge(p, "GET", "/t/c-" + p, "x-tenant: acme", "x-user: mallory"), "/t/c-" + p);
        assertDenied(edge(p, "GET", "/t/d-" + p, "host: shop.tenant.test.evil"), "/t/d-" + p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void jwtClaimsHandedOverByAnEarlierFilter(String p) throws Exception {
        assertAllowed(edge(p, "GET", "/admin/a-" + p, "x-test-sub: alice", "x-test-roles: reader,admin"),
                "/admin/a-" + p);
        assertDenied(edge(p, "GET", "/admin/b-" + p, "x-test-sub: bob", "x-test-roles: reader"), "/admin/b-" + p);
        assertDenied(edge(p, "GET", "/admin/c-" + p), "/admin/c-" + p);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void aRouteCanDisableTheFilterOrReplaceItsRules(String p) throws Exception {
        assertAllowed(edge(p, "GET", "/open/" + p), "/open/" + p);
        assertDenied(edge(p, "GET", "/override/a-" + p), "/override/a-" + p);
        assertAllowed(edge(p, "GET", "/override/b-" + p, "x-override: 1"), "/override/b-" + p);
        // the route's rules replace the listener's: a public path under /override/ is no longer public
        assertDenied(edge(p, "GET", "/override/public/" + p), "/override/public/" + p);
    }

    @Test
    void jdkHttpClientIsDeniedWithEnvoysBodyAndAllowedThrough() throws Exception {
        HttpResponse<String> denied = f.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.edge
                + "/api/jdk-denied")).header("x-user", "eve").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, denied.statusCode());
        assertEquals(DENIED, denied.body());
        assertEquals(0, f.app.requestsTo("/api/jdk-denied").size());
        HttpResponse<String> ok = f.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.edge
                + "/api/jdk-ok")).header("x-user", "alice").timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ok.statusCode());
    }

    @Test
    void shadowRulesAreCountedAndLoggedButNeverEnforced() throws Exception {
        long shadowDenied = f.stat("http.edge.rbac.shadow_denied");
        long shadowAllowed = f.stat("http.edge.rbac.shadow_allowed");
        long allowed = f.stat("http.edge.rbac.allowed");
        assertAllowed(edge("h1", "GET", "/public/shadowed-1"), "/public/shadowed-1");
        assertAllowed(edge("h2", "GET", "/public/shadowed-2"), "/public/shadowed-2");
        f.awaitStat("http.edge.rbac.shadow_denied", shadowDenied + 2);
        f.awaitStat("http.edge.rbac.allowed", allowed + 2);
        assertEquals(shadowAllowed, f.stat("http.edge.rbac.shadow_allowed"));
        String line = awaitLine(f.edgeTextLog, l -> l.startsWith("/public/shadowed-1 "));
        assertTrue(line.startsWith("/public/shadowed-1 200 - - allowed public denied shadow-block "
                + "rbac[authz] shadow_denied action=DENY policy=shadow-block request=\"GET /public/shadowed-1\" "
                + "seen=[direct=127.0.0.1:"), line);
        assertTrue(line.endsWith("; rbac[authz] allowed policy=public"), line);
        String prometheus = f.admin("/stats/prometheus").body();
        assertTrue(prometheus.contains("\nweft_http_rbac_shadow_denied_total{http_conn_manager_prefix=\"edge\",} "
                + (shadowDenied + 2) + ".0\n"), prometheus);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void denyAndLogActions(String p) throws Exception {
        long denied = f.stat("http.block.rbac.denied");
        long logged = f.stat("http.block.rbac.logged");
        long notLogged = f.stat("http.block.rbac.not_logged");
        Reply r = f.curl(p, f.block, "GET", "/admin/x-" + p);
        assertDenied(r, "/admin/x-" + p);
        f.awaitStat("http.block.rbac.denied", denied + 1);
        String line = awaitLine(f.blockLog, l -> l.contains("\"path\":\"/admin/x-" + p + "\""));
        assertTrue(line.contains("\"response_code_details\":\"rbac_access_denied_matched_policy[no-admin]\""),
                line);
        assertTrue(line.contains("\"rbac:effective_policy_id\":\"no-admin\""), line);
        assertAllowed(f.curl(p, f.block, "GET", "/admin/y-" + p, "x-breakglass: on-call"), "/admin/y-" + p);
        assertAllowed(f.curl(p, f.block, "POST", "/write-" + p), "/write-" + p);
        assertAllowed(f.curl(p, f.block, "GET", "/read-" + p), "/read-" + p);
        // the DENY filter allowed the last three; the LOG filter saw them and never denies
        f.awaitStat("http.block.rbac.logged", logged + 1);
        f.awaitStat("http.block.rbac.not_logged", notLogged + 2);
        String write = awaitLine(f.blockLog, l -> l.contains("\"path\":\"/write-" + p + "\""));
        assertTrue(write.contains("rbac[deny] allowed policy=-; rbac[audit] logged policy=writes"), write);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void certificatePrincipalsUriSanThenDnsSanThenSubject(String p) throws Exception {
        assertEquals(200, f.mtls(p, "web", "localhost", "/api/web-" + p).status());
        assertEquals(403, f.mtls(p, "db", "localhost", "/api/db-" + p).status());
        assertEquals(0, f.app.requestsTo("/api/db-" + p).size());
        assertEquals(200, f.mtls(p, "db", "localhost", "/read/db-" + p).status(), "SPIFFE prefix");
        assertEquals(200, f.mtls(p, "ops", "localhost", "/ops/" + p).status(), "DNS SAN");
        assertEquals(403, f.mtls(p, "web", "localhost", "/ops/web-" + p).status());
        assertEquals(200, f.mtls(p, "legacy", "localhost", "/legacy/" + p).status(), "subject without SANs");
        assertEquals(403, f.mtls(p, "web", "localhost", "/legacy/web-" + p).status(), "web has SANs: no subject");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void requestedServerNameIsTheSni(String p) throws Exception {
        assertEquals(200, f.mtls(p, "db", "localhost", "/sni/a-" + p).status());
        // curl sends no SNI for an IP address (RFC 6066 section 3): requested_server_name is ""
        assertEquals(403, f.mtls(p, "db", "127.0.0.1", "/sni/b-" + p).status());
    }

    @Test
    void shadowVerdictOfTheMeshIsRecordedForAllowedRequests() throws Exception {
        long shadowDenied = f.stat("http.mesh.rbac.shadow_denied");
        assertEquals(200, f.mtls("h2", "db", "localhost", "/read/shadow").status());
        f.awaitStat("http.mesh.rbac.shadow_denied", shadowDenied + 1);
        String line = awaitLine(f.meshLog, l -> l.contains("\"path\":\"/read/shadow\""));
        assertTrue(line.contains("\"rbac:shadow_engine_result\":\"denied\""), line);
        assertTrue(line.contains("\"rbac:engine_result\":\"allowed\""), line);
        assertTrue(line.contains("\"rbac:effective_policy_id\":\"mesh-read\""), line);
        assertTrue(line.contains("rbac[authz] shadow_denied action=ALLOW policy=- near=[web-only] "
                + "request=\\\"GET /read/shadow\\\" seen=[uri_san=" + RbacFixture.DB + " subject=CN=db"), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void accessLogAndStatsRecordEveryDenial(String p) throws Exception {
        long denied = f.stat("http.edge.rbac.denied");
        String path = "/api/logged-denial-" + p;
        assertDenied(edge(p, "GET", path + "?token=secret", "x-user: bob", "x-request-id: rq-" + p,
                "x-forwarded-for: 198.51.100.7"), path);
        f.awaitStat("http.edge.rbac.denied", denied + 1);
        String json = awaitLine(f.edgeJsonLog, l -> l.contains("\"path\":\"" + path + "?token=secret\""));
        assertTrue(json.contains("\"response_code\":403"), json);
        assertTrue(json.contains("\"response_flags\":\"-\""), json);
        assertTrue(json.contains("\"response_code_details\":\"rbac_access_denied_matched_policy[none]\""), json);
        assertTrue(json.contains("\"rbac:engine_result\":\"denied\""), json);
        assertTrue(json.contains("\"rbac:shadow_engine_result\":\"allowed\""), json);
        assertTrue(json.contains("\"policy_decision\":\"rbac[authz] shadow allowed policy=-; rbac[authz] denied "
                + "action=ALLOW policy=- near=[readers] shadow=allowed[-] request=\\\"GET " + path
                + "\\\" seen=[direct=127.0.0.1:"), json);
        assertTrue(json.contains(" remote=198.51.100.7 sni=-]\""), json);
        assertTrue(!json.contains("secret\\\""), "the query is not part of the trace: " + json);
        String text = awaitLine(f.edgeTextLog, l -> l.startsWith(path + "?token=secret "));
        assertTrue(text.startsWith(path + "?token=secret 403 - rbac_access_denied_matched_policy[none] denied - "
                + "allowed - rbac[authz] shadow allowed policy=-; rbac[authz] denied action=ALLOW"), text);
    }
}
