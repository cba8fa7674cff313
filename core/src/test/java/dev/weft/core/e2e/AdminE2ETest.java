package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin endpoints of a real proxy, read and driven over HTTP while it carries traffic. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;
    private final HttpClient client = E2E.httpClient();

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                admin: {port: 0}
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                """ + E2E.cluster("a", upstream.port()));
        address = proxy.address("main");
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstream.close();
    }

    private HttpResponse<String> admin(String method, String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort()
                + path));
        b = "POST".equals(method) ? b.POST(HttpRequest.BodyPublishers.noBody()) : b.GET();
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listenersServerInfoAndMemoryDescribeTheRunningProxy() throws Exception {
        assertEquals(200, Wire.get(address, "x", "/").status());
        String listeners = admin("GET", "/listeners").body();
        assertTrue(listeners.contains("main::127.0.0.1:" + address.getPort()), listeners);
        String info = admin("GET", "/server_info").body();
        assertTrue(info.contains("\"state\"") && info.contains("LIVE"), info);
        assertTrue(info.contains("\"version\""), info);
        HttpResponse<String> memory = admin("GET", "/memory");
        assertEquals(200, memory.statusCode());
        assertTrue(memory.body().contains("heap"), memory.body());
        assertTrue(memory.body().contains("direct"), memory.body());
    }

    /** Request stats are recorded just after the response reaches the client: wait for the n-th. */
    private void awaitCompleted(int n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline
                && !admin("GET", "/stats").body().contains("http.main.downstream_rq_completed: " + n)) {
            Thread.sleep(10);
        }
    }

    @Test
    void usedOnlyFilterAndJsonFormsOfStats() throws Exception {
        assertEquals(200, Wire.get(address, "x", "/").status());
        awaitCompleted(1);
        String used = admin("GET", "/stats?usedonly").body();
        assertTrue(used.contains("http.main.downstream_rq_2xx: 1"), used);
        assertTrue(!used.contains("http.main.downstream_rq_5xx"), "a counter never used is not listed:\n" + used);
        String filtered = admin("GET", "/stats?filter=%5Ecluster%5C.a%5C.upstream_rq_total%24").body();
        assertEquals("cluster.a.upstream_rq_total: 1", filtered.strip());
        String json = admin("GET", "/stats?format=json").body();
        assertTrue(json.contains("\"name\":\"http.main.downstream_rq_total\""), json);
        assertEquals(400, admin("GET", "/stats?filter=%5B").statusCode());
    }

    @Test
    void resetCountersZeroesCountersNotGauges() throws Exception {
        assertEquals(200, Wire.get(address, "x", "/").status());
        awaitCompleted(1);
        assertEquals(405, admin("GET", "/reset_counters").statusCode(), "mutating endpoints are POST-only");
        assertEquals(200, admin("POST", "/reset_counters").statusCode());
        String s = admin("GET", "/stats").body();
        assertTrue(s.contains("http.main.downstream_rq_total: 0"), s);
        assertTrue(s.contains("cluster.a.membership_total: 1"), "gauges stay:\n" + s);
    }

    @Test
    void healthcheckFailTurnsReadyTo503AndOkBack() throws Exception {
        assertEquals(200, admin("GET", "/ready").statusCode());
        assertEquals(200, admin("POST", "/healthcheck/fail").statusCode());
        assertEquals(503, admin("GET", "/ready").statusCode());
        assertEquals(200, Wire.get(address, "x", "/").status(), "traffic still flows");
        assertEquals(200, admin("POST", "/healthcheck/ok").statusCode());
        assertEquals(200, admin("GET", "/ready").statusCode());
    }

    @Test
    void drainListenersStopsAcceptingAndReadyReportsDraining() throws Exception {
        assertEquals(200, admin("POST", "/drain_listeners").statusCode());
        HttpResponse<String> ready = admin("GET", "/ready");
        assertEquals(503, ready.statusCode());
        assertTrue(ready.body().contains("DRAINING"), ready.body());
        assertThrows(ConnectException.class, () -> new Socket(address.getAddress(), address.getPort()).close());
        // server.live is refreshed every second
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String stats = "";
        while (System.nanoTime() < deadline && !stats.contains("server.live: 0")) {
            stats = admin("GET", "/stats?filter=server").body();
            Thread.sleep(50);
        }
        assertTrue(stats.contains("server.live: 0"), stats);
    }

    @Test
    void quitQuitQuitDrainsTheServer() throws Exception {
        assertEquals(200, admin("POST", "/quitquitquit").statusCode());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        boolean refused = false;
        while (System.nanoTime() < deadline && !refused) {
            try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                Thread.sleep(20);
            } catch (ConnectException e) {
                refused = true;
            }
        }
        assertTrue(refused, "the listener closed after /quitquitquit");
    }
}
