package dev.weft.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.bench.load.OpenLoopClient.Result;
import dev.weft.bench.load.OpenLoopClient.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The open-loop client against {@link OriginServer}: plaintext and TLS, keep-alive and a connection per request. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenLoopClientOriginTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final int CONNECTIONS = 3;
    private static final double RATE = 100;
    private static final Duration DURATION = Duration.ofMillis(600);
    private static final int SCHEDULED = 60; // RATE x DURATION, no warm-up: every request is measured

    /**
     * Every combination of transport, connection reuse and body size. The server's accept count proves the reuse:
     * the start-up probe plus either one connection per client connection or one per request. With TLS, the server
     * saw one handshake per connection (the probe never handshakes), each with the SNI the client was told to send.
     */
    @ParameterizedTest(name = "tls={0} close={1} body={2}")
    @CsvSource({
            "false, false, 0", "false, false, 4096", "false, false, 1048576",
            "false, true, 0", "false, true, 4096", "false, true, 1048576",
            "true, false, 0", "true, false, 4096", "true, false, 1048576",
            "true, true, 0", "true, true, 4096", "true, true, 1048576"})
    void loadsTheOrigin(boolean tls, boolean newConnectionPerRequest, int bodyBytes) throws Exception {
        TestTls.Server tlsServer = tls ? TestTls.server() : null;
        String sni = tls && !newConnectionPerRequest ? "localhost" : null; // both with and without SNI
        try (OriginServer origin = OriginServer.start(LOOPBACK, tls ? tlsServer.context() : null)) {
            Settings s = new Settings(origin.address(), "localhost", "/bytes/" + bodyBytes, CONNECTIONS, RATE,
                    DURATION, Duration.ZERO)
                    .withTls(tls ? TestTls.trustingClient() : null, sni)
                    .withNewConnectionPerRequest(newConnectionPerRequest);
            Result r = OpenLoopClient.run(s);

            assertEquals(SCHEDULED, r.requests(), 1, r.summary());
            assertEquals(0, r.errors(), r.summary());
            assertEquals(0, r.non2xx(), r.summary());
            assertEquals(r.requests(), origin.requestsServed());
            long connections = newConnectionPerRequest ? r.requests() : CONNECTIONS;
            assertEquals(connections, r.connectionsOpened(), r.summary());
            assertEquals(1 + connections, origin.connectionsAccepted(), "probe + connections");
            // correctness, not speed: a cold JIT makes the first TLS megabytes slow, so only a stall fails this
            assertTrue(r.latencyMicros().getValueAtPercentile(50) < 1_000_000, r.summary());
            if (tls) {
                assertEquals(connections, tlsServer.requestedSni().size(), "one full handshake per connection");
                assertEquals(Set.of(sni == null ? "" : sni),
                        new HashSet<>(tlsServer.requestedSni().values()));
            }
        }
    }

    @Test
    void warmUpConnectionsAreNotCountedButPerRequestOnesAre() throws Exception {
        try (OriginServer origin = OriginServer.start(LOOPBACK)) {
            Settings keepAlive = new Settings(origin.address(), "localhost", "/", 2, 200, Duration.ofMillis(500),
                    Duration.ofMillis(250));
            Result r = OpenLoopClient.run(keepAlive);
            assertEquals(100, r.requests(), 2, r.summary());
            assertEquals(0, r.connectionsOpened(), "both connections were opened during the warm-up");

            Result perRequest = OpenLoopClient.run(keepAlive.withNewConnectionPerRequest(true));
            assertEquals(100, perRequest.requests(), 2, perRequest.summary());
            assertEquals(perRequest.requests(), perRequest.connectionsOpened());
            // first run: probe + 2; second: probe + 150 (warm-up requests open connections too)
            assertEquals(3 + 1 + 150, origin.connectionsAccepted(), 2);
        }
    }

    @Test
    void failedHandshakesAreErrors() throws Exception {
        TestTls.Server tlsServer = TestTls.server();
        try (OriginServer origin = OriginServer.start(LOOPBACK, tlsServer.context())) {
            for (boolean perRequest : new boolean[] {false, true}) {
                Result r = OpenLoopClient.run(new Settings(origin.address(), "localhost", "/", 2, 100,
                        Duration.ofMillis(300), Duration.ZERO)
                        .withTls(TestTls.untrustingClient(), "localhost")
                        .withNewConnectionPerRequest(perRequest));
                assertEquals(0, r.requests(), r.summary());
                assertEquals(30, r.errors(), 1, r.summary());
                assertEquals(r.errors(), r.connectionsOpened(), "each request tried a new connection");
            }
            assertEquals(0, origin.requestsServed());
        }
    }

    @Test
    void plaintextAgainstATlsPortIsAnError() throws Exception {
        try (OriginServer origin = OriginServer.start(LOOPBACK, TestTls.server().context())) {
            Result r = OpenLoopClient.run(new Settings(origin.address(), "localhost", "/", 1, 100,
                    Duration.ofMillis(200), Duration.ZERO));
            assertEquals(0, r.requests(), r.summary());
            assertEquals(20, r.errors(), 1, r.summary());
        }
    }

    /** The origin goes away mid-run: from then on every new connection is refused, and each refusal is an error. */
    @Test
    void refusedConnectionsAreErrors() throws Exception {
        OriginServer origin = OriginServer.start(LOOPBACK);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(origin::close, 500, TimeUnit.MILLISECONDS);
            Result r = OpenLoopClient.run(new Settings(origin.address(), "localhost", "/bytes/10", 2, 100,
                    Duration.ofSeconds(1), Duration.ZERO).withNewConnectionPerRequest(true));
            assertEquals(100, r.requests() + r.errors(), 1, r.summary());
            // where the split falls depends on two clocks (the timer's and the client's schedule), which a busy
            // machine moves apart: only that both sides are well represented
            assertTrue(r.requests() >= 10, r.summary());
            assertTrue(r.errors() >= 10, r.summary());
            // refused connects are not opened connections; a few accepted by the kernel just before the close may be
            assertTrue(r.connectionsOpened() >= r.requests() && r.connectionsOpened() <= r.requests() + 3,
                    r.connectionsOpened() + " connections for " + r.summary());
        } finally {
            timer.shutdownNow();
            origin.close();
        }
    }

    @Test
    void onlyPerRequestConnectionsAskTheServerToClose() {
        String keepAlive = StandardCharsets.US_ASCII.decode(OpenLoopClient.encodeRequest("h", "/", false)).toString();
        String close = StandardCharsets.US_ASCII.decode(OpenLoopClient.encodeRequest("h", "/", true)).toString();
        assertFalse(keepAlive.toLowerCase(Locale.ROOT).contains("connection"), keepAlive);
        assertEquals("GET / HTTP/1.1\r\nHost: h\r\nUser-Agent: weft-open-loop\r\nAccept: */*\r\n"
                + "Connection: close\r\n\r\n", close);
    }

    @Test
    void settingsCompose() throws Exception {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443);
        Settings plain = Settings.of(target, "/", 4, 1000, Duration.ofSeconds(1));
        assertNull(plain.tls());
        assertNull(plain.sni());
        assertFalse(plain.newConnectionPerRequest());
        assertEquals(new Settings(target, plain.host(), "/", 4, 1000, Duration.ofSeconds(1), Duration.ZERO), plain);

        SSLContext context = TestTls.trustingClient();
        Settings tls = plain.withNewConnectionPerRequest(true).withTls(context, "proxy.test")
                .withWarmup(Duration.ofMillis(100));
        assertEquals(new Settings(target, plain.host(), "/", 4, 1000, Duration.ofSeconds(1), Duration.ofMillis(100),
                context, "proxy.test", true), tls);
        assertEquals(plain.withWarmup(Duration.ofMillis(100)),
                tls.withTls(null, null).withNewConnectionPerRequest(false));

        assertThrows(IllegalArgumentException.class, () -> plain.withTls(null, "proxy.test"), "SNI without TLS");
        assertThrows(IllegalArgumentException.class, () -> plain.withTls(context, "127.0.0.1"), "SNI is not an IP");
        assertThrows(IllegalArgumentException.class, () -> plain.withTls(context, "bad name"));
    }
}
