package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.cluster.Host;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Listener connection limit and a STRICT_DNS cluster. */
@Timeout(30)
class ListenerAndClusterE2ETest {

    @Test
    void connectionBeyondMaxConnectionsIsClosedAtOnce() throws Exception {
        try (TestUpstream upstream = TestUpstream.start("a");
             WeftServer proxy = E2E.start("""
                     listeners:
                       - name: main
                         port: 0
                         max_connections: 2
                         virtual_hosts:
                           - name: all
                             domains: ["*"]
                             routes:
                               - match: {prefix: /}
                                 route: {cluster: a}
                     clusters:
                     %s""".formatted(E2E.cluster("a", upstream.port())))) {
            InetSocketAddress address = proxy.address("main");
            Wire first = Wire.connect(address);
            Wire second = Wire.connect(address);
            assertEquals(200, first.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status());
            assertEquals(200, second.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status());
            try (Wire third = Wire.connect(address)) {
                try {
                    third.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                } catch (IOException closedAlready) {
                    // fine: it is closed
                }
                third.assertClosedByPeer(5_000);
            }
            assertEquals(2, upstream.requests().size(), "the third connection's request was not served");
            assertEquals(1, proxy.listeners().get(0).rejectedConnections());

            // a slot frees when a connection ends
            first.close();
            long end = System.nanoTime() + 5_000_000_000L;
            while (true) {
                try (Wire again = Wire.connect(address)) {
                    assertEquals(200, again.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status());
                    break;
                } catch (IOException stillFull) {
                    assertTrue(System.nanoTime() < end, "no connection slot was freed");
                    Thread.sleep(20);
                }
            }
            assertEquals(200, second.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").status());
            second.close();
        }
    }

    @Test
    void strictDnsClusterResolvesLocalhost() throws Exception {
        try (TestUpstream upstream = TestUpstream.start("dns");
             WeftServer proxy = E2E.start("""
                     listeners:
                       - name: main
                         port: 0
                         virtual_hosts:
                           - name: all
                             domains: ["*"]
                             routes:
                               - match: {prefix: /}
                                 route: {cluster: dns}
                     clusters:
                       - name: dns
                         type: STRICT_DNS
                         dns_refresh_rate: 200ms
                         endpoints:
                           - {address: localhost, port: %d}
                     """.formatted(upstream.port()))) {
            InetSocketAddress address = proxy.address("main");
            assertFalse(proxy.cluster("dns").hosts().isEmpty(), "localhost resolved");
            for (Host h : proxy.cluster("dns").hosts()) {
                assertEquals(upstream.port(), h.address().getPort());
                assertTrue(h.address().getAddress().isLoopbackAddress(), h.address().toString());
            }
            for (int i = 0; i < 5; i++) {
                Wire.Response r = Wire.get(address, "example.com", "/echo-headers");
                assertEquals(200, r.status(), r.bodyText());
                assertEquals("dns", r.header("x-upstream"));
                Thread.sleep(100); // across DNS refreshes
            }
            assertEquals(5, upstream.requests().size());
        }
    }
}
