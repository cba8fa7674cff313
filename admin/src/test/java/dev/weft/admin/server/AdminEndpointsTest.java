package dev.weft.admin.server;

import static dev.weft.admin.server.HttpExchange.get;
import static dev.weft.admin.server.HttpExchange.post;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.admin.stats.StatsFormat;
import dev.weft.admin.server.HttpExchange.Response;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every admin endpoint over real loopback HTTP: status, content type and content. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdminEndpointsTest {
    private AdminFixture fixture;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        fixture = new AdminFixture();
        address = fixture.address();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void indexListsEveryEndpointWithLinksForReadsAndFormsForWrites() throws IOException {
        Response r = get(address, "/");
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.contentType());
        for (String path : List.of("/stats", "/stats/prometheus", "/clusters", "/listeners", "/certs", "/config_dump",
                "/server_info", "/ready", "/memory", "/latency")) {
            assertTrue(r.body().contains("<a href=\"" + path + "\">"), path + " linked in " + r.body());
        }
        for (String path : List.of("/healthcheck/fail", "/healthcheck/ok", "/drain_listeners", "/quitquitquit",
                "/reset_counters")) {
            assertTrue(r.body().contains("<form method=\"post\" action=\"" + path + "\">"), path + " has a form");
        }
        assertTrue(r.body().contains("shut the proxy down gracefully"), "one-line descriptions");
    }

    @Test
    void statsTextListsCountersGaugesAndHistograms() throws IOException {
        Response r = get(address, "/stats");
        assertEquals(200, r.status());
        assertEquals("text/plain; charset=utf-8", r.contentType());
        assertEquals(StatsFormat.text(fixture.stats, null, false), r.body());
        assertTrue(r.body().contains("cluster.backend.upstream_rq_total: 42\n"), r.body());
        assertTrue(r.body().contains("cluster.backend.upstream_cx_active: 3\n"), r.body());
        assertTrue(r.body().contains("cluster.backend.upstream_rq_time: P50("), r.body());
    }

    @Test
    void statsJsonIsWellFormed() throws IOException {
        Response r = get(address, "/stats?format=json");
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        Object json = MiniJson.parse(r.body());
        assertEquals("cluster.backend.upstream_cx_active", MiniJson.at(json, "stats", 0, "name"));
    }

    @Test
    void statsFilterAppliesTheRegex() throws IOException {
        Response r = get(address, "/stats?filter=upstream_rq_t%28otal%7Cime%29");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("cluster.backend.upstream_rq_total: 42"), r.body());
        assertTrue(r.body().contains("cluster.backend.upstream_rq_time:"), r.body());
        assertFalse(r.body().contains("downstream_rq_total"), r.body());
        assertFalse(r.body().contains("upstream_cx_active"), r.body());
    }

    @Test
    void statsFilterKeepsPlusAsARegexOperator() throws IOException {
        Response r = get(address, "/stats?filter=%5Ehttp%5C.in+gress");
        assertEquals(200, r.status());
        assertTrue(r.body().contains("http.ingress.downstream_rq_total: 40"), r.body());
        assertFalse(r.body().contains("cluster."), r.body());
    }

    @Test
    void filterCharactersOutsideTheUriGrammarMustBeEscaped() throws IOException {
        Response r = get(address, "/stats?filter=^http"); // RFC 3986: '^' is not allowed unescaped in a URI
        assertEquals(400, r.status());
        assertEquals("http1.invalid_target\n", r.body());
    }

    @Test
    void statsUsedOnlyDropsNeverUsedStats() throws IOException {
        assertTrue(get(address, "/stats").body().contains("upstream_rq_timeout: 0"));
        Response r = get(address, "/stats?usedonly");
        assertEquals(200, r.status());
        assertFalse(r.body().contains("upstream_rq_timeout"), r.body());
        assertFalse(r.body().contains("downstream_cx_length_ms"), "empty histogram dropped: " + r.body());
        assertTrue(r.body().contains("upstream_rq_total: 42"), r.body());
    }

    @Test
    void statsBadRegexIs400NamingIt() throws IOException {
        Response r = get(address, "/stats?filter=%28unclosed");
        assertEquals(400, r.status());
        assertEquals("text/plain; charset=utf-8", r.contentType());
        assertTrue(r.body().contains("invalid regex in filter \"(unclosed\""), r.body());
    }

    @Test
    void statsUnknownFormatIs400() throws IOException {
        Response r = get(address, "/stats?format=xml");
        assertEquals(400, r.status());
        assertTrue(r.body().contains("\"xml\""), r.body());
    }

    @Test
    void prometheusUsesTheExpositionContentType() throws IOException {
        Response r = get(address, "/stats/prometheus");
        assertEquals(200, r.status());
        assertEquals(StatsFormat.PROMETHEUS_CONTENT_TYPE, r.contentType());
        assertTrue(r.body().contains("# TYPE weft_cluster_upstream_rq_total counter\n"), r.body());
        assertTrue(r.body().contains("weft_cluster_upstream_rq_total{cluster_name=\"backend\",} 42.0\n"), r.body());
        assertEquals(r.body(), get(address, "/stats?format=prometheus").body());
    }

    @Test
    void clustersTextIsEnvoyStyle() throws IOException {
        Response r = get(address, "/clusters");
        assertEquals(200, r.status());
        assertEquals("text/plain; charset=utf-8", r.contentType());
        String body = r.body();
        for (String line : List.of("backend::observability_name::backend", "backend::127.0.0.1:8080::rq_active::0",
                "backend::127.0.0.1:8080::cx_active::2", "backend::127.0.0.1:8080::cx_idle::1",
                "backend::127.0.0.1:8080::rq_success::41", "backend::127.0.0.1:8080::rq_error::1",
                "backend::127.0.0.1:8080::rq_total::42", "backend::127.0.0.1:8080::health_flags::healthy",
                "backend::127.0.0.1:8081::rq_active::3", "backend::127.0.0.1:8081::health_flags::unhealthy",
                "empty::observability_name::empty")) {
            assertTrue(body.lines().anyMatch(line::equals), line + " in\n" + body);
        }
    }

    @Test
    void clustersJson() throws IOException {
        Response r = get(address, "/clusters?format=json");
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        Object json = MiniJson.parse(r.body());
        assertEquals("backend", MiniJson.at(json, "cluster_statuses", 0, "name"));
        assertEquals("127.0.0.1:8081", MiniJson.at(json, "cluster_statuses", 0, "host_statuses", 1, "address"));
        assertEquals(false, MiniJson.at(json, "cluster_statuses", 0, "host_statuses", 1, "healthy"));
        assertEquals(5L, MiniJson.at(json, "cluster_statuses", 0, "host_statuses", 1, "stats", "rq_error"));
        assertEquals(List.of(), MiniJson.at(json, "cluster_statuses", 1, "host_statuses"));
    }

    @Test
    void listenersTextAndJson() throws IOException {
        Response text = get(address, "/listeners");
        assertEquals(200, text.status());
        assertEquals("text/plain; charset=utf-8", text.contentType());
        assertEquals("ingress::0.0.0.0:10000\nv6::[::1]:10001\n", text.body());

        Response json = get(address, "/listeners?format=json");
        assertEquals("application/json", json.contentType());
        Object parsed = MiniJson.parse(json.body());
        assertEquals("ingress", MiniJson.at(parsed, "listener_statuses", 0, "name"));
        assertEquals(10000L, MiniJson.at(parsed, "listener_statuses", 0, "port"));
        assertEquals(12L, MiniJson.at(parsed, "listener_statuses", 0, "open_connections"));
    }

    @Test
    void certsTextAndJson() throws IOException {
        Response text = get(address, "/certs");
        assertEquals(200, text.status());
        assertEquals("text/plain; charset=utf-8", text.contentType());
        assertEquals("""
                listener ingress: server default
                  subject: CN=edge,O=Weft
                  sans: DNS:edge.local, URI:spiffe://mesh/ns/default/sa/edge
                  serial: 1A2B
                  not_after: 2031-01-01T00:00:00Z
                  days_left: 365

                cluster backend: server-ca #0
                  subject: CN=<mesh "ca">
                  sans:
                  serial: FF
                  not_after: 2020-01-01T00:00:00Z
                  days_left: -3
                """, text.body());

        Response json = get(address, "/certs?format=json");
        assertEquals(200, json.status());
        assertEquals("application/json", json.contentType());
        Object parsed = MiniJson.parse(json.body());
        assertEquals("listener ingress: server default", MiniJson.at(parsed, "certificates", 0, "owner"));
        assertEquals("CN=edge,O=Weft", MiniJson.at(parsed, "certificates", 0, "subject"));
        assertEquals(List.of("DNS:edge.local", "URI:spiffe://mesh/ns/default/sa/edge"),
                MiniJson.at(parsed, "certificates", 0, "sans"));
        assertEquals("1A2B", MiniJson.at(parsed, "certificates", 0, "serial"));
        assertEquals("2031-01-01T00:00:00Z", MiniJson.at(parsed, "certificates", 0, "not_after"));
        assertEquals(365L, MiniJson.at(parsed, "certificates", 0, "days_left"));
        assertEquals("CN=<mesh \"ca\">", MiniJson.at(parsed, "certificates", 1, "subject"));
        assertEquals(List.of(), MiniJson.at(parsed, "certificates", 1, "sans"));
        assertEquals(-3L, MiniJson.at(parsed, "certificates", 1, "days_left"));
        assertFalse(json.body().contains("<"), "markup characters are escaped in JSON: " + json.body());
    }

    @Test
    void certsIsReadOnly() throws IOException {
        Response r = post(address, "/certs");
        assertEquals(405, r.status());
    }

    @Test
    void configDumpIsTheViewsJson() throws IOException {
        Response r = get(address, "/config_dump");
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        assertEquals(fixture.views.configDumpJson(), r.body());
    }

    @Test
    void serverInfoReportsVersionStateUptimeJvmAndCommandLine() throws IOException {
        Response r = get(address, "/server_info");
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        Map<String, Object> json = MiniJson.object(r.body());
        assertEquals("0.1.0-test", json.get("version"));
        assertEquals("LIVE", json.get("state"));
        assertInstanceOf(Long.class, json.get("uptime_seconds"));
        assertEquals(ProcessHandle.current().pid(), json.get("pid"));
        assertEquals(Runtime.version().toString(), MiniJson.at(json, "jvm", "version"));
        assertNotNull(MiniJson.at(json, "jvm", "name"));
        List<?> commandLine = (List<?>) json.get("command_line");
        assertFalse(commandLine.isEmpty(), r.body());
        assertTrue(String.valueOf(commandLine.get(0)).contains("java"), r.body());
    }

    @Test
    void memoryReportsHeapPoolsProcessThreadsAndConnections() throws IOException {
        Response r = get(address, "/memory");
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        Map<String, Object> json = MiniJson.object(r.body());
        assertTrue((Long) MiniJson.at(json, "heap", "used_bytes") > 0, r.body());
        assertNotNull(MiniJson.at(json, "heap", "committed_bytes"));
        assertNotNull(MiniJson.at(json, "heap", "max_bytes"));
        assertNotNull(MiniJson.at(json, "non_heap", "used_bytes"));
        assertNotNull(MiniJson.at(json, "buffer_pools", "direct", "used_bytes"), r.body());
        assertNotNull(MiniJson.at(json, "buffer_pools", "mapped", "count"), r.body());
        assertTrue((Long) MiniJson.at(json, "threads", "platform_live") > 0, r.body());
        // fixture: 2 listeners + 12 downstream connections + this admin connection + the acceptor
        assertEquals(16L, MiniJson.at(json, "threads", "virtual_estimate"), r.body());
        assertEquals(12L, json.get("downstream_connections"));
        assertEquals(1L, json.get("admin_connections"));
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) {
            assertTrue((Long) MiniJson.at(json, "process", "rss_bytes") > 0, r.body());
        }
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/smaps_rollup"))) {
            assertTrue((Long) MiniJson.at(json, "process", "private_bytes") > 0, r.body());
        }
    }

    @Test
    void latencyJsonCarriesCumulativeAndRecentPercentiles() throws IOException {
        Response r = get(address, "/latency?format=json");
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        Map<String, Object> json = MiniJson.object(r.body());
        assertEquals(List.of(50L, 75L, 90L, 95L, 99L, 99.5, 99.9, 99.99, 100L), json.get("percentiles"));
        List<?> histograms = (List<?>) json.get("histograms");
        assertEquals(4, histograms.size(), r.body());
        Object upstream = histograms.stream()
                .filter(h -> "cluster.backend.upstream_rq_time".equals(MiniJson.at(h, "name"))).findFirst()
                .orElseThrow();
        assertEquals("cluster", MiniJson.at(upstream, "group"));
        assertEquals(1000L, MiniJson.at(upstream, "cumulative", "count"));
        assertEquals(1000L, MiniJson.at(upstream, "recent", "count"));
        double p50 = ((Number) MiniJson.at(upstream, "cumulative", "values_ms", 0)).doubleValue();
        double max = ((Number) MiniJson.at(upstream, "cumulative", "values_ms", 8)).doubleValue();
        assertEquals(25.0, p50, 0.1);
        assertEquals(50.0, max, 0.1);
        Object empty = histograms.stream()
                .filter(h -> "listener.127.0.0.1_10000.downstream_cx_length_ms".equals(MiniJson.at(h, "name")))
                .findFirst().orElseThrow();
        assertEquals(0L, MiniJson.at(empty, "cumulative", "count"));
        assertNull(MiniJson.at(empty, "cumulative", "values_ms", 0));
    }

    @Test
    void latencyPageIsSelfContainedHtmlUnderANonceCsp() throws IOException {
        Response r = get(address, "/latency");
        assertEquals(200, r.status());
        assertEquals("text/html; charset=utf-8", r.contentType());
        String csp = r.field("content-security-policy");
        assertNotNull(csp);
        String nonce = csp.replaceAll(".*script-src 'nonce-([^']+)'.*", "$1");
        assertTrue(r.body().contains("<script nonce=\"" + nonce + "\">"), "script carries the CSP nonce");
        assertTrue(r.body().contains("fetch('/latency?format=json'"), "refreshes from the JSON");
        assertFalse(r.body().contains("src=\"http"), "no external assets");
        assertFalse(r.body().contains("{{NONCE}}"));
        assertFalse(r.body().contains(".innerHTML"), "names are inserted as text, never as markup");
        String second = get(address, "/latency").field("content-security-policy");
        assertFalse(csp.equals(second), "a fresh nonce per response");
    }

    @Test
    void readyIsLiveOr503WithTheState() throws IOException {
        Response live = get(address, "/ready");
        assertEquals(200, live.status());
        assertEquals("LIVE\n", live.body());
        assertEquals("text/plain; charset=utf-8", live.contentType());

        fixture.views.ready = false;
        fixture.views.state = "PRE_INITIALIZING";
        Response starting = get(address, "/ready");
        assertEquals(503, starting.status());
        assertEquals("PRE_INITIALIZING\n", starting.body());

        fixture.views.ready = true;
        fixture.views.state = "LIVE";
        fixture.views.healthcheckFailed = true;
        assertEquals(503, get(address, "/ready").status());
    }

    @Test
    void healthcheckFailAndOkFlipTheViews() throws IOException {
        Response fail = post(address, "/healthcheck/fail");
        assertEquals(200, fail.status());
        assertEquals("OK\n", fail.body());
        assertTrue(fixture.views.healthcheckFailed);
        assertEquals(503, get(address, "/ready").status());

        assertEquals(200, post(address, "/healthcheck/ok").status());
        assertFalse(fixture.views.healthcheckFailed);
        assertEquals(List.of("healthcheckFail(true)", "healthcheckFail(false)"), fixture.views.calls);
    }

    @Test
    void drainListenersCallsTheViews() throws IOException {
        Response r = post(address, "/drain_listeners");
        assertEquals(200, r.status());
        assertEquals("OK\n", r.body());
        assertEquals(List.of("drainListeners"), fixture.views.calls);
    }

    @Test
    void resetCountersZeroesCounters() throws IOException {
        assertEquals(200, post(address, "/reset_counters").status());
        assertTrue(get(address, "/stats").body().contains("cluster.backend.upstream_rq_total: 0\n"));
        assertTrue(get(address, "/stats").body().contains("cluster.backend.upstream_cx_active: 3\n"), "gauges stay");
    }

    @Test
    void quitAnswersOkThenQuitsAndCloses() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("POST", "/quitquitquit", address, "content-length: 0"));
            Response r = exchange.read(false);
            assertEquals(200, r.status());
            assertEquals("OK\n", r.body());
            assertEquals("close", r.field("connection"));
            assertTrue(exchange.closedByPeer());
        }
        assertEquals(List.of("quit"), fixture.views.calls);
    }

    @Test
    void unknownPathIs404() throws IOException {
        Response r = get(address, "/nope");
        assertEquals(404, r.status());
        assertEquals("text/plain; charset=utf-8", r.contentType());
        assertEquals(404, get(address, "/stats/").status(), "paths match exactly");
        assertEquals(404, get(address, "/st%61ts").status(), "no decoding of the path");
    }

    @Test
    void everyResponseForbidsCachingAndSniffing() throws IOException {
        for (String target : List.of("/", "/stats", "/ready", "/nope", "/latency?format=json")) {
            Response r = get(address, target);
            assertEquals("no-store", r.field("cache-control"), target);
            assertEquals("nosniff", r.field("x-content-type-options"), target);
        }
        Response index = get(address, "/");
        assertTrue(index.field("content-security-policy").startsWith("default-src 'none'; script-src 'nonce-"));
        assertEquals("DENY", index.field("x-frame-options"));
    }
}
