package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.pool.Http1Pool;
import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP/1.1 mechanics end to end: 100-continue, pipelining, keep-alive reuse upstream, body framing passthrough. */
@Timeout(60)
class ProtocolE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start(E2E.simple("a", upstream.port()));
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
    void expectContinueGets100BeforeTheBodyAndTheUpstreamNeverSeesExpect() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink HTTP/1.1\r\nHost: example.com\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
            Wire.Response interim = w.read();
            assertEquals("HTTP/1.1 100 Continue", interim.statusLine());
            w.send("hello world");
            Wire.Response r = w.read();
            assertEquals(200, r.status());
            assertEquals("bytes=11 sha256=" + sha("hello world"), r.bodyText());
        }
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals(List.of(), req.headers("expect"));
        assertEquals("11", req.header("content-length"));
        assertEquals("hello world", new String(req.body(), StandardCharsets.US_ASCII));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        String pipeline = "GET /echo-headers?n=1 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "POST /sink HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /delay?ms=50 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "POST /sink HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
                + "GET /status/201 HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "GET /echo-headers?n=6 HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n";
        try (Wire w = Wire.connect(address)) {
            w.send(pipeline); // one write
            Wire.Response r1 = w.read();
            Wire.Response r2 = w.read();
            Wire.Response r3 = w.read();
            Wire.Response r4 = w.read();
            Wire.Response r5 = w.read();
            Wire.Response r6 = w.read();
            assertTrue(r1.bodyText().startsWith("GET /echo-headers?n=1 HTTP/1.1\r\n"), r1.bodyText());
            assertEquals("bytes=5 sha256=" + sha("hello"), r2.bodyText());
            assertEquals("delayed", r3.bodyText());
            assertEquals("bytes=5 sha256=" + sha("abcde"), r4.bodyText());
            assertEquals(201, r5.status());
            assertEquals("status 201", r5.bodyText());
            assertTrue(r6.bodyText().startsWith("GET /echo-headers?n=6 HTTP/1.1\r\n"), r6.bodyText());
            assertTrue(r6.closes(), "the last request asked to close");
            w.assertClosedByPeer(5_000);
        }
    }

    @Test
    void sequentialRequestsReuseFewUpstreamConnections() throws Exception {
        HttpClient client = E2E.httpClient();
        URI uri = URI.create("http://127.0.0.1:" + address.getPort() + "/");
        for (int i = 0; i < 200; i++) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri.resolve("/n" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            assertEquals("ok", r.body());
        }
        assertEquals(200, upstream.requests().size());
        assertTrue(upstream.acceptedConnections() <= 3,
                "200 sequential requests opened " + upstream.acceptedConnections() + " upstream connections");
        assertTrue(pool().connectsStarted() <= 3);
    }

    @Test
    void upstreamConnectionClosedByConnectionCloseIsNotReused() throws Exception {
        try (Wire w = Wire.connect(address)) {
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
            int before = upstream.acceptedConnections();
            for (int i = 0; i < 5; i++) {
                Wire.Response r = w.exchange("GET /connection-close HTTP/1.1\r\nHost: example.com\r\n\r\n");
                assertEquals(200, r.status());
                assertEquals("closing", r.bodyText());
                assertFalse(r.closes(), "the upstream's connection: close is hop-by-hop; the client stays");
            }
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
            // the first /connection-close reused the pooled connection; each later request needed a new one
            assertEquals(before + 5, upstream.acceptedConnections());
        }
    }

    @Test
    void responseWithoutFramingIsReadUntilCloseAndChunkedToTheClient() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /until-close?size=100000 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("chunked", r.header("transfer-encoding"));
            assertNull(r.header("content-length"));
            assertArrayEquals(TestUpstream.Pattern.bytes(0, 100_000), r.body());
            // the client connection stays usable; the upstream one is gone
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
            assertEquals(2, upstream.acceptedConnections());
        }
    }

    @Test
    void chunkedRequestBodyIsForwardedChunked() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;ext=1\r\nwxyz\r\n1\r\n!\r\n0\r\nx-trailer: t\r\n\r\n");
            Wire.Response r = w.read();
            assertEquals("bytes=5 sha256=" + sha("wxyz!"), r.bodyText());
        }
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals(List.of("chunked"), req.headers("transfer-encoding"));
        assertEquals(List.of(), req.headers("content-length"));
        assertEquals("wxyz!", new String(req.body(), StandardCharsets.US_ASCII));
        assertEquals(List.of("x-trailer: t"), req.trailerLines());
    }

    @Test
    void contentLengthRequestBodyKeepsItsContentLength() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("PUT /sink HTTP/1.1\r\nHost: example.com\r\nContent-Length: 3\r\n\r\nabc");
            assertEquals("bytes=3 sha256=" + sha("abc"), r.bodyText());
        }
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals(List.of("3"), req.headers("content-length"));
        assertEquals(List.of(), req.headers("transfer-encoding"));
    }

    @Test
    void headRequestGetsTheHeadOnly() throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("HEAD /download?size=5000 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status());
            assertEquals("5000", r.header("content-length"));
            // the next response on the same connection is intact: no stray body bytes
            Wire.Response next = w.exchange("GET /status/204 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(204, next.status());
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
        }
    }

    static String sha(String s) {
        return TestUpstream.hex(TestUpstream.sha256().digest(s.getBytes(StandardCharsets.US_ASCII)));
    }
}
