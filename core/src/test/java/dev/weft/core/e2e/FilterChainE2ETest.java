package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.admin.stats.StatValue;
import dev.weft.core.server.WeftServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP filter chain itself, with a filter type that only the tests know (found through META-INF/services like a
 * third party's): order, per-route and per-virtual-host overrides and disabling, header changes in both directions,
 * local replies, a failing filter, and what the access log and stats record, over HTTP/1.1 and HTTP/2.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class FilterChainE2ETest {
    @TempDir
    static Path dir;
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;
    private Path log;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        log = dir.resolve("access.log");
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    http: {xff_num_trusted_hops: 1}
                    access_log:
                      - path: %s
                        format: "%%REQ(:PATH)%% %%RESPONSE_CODE%% %%RESPONSE_CODE_DETAILS%% [%%POLICY_DECISION%%] [%%DYNAMIC_METADATA(test_stamp:a)%%] [%%DYNAMIC_METADATA(test_stamp:b)%%]"
                    http_filters:
                      - {name: first, type: test_stamp, stamp: a}
                      - {name: second, type: test_stamp, stamp: b, deny_prefix: /deny, deny_status: 451}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        per_filter_config:
                          second: {stamp: vhost}
                        routes:
                          - match: {prefix: /no-second}
                            route: {cluster: a}
                            per_filter_config:
                              second: {disabled: true}
                          - match: {prefix: /route-stamp}
                            route: {cluster: a}
                            per_filter_config:
                              second: {stamp: route}
                          - match: {prefix: /deny}
                            route: {cluster: a}
                          - match: {prefix: /direct}
                            direct_response: {status: 200, body: "direct\\n"}
                          - match: {prefix: /api}
                            route: {cluster: a}
                  - name: lenient
                    port: 0
                    http: {reject_non_canonical_paths: false}
                    http_filters:
                      - {name: first, type: test_stamp, stamp: a}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s""".formatted(log, E2E.cluster("a", upstream.port())));
        address = proxy.address("main");
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void filtersRunInOrderAndTheirHeaderChangesGoUpstream() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/api/x", "x-secret: s3cr3t", "x-stamp: client",
                "x-chain: client");
        assertEquals(200, r.status());
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals(List.of("client,a,b"), req.headers("x-chain"));
        assertEquals(List.of("vhost"), req.headers("x-stamp"), "the virtual host's override of 'second'");
        assertEquals(List.of(), req.headers("x-secret"));
        assertEquals(List.of("1"), r.headers("x-from-a"));
        assertEquals(List.of("1"), r.headers("x-from-b"));
    }

    @Test
    void aRouteOverrideReplacesTheVirtualHostsAndDisablingSkipsTheFilter() throws Exception {
        Wire.get(address, "example.com", "/route-stamp");
        assertEquals(List.of("route"), upstream.lastRequest().headers("x-stamp"));
        Wire.Response r = Wire.get(address, "example.com", "/no-second");
        assertEquals(200, r.status());
        assertEquals(List.of("a"), upstream.lastRequest().headers("x-chain"));
        assertEquals(List.of("a"), upstream.lastRequest().headers("x-stamp"));
        assertNull(r.header("x-from-b"));
    }

    @Test
    void aLocalReplyEndsTheRequestWithTheHeadersOfEveryFilterSoFar() throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(address, "example.com", "/deny/it");
        assertEquals(451, r.status());
        assertEquals("denied by b\n", r.bodyText());
        assertEquals("b", r.header("x-denied-by"));
        assertEquals("1", r.header("x-from-a"));
        assertEquals("1", r.header("x-from-b"));
        assertEquals(before, upstream.requests().size(), "a denied request never reaches the upstream");
        // the connection stays usable after a reply without a body to read
        Wire.Response again = Wire.get(address, "example.com", "/api/after");
        assertEquals(200, again.status());
    }

    @Test
    void filtersSeeRequestsThatMatchNoRouteAndItsLocalRepliesCarryTheirHeaders() throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(address, "example.com", "/nowhere");
        assertEquals(404, r.status());
        assertEquals("1", r.header("x-from-a"));
        assertEquals("1", r.header("x-from-b"));
        assertEquals(before, upstream.requests().size());
    }

    @Test
    void anotherSpellingOfAPathIsRefusedUnlessTheListenerAllowsIt() throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(address, "example.com", "/api//x");
        assertEquals(400, r.status());
        assertEquals(before, upstream.requests().size());
        Wire.Response lenient = Wire.get(proxy.address("lenient"), "example.com", "/api//x");
        assertEquals(200, lenient.status());
        assertEquals("GET /api//x HTTP/1.1", upstream.lastRequest().requestLine());
    }

    @Test
    void directResponsesCarryTheFiltersResponseHeaders() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/direct");
        assertEquals(200, r.status());
        assertEquals("direct\n", r.bodyText());
        assertEquals("1", r.header("x-from-a"));
    }

    @Test
    void aFailingFilterGives500AndTheListenerKeepsServing() throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(address, "example.com", "/api/boom", "x-explode: 1");
        assertEquals(500, r.status());
        assertEquals(before, upstream.requests().size());
        assertEquals(200, Wire.get(address, "example.com", "/api/fine").status());
    }

    @Test
    void http2RequestsPassTheSameChain() throws Exception {
        E2E.Run run = curl("-i", "-H", "x-secret: s", "-H", "x-chain: c2", "http://" + hostPort() + "/route-stamp/h2");
        String out = run.text().toLowerCase(Locale.ROOT);
        assertTrue(out.startsWith("http/2 200"), out);
        assertTrue(out.contains("x-from-a: 1") && out.contains("x-from-b: 1"), out);
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals(List.of("c2,a,b"), req.headers("x-chain"));
        assertEquals(List.of("route"), req.headers("x-stamp"));
        assertEquals(List.of(), req.headers("x-secret"));

        E2E.Run denied = curl("-i", "http://" + hostPort() + "/deny/h2");
        String d = denied.text().toLowerCase(Locale.ROOT);
        assertTrue(d.startsWith("http/2 451"), d);
        assertTrue(d.contains("x-denied-by: b") && d.contains("x-from-a: 1"), d);
        assertTrue(d.endsWith("denied by b\n"), d);
    }

    @Test
    void theAccessLogRecordsDecisionsMetadataAndDetails() throws Exception {
        Wire.get(address, "example.com", "/deny/logged", "x-forwarded-for: 203.0.113.7");
        Wire.get(address, "example.com", "/api/logged");
        awaitLines(l -> l.startsWith("/deny/logged ")); // each line is written as its exchange ends, in any order
        List<String> lines = awaitLines(l -> l.startsWith("/api/logged "));
        String deny = lines.stream().filter(l -> l.startsWith("/deny/logged ")).findFirst().orElseThrow();
        // xff_num_trusted_hops 1: the filters' remote_ip is the rightmost x-forwarded-for entry
        assertEquals("/deny/logged 451 test_stamp_denied [stamp:b deny] [203.0.113.7] [203.0.113.7]", deny);
        String ok = lines.stream().filter(l -> l.startsWith("/api/logged ")).findFirst().orElseThrow();
        assertEquals("/api/logged 200 - [-] [127.0.0.1] [127.0.0.1]", ok);
    }

    @Test
    void eachFilterCountsInTheListenersStats() throws Exception {
        long before = counter("http.main.test_stamp.seen");
        Wire.get(address, "example.com", "/api/count");
        Wire.get(address, "example.com", "/no-second");
        // 'first' and 'second' share the counter: 2 + 1 filter runs
        assertEquals(before + 3, counter("http.main.test_stamp.seen"));
    }

    private long counter(String flat) {
        for (StatValue v : proxy.stats().counters()) {
            if (v.name().flat().equals(flat)) {
                return v.value();
            }
        }
        throw new AssertionError("no counter " + flat);
    }

    private List<String> awaitLines(java.util.function.Predicate<String> last) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            List<String> lines = Files.exists(log) ? Files.readAllLines(log, StandardCharsets.UTF_8) : List.of();
            if (lines.stream().anyMatch(last) || System.nanoTime() > end) {
                return lines;
            }
            Thread.sleep(20);
        }
    }

    private String hostPort() {
        return "127.0.0.1:" + address.getPort();
    }

    private E2E.Run curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("curl", "curl"), "-sS", "--max-time", "20",
                "--http2-prior-knowledge"));
        cmd.addAll(List.of(args));
        E2E.Run run = E2E.runBounded(cmd, Duration.ofSeconds(30));
        assertEquals(0, run.exitCode(), run.err());
        return run;
    }
}
