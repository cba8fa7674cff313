package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A pooled TLS upstream connection that the upstream closed while idle (its idle timeout is shorter than the pool's)
 * is noticed before reuse, so even a POST, which cannot be retried, goes out on a fresh connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsUpstreamStaleE2ETest {

    @Test
    void postAfterTheTlsUpstreamClosedTheIdleConnectionSucceeds() throws Exception {
        Path dir = Files.createTempDirectory("weft-tls-stale");
        Pki pki = new Pki(dir).ca("ca").leaf("upstream", "ca", "DNS:localhost,IP:127.0.0.1", 2);
        int tlsPort = E2E.closedPort();
        try (WeftServer proxy = E2E.start("""
                listeners:
                  - name: upstream
                    port: %d
                    idle_timeout: 300ms
                    tls:
                      certificates: [{cert_file: %s, key_file: %s}]
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            direct_response: {status: 200, body: "upstream ok"}
                  - name: front
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: tls_upstream}
                clusters:
                  - name: tls_upstream
                    endpoints: [{address: 127.0.0.1, port: %d}]
                    tls: {sni: localhost, ca_file: %s}
                """.formatted(tlsPort, pki.crt("upstream"), pki.key("upstream"), tlsPort, pki.crt("ca")))) {
            var front = proxy.address("front");
            assertEquals(200, Wire.get(front, "x", "/first").status());
            var pool = proxy.cluster("tls_upstream").hosts().get(0).pool();
            // the connection goes back to the pool just after the response reaches the client
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (pool.idleConnections() != 1 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(1, pool.idleConnections());
            // the upstream's 300 ms idle timeout closes its end (close_notify, then FIN): wait until it has
            var upstream = proxy.listeners().stream().filter(l -> l.listenerName().equals("upstream")).findFirst()
                    .orElseThrow();
            SlowClientE2ETest.awaitZero(upstream::openConnections, 10_000, "the upstream's idle connection still open");
            assertEquals(1, pool.idleConnections(), "the pool has not noticed yet: only a reuse checks");
            try (Wire w = Wire.connect(front)) {
                Wire.Response r = w.exchange("POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
                assertEquals(200, r.status(), r.bodyText());
                assertEquals("upstream ok", r.bodyText());
            }
            assertEquals(2, pool.connectsStarted(), "the stale connection was dropped, a fresh one made");
        }
    }
}
