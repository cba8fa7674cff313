package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The end of a drain timeout aborts in-flight upstream connections too: the upstream sees its connection closed at
 * once instead of the proxy holding it until the slow response arrives.
 */
@Timeout(30)
class DrainAbortE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start(E2E.simple("a", upstream.port()));
        address = proxy.address("main");
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void drainTimeoutAbortsTheInFlightUpstreamConnection() throws Exception {
        try (Wire w = Wire.connect(address)) {
            // the upstream waits 5 s by reading its connection, so it notices a close by the proxy at once
            w.send("GET /delay?ms=5000&watch=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            upstream.awaitRequest("/delay", 10_000);

            assertFalse(proxy.drain(Duration.ofMillis(300)), "the in-flight request cannot finish in 300 ms");
            // well before the 5 s delay ends, the upstream sees its connection closed
            upstream.awaitClosedByPeer(1, 2_000);

            try {
                Wire.Response late = w.read();
                throw new AssertionError("a response arrived after the drain was over: " + late.statusLine());
            } catch (EOFException | SocketException expected) {
                // closed (or reset) without a response
            }
        }
        assertTrue(upstream.requestsTo("/delay").size() == 1, "the aborted request was not retried");
    }
}
