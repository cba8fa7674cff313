package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.pool.Http1Pool;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.server.WeftServer;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that reads the request head and then neither reads the body nor answers: the write of the body to it
 * is bounded by {@code idle_timeout}, not by the (long) route timeout, and the pool slot comes back.
 */
@Timeout(60)
class StalledUpstreamBodyE2ETest {
    private static final long SIZE = 50_000_000L;

    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    idle_timeout: 500ms
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a, timeout: 60s}
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port(),
                "    max_connections_per_endpoint: 1\n    max_pending_requests: 0\n")));
        address = proxy.address("main");
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    private Http1Pool pool() {
        return proxy.cluster("a").hosts().get(0).pool();
    }

    @Test
    void upstreamThatNeverReadsTheBodyGets504OrACloseAndThePoolSlotIsFreed() throws Exception {
        Thread writer;
        try (Wire w = Wire.connect(address)) {
            w.send("POST /no-read HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + SIZE + "\r\n\r\n");
            writer = Thread.ofVirtual().start(() -> {
                try {
                    byte[] chunk = TestUpstream.Pattern.bytes(0, 64 * 1024);
                    for (long sent = 0; sent < SIZE; sent += chunk.length) {
                        w.out.write(chunk, 0, (int) Math.min(chunk.length, SIZE - sent));
                    }
                } catch (IOException expected) {
                    // the proxy gave up on this request and closed the connection
                }
            });
            upstream.awaitRequest("/no-read", 10_000);
            try {
                Wire.Response r = w.read();
                assertEquals(ResponseFlag.UT.status(), r.status(), r.statusLine() + " " + r.bodyText());
                assertEquals(ResponseFlag.UT.body() + "\n", r.bodyText());
                assertNull(r.header("x-upstream"), "a local reply");
                assertTrue(r.closes(), "the rest of the body was not read: the connection closes");
                w.assertClosedByPeer(10_000);
            } catch (EOFException | SocketException closedWithoutResponse) {
                // allowed: the client was still blocked writing its body when the proxy closed the connection
            }
        }
        writer.join(10_000);
        assertTrue(!writer.isAlive(), "the client's writer is still blocked");

        SlowClientE2ETest.awaitZero(() -> pool().openConnections(), 10_000, "upstream connections still open");
        // the only pool slot is free again: no 503 (UO)
        Wire.Response next = Wire.get(address, "example.com", "/next");
        assertEquals(200, next.status(), next.statusLine() + " " + next.bodyText());
        assertEquals("a", next.header("x-upstream"));
        assertEquals(2, upstream.acceptedConnections(), "the stalled upstream connection was not reused");
    }
}
