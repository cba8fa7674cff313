package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** Downstream timeouts: idle keep-alive connections and slow request heads. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class TimeoutsE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    idle_timeout: 300ms
                    request_headers_timeout: 300ms
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port())));
        address = proxy.address("main");
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void connectionWithoutAnyRequestIsClosedAfterTheIdleTimeout() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.assertClosedByPeer(10_000);
        }
    }

    @Test
    void keepAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            w.assertClosedByPeer(10_000);
        }
    }

    @Test
    void requestInProgressIsNotCutByTheIdleTimeout() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /delay?ms=800 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("delayed", r.bodyText());
        }
    }

    @Test
    void halfARequestHeadGets408AndTheConnectionCloses() throws Exception {
        int before = upstream.requests().size();
        try (Wire w = Wire.connect(address)) {
            w.send("GET / HTTP/1.1\r\nHost: example.com\r\nX-Partial: ");
            Wire.Response r = w.read();
            assertEquals(408, r.status());
            assertTrue(r.closes(), "408 carries connection: close");
            w.assertClosedByPeer(5_000);
        }
        assertEquals(before, upstream.requests().size(), "the partial request never reached the upstream");
    }
}
