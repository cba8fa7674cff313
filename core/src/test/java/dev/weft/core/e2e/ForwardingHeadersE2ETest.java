package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** What the proxy adds to and strips from a forwarded request head, as seen by the upstream. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class ForwardingHeadersE2ETest {
    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start(E2E.simple("a", upstream.port()));
        address = proxy.address("main");
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void hopByHopHeadersAreNotForwarded() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/echo-headers",
                "Connection: keep-alive, X-Hop", "Keep-Alive: timeout=5", "TE: trailers", "Upgrade: h2c",
                "Proxy-Connection: keep-alive", "X-Hop: secret", "X-Keep: yes");
        assertEquals(200, r.status());
        TestUpstream.Request req = upstream.lastRequest();
        for (String hop : List.of("connection", "keep-alive", "te", "upgrade", "proxy-connection", "x-hop")) {
            assertEquals(List.of(), req.headers(hop), hop + " must not reach the upstream");
            assertTrue(!r.bodyText().toLowerCase().contains("\r\n" + hop + ":"), "echo shows no " + hop);
        }
        assertEquals(List.of("yes"), req.headers("x-keep"));
        assertEquals(List.of("example.com"), req.headers("host"));
    }

    @Test
    void xForwardedForIsSetToTheClientAddress() throws Exception {
        Wire.get(address, "example.com", "/echo-headers");
        assertEquals(List.of("127.0.0.1"), upstream.lastRequest().headers("x-forwarded-for"));
    }

    @Test
    void xForwardedForIsAppendedToWhatTheClientSent() throws Exception {
        Wire.get(address, "example.com", "/echo-headers", "X-Forwarded-For: 203.0.113.7",
                "X-Forwarded-For: 198.51.100.1, 10.0.0.1");
        assertEquals(List.of("203.0.113.7, 198.51.100.1, 10.0.0.1, 127.0.0.1"),
                upstream.lastRequest().headers("x-forwarded-for"));
    }

    @Test
    void xForwardedProtoIsSetByTheProxyAndNotTakenFromTheClient() throws Exception {
        Wire.get(address, "example.com", "/echo-headers", "X-Forwarded-Proto: https");
        assertEquals(List.of("http"), upstream.lastRequest().headers("x-forwarded-proto"));
    }

    @Test
    void xRequestIdIsGeneratedWhenMissing() throws Exception {
        Wire.get(address, "example.com", "/echo-headers");
        List<String> first = upstream.lastRequest().headers("x-request-id");
        Wire.get(address, "example.com", "/echo-headers");
        List<String> second = upstream.lastRequest().headers("x-request-id");
        assertEquals(1, first.size());
        assertTrue(first.get(0).matches(UUID_V4), "not a UUID v4: " + first.get(0));
        assertTrue(second.get(0).matches(UUID_V4), "not a UUID v4: " + second.get(0));
        assertTrue(!first.equals(second), "each request gets its own id");
    }

    @Test
    void xRequestIdIsKeptWhenPresent() throws Exception {
        Wire.get(address, "example.com", "/echo-headers", "X-Request-Id: abc-123");
        assertEquals(List.of("abc-123"), upstream.lastRequest().headers("x-request-id"));
    }
}
