package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.core.listener.Listener;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Graceful drain in process: in-flight requests finish, idle connections close, new connections are refused. */
@Timeout(30)
class DrainE2ETest {
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
    void drainLetsInFlightRequestsFinishAndClosesTheRest() throws Exception {
        int n = 6;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             Wire idle = Wire.connect(address)) {
            assertEquals(200, idle.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status());

            List<Future<Wire.Response>> inFlight = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                inFlight.add(pool.submit(() -> Wire.get(address, "a", "/delay?ms=2000"))); // still in flight when the drain starts, on a slow machine too
            }
            long end = System.nanoTime() + 10_000_000_000L;
            while (upstream.requestsTo("/delay").size() < n) {
                assertTrue(System.nanoTime() < end, "the slow requests did not all reach the upstream");
                Thread.sleep(5);
            }

            CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(
                    () -> proxy.drain(Duration.ofSeconds(5)));
            Listener listener = proxy.listeners().get(0);
            while (!listener.draining()) {
                Thread.sleep(1);
            }

            assertNewConnectionRefused();
            idle.assertClosedByPeer(5_000);

            for (Future<Wire.Response> f : inFlight) {
                Wire.Response r = f.get();
                assertEquals(200, r.status());
                assertEquals("delayed", r.bodyText());
                assertTrue(r.closes(), "a response during the drain carries connection: close");
            }
            assertTrue(drained.get(), "every connection finished within the drain timeout");
            assertEquals(0, listener.openConnections());
        }
    }

    /** After the drain started the listening socket is closed: a connect fails, or the connection dies at once. */
    private void assertNewConnectionRefused() throws IOException {
        try (Socket s = new Socket()) {
            try {
                s.connect(address, 2_000);
            } catch (IOException refused) {
                return;
            }
            s.setSoTimeout(2_000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
            try {
                if (s.getInputStream().read() != -1) {
                    fail("a connection made after the drain started was served");
                }
            } catch (IOException reset) {
                // closed at once
            }
        }
    }
}
