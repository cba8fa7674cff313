package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stats, Prometheus and access logs checked against traffic this test sends through a real proxy: every value is
 * what the traffic must have produced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ObservabilityE2ETest {
    private static final int OK_REQUESTS = 7;

    private Path dir;
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;
    private InetSocketAddress admin;
    private Path accessLog;
    private final HttpClient client = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-observability");
        upstream = TestUpstream.start("a");
        accessLog = dir.resolve("access.log");
        int dead = E2E.refusedPort();
        proxy = E2E.start("""
                admin:
                  address: 127.0.0.1
                  port: 0
                listeners:
                  - name: main
                    port: 0
                    stat_prefix: ingress
                    access_log:
                      - path: %s
                      - path: %s
                        format: "%%REQ(:METHOD)%% %%REQ(:PATH)%% %%RESPONSE_CODE%% %%RESPONSE_FLAGS%% %%UPSTREAM_CLUSTER%%"
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /dead}
                            route: {cluster: dead}
                          - match: {prefix: /api}
                            stat_prefix: api
                            route: {cluster: a}
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s
                %s""".formatted(accessLog, dir.resolve("text.log"), E2E.cluster("a", upstream.port()),
                E2E.cluster("dead", dead)));
        address = proxy.address("main");
        admin = proxy.adminAddress();
        for (int i = 0; i < OK_REQUESTS; i++) {
            assertEquals(200, Wire.get(address, "example.com", "/api/items?i=" + i).status());
        }
        assertEquals(502, Wire.get(address, "example.com", "/dead").status());
        assertEquals(404, Wire.request(address, "GET", "example.com", "/status/404").status());
        // a malformed request: counted as a protocol error and a 400
        try (Wire w = Wire.connect(address)) {
            w.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertEquals(400, w.read().status());
        }
        // stats and log lines are recorded just after each response reaches the client: wait for the last ones
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String s = adminGet("/stats?filter=http%5C.ingress%5C.downstream_rq_").body();
            // every request ended: 10 counted, 9 completed (the malformed one is refused before it is a request)
            if (s.contains("http.ingress.downstream_rq_total: " + (OK_REQUESTS + 3))
                    && s.contains("http.ingress.downstream_rq_completed: " + (OK_REQUESTS + 2))) {
                break;
            }
            Thread.sleep(10);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private HttpResponse<String> adminGet(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private long stat(String text, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(text);
        assertTrue(m.find(), name + " in\n" + text);
        return Long.parseLong(m.group(1));
    }

    @Test
    void statsCountWhatTheTrafficDid() throws Exception {
        String s = adminGet("/stats").body();
        long total = OK_REQUESTS + 3L; // 7 ok, 502, 404 from upstream, 400 malformed
        assertEquals(total, stat(s, "http.ingress.downstream_rq_total"));
        assertEquals(OK_REQUESTS, stat(s, "http.ingress.downstream_rq_2xx"));
        assertEquals(2, stat(s, "http.ingress.downstream_rq_4xx"));
        assertEquals(1, stat(s, "http.ingress.downstream_rq_5xx"));
        assertEquals(1, stat(s, "http.ingress.downstream_cx_protocol_error"));
        assertEquals(1, stat(s, "http.ingress.response_flags.UF"));
        assertEquals(1, stat(s, "http.ingress.response_flags.DPE"));
        assertEquals(OK_REQUESTS + 1L, stat(s, "cluster.a.upstream_rq_total"));
        assertEquals(OK_REQUESTS, stat(s, "cluster.a.upstream_rq_2xx"));
        assertEquals(1, stat(s, "cluster.a.upstream_rq_4xx"));
        assertEquals(1, stat(s, "cluster.dead.upstream_cx_connect_fail"));
        assertEquals(1, stat(s, "cluster.a.membership_total"));
        assertEquals(OK_REQUESTS, stat(s, "route.api.rq_total"));
        String listener = "listener.127.0.0.1_" + address.getPort() + ".downstream_cx_total";
        assertEquals(OK_REQUESTS + 3L, stat(s, listener), "one connection per request here");
        assertEquals(1, stat(s, "server.live"));
        assertTrue(s.contains("http.ingress.downstream_rq_time"), s);
    }

    @Test
    void prometheusExpositionPassesPromtoolAndCarriesLabels() throws Exception {
        HttpResponse<String> r = adminGet("/stats/prometheus");
        assertEquals(200, r.statusCode());
        String body = r.body();
        assertTrue(body.matches("(?s).*\nweft_cluster_upstream_rq_total\\{cluster_name=\"a\",?} "
                + (OK_REQUESTS + 1) + "(\\.0)?\n.*"), body);
        assertTrue(body.contains("weft_http_downstream_rq_time_bucket{http_conn_manager_prefix=\"ingress\""), body);
        assertTrue(body.contains("# HELP weft_cluster_upstream_rq_total Requests sent upstream"), body);
        Path promtool = Path.of("/usr/bin/promtool");
        assertTrue(Files.isExecutable(promtool), "promtool is required: apt-get install prometheus");
        Path file = dir.resolve("metrics.txt");
        Files.writeString(file, body);
        E2E.Run run = E2E.run(List.of("sh", "-c", promtool + " check metrics < " + file), Duration.ofSeconds(30));
        assertEquals(0, run.exitCode(), run.text() + run.err());
        assertEquals("", (run.text() + run.err()).replaceAll("(?m)^\\s*$", "").strip(), "promtool lint findings");
    }

    @Test
    void realPrometheusScrapesTheRequestCount() throws Exception {
        Path bin = Path.of("/usr/bin/prometheus");
        assertTrue(Files.isExecutable(bin), "prometheus is required: apt-get install prometheus");
        int port = E2E.closedPort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: weft
                    metrics_path: /stats/prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(admin.getPort()));
        Process p = new ProcessBuilder(bin.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.out").toFile()).start();
        try {
            String query = "http://127.0.0.1:" + port
                    + "/api/v1/query?query=weft_http_downstream_rq_total%7Bhttp_conn_manager_prefix%3D%22ingress%22%7D";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            String last = "";
            while (System.nanoTime() < deadline) {
                try {
                    last = client.send(HttpRequest.newBuilder(URI.create(query)).build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    if (last.contains("\"value\":[")) {
                        break;
                    }
                } catch (IOException notUpYet) {
                    // Prometheus is still starting
                }
                Thread.sleep(250);
            }
            Matcher m = Pattern.compile("\"value\":\\[[0-9.]+,\"(\\d+)\"\\]").matcher(last);
            assertTrue(m.find(), "no sample in " + last + "\n" + Files.readString(dir.resolve("prometheus.out")));
            assertEquals(OK_REQUESTS + 3L, Long.parseLong(m.group(1)));
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void accessLogHasOneJsonLinePerRequestWithFlags() throws Exception {
        List<String> lines = awaitLines(accessLog, OK_REQUESTS + 3);
        assertEquals(OK_REQUESTS + 3, lines.size(), String.join("\n", lines));
        String dead = lines.stream().filter(l -> l.contains("\"/dead\"")).findFirst().orElseThrow();
        assertTrue(dead.contains("\"response_code\":502"), dead);
        assertTrue(dead.contains("\"response_flags\":\"UF\""), dead);
        assertTrue(dead.contains("\"upstream_cluster\":\"dead\""), dead);
        // connections log when their response is out, so lines of different connections may be in either order
        String ok = lines.stream().filter(l -> l.contains("i=0")).findFirst().orElseThrow();
        assertTrue(ok.startsWith("{") && ok.endsWith("}"), ok);
        assertTrue(ok.contains("\"method\":\"GET\""), ok);
        assertTrue(ok.contains("\"path\":\"/api/items?i=0\""), ok);
        assertTrue(ok.contains("\"response_code\":200"), ok);
        assertTrue(ok.contains("\"upstream_host\":\"127.0.0.1:" + upstream.port() + "\""), ok);
        assertTrue(ok.matches(".*\"request_id\":\"[0-9a-f-]{36}\".*"), ok);
        String malformed = lines.stream().filter(l -> l.contains("\"response_code\":400")).findFirst().orElseThrow();
        assertTrue(malformed.contains("DPE"), malformed);
        assertTrue(malformed.contains("http1.content_length_with_transfer_encoding"), malformed);
        List<String> text = awaitLines(dir.resolve("text.log"), OK_REQUESTS + 3);
        assertTrue(text.contains("GET /dead 502 UF dead"), String.join("\n", text));
        assertTrue(text.contains("GET /api/items?i=1 200 - a"), String.join("\n", text));
    }

    private static List<String> awaitLines(Path file, int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                lines = Files.readAllLines(file);
                if (lines.size() >= n) {
                    return lines;
                }
            }
            Thread.sleep(20);
        }
        return lines;
    }

    @Test
    void clustersAndReadyReflectTheProxy() throws Exception {
        String clusters = adminGet("/clusters").body();
        assertTrue(clusters.contains("a::127.0.0.1:" + upstream.port()), clusters);
        HttpResponse<String> ready = adminGet("/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        String dump = adminGet("/config_dump").body();
        assertTrue(dump.contains("\"stat_prefix\":\"ingress\""), dump);
    }
}
