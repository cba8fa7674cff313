package dev.weft.core.e2e;

import static dev.weft.core.filter.jwt.TestTokens.jwk;
import static dev.weft.core.filter.jwt.TestTokens.jwks;
import static dev.weft.core.filter.jwt.TestTokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.filter.jwt.TestTokens;
import dev.weft.core.server.WeftServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Remote JWK sets fetched through a cluster from a real HTTP server (the JDK's) that counts its fetches: the fetch at
 * start, key rotation with exactly one extra fetch, unknown key ids that cannot make Weft hammer the server,
 * concurrent requests sharing one fetch, and a JWKS server that is down, then back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JwtRemoteJwksE2ETest {
    private static final String ISS = "https://auth.weft.local";

    private final KeyPair keyA = TestTokens.rsa();
    private final KeyPair keyB = TestTokens.ec("P-256");
    private final HttpClient client = E2E.httpClient();
    private final List<AutoCloseable> open = new ArrayList<>();
    private WeftServer proxy;
    private JwksServer jwks;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private void start(String cacheDuration) throws Exception {
        TestUpstream up = TestUpstream.start("up");
        open.add(up);
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: main
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: ingress
                    http_filters:
                      - name: jwt_authn
                        providers:
                          corp:
                            issuer: %s
                            remote_jwks:
                              cluster: jwks
                              path: %s
                              authority: auth.weft.local
                              timeout: 2s
                              cache_duration: %s
                        requirement: { provider_name: corp }
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: up}
                clusters:
                %s%s""".formatted(ISS, JwksServer.PATH, cacheDuration, E2E.cluster("up", up.port()),
                E2E.cluster("jwks", jwks.port())));
        open.add(0, proxy);
    }

    private String token(KeyPair key, String kid) {
        return sign(key == keyA ? "RS256" : "ES256", key, kid, TestTokens.claims(ISS, "alice", null, 600, ""));
    }

    private String url(String path) {
        return "http://127.0.0.1:" + proxy.address("main").getPort() + path;
    }

    /** A request with the JDK client (HTTP/1.1): status and body. */
    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path)));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private long stat(String name) throws Exception {
        String s = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private long awaitStat(String name, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v = stat(name);
        while (v < atLeast && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = stat(name);
        }
        return v;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void rotationCostsExactlyOneFetchAndRandomKidsDoNotHammerTheServer(String proto) throws Exception {
        jwks = JwksServer.start(jwks(jwk(keyA.getPublic(), "a", null)));
        open.add(jwks);
        start("300s");
        jwks.awaitFetches(1); // fetched when the filter was built
        assertEquals(1, awaitStat("http.ingress.jwt_authn.jwks_fetch_success", 1));
        assertEquals(200, CurlResponse.get(proto, url("/a"), "authorization: Bearer " + token(keyA, "a")).status());
        assertEquals(1, jwks.fetches());

        // the issuer rotates: key "b" appears; the first token signed with it makes one fetch, then is accepted
        jwks.keys(jwks(jwk(keyA.getPublic(), "a", null), jwk(keyB.getPublic(), "b", null)));
        long rotatedAt = System.nanoTime();
        assertEquals(200, CurlResponse.get(proto, url("/b"), "authorization: Bearer " + token(keyB, "b")).status());
        long fetchedBy = System.nanoTime(); // the refetch was decided between rotatedAt and now
        assertEquals(2, jwks.fetches());
        assertEquals(200, CurlResponse.get(proto, url("/b2"), "authorization: Bearer " + token(keyB, "b")).status());
        assertEquals(200, CurlResponse.get(proto, url("/a2"), "authorization: Bearer " + token(keyA, "a")).status());
        assertEquals(2, jwks.fetches());

        // tokens with random key ids: refused, and at most one fetch per 5 s however many come
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = get("/random", token(keyB, UUID.randomUUID().toString()));
            assertEquals(401, r.statusCode());
            assertEquals("Jwks doesn't have key to match kid or alg from Jwt", r.body());
        }
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rotatedAt);
        if (elapsed < 5000) {
            assertEquals(2, jwks.fetches(), "no fetch within 5 s of the last one for an unknown kid");
        } else {
            assertTrue(jwks.fetches() <= 3, "a slow run may allow one more, never one per request: " + jwks.fetches());
        }
        int before = jwks.fetches();
        if (before > 2) {
            fetchedBy = System.nanoTime(); // a slow run's extra fetch happened during the loop
        }
        // 5 s after the last fetch could have been decided, an unknown kid may fetch again
        Thread.sleep(Math.max(0, 5100 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fetchedBy)));
        assertEquals(401, get("/random", token(keyB, "after-the-interval")).statusCode());
        assertEquals(before + 1, jwks.fetches(), "after the interval, one unknown kid may fetch again");
        assertEquals(0, stat("http.ingress.jwt_authn.jwks_fetch_failed"));
    }

    @Test
    void concurrentRequestsShareOneFetch() throws Exception {
        jwks = JwksServer.start(jwks(jwk(keyA.getPublic(), "a", null)));
        open.add(jwks);
        jwks.delayMillis(800);
        start("300s");
        String token = token(keyA, "a");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                int n = i;
                all.add(pool.submit(() -> get("/c" + n, token)));
            }
            for (Future<HttpResponse<String>> f : all) {
                assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
            }
        }
        assertEquals(1, jwks.fetches(), "every request waited for the one fetch in flight");
        assertEquals(1, stat("http.ingress.jwt_authn.jwks_fetch_success"));
    }

    @Test
    void jwksServerDownMeans401AndCountedFailuresThenItWorksWhenItIsBack() throws Exception {
        jwks = JwksServer.start(jwks(jwk(keyA.getPublic(), "a", null)));
        open.add(jwks);
        jwks.stop();
        start("300s");
        String token = token(keyA, "a");
        assertEquals(1, awaitStat("http.ingress.jwt_authn.jwks_fetch_failed", 1)); // the fetch at start
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> r = get("/down", token);
            assertEquals(401, r.statusCode());
            assertEquals("Jwks remote fetch is failed", r.body());
            assertEquals("Bearer realm=\"" + url("/down") + "\", error=\"invalid_token\", "
                    + "error_description=\"Jwks remote fetch is failed\"", r.headers().firstValue("www-authenticate")
                    .orElse(null));
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
        long failed = stat("http.ingress.jwt_authn.jwks_fetch_failed");
        assertTrue(failed >= 1 && failed <= 2 + seconds, "failed fetches are retried at most once a second: " + failed);

        jwks.restart();
        Thread.sleep(1100); // the back-off after a failure
        assertEquals(200, get("/back", token).statusCode());
        assertEquals(1, stat("http.ingress.jwt_authn.jwks_fetch_success"));
        assertEquals(1, jwks.fetches());
    }

    @Test
    void keysAreRefreshedEveryCacheDurationWithoutTraffic() throws Exception {
        jwks = JwksServer.start(jwks(jwk(keyA.getPublic(), "a", null)));
        open.add(jwks);
        start("1s");
        jwks.awaitFetches(1);
        // no request at all: the timer refetches expired keys (about one fetch per second here)
        jwks.awaitFetches(3);
        assertTrue(jwks.fetches() >= 3, "fetches without traffic: " + jwks.fetches());
        // the issuer withdraws key a: within about two cache_durations, tokens signed with it stop verifying
        jwks.keys(jwks(jwk(keyB.getPublic(), "b", null)));
        int before = jwks.fetches();
        jwks.awaitFetches(before + 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        int status = 200;
        while (status == 200 && System.nanoTime() < deadline) { // the fetched set is applied after the response
            status = get("/withdrawn", token(keyA, "a")).statusCode();
            Thread.sleep(20);
        }
        assertEquals(401, status);
        assertEquals(200, get("/current", token(keyB, "b")).statusCode());
    }

    @Test
    void aFailedRefreshKeepsTheLastGoodKeys() throws Exception {
        jwks = JwksServer.start(jwks(jwk(keyA.getPublic(), "a", null)));
        open.add(jwks);
        start("1s");
        jwks.awaitFetches(1);
        String token = token(keyA, "a");
        assertEquals(200, get("/first", token).statusCode());
        jwks.status(503);
        Thread.sleep(1100); // the keys expire: the next request starts a refresh in the background, which fails
        assertEquals(200, get("/expired-keys", token).statusCode());
        assertTrue(awaitStat("http.ingress.jwt_authn.jwks_fetch_failed", 1) >= 1);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get("/still-good", token).statusCode(), "the last good keys stay in use");
        }
        jwks.stop();
        Thread.sleep(1100);
        assertEquals(200, get("/server-gone", token).statusCode());
        assertTrue(awaitStat("http.ingress.jwt_authn.jwks_fetch_failed", 2) >= 2);
        assertEquals(200, get("/server-gone-2", token).statusCode());

        // it comes back with a rotated set: the new key is picked up, the old one dropped
        jwks.status(200);
        jwks.keys(jwks(jwk(keyB.getPublic(), "b", null)));
        jwks.restart();
        Thread.sleep(1100);
        assertEquals(200, get("/rotated", token(keyB, "b")).statusCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int status = 200;
        while (status == 200 && System.nanoTime() < deadline) {
            status = get("/old-key", token).statusCode(); // cached until the new set replaces the old one
            Thread.sleep(20);
        }
        assertEquals(401, status, "a token of a key no longer published is refused, cached or not");
    }
}
