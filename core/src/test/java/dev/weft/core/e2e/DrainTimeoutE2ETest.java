package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.listener.Listener;
import dev.weft.core.server.WeftServer;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A drain whose timeout passes before the in-flight request ends: it reports so and closes the connection. */
@Timeout(30)
class DrainTimeoutE2ETest {
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
    void drainPastItsTimeoutReturnsFalseAndClosesTheInFlightConnection() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("GET /delay?ms=3000 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            upstream.awaitRequest("/delay", 10_000);

            boolean clean = proxy.drain(Duration.ofMillis(300));
            assertFalse(clean, "the in-flight request could not finish within 300 ms");

            // the client sees the connection end without a response (not a late 200 after the drain gave up)
            try {
                Wire.Response late = w.read();
                throw new AssertionError("a response arrived after the drain timeout: " + late.statusLine());
            } catch (EOFException | java.net.SocketException expected) {
                // closed (or reset) without a response
            }
        }
        Listener listener = proxy.listeners().get(0);
        assertTrue(listener.draining());
        // the connection's thread may still wait for the slow upstream; once that answers, nothing is left open
        long end = System.nanoTime() + 15_000_000_000L;
        while (listener.openConnections() != 0) {
            assertTrue(System.nanoTime() < end, "a connection is still counted open long after the drain");
            Thread.sleep(10);
        }
    }

    @Test
    void drainWithNoConnectionsReturnsTrue() throws Exception {
        assertEquals(200, Wire.get(address, "example.com", "/").status());
        assertTrue(proxy.drain(Duration.ofMillis(300)));
        assertRefused();
    }

    private void assertRefused() {
        try (Wire w = Wire.connect(address)) {
            w.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            w.assertClosedByPeer(2_000);
        } catch (IOException refused) {
            // connection refused: the listener is gone
        }
    }
}
