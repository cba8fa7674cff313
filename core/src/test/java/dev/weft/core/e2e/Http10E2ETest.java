package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** HTTP/1.0 clients on raw sockets: keep-alive only when asked for, bodies without length read until close. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class Http10E2ETest {
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
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {path: /direct}
                            direct_response: {status: 200, body: "direct\\n"}
                          - match: {prefix: /up/}
                            route: {cluster: a, prefix_rewrite: /}
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
    void keepAliveHttp10ClientGetsConnectionKeepAliveAndCanSendASecondRequest() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r1 = w.exchange("GET /up/one HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(200, r1.status());
            assertEquals("ok", r1.bodyText());
            assertEquals("2", r1.header("content-length"));
            assertEquals("keep-alive", r1.header("connection"));

            Wire.Response r2 = w.exchange("GET /up/two HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n");
            assertEquals(200, r2.status());
            assertEquals("keep-alive", r2.header("connection"));
            assertEquals("/two", upstream.lastRequest().target());
            assertEquals("HTTP/1.1", upstream.lastRequest().requestLine().split(" ")[2],
                    "the proxy speaks HTTP/1.1 upstream");
            assertEquals(null, upstream.lastRequest().header("connection"), "keep-alive is hop-by-hop");

            // a third request without keep-alive ends the connection
            Wire.Response r3 = w.exchange("GET /up/three HTTP/1.0\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r3.status());
            assertTrue(r3.closes());
            w.assertClosedByPeer(5_000);
        }
    }

    @Test
    void http10ClientWithoutKeepAliveGetsTheResponseAndTheConnectionClosed() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /up/plain HTTP/1.0\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("ok", r.bodyText());
            assertTrue(r.closes(), "connection: close is stated");
            w.assertClosedByPeer(5_000);
        }
    }

    @Test
    void http10ClientReceivingAChunkedUpstreamBodyGetsTheRawBodyUntilClose() throws Exception {
        int size = 150_000;
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /up/download?size=" + size + "&chunked=1 HTTP/1.0\r\nHost: example.com\r\n"
                    + "\r\n");
            assertEquals(200, r.status());
            assertNull(r.header("transfer-encoding"), "no chunked framing towards an HTTP/1.0 client");
            assertNull(r.header("content-length"));
            assertNull(r.header("x-checksum"), "trailers cannot be sent without chunked framing");
            assertTrue(r.closes());
            // Wire reads a body without framing until close: the payload, de-chunked, and nothing else
            assertArrayEquals(TestUpstream.Pattern.bytes(0, size), r.body());
        }
    }

    @Test
    void keepAliveHttp10ClientReceivingAChunkedUpstreamBodyStillGetsItUntilClose() throws Exception {
        int size = 10_000;
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /up/download?size=" + size + "&chunked=1 HTTP/1.0\r\nHost: example.com\r\n"
                    + "Connection: keep-alive\r\n\r\n");
            assertEquals(200, r.status());
            assertNull(r.header("transfer-encoding"));
            assertTrue(r.closes(), "the body is delimited by the close, so keep-alive is refused");
            assertArrayEquals(TestUpstream.Pattern.bytes(0, size), r.body());
        }
    }

    @Test
    void http10ClientReceivingAnUnframedUpstreamBodyGetsItUntilClose() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /up/until-close?size=5000 HTTP/1.0\r\nHost: example.com\r\n"
                    + "Connection: keep-alive\r\n\r\n");
            assertEquals(200, r.status());
            assertNull(r.header("transfer-encoding"));
            assertTrue(r.closes());
            assertArrayEquals(TestUpstream.Pattern.bytes(0, 5000), r.body());
        }
    }

    @Test
    void keepAliveHttp10ClientGetsConnectionKeepAliveOnLocalReplies() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response direct = w.exchange("GET /direct HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive"
                    + "\r\n\r\n");
            assertEquals(200, direct.status());
            assertEquals("direct\n", direct.bodyText());
            assertEquals("keep-alive", direct.header("connection"));
            Wire.Response notFound = w.exchange("GET /nowhere HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive"
                    + "\r\n\r\n");
            assertEquals(404, notFound.status());
            assertEquals("keep-alive", notFound.header("connection"));
            assertEquals(200, w.exchange("GET /up/x HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n\r\n")
                    .status());
        }
    }

    @Test
    void http10RequestWithoutHostIsForwardedWithAHost() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /up/echo-headers HTTP/1.0\r\n\r\n");
            assertEquals(200, r.status());
        }
        String host = upstream.lastRequest().header("host");
        assertTrue(host != null && !host.isEmpty(), "an HTTP/1.1 upstream needs a Host: " + host);
        assertEquals(1, upstream.lastRequest().headers("host").size());
    }

    @Test
    void http10PostWithContentLengthIsForwarded() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("POST /up/sink HTTP/1.0\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(200, r.status());
            assertEquals("bytes=5 sha256=" + ProtocolE2ETest.sha("hello"), r.bodyText());
            w.assertClosedByPeer(5_000);
        }
    }
}
