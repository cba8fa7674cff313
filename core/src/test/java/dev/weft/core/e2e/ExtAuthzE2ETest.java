package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
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
 * The ext_authz filter end to end: curl over HTTP/1.1 and HTTP/2 (prior knowledge) and the JDK client, through Weft,
 * to a real authorization server ({@link AuthzServer}) and a real upstream ({@link TestUpstream}). Every verdict is
 * checked where it shows: what the authorization server and the upstream received, what the client got, the
 * {@code http.<prefix>.ext_authz.*} counters on the admin server, and the access log line.
 *
 * <p>Listeners: {@code closed} (the full config, fail closed), {@code down} (its server unreachable,
 * {@code status_on_error: 503}), {@code open} ({@code failure_mode_allow} with the header) and {@code open_down}
 * ({@code failure_mode_allow} without it, server unreachable).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExtAuthzE2ETest {
    private static final Duration RUN = Duration.ofSeconds(30);
    /** A listener's routes: every path to the app. */
    private static final String CATCH_ALL = "    virtual_hosts:\n"
            + "      - name: all\n"
            + "        domains: [\"*\"]\n"
            + "        routes:\n"
            + "          - match: {prefix: /}\n"
            + "            route: {cluster: app}";

    private Path dir;
    private Path accessLog;
    private AuthzServer authz;
    private TestUpstream app;
    private WeftServer proxy;
    private final HttpClient client = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-ext-authz");
        accessLog = dir.resolve("access.log");
        authz = AuthzServer.start();
        app = TestUpstream.start("app");
        proxy = E2E.start(config(accessLog, authz.port(), E2E.refusedPort(), app.port()));
    }

    static String config(Path accessLog, int authzPort, int deadPort, int appPort) {
        return """
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: closed
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: closed
                    access_log: [{path: %1$s}]
                    http_filters:
                      - name: authz
                        type: ext_authz
                        http_service:
                          server_uri: {cluster: authz, timeout: 1s}
                          path_prefix: /check
                          authorization_request:
                            allowed_headers: [{exact: x-trace}, {prefix: x-client-}, {exact: cookie},
                                              {exact: x-forwarded-for}]
                            headers_to_add: [{key: x-authz-source, value: weft}]
                          authorization_response:
                            allowed_upstream_headers: [{exact: x-user}, {prefix: x-auth-}]
                            allowed_upstream_headers_to_append: [{exact: x-request-tag}]
                            allowed_client_headers: [{exact: x-deny-reason}, {exact: set-cookie},
                                                     {exact: content-type}]
                            allowed_client_headers_on_success: [{exact: x-authz-trace}]
                            dynamic_metadata_from_headers: [{exact: x-user}]
                    virtual_hosts:
                      - name: strict
                        domains: [strict.example]
                        routes:
                          - match: {path: /only}
                            route: {cluster: app}
                      - name: admin
                        domains: [admin.example]
                        per_filter_config: {authz: {disabled: true}}
                        routes:
                          - match: {prefix: /admin/}
                            per_filter_config: {authz: {disabled: false}}
                            route: {cluster: app}
                          - match: {prefix: /}
                            route: {cluster: app}
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /public/}
                            per_filter_config: {authz: {disabled: true}}
                            route: {cluster: app}
                          - match: {prefix: /}
                            route: {cluster: app}
                  - name: down
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: down
                    access_log: [{path: %1$s}]
                    http_filters:
                      - name: ext_authz
                        http_service: {server_uri: {cluster: authz_down, timeout: 1s}}
                        status_on_error: 503
                %2$s
                  - name: open
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: open
                    access_log: [{path: %1$s}]
                    http_filters:
                      - name: ext_authz
                        http_service: {server_uri: {cluster: authz, timeout: 1s}, path_prefix: /check}
                        failure_mode_allow: true
                        failure_mode_allow_header_add: true
                %2$s
                  - name: open_down
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: open_down
                    access_log: [{path: %1$s}]
                    http_filters:
                      - name: ext_authz
                        http_service: {server_uri: {cluster: authz_down, timeout: 1s}}
                        failure_mode_allow: true
                %2$s
                clusters:
                %3$s
                %4$s
                %5$s""".formatted(accessLog, CATCH_ALL,
                E2E.cluster("authz", authzPort), E2E.cluster("authz_down", deadPort), E2E.cluster("app", appPort));
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

    // ---- allow ------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void allowedRequestGoesUpstreamWithTheServersHeaders(String proto) throws Exception {
        long ok = stat("http.closed.ext_authz.ok");
        String path = "/allow/" + proto + "/item";
        Resp r = curl(proto, "closed", path + "?q=1", "-H", "Authorization: Bearer good", "-H", "x-trace: t9",
                "-H", "x-client-id: c1", "-H", "Cookie: a=1", "-H", "x-secret: never-sent",
                "-H", "x-request-tag: client", "-H", "x-drop-me: 1", "-H", "x-user: forged");
        assertEquals(200, r.status(), r.toString());
        assertEquals("t-1", r.header("x-authz-trace"), "allowed_client_headers_on_success");
        assertNull(r.header("x-user"), "upstream headers are not client headers");

        AuthzServer.Check check = authz.onlyCheck("/check" + path);
        assertEquals("GET", check.method());
        assertEquals("/check" + path + "?q=1", check.target());
        assertEquals("127.0.0.1:" + port("closed"), check.header("host"), "the original authority");
        assertEquals("Bearer good", check.header("authorization"));
        assertEquals("t9", check.header("x-trace"));
        assertEquals("c1", check.header("x-client-id"));
        assertEquals("a=1", check.header("cookie"));
        assertEquals("weft", check.header("x-authz-source"), "headers_to_add");
        assertEquals("0", check.header("content-length"));
        assertEquals("127.0.0.1", check.header("x-forwarded-for"));
        assertNull(check.header("x-secret"), "not in allowed_headers");
        assertNull(check.header("user-agent"), "not in allowed_headers");

        TestUpstream.Request up = only(app.requestsTo(path));
        assertEquals(path + "?q=1", up.target());
        assertEquals(List.of("alice"), up.headers("x-user"), "the server's value replaces the client's");
        assertEquals(List.of("admin"), up.headers("x-auth-role"), "allowed_upstream_headers prefix x-auth-");
        assertEquals(List.of("client,from-authz"), up.headers("x-request-tag"), "appended");
        assertTrue(up.headers("x-other").isEmpty(), "not allowed upstream");
        assertTrue(up.headers("x-drop-me").isEmpty(), "x-envoy-auth-headers-to-remove");
        assertEquals(List.of("never-sent"), up.headers("x-secret"), "the upstream gets the client's headers");
        assertTrue(up.headers("x-envoy-auth-failure-mode-allowed").isEmpty());
        assertEquals(ok + 1, stat("http.closed.ext_authz.ok"));

        String line = logLine(path);
        assertTrue(line.contains("\"response_code\":200"), line);
        assertTrue(line.contains("\"policy_decision\":\"ext_authz:allow\""), line);
        assertTrue(line.contains("\"ext_authz:status\":\"200\""), line);
        assertTrue(line.contains("\"ext_authz:x-user\":\"alice\""), line);
        assertTrue(line.matches(".*\"ext_authz:duration_ms\":\"\\d+\".*"), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void checkCarriesTheOriginalMethodWithoutTheBody(String proto) throws Exception {
        String path = "/allow/" + proto + "/post";
        Resp r = curl(proto, "closed", path, "-H", "Authorization: Bearer good", "--data-binary", "hello body");
        assertEquals(200, r.status(), r.toString());
        AuthzServer.Check check = authz.onlyCheck("/check" + path);
        assertEquals("POST", check.method());
        assertEquals("0", check.header("content-length"));
        assertEquals(0, check.body().length);
        TestUpstream.Request up = only(app.requestsTo(path));
        assertEquals("hello body", new String(up.body(), StandardCharsets.UTF_8));
    }

    @Test
    void keepAliveConnectionsToTheServerAreReused() throws Exception {
        int before = authz.acceptedConnections();
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = get("closed", "/allow/reuse/" + i, "Bearer good");
            assertEquals(200, r.statusCode(), r.body());
        }
        assertEquals(5, authz.checksTo("/check/allow/reuse/").size());
        assertTrue(authz.acceptedConnections() - before <= 1, "one pooled connection serves sequential checks");
    }

    @Test
    void serverClosingAnIdleKeepAliveConnectionDoesNotFailTheNextCheck() throws Exception {
        long errors = stat("http.closed.ext_authz.error");
        for (int i = 0; i < 4; i++) {
            // the server closes 20 ms after answering; the next check comes within the pool's 100 ms trust window
            HttpResponse<String> r = get("closed", "/allow/close-after/" + i, "Bearer good");
            assertEquals(200, r.statusCode(), "check " + i + ": " + r.body());
            Thread.sleep(40);
        }
        assertEquals(errors, stat("http.closed.ext_authz.error"));
    }

    // ---- deny -------------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void deniedRequestGetsTheServersAnswerAndNeverReachesTheUpstream(String proto) throws Exception {
        long denied = stat("http.closed.ext_authz.denied");
        long uaex = stat("http.closed.response_flags.UAEX");
        String path = "/deny/" + proto;
        Resp r = curl(proto, "closed", path, "-H", "Authorization: Bearer bad");
        assertEquals(401, r.status(), r.toString());
        assertEquals("Bearer realm=\"weft\"", r.header("www-authenticate"), "always allowed to the client");
        assertEquals("token", r.header("x-deny-reason"));
        assertEquals(List.of("a=1", "b=2"), r.headers("set-cookie"));
        assertEquals("application/json", r.header("content-type"));
        assertNull(r.header("x-internal"), "not in allowed_client_headers");
        assertEquals(AuthzServer.DENY_BODY, r.body());
        assertEquals(String.valueOf(AuthzServer.DENY_BODY.length()), r.header("content-length"));
        assertEquals(1, authz.checksTo("/check" + path).size());
        assertTrue(app.requestsTo(path).isEmpty(), "the upstream never sees a denied request");
        assertEquals(denied + 1, stat("http.closed.ext_authz.denied"));

        String line = logLine(path); // written after the request's stats (the flag counter is counted as it ends)
        assertEquals(uaex + 1, stat("http.closed.response_flags.UAEX"));
        assertTrue(line.contains("\"response_code\":401"), line);
        assertTrue(line.contains("\"response_flags\":\"UAEX\""), line);
        assertTrue(line.contains("\"response_code_details\":\"ext_authz_denied\""), line);
        assertTrue(line.contains("\"policy_decision\":\"ext_authz:deny 401\""), line);
        assertTrue(line.contains("\"ext_authz:status\":\"401\""), line);
    }

    @Test
    void headRequestDenialHasNoBody() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("closed", "/deny/head"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, r.statusCode());
        assertEquals("", r.body());
        assertEquals("HEAD", authz.onlyCheck("/check/deny/head").method());
    }

    // ---- errors -----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void hungServerIsCutAtTheTimeoutAndTheRequestRefused(String proto) throws Exception {
        long errors = stat("http.closed.ext_authz.error");
        long timeouts = stat("http.closed.ext_authz.timeout");
        String path = "/hang/" + proto;
        long start = System.nanoTime();
        Resp r = curl(proto, "closed", path, "-H", "Authorization: Bearer good");
        long elapsedMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(403, r.status(), r.toString());
        assertEquals("", r.body());
        assertTrue(elapsedMs >= 1000, "answered after " + elapsedMs + " ms, before the 1 s timeout");
        assertTrue(elapsedMs < 5000, "answered after " + elapsedMs + " ms");
        assertTrue(app.requestsTo(path).isEmpty());
        assertEquals(errors + 1, stat("http.closed.ext_authz.error"));
        assertEquals(timeouts + 1, stat("http.closed.ext_authz.timeout"));

        String line = logLine(path);
        assertTrue(line.contains("\"response_flags\":\"UAEX\""), line);
        assertTrue(line.contains("\"response_code_details\":\"ext_authz_error\""), line);
        assertTrue(line.contains("\"policy_decision\":\"ext_authz:error timeout\""), line);
        assertTrue(line.contains("\"ext_authz:status\":\"error\""), line);
        Matcher ms = Pattern.compile("\"ext_authz:duration_ms\":\"(\\d+)\"").matcher(line);
        assertTrue(ms.find(), line);
        long checkMs = Long.parseLong(ms.group(1));
        assertTrue(checkMs >= 999 && checkMs < 4000, "the check took " + checkMs + " ms for a 1 s timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void serverErrorIsAnErrorNotADenial(String proto) throws Exception {
        // Envoy's HTTP client: a 5xx from the authorization server means it could not decide
        long errors = stat("http.closed.ext_authz.error");
        long denied = stat("http.closed.ext_authz.denied");
        String path = "/fail/" + proto;
        Resp r = curl(proto, "closed", path, "-H", "Authorization: Bearer good");
        assertEquals(403, r.status(), r.toString());
        assertEquals("", r.body(), "the server's 5xx body is not passed on");
        assertEquals(errors + 1, stat("http.closed.ext_authz.error"));
        assertEquals(denied, stat("http.closed.ext_authz.denied"));
        String line = logLine(path);
        assertTrue(line.contains("\"policy_decision\":\"ext_authz:error status 503\""), line);
        assertTrue(line.contains("\"ext_authz:status\":\"503\""), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void unreachableServerRefusesWithStatusOnError(String proto) throws Exception {
        long errors = stat("http.down.ext_authz.error");
        String path = "/down/" + proto;
        Resp r = curl(proto, "down", path);
        assertEquals(503, r.status(), r.toString());
        assertTrue(app.requestsTo(path).isEmpty());
        assertEquals(errors + 1, stat("http.down.ext_authz.error"));
        assertEquals(0, stat("http.down.ext_authz.timeout"));
        String line = logLine(path);
        assertTrue(line.contains("\"response_flags\":\"UAEX\""), line);
        assertTrue(line.contains("\"response_code_details\":\"ext_authz_error\""), line);
        assertTrue(line.contains("\"policy_decision\":\"ext_authz:error connect_failure\""), line);
        assertTrue(line.contains("\"ext_authz:status\":\"error\""), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void failureModeAllowForwardsATimedOutCheckWithTheHeader(String proto) throws Exception {
        long allowed = stat("http.open.ext_authz.failure_mode_allowed");
        long timeouts = stat("http.open.ext_authz.timeout");
        String path = "/hang/open/" + proto;
        Resp r = curl(proto, "open", path);
        assertEquals(200, r.status(), r.toString());
        TestUpstream.Request up = only(app.requestsTo(path));
        assertEquals(List.of("true"), up.headers("x-envoy-auth-failure-mode-allowed"));
        assertEquals(allowed + 1, stat("http.open.ext_authz.failure_mode_allowed"));
        assertEquals(timeouts + 1, stat("http.open.ext_authz.timeout"));
        String line = logLine(path);
        assertTrue(line.contains("\"response_code\":200"), line);
        assertTrue(line.contains("\"response_flags\":\"-\""), line);
        assertTrue(line.contains("\"policy_decision\":\"ext_authz:error timeout, allowed by failure_mode_allow\""),
                line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void failureModeAllowForwardsWhenTheServerIsDownWithoutTheHeaderUnlessAsked(String proto) throws Exception {
        long allowed = stat("http.open_down.ext_authz.failure_mode_allowed");
        String path = "/open-down/" + proto;
        Resp r = curl(proto, "open_down", path);
        assertEquals(200, r.status(), r.toString());
        TestUpstream.Request up = only(app.requestsTo(path));
        assertTrue(up.headers("x-envoy-auth-failure-mode-allowed").isEmpty(),
                "failure_mode_allow_header_add is off");
        assertEquals(allowed + 1, stat("http.open_down.ext_authz.failure_mode_allowed"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void failureModeAllowStillEnforcesADenialWithEveryHeaderByDefault(String proto) throws Exception {
        String path = "/deny/open/" + proto;
        Resp r = curl(proto, "open", path, "-H", "Authorization: Bearer bad");
        assertEquals(401, r.status(), r.toString());
        assertTrue(app.requestsTo(path).isEmpty());
        // no allowed_client_headers: every header of the denial but host, hop-by-hop and framing
        assertEquals("secret-detail", r.header("x-internal"));
        assertEquals("token", r.header("x-deny-reason"));
        assertEquals(List.of("a=1", "b=2"), r.headers("set-cookie"));
        assertEquals(List.of("application/json"), r.headers("content-type"));
        assertEquals(List.of(String.valueOf(AuthzServer.DENY_BODY.length())), r.headers("content-length"));
        assertEquals(AuthzServer.DENY_BODY, r.body());
    }

    @Test
    void failureModeAllowForwardsWhenTheServerAnswers5xx() throws Exception {
        HttpResponse<String> r = get("open", "/fail/open", "Bearer good");
        assertEquals(200, r.statusCode(), r.body());
        TestUpstream.Request up = only(app.requestsTo("/fail/open"));
        assertEquals(List.of("true"), up.headers("x-envoy-auth-failure-mode-allowed"));
        assertTrue(up.headers("x-user").isEmpty(), "nothing of the failed answer is applied");
    }

    // ---- per route ----------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void disabledRouteIsNotChecked(String proto) throws Exception {
        long ok = stat("http.closed.ext_authz.ok");
        long denied = stat("http.closed.ext_authz.denied");
        String path = "/public/" + proto;
        Resp r = curl(proto, "closed", path);
        assertEquals(200, r.status(), r.toString());
        assertTrue(authz.checksTo("/check/public/").isEmpty(), "the server is never asked");
        assertEquals(1, app.requestsTo(path).size());
        assertEquals(ok, stat("http.closed.ext_authz.ok"));
        assertEquals(denied, stat("http.closed.ext_authz.denied"));
        String line = logLine(path);
        assertFalse(line.contains("ext_authz"), line);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void onlyTheAdminRoutesOfAHostAreChecked(String proto) throws Exception {
        // the virtual host disables the filter, its /admin/ route turns it back on
        Resp anonymous = curl(proto, "closed", "/admin/" + proto + "/users", "-H", "Host: admin.example");
        assertEquals(401, anonymous.status(), anonymous.toString());
        Resp admin = curl(proto, "closed", "/admin/" + proto + "/users", "-H", "Host: admin.example",
                "-H", "Authorization: Bearer good");
        assertEquals(200, admin.status(), admin.toString());
        assertEquals(2, authz.checksTo("/check/admin/" + proto + "/users").size());
        assertEquals("admin.example", authz.checksTo("/check/admin/" + proto + "/users").get(0).header("host"));
        TestUpstream.Request up = only(app.requestsTo("/admin/" + proto + "/users"));
        assertEquals(List.of("alice"), up.headers("x-user"));

        Resp docs = curl(proto, "closed", "/docs/" + proto, "-H", "Host: admin.example");
        assertEquals(200, docs.status(), docs.toString());
        assertTrue(authz.checksTo("/check/docs/").isEmpty(), "the rest of the host is not checked");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h1", "h2"})
    void requestWithoutRouteIsNotChecked(String proto) throws Exception {
        // as Envoy: no route, no check; the router answers 404 (NR)
        Resp r = curl(proto, "closed", "/unrouted/" + proto, "-H", "Host: strict.example");
        assertEquals(404, r.status(), r.toString());
        assertTrue(authz.checksTo("/check/unrouted/").isEmpty());
        assertTrue(logLine("/unrouted/" + proto).contains("\"response_flags\":\"NR\""));
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private int port(String listener) {
        return proxy.address(listener).getPort();
    }

    private URI uri(String listener, String path) {
        return URI.create("http://127.0.0.1:" + port(listener) + path);
    }

    private HttpResponse<String> get(String listener, String path, String authorization) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(listener, path)).header("authorization", authorization)
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static TestUpstream.Request only(List<TestUpstream.Request> requests) {
        assertEquals(1, requests.size(), "requests: " + requests);
        return requests.get(0);
    }

    private long stat(String name) throws Exception {
        String text = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** The access log line of the request to {@code path} (with or without query), waiting for it to be written. */
    private String logLine(String path) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Pattern p = Pattern.compile("\"path\":\"" + Pattern.quote(path) + "[\"?]");
        while (System.nanoTime() < deadline) {
            if (Files.exists(accessLog)) {
                for (String line : Files.readAllLines(accessLog)) {
                    if (p.matcher(line).find()) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line for " + path);
    }

    private Resp curl(String proto, String listener, String path, String... args) throws Exception {
        return curl(proto, port(listener), path, args);
    }

    /** curl over HTTP/1.1 ({@code h1}) or HTTP/2 with prior knowledge ({@code h2}), bounded. */
    static Resp curl(String proto, int port, String path, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("curl", "curl"), "-sS", "-i", "--max-time", "20",
                proto.equals("h2") ? "--http2-prior-knowledge" : "--http1.1"));
        cmd.addAll(Arrays.asList(args));
        cmd.add("http://127.0.0.1:" + port + path);
        E2E.Run run = E2E.runBounded(cmd, RUN);
        assertEquals(0, run.exitCode(), "curl " + cmd + ": " + run.err());
        Resp r = Resp.parse(run.text());
        assertEquals(proto.equals("h2") ? "HTTP/2" : "HTTP/1.1", r.statusLine().split(" ")[0], r.toString());
        return r;
    }

    /** A response as {@code curl -i} prints it. */
    record Resp(String statusLine, List<String[]> fields, String body) {
        static Resp parse(String text) {
            while (text.matches("(?s)HTTP/\\S+ 1\\d\\d.*")) {
                text = text.substring(text.indexOf("\r\n\r\n") + 4); // interim responses (100 Continue)
            }
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "no response head in: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            List<String[]> fields = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                fields.add(new String[] {lines[i].substring(0, colon).toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim()});
            }
            return new Resp(lines[0].trim(), fields, text.substring(end + 4));
        }

        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            List<String> out = new ArrayList<>();
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    out.add(f[1]);
                }
            }
            return out;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(statusLine).append('\n');
            for (String[] f : fields) {
                b.append(f[0]).append(": ").append(f[1]).append('\n');
            }
            return b.append('\n').append(body).toString();
        }
    }
}
