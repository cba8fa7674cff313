package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReusePortE2ETest {

    private static String config(int port, boolean reusePort, String body) {
        return """
                listeners:
                  - name: main
                    port: %d
                    reuse_port: %s
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            direct_response: {status: 200, body: "%s"}
                """.formatted(port, reusePort, body);
    }

    @Test
    void twoProxiesShareAPortWithReusePort() throws Exception {
        int port = E2E.closedPort();
        try (WeftServer a = E2E.start(config(port, true, "a")); WeftServer b = E2E.start(config(port, true, "b"))) {
            assertEquals(port, a.address("main").getPort());
            assertEquals(port, b.address("main").getPort());
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (int i = 0; i < 40 && seen.size() < 2; i++) {
                // a new client, so a new connection each time: the kernel spreads them over both sockets by hash
                try (HttpClient client = E2E.httpClient()) {
                    HttpResponse<String> r = client.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    seen.add(r.body());
                }
            }
            assertEquals(java.util.Set.of("a", "b"), seen, "both processes' sockets accepted connections");
        }
    }

    @Test
    void secondBindWithoutReusePortFailsNamingTheListener() throws Exception {
        int port = E2E.closedPort();
        try (WeftServer a = E2E.start(config(port, false, "a"))) {
            IOException e = assertThrows(IOException.class, () -> E2E.start(config(port, false, "b")).close());
            assertTrue(e.getMessage().contains("listener main: cannot bind 127.0.0.1:" + port), e.getMessage());
            assertEquals(port, a.address("main").getPort());
        }
    }
}
