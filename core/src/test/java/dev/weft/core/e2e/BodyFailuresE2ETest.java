package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.pool.Http1Pool;
import dev.weft.core.server.WeftServer;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A body that stops halfway, on either side: the request body stalls, or the upstream dies inside its body. */
@Timeout(30)
class BodyFailuresE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    idle_timeout: 300ms
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

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    private Http1Pool pool() {
        return proxy.cluster("a").hosts().get(0).pool();
    }

    @Test
    void stalledRequestBodyGets408AndTheUpstreamConnectionIsClosedNotReused() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink HTTP/1.1\r\nHost: example.com\r\nContent-Length: 100\r\n\r\n0123456789");
            Wire.Response r = w.read();
            assertEquals(408, r.status(), r.bodyText());
            assertEquals("request timeout\n", r.bodyText());
            assertTrue(r.closes(), "408 carries connection: close");
            w.assertClosedByPeer(5_000);
        }
        // the upstream was waiting for the other 90 bytes: it sees its connection closed
        upstream.awaitClosedByPeer(1, 5_000);
        assertEquals(1, upstream.acceptedConnections());
        assertEquals(List.of(), upstream.requestsTo("/sink"), "the upstream never got a whole request");
        assertEquals(0, pool().openConnections(), "the pool accounts the closed connection");

        Wire.Response next = Wire.get(address, "example.com", "/next");
        assertEquals(200, next.status());
        assertEquals(2, upstream.acceptedConnections(), "the half-written upstream connection was not reused");
    }

    @Test
    void stalledChunkedRequestBodyGets408Too() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            Wire.Response r = w.read();
            assertEquals(408, r.status(), r.bodyText());
            w.assertClosedByPeer(5_000);
        }
        upstream.awaitClosedByPeer(1, 5_000);
        assertEquals(200, Wire.get(address, "example.com", "/next").status());
        assertEquals(2, upstream.acceptedConnections());
    }

    @Test
    void upstreamClosingMidBodyTruncatesTheResponseAndClosesTheClientConnection() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("GET /truncated?size=1000000&send=1000 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            List<String> head = TestUpstream.readHead(w.in);
            assertEquals("HTTP/1.1 200 OK", head.get(0));
            assertTrue(head.contains("content-length: 1000000"), head.toString());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = w.in.read(buf)) >= 0) {
                    body.write(buf, 0, n);
                }
            } catch (SocketException reset) {
                // a reset ends the stream as well
            }
            // a truncated body, never a wrong one, and no bytes after it
            assertArrayEquals(TestUpstream.Pattern.bytes(0, 1000), body.toByteArray());
        }
        assertEquals(0, pool().openConnections(), "the failed connection left the pool");
        assertEquals(0, proxy.cluster("a").hosts().get(0).activeRequests());
        Wire.Response next = Wire.get(address, "example.com", "/next");
        assertEquals(200, next.status());
        assertEquals("ok", next.bodyText());
        assertEquals(2, upstream.acceptedConnections());
    }

    @Test
    void upstreamClosingMidChunkedBodyTruncatesTheResponseWithoutTheLastChunk() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("GET /truncated?chunked=1&send=1000 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            List<String> head = TestUpstream.readHead(w.in);
            assertEquals("HTTP/1.1 200 OK", head.get(0));
            assertTrue(head.contains("transfer-encoding: chunked"), head.toString());
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            try {
                TestUpstream.readChunked(w.in, body, new java.util.ArrayList<>());
                throw new AssertionError("the client got a last chunk for a body the upstream never finished");
            } catch (java.io.EOFException | SocketException expected) {
                // the proxy closed the connection instead of ending the chunked body
            }
            assertArrayEquals(TestUpstream.Pattern.bytes(0, 1000), body.toByteArray());
        }
        assertEquals(200, Wire.get(address, "example.com", "/next").status());
        assertEquals(2, upstream.acceptedConnections());
    }
}
