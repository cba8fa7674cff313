package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An access log whose output stalls (a pipe nobody reads) must never slow requests down: lines beyond the queue are
 * dropped and counted, and once the output moves again every line not dropped arrives.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogFloodE2ETest {
    private static final int REQUESTS = 600;
    private static final int QUEUE = 8;

    @Test
    void stalledLogOutputDropsAndCountsLinesWhileRequestsFlow() throws Exception {
        Path dir = Files.createTempDirectory("weft-flood");
        Path fifo = dir.resolve("access.fifo");
        E2E.Run mk = E2E.run(List.of("mkfifo", fifo.toString()), Duration.ofSeconds(10));
        assertEquals(0, mk.exitCode(), mk.err());
        // the writer's open() of a FIFO waits for a reader: open ours first, then read nothing until the end
        CompletableFuture<FileInputStream> reader = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileInputStream(fifo.toFile());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        TestUpstream upstream = TestUpstream.start("a");
        WeftServer proxy = E2E.start("""
                admin: {port: 0}
                listeners:
                  - name: main
                    port: 0
                    access_log:
                      - {path: %s, queue_capacity: %d}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            direct_response: {status: 200, body: ok}
                clusters:
                %s""".formatted(fifo, QUEUE, E2E.cluster("a", upstream.port())));
        try (FileInputStream in = reader.get(10, TimeUnit.SECONDS)) {
            InetSocketAddress address = proxy.address("main");
            // every request completes while the log output is stalled: the log never blocks a request
            try (Wire w = Wire.connect(address)) {
                for (int i = 0; i < REQUESTS; i++) {
                    w.send("GET /flood/" + i + "?" + "x".repeat(200) + " HTTP/1.1\r\nHost: a\r\n\r\n");
                    assertEquals(200, w.read().status());
                }
            }
            // the last line is offered (and maybe dropped) after its response went out: read the stat once the
            // connection is gone, which is after its every line
            SlowClientE2ETest.awaitZero(proxy.listeners().get(0)::openConnections, 10_000,
                    "client connections still open");
            long dropped = droppedStat(proxy);
            assertTrue(dropped > 0, "a pipe buffer (64 KiB) plus " + QUEUE + " queued lines cannot hold "
                    + REQUESTS + " lines of 700+ bytes");
            // now drain the pipe: every line not dropped arrives (read while closing, which flushes the queue)
            AtomicLong lines = new AtomicLong();
            Thread drainer = Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    while (r.readLine() != null) {
                        lines.incrementAndGet();
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            proxy.close();
            drainer.join(TimeUnit.SECONDS.toMillis(20));
            // nothing was logged after the stat was read, so it still holds every drop
            assertEquals(REQUESTS, lines.get() + dropped, "written " + lines.get() + " + dropped " + dropped);
        } finally {
            proxy.close();
            upstream.close();
        }
    }

    private static long droppedStat(WeftServer proxy) throws Exception {
        try (HttpClient client = E2E.httpClient()) {
            String stats = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + proxy.adminAddress().getPort() + "/stats?filter=access_log")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = Pattern.compile("server\\.access_log_dropped: (\\d+)").matcher(stats);
            assertTrue(m.find(), stats);
            return Long.parseLong(m.group(1));
        }
    }
}
