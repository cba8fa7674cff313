package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests over raw sockets: each gets its exact status and {@code connection: close}, never reaches the
 * upstream, and does not disturb other connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class MalformedRequestE2ETest {
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

    static Stream<Arguments> malformed() {
        List<Arguments> c = new ArrayList<>();
        c.add(Arguments.of("content-length with transfer-encoding", 400,
                "POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
        c.add(Arguments.of("two different content-lengths", 400,
                "POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
        c.add(Arguments.of("obs-fold", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"));
        c.add(Arguments.of("space before colon", 400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"));
        c.add(Arguments.of("bare LF", 400, "GET / HTTP/1.1\nHost: a\n\n"));
        c.add(Arguments.of("missing Host in HTTP/1.1", 400, "GET / HTTP/1.1\r\nX-A: b\r\n\r\n"));
        c.add(Arguments.of("two Host fields", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
        c.add(Arguments.of("NUL in a value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n"));
        c.add(Arguments.of("request line too long", 414,
                "GET /" + "a".repeat(17 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
        c.add(Arguments.of("head too large", 431,
                "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(61 * 1024) + "\r\n\r\n"));
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i < 101; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        c.add(Arguments.of("too many header fields", 431, many.append("\r\n").toString()));
        c.add(Arguments.of("unknown transfer coding", 501,
                "POST /sink HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"));
        c.add(Arguments.of("CONNECT", 501, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
        c.add(Arguments.of("HTTP/2.0 request line", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"));
        c.add(Arguments.of("malformed version", 400, "GET / HTTP/1.x\r\nHost: a\r\n\r\n"));
        return c.stream();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformed")
    void malformedRequestGetsItsStatusAndTheConnectionCloses(String description, int status, String request)
            throws Exception {
        int before = upstream.requests().size();
        try (Wire w = Wire.connect(address)) {
            w.send(request + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"); // a pipelined request that must not run
            Wire.Response r = w.read();
            assertEquals(status, r.status(), description + ": " + r.bodyText());
            assertTrue(r.closes(), "connection: close expected, got " + r.headerLines());
            assertEquals("weft", r.header("server"));
            w.assertClosedByPeer(5_000);
        }
        assertEquals(before, upstream.requests().size(), "nothing reached the upstream");
    }

    @Test
    void smugglingAttemptIsIsolatedFromAStreamingDownload() throws Exception {
        long size = 32L * 1024 * 1024;
        try (Wire a = Wire.connect(address)) {
            a.send("GET /download?size=" + size + " HTTP/1.1\r\nHost: a\r\n\r\n");
            // read the head and a first part of the body so that A is mid-stream
            List<String> head = TestUpstream.readHead(a.in);
            assertTrue(head.get(0).startsWith("HTTP/1.1 200"), head.get(0));
            MessageDigest sha = TestUpstream.sha256();
            OutputStream sink = new DigestOutputStream(OutputStream.nullOutputStream(), sha);
            TestUpstream.copyExactly(a.in, 1024 * 1024, sink);

            try (Wire b = Wire.connect(address)) {
                b.send("POST /sink HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");
                Wire.Response rb = b.read();
                assertEquals(400, rb.status());
                assertTrue(rb.closes());
                b.assertClosedByPeer(5_000);
            }

            TestUpstream.copyExactly(a.in, size - 1024 * 1024, sink);
            assertEquals(TestUpstream.Pattern.sha256(size), TestUpstream.hex(sha.digest()),
                    "download on A intact");
            Wire.Response next = a.exchange("GET /status/200 HTTP/1.1\r\nHost: a\r\n\r\n");
            assertEquals(200, next.status(), "A stays usable");
        }
        try (Wire c = Wire.connect(address)) {
            assertEquals("ok", c.exchange("GET / HTTP/1.1\r\nHost: a\r\n\r\n").bodyText());
        }
        assertEquals(List.of(), upstream.requestsTo("/smuggled"));
        assertEquals(List.of(), upstream.requestsTo("/sink"));
    }
}
