package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.json.JsonParser;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * "Why was I denied?" through the admin server of a running proxy: {@code GET /authz/denials} after real denials,
 * and {@code POST /authz/explain} evaluating described requests against the live chains (nothing is sent upstream),
 * including its refusals (malformed JSON, wrong content type, cross-site pages, oversized bodies).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RbacAdminE2ETest {
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

    private HttpResponse<String> explain(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + f.proxy.adminAddress().getPort() + "/authz/explain"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length == 0) {
            b.header("content-type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return f.client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(String json) throws Exception {
        return (Map<String, Object>) JsonParser.parse(json);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private Map<String, Object> explained(String body) throws Exception {
        HttpResponse<String> r = explain(body);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        return object(r.body());
    }

    /** The entry of the listener's RBAC filter named {@code name} in an explanation. */
    private static Map<String, Object> filter(Map<String, Object> explanation, String name) {
        for (Object o : list(explanation.get("filters"))) {
            if (name.equals(map(o).get("filter"))) {
                return map(o);
            }
        }
        throw new AssertionError("no filter " + name + " in " + explanation);
    }

    private static Map<String, Object> policy(Map<String, Object> engine, String name) {
        for (Object o : list(engine.get("policies"))) {
            if (name.equals(map(o).get("name"))) {
                return map(o);
            }
        }
        throw new AssertionError("no policy " + name + " in " + engine);
    }

    @Test
    void denialsAreListedNewestFirstWithWhoAskedAndWhy() throws Exception {
        assertEquals(403, f.mtls("h2", "db", "localhost", "/api/denied-first", "x-request-id: rq-first").status());
        assertEquals(403, f.curl("h1", f.edge, "GET", "/denied-second").status());
        HttpResponse<String> r = f.admin("/authz/denials?last=2");
        assertEquals(200, r.statusCode(), r.body());
        List<Object> denials = list(JsonParser.parse(r.body()));
        assertEquals(2, denials.size(), r.body());
        Map<String, Object> newest = map(denials.get(0));
        assertEquals("/denied-second", newest.get("path"));
        assertEquals("edge", newest.get("listener"));
        Map<String, Object> first = map(denials.get(1));
        assertEquals("mesh", first.get("listener"));
        assertEquals("authz", first.get("filter"));
        assertEquals("rq-first", first.get("request_id"));
        assertEquals("GET", first.get("method"));
        assertEquals("/api/denied-first", first.get("path"));
        assertEquals("localhost:" + f.mesh, first.get("authority"));
        assertEquals("denied", first.get("result"));
        assertEquals("ALLOW", first.get("action"));
        assertNull(first.get("matched_policy"));
        assertEquals(List.of("web-api"), first.get("near"), "web-api covers /api/ but not the db identity");
        assertEquals("denied", map(first.get("shadow")).get("result"), "the shadow rules allow only web");
        assertNull(map(first.get("shadow")).get("matched_policy"));
        Map<String, Object> principal = map(first.get("principal"));
        assertEquals(List.of(RbacFixture.DB), principal.get("uri_sans"));
        assertEquals("CN=db", principal.get("subject"));
        assertEquals("localhost", principal.get("sni"));
        assertEquals("127.0.0.1", principal.get("remote_ip"));
        assertTrue(((String) principal.get("direct_remote_address")).startsWith("127.0.0.1:"), r.body());
        assertTrue(((String) first.get("trace")).startsWith("rbac[authz] denied action=ALLOW policy=- "
                + "near=[web-api] shadow=denied[-] request=\"GET /api/denied-first\" seen=[uri_san="), r.body());
        assertTrue(((String) first.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), r.body());
    }

    @Test
    void denialsQueryIsChecked() throws Exception {
        assertEquals(400, f.admin("/authz/denials?last=0").statusCode());
        assertEquals(400, f.admin("/authz/denials?last=many").statusCode());
        assertEquals(405, postStatus("/authz/denials"));
    }

    private int postStatus(String path) throws Exception {
        return f.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.proxy.adminAddress().getPort()
                + path)).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    @Test
    void explainEvaluatesEveryPolicyAndRuleOfTheListener() throws Exception {
        Map<String, Object> e = explained("""
                {"listener": "mesh", "path": "/api/orders?page=2", "authority": "localhost",
                 "peer": {"uri_sans": ["%s"], "subject": "CN=db"}, "sni": "localhost"}
                """.formatted(RbacFixture.DB));
        assertEquals("denied", e.get("verdict"));
        assertEquals("authz", e.get("denied_by"));
        assertEquals("prefix:/", e.get("route"));
        Map<String, Object> authz = filter(e, "authz");
        assertEquals("denied", authz.get("result"));
        Map<String, Object> enforced = map(authz.get("enforced"));
        assertEquals("ALLOW", enforced.get("action"));
        assertNull(enforced.get("matched_policy"));
        assertEquals("rbac_access_denied_matched_policy[none]", enforced.get("response_code_details"));
        Map<String, Object> webApi = policy(enforced, "web-api");
        assertEquals(false, webApi.get("matched"));
        assertEquals(List.of(Map.of("rule", "url_path(prefix \"/api/\")", "matched", true)),
                webApi.get("permissions"));
        assertEquals(List.of(Map.of("rule", "authenticated(exact \"" + RbacFixture.WEB + "\")", "matched", false)),
                webApi.get("principals"));
        assertEquals("denied", map(authz.get("shadow")).get("result"));
        assertEquals(List.of(RbacFixture.DB), map(e.get("request")).get("uri_sans"));
        assertEquals(0, f.app.requestsTo("/api/orders").size(), "explaining sends nothing");

        Map<String, Object> web = explained("""
                {"listener": "mesh", "path": "/api/orders", "peer": {"uri_sans": ["%s"]}}
                """.formatted(RbacFixture.WEB));
        assertEquals("allowed", web.get("verdict"));
        assertNull(web.get("denied_by"));
        assertEquals("web-api", map(filter(web, "authz").get("enforced")).get("matched_policy"));
        assertEquals("allowed", map(filter(web, "authz").get("shadow")).get("result"));
    }

    @Test
    void explainRejectsAPathInAnotherSpellingAsTheRequestPathDoes() throws Exception {
        // /%6Ffice/x is /office/x in another spelling: live traffic gets 400 before any filter, and so does the replay
        assertEquals(400, f.curl("h1", f.edge, "GET", "/%6Ffice/x").status());
        Map<String, Object> e = explained("{\"listener\": \"edge\", \"path\": \"/%6Ffice/x\"}");
        assertEquals("rejected", e.get("verdict"));
        assertEquals(400L, ((Number) e.get("response_code")).longValue());
        assertEquals("path_normalization_failed", e.get("response_code_details"));
        assertTrue(((String) e.get("reason")).startsWith("percent-encoded unreserved character in path"),
                e.toString());
        assertEquals(List.of(), e.get("filters"), "no filter runs");
        assertEquals("allowed", explained("{\"listener\": \"edge\", \"path\": \"/office/x\", "
                + "\"remote_ip\": \"203.0.113.77\"}").get("verdict"), "the canonical spelling is judged as usual");
    }

    @Test
    void explainFollowsRoutesAddressesAndTokens() throws Exception {
        Map<String, Object> open = explained("{\"listener\": \"edge\", \"path\": \"/open/x\"}");
        assertEquals(true, filter(open, "authz").get("disabled_on_route"));
        assertEquals("allowed", open.get("verdict"));
        assertEquals("other", filter(open, "claims").get("type"));

        Map<String, Object> override = explained("{\"listener\": \"edge\", \"path\": \"/override/x\"}");
        assertEquals(true, filter(override, "authz").get("route_override"));
        assertEquals("denied", override.get("verdict"));
        assertEquals(List.of("override-only"), list(map(filter(override, "authz").get("enforced")).get("policies"))
                .stream().map(p -> map(p).get("name")).toList());

        Map<String, Object> forwarded = explained("""
                {"listener": "edge", "path": "/office/x", "source_ip": "127.0.0.1",
                 "headers": {"x-forwarded-for": "192.0.2.1, 203.0.113.5"}}
                """);
        assertEquals("allowed", forwarded.get("verdict"), "one trusted hop: the last x-forwarded-for entry");
        assertEquals("203.0.113.5", map(forwarded.get("request")).get("remote_ip"));
        assertEquals("allowed", explained("{\"listener\": \"edge\", \"path\": \"/office/x\", "
                + "\"remote_ip\": \"203.0.113.77\"}").get("verdict"));
        assertEquals("denied", explained("{\"listener\": \"edge\", \"path\": \"/office/x\", "
                + "\"remote_ip\": \"198.51.100.1\"}").get("verdict"));
        assertEquals("allowed", explained("{\"listener\": \"edge\", \"path\": \"/port/x\"}").get("verdict"),
                "destination_port is the listener's port");
        assertEquals("allowed", explained("""
                {"listener": "edge", "method": "GET", "path": "/admin/x",
                 "jwt": {"issuer": "https://issuer.test", "subject": "alice", "claims": {"roles": ["admin"]}}}
                """).get("verdict"));
        assertEquals("denied", explained("""
                {"listener": "edge", "path": "/admin/x", "jwt": {"claims": {"iss": "https://issuer.test",
                 "roles": ["reader"], "level": 3}}}
                """).get("verdict"));
        Map<String, Object> block = explained("{\"listener\": \"block\", \"path\": \"/admin/x\"}");
        assertEquals("deny", block.get("denied_by"));
        assertEquals("no-admin", map(filter(block, "deny").get("enforced")).get("matched_policy"));
        assertEquals("allowed", filter(block, "audit").get("result"), "LOG never denies");
    }

    @Test
    void badExplainRequestsAreRefusedWithTheReason() throws Exception {
        HttpResponse<String> malformed = explain("{\"listener\": \"edge\", \"path\": }");
        assertEquals(400, malformed.statusCode());
        assertEquals("bad explain request: malformed JSON: line 1, column 30: unexpected '}', expected a value\n",
                malformed.body());
        assertEquals("bad explain request: malformed JSON: line 1, column 22: duplicate member \"listener\"\n",
                explain("{\"listener\": \"edge\", \"listener\": \"block\"}").body());
        HttpResponse<String> unknown = explain("{\"listener\": \"edge\", \"verb\": \"GET\"}");
        assertEquals(400, unknown.statusCode());
        assertEquals("bad explain request: verb: unknown field; known: authority, headers, jwt, listener, method, "
                + "path, peer, remote_ip, scheme, sni, source_ip\n", unknown.body());
        HttpResponse<String> noListener = explain("{\"path\": \"/\"}");
        assertEquals("bad explain request: listener: is required (listeners: edge, block, mesh)\n",
                noListener.body());
        assertEquals("bad explain request: listener: no listener named 'nope' (listeners: edge, block, mesh)\n",
                explain("{\"listener\": \"nope\"}").body());
        assertEquals("bad explain request: source_ip: 'localhost' is not an IPv4 or IPv6 address\n",
                explain("{\"listener\": \"edge\", \"source_ip\": \"localhost\"}").body());
        assertEquals("bad explain request: peer.uri_sans[0]: must be a string\n",
                explain("{\"listener\": \"edge\", \"peer\": {\"uri_sans\": [1]}}").body());
        assertEquals("bad explain request: the body: must be a JSON object\n", explain("[]").body());
        assertEquals(400, explain("").statusCode());
    }

    @Test
    void explainKeepsTheAdminPlanesDefences() throws Exception {
        String body = "{\"listener\": \"edge\"}";
        assertEquals(415, explain(body, "content-type", "text/plain").statusCode(), "forms cannot send JSON");
        assertEquals(415, explain(body, "content-type", "application/x-www-form-urlencoded").statusCode());
        assertEquals(200, explain(body, "content-type", "Application/JSON; charset=utf-8").statusCode());
        assertEquals(403, explain(body, "content-type", "application/json", "origin", "http://evil.example")
                .statusCode());
        assertEquals(403, explain(body, "content-type", "application/json", "sec-fetch-site", "cross-site")
                .statusCode());
        String huge = "{\"listener\": \"edge\", \"path\": \"/" + "a".repeat(70_000) + "\"}";
        assertEquals(413, explain(huge).statusCode());
        assertEquals(405, f.admin("/authz/explain").statusCode(), "GET has no body");
        String index = f.admin("/").body();
        assertTrue(index.contains("/authz/explain") && index.contains("/authz/denials"), index);
    }
}
