package dev.weft.core.e2e;

import static dev.weft.core.filter.jwt.TestTokens.b64;
import static dev.weft.core.filter.jwt.TestTokens.jwk;
import static dev.weft.core.filter.jwt.TestTokens.jwks;
import static dev.weft.core.filter.jwt.TestTokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.filter.jwt.TestTokens;
import dev.weft.core.server.WeftServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jwt_authn filter end to end with keys from a local JWK set: curl over HTTP/1.1 and HTTP/2 (h2c prior knowledge)
 * sends tokens signed here with the JDK; Weft verifies them and forwards to a real upstream, which shows what arrived.
 * Every outcome is checked by status, body, the exact {@code WWW-Authenticate} challenge, the upstream's view, the
 * stats and the access log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JwtAuthnE2ETest {
    private static final String ISS = "https://auth.weft.local";
    private static final String PARTNER_ISS = "https://partner.weft.local";

    private final KeyPair rsa = TestTokens.rsa();
    private final KeyPair p256 = TestTokens.ec("P-256");
    private final KeyPair p384 = TestTokens.ec("P-384");
    private final KeyPair p521 = TestTokens.ec("P-521");
    private final KeyPair ed25519 = TestTokens.ed25519();
    private final KeyPair ed448 = TestTokens.ed448();
    private final KeyPair partner = TestTokens.ec("P-256");
    private final AtomicInteger seq = new AtomicInteger();
    private final HttpClient admin = E2E.httpClient();

    private Path dir;
    private Path accessLog;
    private TestUpstream up;
    private WeftServer proxy;
    private int port;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-jwt");
        accessLog = dir.resolve("access.log");
        Path corpJwks = dir.resolve("corp-jwks.json");
        Files.writeString(corpJwks, jwks(jwk(rsa.getPublic(), "rsa", null), jwk(p256.getPublic(), "es256", null),
                jwk(p384.getPublic(), "es384", null), jwk(p521.getPublic(), "es512", "ES512"),
                jwk(ed25519.getPublic(), "ed", null), jwk(ed448.getPublic(), "ed448", "EdDSA")));
        String partnerJwks = jwks(jwk(partner.getPublic(), "p1", null)).replace("\"", "\\\"");
        up = TestUpstream.start("up");
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: main
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: ingress
                    access_log:
                      - path: %s
                    http_filters:
                      - name: jwt_authn
                        providers:
                          corp:
                            issuer: %s
                            audiences: [orders-api]
                            local_jwks: { filename: %s }
                            forward_payload_header: x-jwt-payload
                            claim_to_headers:
                              - { claim_name: sub, header_name: x-user-id }
                              - { claim_name: org.name, header_name: x-org }
                          partner:
                            issuer: %s
                            local_jwks: { inline_string: "%s" }
                            from_headers: [ { name: x-partner-token } ]
                            from_params: [ access_token ]
                          keep:
                            issuer: %s
                            local_jwks: { inline_string: "%s" }
                            from_headers: [ { name: x-keep-token, value_prefix: "Token " } ]
                            forward: true
                        requirement: { provider_name: corp }
                      - name: jwt_probe
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /public}
                            route: {cluster: up}
                            per_filter_config: { jwt_authn: { disabled: true } }
                          - match: {prefix: /open}
                            route: {cluster: up}
                            per_filter_config: { jwt_authn: { requirement: {} } }
                          - match: {prefix: /optional}
                            route: {cluster: up}
                            per_filter_config:
                              jwt_authn: { requirement: { allow_missing: { provider_name: corp } } }
                          - match: {prefix: /lenient}
                            route: {cluster: up}
                            per_filter_config: { jwt_authn: { requirement: { allow_missing_or_failed: {} } } }
                          - match: {prefix: /either}
                            route: {cluster: up}
                            per_filter_config:
                              jwt_authn:
                                requirement: { requires_any: [ {provider_name: corp}, {provider_name: partner} ] }
                          - match: {prefix: /both}
                            route: {cluster: up}
                            per_filter_config:
                              jwt_authn:
                                requirement: { requires_all: [ {provider_name: corp}, {provider_name: partner} ] }
                          - match: {prefix: /partner}
                            route: {cluster: up}
                            per_filter_config: { jwt_authn: { requirement: { provider_name: partner } } }
                          - match: {prefix: /keep}
                            route: {cluster: up}
                            per_filter_config: { jwt_authn: { requirement: { provider_name: keep } } }
                          - match: {prefix: /}
                            route: {cluster: up}
                clusters:
                %s""".formatted(accessLog, ISS, corpJwks, PARTNER_ISS, partnerJwks, "https://keep.weft.local",
                partnerJwks, E2E.cluster("up", up.port())));
        port = proxy.address("main").getPort();
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

    // ---- clients and helpers ------------------------------------------------------------------------------------

    /** One request with curl: {@code proto} "h1" (HTTP/1.1) or "h2" (h2c prior knowledge); headers "name: value". */
    private CurlResponse send(String proto, String pathAndQuery, String... headers) throws Exception {
        return CurlResponse.get(proto, "http://127.0.0.1:" + port + pathAndQuery, headers);
    }

    /** A path no other request of this test class uses, so the upstream's record of it is this request's. */
    private String unique(String prefix, String proto) {
        return prefix + "/" + proto + "-" + seq.incrementAndGet();
    }

    private TestUpstream.Request upstreamGot(String path) throws InterruptedException {
        up.awaitRequest(path, 5000);
        List<TestUpstream.Request> r = up.requestsTo(path);
        assertEquals(1, r.size());
        return r.get(0);
    }

    private static String bearer(String token) {
        return "Authorization: Bearer " + token;
    }

    private String corpToken(String alg, KeyPair key, String kid) {
        return sign(alg, key, kid, TestTokens.claims(ISS, "alice", "orders-api", 600,
                "\"org\":{\"name\":\"acme\"},\"roles\":[\"reader\"]"));
    }

    private String challenge(String path, String reason) {
        return "Bearer realm=\"http://127.0.0.1:" + port + path + "\""
                + (reason == null ? "" : ", error=\"invalid_token\", error_description=\"" + reason + "\"");
    }

    /** Asserts a denial: status, Envoy's reason as the body, the exact RFC 6750 challenge, nothing forwarded. */
    private void assertDenied(CurlResponse r, int status, String path, String reason) {
        assertEquals(status, r.status(), r.body());
        assertEquals(reason, r.body());
        assertEquals(challenge(path, reason.equals("Jwt is missing") ? null : reason), r.header("www-authenticate"));
        assertTrue(up.requestsTo(path).isEmpty(), "must not reach the upstream: " + path);
    }

    private String stats() throws Exception {
        return admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort()
                + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private long stat(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(stats());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    // ---- valid tokens -------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void validTokenOfEveryAlgorithmIsForwardedWithClaimsAndWithoutTheToken(String proto) throws Exception {
        String[][] cases = {{"RS256", "rsa"}, {"RS384", "rsa"}, {"RS512", "rsa"}, {"PS256", "rsa"},
            {"PS384", "rsa"}, {"PS512", "rsa"}, {"ES256", "es256"}, {"ES384", "es384"}, {"ES512", "es512"},
            {"EdDSA", "ed"}, {"EdDSA", "ed448"}};
        for (String[] c : cases) {
            KeyPair key = switch (c[1]) {
                case "es256" -> p256;
                case "es384" -> p384;
                case "es512" -> p521;
                case "ed" -> ed25519;
                case "ed448" -> ed448;
                default -> rsa;
            };
            String token = corpToken(c[0], key, c[1]);
            String path = unique("/api", proto);
            CurlResponse r = send(proto, path, bearer(token), "x-user-id: forged", "x-jwt-payload: forged");
            assertEquals(200, r.status(), c[0] + "/" + c[1] + ": " + r.body());
            TestUpstream.Request got = upstreamGot(path);
            assertEquals(List.of("alice"), got.headers("x-user-id"), c[0]);
            assertEquals(List.of("acme"), got.headers("x-org"), c[0]);
            assertEquals(List.of(token.split("\\.")[1]), got.headers("x-jwt-payload"), c[0]);
            assertNull(got.header("authorization"), "forward: false removes the token: " + c[0]);
            assertEquals("corp|" + ISS + "|alice|aud,exp,iat,iss,org,roles,sub|orders-api",
                    got.header("x-jwt-probe"), "the VerifiedJwt attribute a later filter sees");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void expiryAndNotBeforeHonourTheClockSkew(String proto) throws Exception {
        long now = System.currentTimeMillis() / 1000;
        String base = "\"iss\":\"" + ISS + "\",\"sub\":\"bob\",\"aud\":\"orders-api\"";
        String expiredWithinSkew = sign("RS256", rsa, "rsa", "{" + base + ",\"exp\":" + (now - 20) + "}");
        String expired = sign("RS256", rsa, "rsa", "{" + base + ",\"exp\":" + (now - 120) + "}");
        String earlyWithinSkew = sign("RS256", rsa, "rsa", "{" + base + ",\"nbf\":" + (now + 20) + "}");
        String early = sign("RS256", rsa, "rsa", "{" + base + ",\"nbf\":" + (now + 300) + "}");
        assertEquals(200, send(proto, unique("/api", proto), bearer(expiredWithinSkew)).status());
        assertEquals(200, send(proto, unique("/api", proto), bearer(earlyWithinSkew)).status());
        String p1 = unique("/api", proto);
        assertDenied(send(proto, p1, bearer(expired)), 401, p1, "Jwt is expired");
        String p2 = unique("/api", proto);
        assertDenied(send(proto, p2, bearer(early)), 401, p2, "Jwt not yet valid");
    }

    // ---- invalid tokens -----------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void everyKindOfBadTokenIsRefusedWithEnvoysReason(String proto) throws Exception {
        String good = corpToken("RS256", rsa, "rsa");
        String[] parts = good.split("\\.");
        byte[] sig = java.util.Base64.getUrlDecoder().decode(parts[2]);
        sig[10] ^= 0x40;
        String forgedPayload = b64(TestTokens.claims(ISS, "admin", "orders-api", 600, ""));
        List<String[]> cases = List.of(
                new String[] {"401", "Jwt issuer is not configured", sign("RS256", rsa, "rsa",
                        TestTokens.claims("https://evil.example", "alice", "orders-api", 600, ""))},
                new String[] {"403", "Audiences in Jwt are not allowed", sign("RS256", rsa, "rsa",
                        TestTokens.claims(ISS, "alice", "billing-api", 600, ""))},
                new String[] {"401", "Jwt verification fails", parts[0] + "." + forgedPayload + "." + parts[2]},
                new String[] {"401", "Jwt verification fails", parts[0] + "." + parts[1] + "." + b64(sig)},
                new String[] {"401", "Jwt header [alg] is not supported",
                        b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + "."},
                new String[] {"401", "Jwt header [alg] is not supported",
                        TestTokens.hs256(jwk(rsa.getPublic(), "rsa", null).getBytes(StandardCharsets.UTF_8),
                                TestTokens.claims(ISS, "alice", "orders-api", 600, ""))},
                new String[] {"401", "Jwks doesn't have key to match kid or alg from Jwt",
                        sign("ES256", p256, "rsa", TestTokens.claims(ISS, "alice", "orders-api", 600, ""))},
                new String[] {"401", "Jwks doesn't have key to match kid or alg from Jwt",
                        corpToken("RS256", rsa, "no-such-kid")},
                new String[] {"401", "Jwt header is an invalid Base64url encoded", "e$J." + parts[1] + "." + parts[2]},
                new String[] {"401", "Jwt header is an invalid JSON",
                        b64("{\"alg\":\"RS256\"") + "." + parts[1] + "." + parts[2]},
                new String[] {"401", "Jwt payload is an invalid JSON",
                        parts[0] + "." + b64("not json") + "." + parts[2]},
                new String[] {"401", "Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections",
                        parts[0] + "." + parts[1]},
                new String[] {"401", "Jwt is too large", parts[0] + "." + "A".repeat(9000) + "." + parts[2]});
        for (String[] c : cases) {
            String path = unique("/api", proto);
            assertDenied(send(proto, path, bearer(c[2])), Integer.parseInt(c[0]), path, c[1]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void missingTokenGetsAChallengeWithoutAnErrorCode(String proto) throws Exception {
        String path = unique("/api", proto);
        CurlResponse r = send(proto, path);
        assertDenied(r, 401, path, "Jwt is missing");
        assertEquals("Bearer realm=\"http://127.0.0.1:" + port + path + "\"", r.header("www-authenticate"));
        // another auth scheme in the header is no bearer token
        String p2 = unique("/api", proto);
        assertDenied(send(proto, p2, "Authorization: Basic YWxpY2U6c2VjcmV0"), 401, p2, "Jwt is missing");
        // the query is not part of the realm (a token could be in it)
        String p3 = unique("/api", proto);
        CurlResponse q = send(proto, p3 + "?x=1");
        assertEquals(challenge(p3, null), q.header("www-authenticate"));
    }

    // ---- locations and requirements -----------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void tokenFromQueryParameterOrCustomHeaderIsRemovedBeforeForwarding(String proto) throws Exception {
        String token = sign("ES256", partner, "p1", TestTokens.claims(PARTNER_ISS, "carol", null, 600, ""));
        String path = unique("/partner", proto);
        assertEquals(200, send(proto, path + "?a=1&access_token=" + token + "&b=2").status());
        assertEquals(path + "?a=1&b=2", upstreamGot(path).target());
        String log = awaitLogLine("\"path\":\"" + path);
        assertTrue(!log.contains(token), "the token in the query is not logged: " + log);
        String only = unique("/partner", proto);
        assertEquals(200, send(proto, only + "?access_token=" + token).status());
        assertEquals(only, upstreamGot(only).target());
        String viaHeader = unique("/partner", proto);
        assertEquals(200, send(proto, viaHeader, "x-partner-token: " + token).status());
        TestUpstream.Request got = upstreamGot(viaHeader);
        assertNull(got.header("x-partner-token"));
        assertEquals("partner|" + PARTNER_ISS + "|carol|exp,iat,iss,sub|null", got.header("x-jwt-probe"));
        // the corp token in Authorization is not a partner token: missing for this route
        String wrong = unique("/partner", proto);
        assertDenied(send(proto, wrong, bearer(corpToken("RS256", rsa, "rsa"))), 401, wrong, "Jwt is missing");
    }

    /**
     * Every token in a provider's query parameter is verified, whatever its name's percent-encoding and however often
     * it repeats: an unverified second token ({@code access_token} again, or {@code access%5Ftoken}, which the
     * upstream decodes to the same name) must not ride along behind a valid one.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void everyTokenInTheQueryIsVerifiedWhateverItsEncodingOrRepetition(String proto) throws Exception {
        String token = sign("ES256", partner, "p1", TestTokens.claims(PARTNER_ISS, "carol", null, 600, ""));
        String forged = sign("ES256", p256, "p1", TestTokens.claims(PARTNER_ISS, "admin", null, 600, ""));
        String encoded = unique("/partner", proto);
        assertDenied(send(proto, encoded + "?access_token=" + token + "&access%5Ftoken=" + forged), 401, encoded,
                "Jwt verification fails");
        String repeated = unique("/partner", proto);
        assertDenied(send(proto, repeated + "?access_token=" + token + "&access_token=" + forged), 401, repeated,
                "Jwt verification fails");
        // the denied request's log line carries neither token
        String logged = awaitLogLine("\"path\":\"" + repeated);
        assertTrue(!logged.contains(token) && !logged.contains(forged), "no token in the log: " + logged);
        // a valid token under an encoded name is found, verified and removed like any other
        String onlyEncoded = unique("/partner", proto);
        assertEquals(200, send(proto, onlyEncoded + "?a=1&access%5ftoken=" + token).status());
        assertEquals(onlyEncoded + "?a=1", upstreamGot(onlyEncoded).target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void forwardTrueKeepsTheTokenAndAPrefixIsMatchedCaseInsensitively(String proto) throws Exception {
        String token = sign("ES256", partner, "p1", TestTokens.claims("https://keep.weft.local", "dan", null, 600, ""));
        String path = unique("/keep", proto);
        assertEquals(200, send(proto, path, "x-keep-token: token " + token).status());
        assertEquals(List.of("token " + token), upstreamGot(path).headers("x-keep-token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void allowMissingAndAllowMissingOrFailed(String proto) throws Exception {
        String path = unique("/optional", proto);
        assertEquals(200, send(proto, path, "x-user-id: forged").status());
        TestUpstream.Request got = upstreamGot(path);
        assertNull(got.header("x-user-id"), "output headers are removed even when no token came");
        assertEquals("none", got.header("x-jwt-probe"));
        String ok = unique("/optional", proto);
        assertEquals(200, send(proto, ok, bearer(corpToken("ES384", p384, "es384"))).status());
        assertEquals(List.of("alice"), upstreamGot(ok).headers("x-user-id"));
        String bad = unique("/optional", proto);
        String expired = sign("RS256", rsa, "rsa", TestTokens.claims(ISS, "alice", "orders-api", -600, ""));
        assertDenied(send(proto, bad, bearer(expired)), 401, bad, "Jwt is expired");
        // a second Authorization field with another scheme does not hide the token: each field is looked at
        String twoFields = unique("/optional", proto);
        assertDenied(send(proto, twoFields, "authorization: Basic eDp5", bearer(expired)), 401, twoFields,
                "Jwt is expired");
        // allow_missing_or_failed: the bad token passes, unverified, and stays in the request
        String lenient = unique("/lenient", proto);
        assertEquals(200, send(proto, lenient, bearer(expired)).status());
        TestUpstream.Request l = upstreamGot(lenient);
        assertEquals("none", l.header("x-jwt-probe"));
        assertEquals(List.of("Bearer " + expired), l.headers("authorization"));
        assertNull(l.header("x-user-id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void requiresAnyAndRequiresAll(String proto) throws Exception {
        String corp = corpToken("EdDSA", ed25519, "ed");
        String partnerToken = sign("ES256", partner, "p1", TestTokens.claims(PARTNER_ISS, "carol", null, 600, ""));
        String a = unique("/either", proto);
        assertEquals(200, send(proto, a, bearer(corp)).status());
        assertTrue(upstreamGot(a).header("x-jwt-probe").startsWith("corp|"));
        String b = unique("/either", proto);
        assertEquals(200, send(proto, b, "x-partner-token: " + partnerToken).status());
        assertTrue(upstreamGot(b).header("x-jwt-probe").startsWith("partner|"));
        String none = unique("/either", proto);
        assertDenied(send(proto, none), 401, none, "Jwt is missing");
        // a bad token says more than a missing one
        String bad = unique("/either", proto);
        assertDenied(send(proto, bad, bearer(corp.substring(0, corp.length() - 4) + "AAAA")), 401, bad,
                "Jwt verification fails");
        String all = unique("/both", proto);
        assertEquals(200, send(proto, all, bearer(corp), "x-partner-token: " + partnerToken).status());
        TestUpstream.Request got = upstreamGot(all);
        assertTrue(got.header("x-jwt-probe").startsWith("corp|") && got.header("x-jwt-probe").contains(";partner|"),
                got.header("x-jwt-probe"));
        String half = unique("/both", proto);
        assertDenied(send(proto, half, bearer(corp)), 401, half, "Jwt is missing");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void perRouteDisableAndEmptyRequirement(String proto) throws Exception {
        String path = unique("/public", proto);
        assertEquals(200, send(proto, path, bearer("not-a-token"), "x-user-id: forged", "x-jwt-payload: e30").status());
        assertEquals(List.of("Bearer not-a-token"), upstreamGot(path).headers("authorization"));
        assertNull(upstreamGot(path).header("x-user-id"), "a disabled filter still removes forged claim headers");
        assertNull(upstreamGot(path).header("x-jwt-payload"));
        String open = unique("/open", proto);
        assertEquals(200, send(proto, open, bearer("not-a-token"), "x-user-id: forged").status());
        TestUpstream.Request got = upstreamGot(open);
        assertEquals(List.of("Bearer not-a-token"), got.headers("authorization"));
        assertNull(got.header("x-user-id"), "requirement {} still removes forged claim headers");
    }

    @Test
    void claimThatCannotBeAHeaderValueIsSkippedNotAServerError() throws Exception {
        long before = stat("http.ingress.jwt_authn.claim_to_header_invalid");
        String token = sign("RS256", rsa, "rsa", "{\"iss\":\"" + ISS + "\",\"aud\":\"orders-api\","
                + "\"sub\":\"eve\\r\\nx-admin: true\",\"org\":{\"name\":\"Jos\u00e9 \u2603\"}}");
        for (String proto : List.of("h1", "h2")) {
            String path = unique("/api", proto);
            assertEquals(200, send(proto, path, bearer(token)).status());
            TestUpstream.Request got = upstreamGot(path);
            assertNull(got.header("x-user-id"));
            assertNull(got.header("x-admin"));
            // UTF-8 on the wire, as the token carried it
            String org = got.header("x-org");
            assertEquals("Jos\u00e9 \u2603", new String(org.getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8));
        }
        assertEquals(before + 2, stat("http.ingress.jwt_authn.claim_to_header_invalid"));
    }

    // ---- observability ------------------------------------------------------------------------------------------

    @Test
    void statsPrometheusAndAccessLogTellWhatHappened() throws Exception {
        long allowed = stat("http.ingress.jwt_authn.allowed");
        long denied = stat("http.ingress.jwt_authn.denied");
        long corpAllowed = stat("http.ingress.jwt_authn.corp.allowed");
        long corpDenied = stat("http.ingress.jwt_authn.corp.denied");
        long hits = stat("http.ingress.jwt_authn.jwt_cache_hit");
        long misses = stat("http.ingress.jwt_authn.jwt_cache_miss");
        String token = sign("PS256", rsa, "rsa", TestTokens.claims(ISS, "frank", "orders-api", 600, ""));
        String p1 = unique("/api", "h1");
        assertEquals(200, send("h1", p1, bearer(token)).status());
        assertEquals(200, send("h2", unique("/api", "h2"), bearer(token)).status());
        String expired = sign("RS256", rsa, "rsa", TestTokens.claims(ISS, "frank", "orders-api", -3600, ""));
        String p3 = unique("/api", "h2");
        assertEquals(401, send("h2", p3, bearer(expired)).status());
        String p4 = unique("/api", "h1");
        assertEquals(401, send("h1", p4).status());
        awaitLogLine("\"path\":\"" + p4);
        assertEquals(allowed + 2, stat("http.ingress.jwt_authn.allowed"));
        assertEquals(denied + 2, stat("http.ingress.jwt_authn.denied"));
        assertEquals(corpAllowed + 2, stat("http.ingress.jwt_authn.corp.allowed"));
        assertEquals(corpDenied + 1, stat("http.ingress.jwt_authn.corp.denied"), "a missing token is no rejection");
        assertEquals(hits + 1, stat("http.ingress.jwt_authn.jwt_cache_hit"), "the second use was a cache hit");
        assertEquals(misses + 2, stat("http.ingress.jwt_authn.jwt_cache_miss"));
        String prom = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + "/stats/prometheus")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String corpAllowedLine = "(?m)^weft_http_jwt_authn_provider_allowed_total"
                + "\\{http_conn_manager_prefix=\"ingress\",jwt_provider=\"corp\",} [1-9][0-9]*\\.0$";
        assertTrue(Pattern.compile(corpAllowedLine).matcher(prom).find(), prom);
        assertTrue(prom.contains("# TYPE weft_http_jwt_authn_denied_total counter"), prom);
        assertTrue(Pattern.compile("(?m)^weft_http_jwt_authn_allowed_total\\{http_conn_manager_prefix=\"ingress\",} "
                + "[1-9][0-9]*\\.0$").matcher(prom).find(), prom);

        String ok = awaitLogLine("\"path\":\"" + p1);
        assertTrue(ok.contains("\"response_code\":200"), ok);
        assertTrue(ok.contains("\"policy_decision\":\"jwt:allow provider=corp sub=frank\""), ok);
        assertTrue(ok.contains("\"jwt_authn:provider\":\"corp\""), ok);
        assertTrue(ok.contains("\"jwt_authn:issuer\":\"" + ISS + "\""), ok);
        assertTrue(ok.contains("\"jwt_authn:subject\":\"frank\""), ok);
        assertTrue(!ok.contains(token) && !ok.contains(token.split("\\.")[2]), "never a token in the log");
        String exp = awaitLogLine("\"path\":\"" + p3);
        assertTrue(exp.contains("\"response_code\":401"), exp);
        assertTrue(exp.contains("\"response_code_details\":\"jwt_authn_access_denied{Jwt_is_expired}\""), exp);
        assertTrue(exp.contains("\"policy_decision\":\"jwt:deny reason=Jwt_is_expired provider=corp\""), exp);
        String missing = awaitLogLine("\"path\":\"" + p4);
        assertTrue(missing.contains("\"response_code_details\":\"jwt_authn_access_denied{Jwt_is_missing}\""),
                missing);
    }

    private String awaitLogLine(String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(accessLog)) {
                for (String line : Files.readAllLines(accessLog)) {
                    if (line.contains(needle)) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line with " + needle + ":\n" + Files.readString(accessLog));
    }
}
