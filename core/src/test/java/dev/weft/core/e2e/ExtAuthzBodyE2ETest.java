package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ext_authz {@code with_request_body} end to end, over HTTP/1.1 (content-length, chunked, {@code expect:
 * 100-continue}) and HTTP/2: the authorization server gets the start of the body with
 * {@code x-envoy-auth-partial-body}, decides on it, and the upstream still gets the whole body, byte for byte.
 *
 * <p>Listeners: {@code whole} (16 bytes at most, a larger body is refused with 413), {@code partial}
 * ({@code allow_partial_message}: the first 16 bytes are sent) and {@code slow} (as {@code whole}, with a 300 ms idle
 * timeout).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExtAuthzBodyE2ETest {
    private static final int MAX = 16;
    private static final int LARGE = 200 * 1024;

    private Path dir;
    private Path large;
    private AuthzServer authz;
    private TestUpstream app;
    private WeftServer proxy;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-ext-authz-body");
        large = dir.resolve("large.bin");
        Files.write(large, TestUpstream.Pattern.bytes(0, LARGE));
        authz = AuthzServer.start();
        app = TestUpstream.start("app");
        proxy = E2E.start(config(authz.port(), app.port()));
    }

    static String config(int authzPort, int appPort) {
        StringBuilder b = new StringBuilder("listeners:\n");
        for (String name : List.of("whole", "partial", "slow")) {
            b.append("""
                      - name: %1$s
                        address: 127.0.0.1
                        port: 0
                        stat_prefix: %1$s
                        idle_timeout: %4$s
                        http_filters:
                          - name: ext_authz
                            http_service:
                              server_uri: {cluster: authz, timeout: 2s}
                              path_prefix: /check
                            with_request_body: {max_request_bytes: %2$d, allow_partial_message: %3$s}
                        virtual_hosts:
                          - name: all
                            domains: ["*"]
                            routes:
                              - match: {prefix: /skip-body/}
                                per_filter_config:
                                  ext_authz: {check_settings: {disable_request_body_check: true}}
                                route: {cluster: app}
                              - match: {prefix: /}
                                route: {cluster: app}
                    """.formatted(name, MAX, name.equals("partial"), name.equals("slow") ? "0.3s" : "30s"));
        }
        return b.append("clusters:\n").append(E2E.cluster("authz", authzPort)).append(E2E.cluster("app", appPort))
                .toString();
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (authz != null) {
            authz.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private int port(String listener) {
        return proxy.address(listener).getPort();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h1-chunked", "h2"})
    void smallBodyGoesToTheServerAndUpstream(String client) throws Exception {
        String path = "/small/" + client;
        ExtAuthzE2ETest.Resp r = post(client, "whole", path, "-H", "Authorization: Bearer good",
                "--data-binary", "name=weft");
        assertEquals(200, r.status(), r.toString());
        AuthzServer.Check check = authz.onlyCheck("/check" + path);
        assertEquals("POST", check.method());
        assertEquals("name=weft", new String(check.body(), StandardCharsets.UTF_8));
        assertEquals("9", check.header("content-length"));
        assertEquals("false", check.header("x-envoy-auth-partial-body"));
        TestUpstream.Request up = only(app.requestsTo(path));
        assertEquals("name=weft", new String(up.body(), StandardCharsets.UTF_8));
        if (client.equals("h1-chunked")) {
            assertEquals("chunked", up.header("transfer-encoding"), "the body framing is unchanged");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h1-chunked", "h2"})
    void serverDecidesOnTheBody(String client) throws Exception {
        String path = "/evil/" + client;
        ExtAuthzE2ETest.Resp r = post(client, "whole", path, "-H", "Authorization: Bearer good",
                "--data-binary", "an evil plan");
        assertEquals(403, r.status(), r.toString());
        assertEquals("evil body\n", r.body());
        assertTrue(app.requestsTo(path).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h1-chunked", "h2"})
    void bodyOverTheLimitIsRefusedWith413BeforeTheServerIsAsked(String client) throws Exception {
        String path = "/large/" + client;
        ExtAuthzE2ETest.Resp r = post(client, "whole", path, "-H", "Authorization: Bearer good",
                "--data-binary", "@" + large);
        assertEquals(413, r.status(), r.toString());
        assertEquals("Payload Too Large", r.body());
        assertTrue(authz.checksTo("/check" + path).isEmpty(), "the server is not asked");
        assertTrue(app.requestsTo(path).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h1-chunked", "h2"})
    void partialMessageSendsTheStartAndTheUpstreamGetsEverything(String client) throws Exception {
        String path = "/partial/" + client;
        ExtAuthzE2ETest.Resp r = post(client, "partial", path, "-H", "Authorization: Bearer good",
                "--data-binary", "@" + large);
        assertEquals(200, r.status(), r.toString());
        AuthzServer.Check check = authz.onlyCheck("/check" + path);
        assertArrayEquals(TestUpstream.Pattern.bytes(0, MAX), check.body());
        assertEquals(String.valueOf(MAX), check.header("content-length"));
        assertEquals("true", check.header("x-envoy-auth-partial-body"));
        TestUpstream.Request up = only(app.requestsTo(path));
        assertEquals(LARGE, up.bodyLength());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(large))),
                up.bodySha256(), "the upstream gets the whole body, the peeked start included");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void routeCanSkipTheBody(String client) throws Exception {
        String path = "/skip-body/" + client;
        ExtAuthzE2ETest.Resp r = post(client, "whole", path, "-H", "Authorization: Bearer good",
                "--data-binary", "@" + large);
        assertEquals(200, r.status(), r.toString());
        AuthzServer.Check check = authz.onlyCheck("/check" + path);
        assertEquals(0, check.body().length);
        assertEquals("0", check.header("content-length"));
        assertNull(check.header("x-envoy-auth-partial-body"));
        assertEquals(LARGE, only(app.requestsTo(path)).bodyLength());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void clientCannotForgeThePartialBodyHeader(String client) throws Exception {
        String path = "/forged/" + client;
        ExtAuthzE2ETest.Resp r = post(client, "partial", path, "-H", "Authorization: Bearer good",
                "-H", "x-envoy-auth-partial-body: false", "--data-binary", "@" + large);
        assertEquals(200, r.status(), r.toString());
        assertEquals("true", authz.onlyCheck("/check" + path).header("x-envoy-auth-partial-body"));
    }

    @Test
    void requestWithoutBodyIsCheckedWithoutOne() throws Exception {
        ExtAuthzE2ETest.Resp r = ExtAuthzE2ETest.curl("h1", port("whole"), "/nobody", "-H",
                "Authorization: Bearer good");
        assertEquals(200, r.status(), r.toString());
        AuthzServer.Check check = authz.onlyCheck("/check/nobody");
        assertEquals("0", check.header("content-length"));
        assertNull(check.header("x-envoy-auth-partial-body"));
    }

    @Test
    void expectContinueIsAnsweredOnceBeforeTheBodyIsRead() throws Exception {
        InetSocketAddress address = proxy.address("whole");
        try (Wire w = Wire.connect(address)) {
            w.send("POST /expect HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nContent-Length: 5\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            // the filter needs the body before it can ask the server: the client gets its 100 first
            Wire.Response interim = w.read();
            assertEquals(100, interim.status());
            w.send("hello");
            Wire.Response r = w.read();
            assertEquals(200, r.status(), "exactly one 100, then the response");
            assertEquals("hello", new String(authz.onlyCheck("/check/expect").body(), StandardCharsets.UTF_8));
            assertEquals("hello", new String(only(app.requestsTo("/expect")).body(), StandardCharsets.UTF_8));
            // the connection carries the next request
            Wire.Response next = w.exchange("GET /expect-next HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n"
                    + "\r\n");
            assertEquals(200, next.status());
        }
    }

    @Test
    void chunkedBodyInTinyChunksIsSeenAsFarAsTheFramingAllowance() throws Exception {
        // 16 payload bytes in 1-byte chunks need 96 bytes of framing: well within the allowance
        StringBuilder chunks = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            chunks.append("1\r\n").append((char) ('a' + i)).append("\r\n");
        }
        chunks.append("0\r\n\r\n");
        try (Wire w = Wire.connect(proxy.address("partial"))) {
            Wire.Response r = w.exchange("POST /tiny HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n" + chunks);
            assertEquals(200, r.status());
        }
        AuthzServer.Check check = authz.onlyCheck("/check/tiny");
        assertEquals("abcdefghijklmnop", new String(check.body(), StandardCharsets.US_ASCII));
        assertEquals("true", check.header("x-envoy-auth-partial-body"));
        assertEquals("abcdefghijklmnopqrst", new String(only(app.requestsTo("/tiny")).body(),
                StandardCharsets.US_ASCII));
    }

    @Test
    void stalledBodyEndsWith408AndTheServerIsNotAsked() throws Exception {
        try (Wire w = Wire.connect(proxy.address("slow"))) {
            long start = System.nanoTime();
            w.send("POST /stalled HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer good\r\nContent-Length: 10\r\n\r\n"
                    + "abc");
            Wire.Response r = w.read();
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertEquals(408, r.status());
            assertTrue(ms >= 290 && ms < 5000, "answered after " + ms + " ms for a 300 ms idle timeout");
        }
        assertTrue(authz.checksTo("/check/stalled").isEmpty());
        assertTrue(app.requestsTo("/stalled").isEmpty());
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** A POST by curl: HTTP/1.1 with content-length, HTTP/1.1 chunked, or HTTP/2; no Expect (tested on its own). */
    private ExtAuthzE2ETest.Resp post(String client, String listener, String path, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("-H", "Expect:"));
        if (client.equals("h1-chunked")) {
            all.addAll(List.of("-H", "Transfer-Encoding: chunked"));
        }
        all.addAll(List.of(args));
        return ExtAuthzE2ETest.curl(client.startsWith("h1") ? "h1" : "h2", port(listener), path,
                all.toArray(String[]::new));
    }

    private static TestUpstream.Request only(List<TestUpstream.Request> requests) {
        assertEquals(1, requests.size(), "requests: " + requests);
        return requests.get(0);
    }
}
