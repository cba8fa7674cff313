package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Trailers are forwarded both ways minus the fields RFC 9110 section 6.5.1 keeps out of trailers: a recipient that
 * merged a trailer {@code content-length}, {@code host} or {@code authorization} into the head could be fooled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class TrailersE2ETest {
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
    void requestTrailersReachTheUpstreamWithoutForbiddenFields() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("POST /sink?t=1 HTTP/1.1\r\nHost: example.com\r\n"
                    + "Transfer-Encoding: chunked\r\nTrailer: x-checksum\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n"
                    + "x-checksum: abc\r\n"
                    + "content-length: 5\r\n"
                    + "host: evil\r\n"
                    + "transfer-encoding: chunked\r\n"
                    + "connection: close\r\n"
                    + "authorization: x\r\n"
                    + "Content-Length: 7\r\n"
                    + "HOST: evil2\r\n"
                    + "Cookie: a=b\r\n"
                    + "\r\n");
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("bytes=5 sha256=" + ProtocolE2ETest.sha("hello"), r.bodyText());
        }
        TestUpstream.Request req = upstream.requestsTo("/sink").stream()
                .filter(q -> q.target().equals("/sink?t=1")).findFirst().orElseThrow();
        assertEquals("hello", new String(req.body(), StandardCharsets.US_ASCII));
        assertEquals(List.of("x-checksum: abc"), req.trailerLines(), "only the allowed trailer is forwarded");
        // and nothing from the trailer section leaked into the head
        assertEquals(List.of("example.com"), req.headers("host"));
        assertEquals(List.of(), req.headers("authorization"));
        assertEquals(List.of(), req.headers("content-length"));
        assertEquals(List.of(), req.headers("cookie"));
    }

    @Test
    void responseTrailersReachTheClientWithoutForbiddenFields() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /trailers HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("hello", r.bodyText());
            assertEquals("chunked", r.header("transfer-encoding"));
            assertEquals(List.of("x-checksum: abc"), r.trailerLines(), "only the allowed trailer is forwarded");
            assertNull(r.header("set-cookie"));
            assertNull(r.header("www-authenticate"));
            assertNull(r.header("content-length"));
            // the connection carries on: the upstream's trailer "connection: close" framed nothing
            Wire.Response again = w.exchange("GET /trailers?n=2 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, again.status());
            assertEquals(List.of("x-checksum: abc"), again.trailerLines());
        }
    }
}
