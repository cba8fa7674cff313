package dev.weft.admin.server;

import static dev.weft.admin.server.HttpExchange.get;
import static dev.weft.admin.server.HttpExchange.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.admin.server.HttpExchange.Response;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The admin plane's defences: POST-only mutations, CSRF refusal, bearer token, allow list, DNS rebinding. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdminSecurityTest {
    private static final List<String> MUTATING = List.of("/healthcheck/fail", "/healthcheck/ok", "/drain_listeners",
            "/quitquitquit", "/reset_counters");

    @Test
    void getOnAMutatingEndpointIs405AllowPostAndDoesNothing() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            for (String path : MUTATING) {
                Response r = get(f.address(), path);
                assertEquals(405, r.status(), path);
                assertEquals("POST", r.field("allow"), path);
                assertEquals(405, HttpExchange.request(f.address(), "HEAD", path).status(), path);
            }
            assertEquals(List.of(), f.views.calls);
            assertTrue(get(f.address(), "/stats").body().contains("upstream_rq_total: 42"), "not reset");
        }
    }

    @Test
    void postOnAReadEndpointIs405AllowGetHead() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            Response r = post(f.address(), "/stats");
            assertEquals(405, r.status());
            assertEquals("GET, HEAD", r.field("allow"));
        }
    }

    @Test
    void otherMethodsAre501() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            for (String method : List.of("PUT", "DELETE", "OPTIONS", "PATCH", "BREW")) {
                Response r = HttpExchange.request(f.address(), method, "/stats");
                assertEquals(501, r.status(), method);
                assertEquals("GET, HEAD, POST", r.field("allow"), method);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"origin: http://evil.example", "origin: http://127.0.0.1:1", "origin: null",
            "origin: https://127.0.0.1:PORT", "sec-fetch-site: cross-site", "sec-fetch-site: same-site"})
    void crossSitePostIs403AndDoesNothing(String field) throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            String line = field.replace("PORT", String.valueOf(f.address().getPort()));
            for (String path : MUTATING) {
                Response r = post(f.address(), path, line);
                assertEquals(403, r.status(), path + " with " + line);
            }
            assertEquals(List.of(), f.views.calls);
        }
    }

    @Test
    void sameOriginBrowserPostIsAccepted() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            int port = f.address().getPort();
            Response r = post(f.address(), "/drain_listeners", "origin: http://127.0.0.1:" + port,
                    "sec-fetch-site: same-origin");
            assertEquals(200, r.status(), r.body());
            Response typed = post(f.address(), "/healthcheck/fail", "sec-fetch-site: none"); // typed by the user
            assertEquals(200, typed.status(), typed.body());
            assertEquals(List.of("drainListeners", "healthcheckFail(true)"), f.views.calls);
        }
    }

    @Test
    void crossSiteGetOfAReadEndpointIsServed() throws IOException {
        // the browser's same-origin policy keeps the body from the other site; refusing would break nothing useful
        try (AdminFixture f = new AdminFixture()) {
            assertEquals(200, get(f.address(), "/stats", "sec-fetch-site: cross-site").status());
        }
    }

    @Test
    void loopbackServerRefusesForeignHostNames() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            int port = f.address().getPort();
            try (HttpExchange exchange = new HttpExchange(f.address())) {
                exchange.send("GET /stats HTTP/1.1\r\nhost: rebound.evil.example:" + port + "\r\n\r\n");
                Response r = exchange.read(false);
                assertEquals(403, r.status());
                assertTrue(r.body().contains("host not allowed"), r.body());
            }
            for (String host : List.of("localhost:" + port, "127.0.0.2:" + port, "[::1]:" + port)) {
                try (HttpExchange exchange = new HttpExchange(f.address())) {
                    exchange.send("GET /ready HTTP/1.1\r\nhost: " + host + "\r\n\r\n");
                    assertEquals(200, exchange.read(false).status(), host);
                }
            }
        }
    }

    @Test
    void bearerTokenIsRequiredEverywhereButReady() throws IOException {
        try (AdminFixture f = new AdminFixture("s3cret-token", List.of())) {
            Response missing = get(f.address(), "/stats");
            assertEquals(401, missing.status());
            assertTrue(missing.field("www-authenticate").startsWith("Bearer"), missing.field("www-authenticate"));
            assertEquals(401, get(f.address(), "/stats", "authorization: Bearer wrong").status());
            assertEquals(401, get(f.address(), "/stats", "authorization: Bearer s3cret-token-longer").status());
            assertEquals(401, get(f.address(), "/stats", "authorization: Basic czNjcmV0LXRva2Vu").status());
            assertEquals(401, get(f.address(), "/nope").status(), "no probing for paths without the token");
            assertEquals(401, post(f.address(), "/quitquitquit").status());

            assertEquals(200, get(f.address(), "/stats", "authorization: Bearer s3cret-token").status());
            assertEquals(200, get(f.address(), "/stats", "authorization: bearer s3cret-token").status());
            assertEquals(200, post(f.address(), "/drain_listeners", "authorization: Bearer s3cret-token").status());
            assertEquals(200, get(f.address(), "/ready").status(), "/ready is exempt");
            assertEquals(List.of("drainListeners"), f.views.calls);
        }
    }

    @Test
    void allowListRefusesOtherPaths() throws IOException {
        try (AdminFixture f = new AdminFixture(null, List.of("/ready", "/stats/prometheus"))) {
            assertEquals(200, get(f.address(), "/ready").status());
            assertEquals(200, get(f.address(), "/stats/prometheus").status());
            assertEquals(403, get(f.address(), "/stats").status());
            assertEquals(403, get(f.address(), "/").status());
            assertEquals(403, post(f.address(), "/quitquitquit").status());
            assertEquals(403, get(f.address(), "/nope").status());
            assertEquals(List.of(), f.views.calls);
        }
    }

    @Test
    void optionsDefaultToLoopbackAndNeverPrintTheToken() {
        AdminServer.Options defaults = AdminServer.Options.defaults();
        assertEquals("127.0.0.1", defaults.address());
        assertEquals(9901, defaults.port());
        assertNull(defaults.bearerToken());
        assertEquals(List.of(), defaults.allowedPaths());
        String printed = new AdminServer.Options("127.0.0.1", 0, "hunter2", List.of()).toString();
        assertFalse(printed.contains("hunter2"), printed);
        assertThrows(IllegalArgumentException.class, () -> new AdminServer.Options("127.0.0.1", 0, " ", List.of()));
        assertThrows(IllegalArgumentException.class, () -> new AdminServer.Options("127.0.0.1", 70000, null, List.of()));
    }

    @Test
    void originMatching() {
        assertTrue(AdminGuard.originMatchesHost("http://127.0.0.1:9901", "127.0.0.1:9901"));
        assertTrue(AdminGuard.originMatchesHost("http://LOCALHOST:9901", "localhost:9901"));
        assertTrue(AdminGuard.originMatchesHost("http://localhost", "localhost:80"));
        assertTrue(AdminGuard.originMatchesHost("http://[::1]:9901", "[::1]:9901"));
        assertFalse(AdminGuard.originMatchesHost("http://127.0.0.1:9902", "127.0.0.1:9901"));
        assertFalse(AdminGuard.originMatchesHost("https://127.0.0.1:9901", "127.0.0.1:9901"));
        assertFalse(AdminGuard.originMatchesHost("http://127.0.0.1:9901/path", "127.0.0.1:9901"));
        assertFalse(AdminGuard.originMatchesHost("null", "127.0.0.1:9901"));
        assertFalse(AdminGuard.originMatchesHost("http://127.0.0.1:9901", null));
    }
}
