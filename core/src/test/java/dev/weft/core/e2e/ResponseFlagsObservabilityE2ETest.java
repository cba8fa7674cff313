package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Every response flag that real traffic can produce, seen from the outside three ways: the status the client got,
 * the {@code http.<prefix>.response_flags.<FLAG>} counter (and the status class counter, and the cluster counter
 * where one exists) read from the admin server before and after, and the JSON access-log line. Each case makes one
 * request of its kind, so every counter delta is exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ResponseFlagsObservabilityE2ETest {
    private static final String PREFIX = "flags";
    private static final String HOST = "flags.test";
    private static final long DEADLINE_MILLIS = 10_000;

    private Path dir;
    private Path accessLog;
    private TestUpstream upstream;
    private TestUpstream narrow;
    private int deadPort;
    private WeftServer proxy;
    private InetSocketAddress address;
    private InetSocketAddress admin;
    private final HttpClient client = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-flags");
        accessLog = dir.resolve("access.log");
        upstream = TestUpstream.start("a");
        narrow = TestUpstream.start("narrow");
        deadPort = E2E.refusedPort();
        // one virtual host with a specific domain only (another Host is NR) and no catch-all route (another path is NR)
        proxy = E2E.start("""
                admin:
                  address: 127.0.0.1
                  port: 0
                listeners:
                  - name: main
                    port: 0
                    stat_prefix: %s
                    request_headers_timeout: 300ms
                    access_log:
                      - path: %s
                    virtual_hosts:
                      - name: flags
                        domains: ["%s"]
                        routes:
                          - match: {prefix: /uf/}
                            route: {cluster: dead}
                          - match: {prefix: /uh/}
                            route: {cluster: unresolved}
                          - match: {prefix: /uo/}
                            route: {cluster: narrow, prefix_rewrite: /}
                          - match: {prefix: /ut/}
                            route: {cluster: a, prefix_rewrite: /, timeout: 200ms}
                          - match: {prefix: /up/}
                            route: {cluster: a, prefix_rewrite: /}
                clusters:
                %s%s%s  - name: unresolved
                    type: STRICT_DNS
                    endpoints:
                      - {address: nothing.invalid, port: 80}
                """.formatted(PREFIX, accessLog, HOST,
                E2E.cluster("a", upstream.port()),
                E2E.cluster("dead", deadPort, "    connect_timeout: 2s\n"),
                E2E.cluster("narrow", narrow.port(),
                        "    max_connections_per_endpoint: 1\n    max_pending_requests: 0\n")));
        address = proxy.address("main");
        admin = proxy.adminAddress();
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        if (narrow != null) {
            narrow.close();
        }
    }

    // ---- the cases ---------------------------------------------------------------------------------------------

    /** Stats before and after one case, and its access log line. */
    private record Observed(Map<String, Long> before, Map<String, Long> after, String line) {
    }

    /**
     * Sends one GET that Weft must answer itself with {@code status} and {@code flag}: checks Envoy's reply body, that
     * exactly that flag's counter and the status class moved by one, and the access log line.
     */
    private Observed localReply(String host, String target, int status, ResponseFlag flag, String detail)
            throws Exception {
        Map<String, Long> before = stats();
        Wire.Response r = Wire.get(address, host, target);
        assertEquals(status, r.status(), r.bodyText());
        assertEquals(flag.body() + "\n", r.bodyText());
        String line = awaitLogLine(path(target));
        Map<String, Long> after = awaitStat(flagStat(flag.code()), before.get(flagStat(flag.code())) + 1);
        assertOnlyFlag(before, after, flag.code());
        assertEquals(1, delta(before, after, http("downstream_rq_" + status / 100 + "xx")));
        assertLogLine(line, status, flag.code(), detail);
        return new Observed(before, after, line);
    }

    @Test
    void noVirtualHostIsNR() throws Exception {
        localReply("elsewhere.test", "/up/x?case=NR-host", 404, ResponseFlag.NR, "route_not_found");
    }

    @Test
    void noRouteIsNR() throws Exception {
        localReply(HOST, "/no-route-here?case=NR-route", 404, ResponseFlag.NR, "route_not_found");
    }

    @Test
    void clusterWithoutHostsIsUH() throws Exception {
        assertEquals(0, stats().get("cluster.unresolved.membership_total"), "nothing.invalid resolves to nothing");
        Observed o = localReply(HOST, "/uh/x?case=UH", 503, ResponseFlag.UH, "no_healthy_upstream");
        assertEquals(0, o.after().get("cluster.unresolved.membership_total"));
        assertEquals(0, delta(o.before(), o.after(), "cluster.unresolved.upstream_rq_total"),
                "nothing was sent upstream");
    }

    @Test
    void connectFailureIsUF() throws Exception {
        Observed o = localReply(HOST, "/uf/x?case=UF", 502, ResponseFlag.UF, null);
        assertEquals(1, delta(o.before(), o.after(), "cluster.dead.upstream_cx_connect_fail"));
        assertTrue(o.line().contains("\"upstream_cluster\":\"dead\""), o.line());

        String clusters = adminGet("/clusters?format=json").body();
        Matcher m = Pattern.compile("\"name\"\\s*:\\s*\"dead\"\\s*,\\s*\"host_statuses\"\\s*:\\s*\\[\\s*\\{\\s*"
                + "\"address\"\\s*:\\s*\"127\\.0\\.0\\.1:" + deadPort + "\"[^}]*?\"rq_error\"\\s*:\\s*(\\d+)")
                .matcher(clusters);
        assertTrue(m.find(), clusters);
        assertTrue(Long.parseLong(m.group(1)) >= 1, clusters);
    }

    @Test
    void upstreamCloseBeforeResponseIsUC() throws Exception {
        localReply(HOST, "/up/close-before-response?case=UC", 502, ResponseFlag.UC,
                "upstream_closed_before_response_started");
    }

    @Test
    void upstreamResetBeforeResponseIsUR() throws Exception {
        // a body-less GET: the upstream's reset arrives before anything is written back, so it is always seen as a
        // reset (UpstreamErrorsE2ETest accepts UR or UC only for requests with a body)
        localReply(HOST, "/up/reset?case=UR", 502, ResponseFlag.UR, "upstream_reset_before_response_started");
    }

    @Test
    void routeTimeoutIsUT() throws Exception {
        Observed o = localReply(HOST, "/ut/delay?ms=2000&case=UT", 504, ResponseFlag.UT,
                "upstream_response_timeout");
        assertEquals(1, delta(o.before(), o.after(), "cluster.a.upstream_rq_timeout"));
    }

    @Test
    void poolOverflowIsUO() throws Exception {
        Map<String, Long> before = stats();
        int delays = narrow.requestsTo("/delay").size();
        // the holder must still be in flight when the second request comes: 3 s is room for a busy machine's stalls
        // (the test waits for the holder's 200 anyway)
        String slowTarget = "/uo/delay?ms=3000&case=UO-holder";
        Future<Wire.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return Wire.get(address, HOST, slowTarget);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        // the only pooled connection is busy once the upstream has the slow request
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        while (narrow.requestsTo("/delay").size() == delays) {
            assertTrue(System.nanoTime() - end < 0, "the slow request never reached the upstream");
            Thread.sleep(5);
        }
        String target = "/uo/x?case=UO";
        Wire.Response r = Wire.get(address, HOST, target);
        assertEquals(503, r.status(), r.bodyText());
        assertEquals(ResponseFlag.UO.body() + "\n", r.bodyText());
        assertEquals(200, slow.get(DEADLINE_MILLIS, TimeUnit.MILLISECONDS).status());
        String line = awaitLogLine(path(target));
        awaitLogLine(path(slowTarget));
        Map<String, Long> after = awaitStat(flagStat("UO"), before.get(flagStat("UO")) + 1);
        assertOnlyFlag(before, after, "UO");
        assertEquals(1, delta(before, after, http("downstream_rq_5xx")));
        assertEquals(1, delta(before, after, http("downstream_rq_2xx")), "the slow request");
        assertEquals(1, delta(before, after, "cluster.narrow.upstream_rq_pending_overflow"));
        assertLogLine(line, 503, "UO", null);
    }

    @Test
    void malformedRequestIsDPE() throws Exception {
        Map<String, Long> before = stats();
        try (Wire w = Wire.connect(address)) {
            w.send("GET /dpe?case=DPE HTTP/1.1\r\nHost: " + HOST
                    + "\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
            Wire.Response r = w.read();
            assertEquals(400, r.status(), r.bodyText());
            w.assertClosedByPeer(DEADLINE_MILLIS_INT);
        }
        String line = awaitLogLine(details("http1.content_length_with_transfer_encoding"));
        Map<String, Long> after = awaitStat(flagStat("DPE"), before.get(flagStat("DPE")) + 1);
        assertOnlyFlag(before, after, "DPE");
        assertEquals(1, delta(before, after, http("downstream_rq_4xx")));
        assertEquals(1, delta(before, after, http("downstream_cx_protocol_error")));
        assertLogLine(line, 400, "DPE", "http1.content_length_with_transfer_encoding");
    }

    /*
     * DC: the proxy does not read the client while it waits for a body-less request's response head, so it learns
     * that the client went away only when it writes the response. If the client closes with a FIN, that first write
     * still succeeds (the kernel accepts it; the client's reset comes later), and the proxy records an ordinary
     * completed 200 without a flag: not observable. A client that aborts (SO_LINGER 0, so an RST) makes the write
     * fail deterministically, and that is recorded as DC, with the upstream's status (the head was being written).
     */
    @Test
    void clientAbortWhileTheResponseIsPendingIsDC() throws Exception {
        Map<String, Long> before = stats();
        int delays = upstream.requestsTo("/delay").size();
        // the response must still be pending when the client aborts: 3 s is room for a busy machine's stalls (the
        // test waits for the response's attempt anyway)
        String target = "/up/delay?ms=3000&case=DC";
        Wire w = Wire.connect(address);
        try {
            w.send("GET " + target + " HTTP/1.1\r\nHost: " + HOST + "\r\n\r\n");
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
            while (upstream.requestsTo("/delay").size() == delays) {
                assertTrue(System.nanoTime() - end < 0, "the request never reached the upstream");
                Thread.sleep(5);
            }
            w.socket.setSoLinger(true, 0);
        } finally {
            w.close();
        }
        String line = awaitLogLine(path(target));
        Map<String, Long> after = awaitStat(flagStat("DC"), before.get(flagStat("DC")) + 1);
        assertOnlyFlag(before, after, "DC");
        assertEquals(1, delta(before, after, http("downstream_cx_destroy_remote_active_rq")));
        assertEquals(0, delta(before, after, http("downstream_rq_completed")), "the response never went out");
        assertEquals(1, delta(before, after, http("downstream_rq_2xx")), "the upstream's 200 is what was recorded");
        assertLogLine(line, 200, "DC", null);
    }

    @Test
    void requestHeadersTimeoutIs408WithoutAFlag() throws Exception {
        Map<String, Long> before = stats();
        try (Wire w = Wire.connect(address)) {
            w.send("GET /slow-head?case=408 HTTP/1.1\r\nHost: fla"); // half a head, then nothing
            Wire.Response r = w.read();
            assertEquals(408, r.status(), r.bodyText());
            w.assertClosedByPeer(DEADLINE_MILLIS_INT);
        }
        String line = awaitLogLine(details("request_headers_timeout"));
        Map<String, Long> after = awaitStat(http("downstream_rq_timeout"), before.get(http("downstream_rq_timeout")) + 1);
        assertEquals(1, delta(before, after, http("downstream_rq_timeout")));
        assertEquals(1, delta(before, after, http("downstream_rq_4xx")));
        assertOnlyFlag(before, after, null); // README "Errors": 408 has no flag
        assertLogLine(line, 408, "-", "request_headers_timeout");
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static final int DEADLINE_MILLIS_INT = (int) DEADLINE_MILLIS;

    private static String http(String suffix) {
        return "http." + PREFIX + "." + suffix;
    }

    private static String flagStat(String flag) {
        return http("response_flags." + flag);
    }

    private static Predicate<String> path(String target) {
        return l -> l.contains("\"path\":\"" + target + "\"");
    }

    private static Predicate<String> details(String detail) {
        return l -> l.contains("\"response_code_details\":\"" + detail + "\"");
    }

    private static long delta(Map<String, Long> before, Map<String, Long> after, String name) {
        assertNotNull(before.get(name), name + " missing before");
        assertNotNull(after.get(name), name + " missing after");
        return after.get(name) - before.get(name);
    }

    /** {@code flag}'s counter moved by exactly one and every other response-flag counter did not move. */
    private static void assertOnlyFlag(Map<String, Long> before, Map<String, Long> after, String flag) {
        int seen = 0;
        for (ResponseFlag f : ResponseFlag.values()) {
            if (f == ResponseFlag.NONE) {
                continue;
            }
            String name = flagStat(f.code());
            seen++;
            assertEquals(f.code().equals(flag) ? 1 : 0, delta(before, after, name), name);
        }
        assertTrue(seen > 0);
    }

    private static void assertLogLine(String line, int status, String flag, String detail) {
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        assertTrue(line.contains("\"response_code\":" + status + ","), line);
        assertTrue(line.contains("\"response_flags\":\"" + flag + "\""), line);
        if (detail != null) {
            assertTrue(line.contains("\"response_code_details\":\"" + detail + "\""), line);
        }
    }

    private HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final Pattern STAT_LINE = Pattern.compile("(?m)^([A-Za-z0-9_.:-]+): (\\d+)$");

    /** Every integer-valued line of {@code /stats}. */
    private Map<String, Long> stats() throws IOException, InterruptedException {
        HttpResponse<String> r = adminGet("/stats");
        assertEquals(200, r.statusCode(), r.body());
        Map<String, Long> values = new HashMap<>();
        Matcher m = STAT_LINE.matcher(r.body());
        while (m.find()) {
            values.put(m.group(1), Long.parseLong(m.group(2)));
        }
        assertTrue(values.containsKey(http("downstream_rq_total")), r.body());
        return values;
    }

    /** Polls {@code /stats} until {@code name} reaches {@code atLeast}; returns that snapshot. */
    private Map<String, Long> awaitStat(String name, long atLeast) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        Map<String, Long> s = stats();
        while (s.getOrDefault(name, Long.MIN_VALUE) < atLeast) {
            assertTrue(System.nanoTime() - end < 0, name + " never reached " + atLeast + ": " + s.get(name));
            Thread.sleep(10);
            s = stats();
        }
        return s;
    }

    /** Polls the access log until exactly one line matches (lines of different connections may be in any order). */
    private String awaitLogLine(Predicate<String> which) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MILLIS);
        List<String> lines = List.of();
        while (true) {
            if (Files.exists(accessLog)) {
                String text = Files.readString(accessLog, java.nio.charset.StandardCharsets.ISO_8859_1);
                // only whole lines: a line still being written has no newline yet
                lines = List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n"));
                List<String> matching = lines.stream().filter(which).toList();
                if (!matching.isEmpty()) {
                    assertEquals(1, matching.size(), String.join("\n", matching));
                    return matching.get(0);
                }
            }
            assertTrue(System.nanoTime() - end < 0, "no matching access-log line in\n" + String.join("\n", lines));
            Thread.sleep(20);
        }
    }
}
