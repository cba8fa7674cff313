package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Weft as a separate process with a 64 MiB heap: 100 MiB bodies in both directions and both framings stream
 * through without being buffered, checked by SHA-256 end to end; SIGTERM drains and exits 0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ProcessE2ETest {
    private static final long SIZE = 100L * 1024 * 1024;

    private TestUpstream upstream;
    private ProxyProcess weft;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        weft = ProxyProcess.start(E2E.simple("a", upstream.port()), "main", "64m");
        address = weft.address();
    }

    @AfterAll
    void stop() throws IOException {
        weft.close();
        upstream.close();
    }

    private void assertAlive() {
        assertTrue(weft.process.isAlive(), "the proxy process died; output: " + weft.output());
    }

    @Test
    void uploadsHundredMegabytesWithContentLength() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: " + SIZE + "\r\n\r\n");
            writePattern(w.out, SIZE, false);
            Wire.Response r = w.read();
            assertEquals(200, r.status());
            assertEquals("bytes=" + SIZE + " sha256=" + TestUpstream.Pattern.sha256(SIZE), r.bodyText());
        }
        TestUpstream.Request req = upstream.requestsTo("/sink").get(upstream.requestsTo("/sink").size() - 1);
        assertEquals(List.of(Long.toString(SIZE)), req.headers("content-length"));
        assertEquals(List.of(), req.headers("transfer-encoding"));
        assertAlive();
    }

    @Test
    void uploadsHundredMegabytesChunked() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
            writePattern(w.out, SIZE, true);
            Wire.Response r = w.read();
            assertEquals(200, r.status());
            assertEquals("bytes=" + SIZE + " sha256=" + TestUpstream.Pattern.sha256(SIZE), r.bodyText());
        }
        TestUpstream.Request req = upstream.requestsTo("/sink").get(upstream.requestsTo("/sink").size() - 1);
        assertEquals(List.of("chunked"), req.headers("transfer-encoding"));
        assertEquals(List.of(), req.headers("content-length"));
        assertAlive();
    }

    @Test
    void downloadsHundredMegabytesWithContentLength() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("GET /download?size=" + SIZE + " HTTP/1.1\r\nHost: a\r\n\r\n");
            MessageDigest sha = TestUpstream.sha256();
            Wire.Response r = w.read(false, new DigestOutputStream(OutputStream.nullOutputStream(), sha));
            assertEquals(200, r.status());
            assertEquals(Long.toString(SIZE), r.header("content-length"));
            assertEquals(TestUpstream.Pattern.sha256(SIZE), TestUpstream.hex(sha.digest()));
        }
        assertAlive();
    }

    @Test
    void downloadsHundredMegabytesChunkedWithTrailers() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("GET /download?size=" + SIZE + "&chunked=1 HTTP/1.1\r\nHost: a\r\n\r\n");
            MessageDigest sha = TestUpstream.sha256();
            Wire.Response r = w.read(false, new DigestOutputStream(OutputStream.nullOutputStream(), sha));
            assertEquals(200, r.status());
            assertEquals("chunked", r.header("transfer-encoding"));
            assertNull(r.header("content-length"));
            String expected = TestUpstream.Pattern.sha256(SIZE);
            assertEquals(expected, TestUpstream.hex(sha.digest()));
            assertEquals(expected, r.trailer("x-checksum"), "trailers preserved; got " + r.trailerLines());
        }
        assertAlive();
    }

    @Test
    void sigtermLetsTheInFlightRequestFinishAndExitsZero() throws Exception {
        TestUpstream slow = TestUpstream.start("slow");
        try (ProxyProcess p = ProxyProcess.start("drain_timeout: 10s\n" + E2E.simple("a", slow.port()), "main",
                "64m")) {
            InetSocketAddress a = p.address();
            CompletableFuture<Wire.Response> inFlight = CompletableFuture.supplyAsync(() -> {
                try {
                    return Wire.get(a, "a", "/delay?ms=1500");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            slow.awaitRequest("/delay", 10_000);
            int code = p.terminate(20);
            Wire.Response r = inFlight.get();
            assertEquals(200, r.status());
            assertEquals("delayed", r.bodyText());
            assertEquals(0, code, "exit code after SIGTERM; output: " + p.output());
            assertTrue(p.output().stream().anyMatch(l -> l.contains("weft: stopped")), p.output().toString());
        } finally {
            slow.close();
        }
    }

    /** Writes {@code size} pattern bytes, as varied chunks when {@code chunked}. */
    private static void writePattern(OutputStream out, long size, boolean chunked) throws IOException {
        int[] chunkSizes = {65_536, 1, 8_192, 100_000, 4_095, 32_768};
        byte[] buf = new byte[100_000];
        long sent = 0;
        int k = 0;
        while (sent < size) {
            int n = (int) Math.min(chunked ? chunkSizes[k++ % chunkSizes.length] : buf.length, size - sent);
            TestUpstream.Pattern.fill(sent, buf, n);
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(buf, 0, n);
                out.write(new byte[] {'\r', '\n'});
            } else {
                out.write(buf, 0, n);
            }
            sent += n;
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }
}
