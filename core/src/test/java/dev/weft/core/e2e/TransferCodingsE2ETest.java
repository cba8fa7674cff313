package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Transfer codings other than chunked describe the bytes of the body: when the proxy re-chunks a response it keeps
 * them (RFC 9112 section 6.1), and an HTTP/1.0 client, which cannot be told about them, gets 502.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class TransferCodingsE2ETest {
    private static final int SIZE = 100_000;

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
    void gzipChunkedResponseKeepsItsCodingForAnHttp11Client() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /coded?size=" + SIZE + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("a", r.header("x-upstream"));
            assertEquals("gzip, chunked", r.header("transfer-encoding"));
            assertEquals(1, r.headers("transfer-encoding").size(), r.headerLines().toString());
            assertNull(r.header("content-length"));
            assertArrayEquals(TestUpstream.Pattern.bytes(0, SIZE), r.body(), "the body bytes, de-chunked");
            // the framing was complete: the connection carries another request
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
        }
    }

    @Test
    void gzipUntilCloseResponseIsChunkedWithItsCodingForAnHttp11Client() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /coded?size=" + SIZE + "&close=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("gzip, chunked", r.header("transfer-encoding"));
            assertArrayEquals(TestUpstream.Pattern.bytes(0, SIZE), r.body());
        }
    }

    @Test
    void gzipChunkedResponseIs502ForAnHttp10Client() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /coded?size=" + SIZE + " HTTP/1.0\r\nHost: example.com\r\n\r\n");
            assertEquals(ResponseFlag.UPE.status(), r.status(), r.statusLine() + " " + r.bodyText());
            assertEquals(ResponseFlag.UPE.body() + "\n", r.bodyText());
            assertNull(r.header("x-upstream"), "a local reply, not the upstream's head");
            assertNull(r.header("transfer-encoding"));
            w.assertClosedByPeer(5_000);
        }
    }

    @Test
    void gzipChunkedResponseIs502ForAKeepAliveHttp10ClientToo() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange(
                    "GET /coded?size=10 HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(ResponseFlag.UPE.status(), r.status(), r.statusLine() + " " + r.bodyText());
            assertEquals(ResponseFlag.UPE.body() + "\n", r.bodyText());
        }
    }
}
