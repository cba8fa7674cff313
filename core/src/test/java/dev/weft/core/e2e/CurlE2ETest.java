package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** A real third-party client, curl, through the proxy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class CurlE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private String base;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start(E2E.simple("a", upstream.port()));
        base = "http://127.0.0.1:" + proxy.address("main").getPort();
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void curlGet() throws Exception {
        E2E.Run r = E2E.run(List.of(E2E.curl(), "-s", "-i", base + "/echo-headers?x=1"), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.err());
        String out = r.text();
        assertTrue(out.startsWith("HTTP/1.1 200"), out);
        assertTrue(out.toLowerCase().contains("\r\nx-upstream: a\r\n"), out);
        assertTrue(out.contains("GET /echo-headers?x=1 HTTP/1.1\r\n"), out);
        assertTrue(out.toLowerCase().contains("\r\nuser-agent: curl/"), out);
    }

    @Test
    void curlPostsAFileWithDataBinary() throws Exception {
        Path file = Files.createTempFile("weft-e2e-curl", ".bin");
        try {
            int size = 3 * 1024 * 1024 + 17;
            Files.write(file, TestUpstream.Pattern.bytes(0, size));
            E2E.Run r = E2E.run(List.of(E2E.curl(), "-s", "-i", "--data-binary", "@" + file, base + "/sink"),
                    Duration.ofSeconds(30));
            assertEquals(0, r.exitCode(), r.err());
            String out = r.text();
            // curl sends Expect: 100-continue for a large body; the proxy's interim 100 then precedes the 200
            String interim = "HTTP/1.1 100 Continue\r\n\r\n";
            if (out.startsWith(interim)) {
                out = out.substring(interim.length());
            }
            assertTrue(out.startsWith("HTTP/1.1 200"), out);
            assertEquals(List.of(), upstream.lastRequest().headers("expect"));
            assertEquals(List.of(Integer.toString(size)), upstream.lastRequest().headers("content-length"));
            assertTrue(out.endsWith("\r\n\r\nbytes=" + size + " sha256=" + TestUpstream.Pattern.sha256(size)), out);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void curlHttp10ReadsAChunkedUpstreamBodyUntilClose() throws Exception {
        int size = 200_000;
        E2E.Run r = E2E.run(List.of(E2E.curl(), "-s", "--http1.0", "-D", "-",
                base + "/download?size=" + size + "&chunked=1"), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.err());
        String out = r.text();
        int end = out.indexOf("\r\n\r\n");
        String head = out.substring(0, end).toLowerCase();
        assertTrue(head.startsWith("http/1.1 200"), head);
        assertTrue(!head.contains("transfer-encoding"), "no chunked framing towards an HTTP/1.0 client: " + head);
        assertTrue(head.contains("connection: close"), head);
        byte[] body = java.util.Arrays.copyOfRange(r.out(), end + 4, r.out().length);
        assertEquals(TestUpstream.Pattern.sha256(size), TestUpstream.hex(TestUpstream.sha256().digest(body)));
        assertEquals("HTTP/1.1", upstream.lastRequest().requestLine().split(" ")[2],
                "the proxy speaks HTTP/1.1 upstream");
    }

    @Test
    void curlHttp10SimpleGet() throws Exception {
        E2E.Run r = E2E.run(List.of(E2E.curl(), "-s", "-i", "--http1.0", base + "/"), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.text().contains(" 200 "), r.text());
        assertTrue(r.text().endsWith("\r\n\r\nok"), r.text());
    }
}
