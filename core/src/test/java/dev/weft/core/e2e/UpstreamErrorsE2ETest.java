package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Local error replies with their status and Envoy's body, each caused by a real failure. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class UpstreamErrorsE2ETest {
    private TestUpstream upstream;
    private TestUpstream narrow;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        narrow = TestUpstream.start("narrow");
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: known
                        domains: ["known.test"]
                        routes:
                          - match: {prefix: /only-here}
                            route: {cluster: a}
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /dead/}
                            route: {cluster: dead}
                          - match: {prefix: /unresolved/}
                            route: {cluster: unresolved}
                          - match: {prefix: /narrow/}
                            route: {cluster: narrow, prefix_rewrite: /}
                          - match: {prefix: /slow/}
                            route: {cluster: a, prefix_rewrite: /, timeout: 200ms}
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s%s%s  - name: unresolved
                    type: STRICT_DNS
                    endpoints:
                      - {address: weft-e2e-no-such-host.invalid, port: 80}
                """.formatted(E2E.cluster("a", upstream.port()),
                E2E.cluster("dead", E2E.refusedPort(), "    connect_timeout: 2s\n"),
                E2E.cluster("narrow", narrow.port(),
                        "    max_connections_per_endpoint: 1\n    max_pending_requests: 0\n")));
        address = proxy.address("main");
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstream.close();
        narrow.close();
    }

    private static void assertLocalReply(Wire.Response r, ResponseFlag flag) {
        assertEquals(flag.status(), r.status(), r.statusLine() + " " + r.bodyText());
        assertEquals(flag.body() + "\n", r.bodyText());
        assertNull(r.header("x-upstream"), "a local reply");
        assertEquals("weft", r.header("server"));
    }

    @Test
    void noRouteIs404() throws Exception {
        assertLocalReply(Wire.get(address, "known.test", "/elsewhere"), ResponseFlag.NR);
    }

    @Test
    void noRouteKeepsTheConnectionOpen() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /elsewhere HTTP/1.1\r\nHost: known.test\r\n\r\n");
            assertLocalReply(r, ResponseFlag.NR);
            assertEquals(200, w.exchange("GET /only-here HTTP/1.1\r\nHost: known.test\r\n\r\n").status());
        }
    }

    @Test
    void connectFailureIs502() throws Exception {
        assertLocalReply(Wire.get(address, "example.com", "/dead/x"), ResponseFlag.UF);
    }

    @Test
    void clusterWithoutResolvedEndpointIs503() throws Exception {
        assertLocalReply(Wire.get(address, "example.com", "/unresolved/x"), ResponseFlag.UH);
    }

    /*
     * BUG (main code, Exchange.failBeforeResponse + Http1Pool.release): release() increments the connection's request
     * count before failBeforeResponse asks up.reused(), so a brand-new connection that fails before the response head
     * counts as "reused" and a body-less request is retried: the upstream receives it twice. The retry fails the same
     * way, returns RETRY again, and Http1Connection.forward() then treats RETRY on attempt 1 as "close": the client
     * gets the connection closed with no response at all instead of 502.
     */
    private static final String RETRY_BUG = "BUG: a body-less request whose upstream connection fails before the "
            + "response head is sent twice (a fresh connection counts as reused: Http1Pool.release increments "
            + "requests before Exchange.failBeforeResponse checks up.reused()), and after the failed retry the client "
            + "connection is closed without any response instead of 502 (forward() maps RETRY on attempt 1 to CLOSE)";

    @Test
    void upstreamResetBeforeResponseIs502() throws Exception {
        int before = upstream.requestsTo("/reset").size();
        assertLocalReply(Wire.get(address, "example.com", "/reset"), ResponseFlag.UR);
        assertEquals(before + 1, upstream.requestsTo("/reset").size(), "a fresh connection is not retried");
    }

    @Test
    void upstreamCloseBeforeResponseIs502() throws Exception {
        int before = upstream.requestsTo("/close-before-response").size();
        assertLocalReply(Wire.get(address, "example.com", "/close-before-response"), ResponseFlag.UC);
        assertEquals(before + 1, upstream.requestsTo("/close-before-response").size(),
                "a fresh connection is not retried");
    }

    @Test
    void upstreamResetBeforeResponseToARequestWithBodyIs502() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("POST /reset HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(502, r.status());
            // whether the proxy sees the reset or an end of stream depends on the kernel's timing: both are 502
            assertTrue(r.bodyText().equals(ResponseFlag.UR.body() + "\n")
                    || r.bodyText().equals(ResponseFlag.UC.body() + "\n"), r.bodyText());
        }
    }

    @Test
    void upstreamCloseBeforeResponseToARequestWithBodyIs502() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange(
                    "POST /close-before-response HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(502, r.status());
            // closing with the unread body in its buffer makes the kernel send a reset: either flag is right
            assertTrue(r.bodyText().equals(ResponseFlag.UC.body() + "\n")
                    || r.bodyText().equals(ResponseFlag.UR.body() + "\n"), r.bodyText());
        }
    }

    @Test
    void poolOverflowIs503AndTheSlotIsUsableAgainAfterwards() throws Exception {
        int before = narrow.requestsTo("/delay").size();
        // the holder must still be in flight when the second request comes: 3 s is room for a busy machine's stalls
        // (the test waits for the holder's 200 anyway)
        Future<Wire.Response> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return Wire.get(address, "example.com", "/narrow/delay?ms=3000");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long end = System.nanoTime() + 10_000_000_000L;
        while (narrow.requestsTo("/delay").size() == before && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        assertLocalReply(Wire.get(address, "example.com", "/narrow/x"), ResponseFlag.UO);
        assertEquals(200, slow.get().status());
        // the slot comes back once the holder's exchange ended on the proxy's side, which can be just after its
        // client read the response: a bounded wait, which a slot that leaked never passes
        int status = 0;
        for (long until = System.nanoTime() + 5_000_000_000L; status != 200 && System.nanoTime() < until; ) {
            status = Wire.get(address, "example.com", "/narrow/x").status();
            if (status != 200) {
                Thread.sleep(20);
            }
        }
        assertEquals(200, status);
    }

    @Test
    void routeTimeoutIs504() throws Exception {
        assertLocalReply(Wire.get(address, "example.com", "/slow/delay?ms=3000"), ResponseFlag.UT);
    }

    @Test
    void upstreamAnsweringEarly413ReachesAnUploadingClient() throws Exception {
        try (Wire w = Wire.connect(address)) {
            long size = 64L * 1024 * 1024;
            w.send("POST /early-413 HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + size + "\r\n\r\n");
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = w.out;
                    byte[] chunk = TestUpstream.Pattern.bytes(0, 64 * 1024);
                    for (long sent = 0; sent < size; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (IOException expected) {
                    // the proxy stops reading once the response is complete
                }
            });
            Wire.Response r = w.read();
            assertEquals(413, r.status());
            assertEquals("too large\n", new String(r.body(), StandardCharsets.US_ASCII));
            assertEquals("a", r.header("x-upstream"));
            w.assertClosedByPeer(10_000);
            writer.join(10_000);
        }
    }
}
