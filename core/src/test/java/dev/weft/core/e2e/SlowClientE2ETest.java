package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.listener.Listener;
import dev.weft.core.pool.Http1Pool;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.function.IntSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading a large response: every write to the client is bounded by the listener's
 * {@code idle_timeout}, so the proxy gives up on that client and frees the upstream connection (and its pool slot)
 * instead of being held forever.
 */
@Timeout(60)
class SlowClientE2ETest {
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
                            route: {cluster: a}
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

    static void awaitZero(IntSupplier count, long timeoutMillis, String what) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (count.getAsInt() != 0) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(what + ": still " + count.getAsInt() + " after " + timeoutMillis + " ms");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void clientThatStopsReadingIsClosedByTheWriteDeadlineAndTheUpstreamConnectionIsReleased() throws Exception {
        Listener listener = proxy.listeners().get(0);
        try (Wire w = Wire.connect(address, 4096)) {
            w.send("GET /download?size=" + SIZE + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
            upstream.awaitRequest("/download", 10_000);
            // the client never reads: the proxy's writes stall, its write deadline closes the client connection,
            // and the upstream, still writing its 50 MB, sees its connection closed by the proxy
            upstream.awaitClosedByPeer(1, 20_000);
            awaitZero(listener::openConnections, 10_000, "client connections still open");
            awaitZero(() -> pool().openConnections(), 10_000, "upstream connections still open");
            assertEquals(0, proxy.cluster("a").hosts().get(0).activeRequests());

            // the only pool slot is free again: no 503 (UO)
            Wire.Response next = Wire.get(address, "example.com", "/next");
            assertEquals(200, next.status(), next.statusLine() + " " + next.bodyText());
            assertEquals("a", next.header("x-upstream"));

            // what the stalled client holds is a truncated response followed by the end of the connection
            long received = drainUntilClosed(w);
            assertTrue(received < SIZE, "the client was cut off: it received " + received + " bytes");
        }
        assertEquals(2, upstream.acceptedConnections(), "the abandoned upstream connection was not reused");
    }

    /** Reads until end of stream (or a reset); fails if the connection is still open after a quiet 10 s. */
    private static long drainUntilClosed(Wire w) throws IOException {
        w.socket.setSoTimeout(10_000);
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        try {
            int n;
            while ((n = w.in.read(buf)) >= 0) {
                total += n;
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the proxy did not close the stalled client connection (read " + total + ")", e);
        } catch (SocketException reset) {
            // closed with a reset: closed as well
        }
        return total;
    }
}
