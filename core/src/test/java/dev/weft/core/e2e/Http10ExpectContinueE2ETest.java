package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** RFC 9110 section 15.2: no 1xx response to an HTTP/1.0 client, even one that sends {@code Expect: 100-continue}. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class Http10ExpectContinueE2ETest {
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
    void http10ClientWithExpectContinueGetsOnlyTheFinalResponse() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /sink?v=10 HTTP/1.0\r\nHost: example.com\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"
                    + "hello");
            Wire.Response r = w.read();
            // the first response is the final one (the proxy may answer HTTP/1.1, its own version)
            assertEquals(200, r.status(), "no interim 100 before the final response: " + r.statusLine());
            assertEquals("bytes=5 sha256=" + ProtocolE2ETest.sha("hello"), r.bodyText());
            // nothing follows (no late 100 either): the HTTP/1.0 connection just ends
            w.assertClosedByPeer(5_000);
        }
        TestUpstream.Request req = upstream.requestsTo("/sink").getLast();
        assertEquals(List.of(), req.headers("expect"));
        assertEquals("hello", new String(req.body(), StandardCharsets.US_ASCII));
    }

    @Test
    void keepAliveHttp10ClientWithExpectContinueGetsOnlyFinalResponsesOnEveryRequest() throws Exception {
        try (Wire w = Wire.connect(address)) {
            for (int i = 0; i < 2; i++) {
                w.send("POST /sink?k=" + i + " HTTP/1.0\r\nHost: example.com\r\nConnection: keep-alive\r\n"
                        + "Content-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
                Wire.Response r = w.read();
                assertEquals(200, r.status(), "request " + i + ": " + r.statusLine());
                assertEquals("keep-alive", r.header("connection"));
                assertEquals("bytes=5 sha256=" + ProtocolE2ETest.sha("hello"), r.bodyText());
            }
            // a third request proves that no stray 100 sits between the responses
            Wire.Response last = w.exchange("GET /x HTTP/1.0\r\nHost: example.com\r\n\r\n");
            assertEquals(200, last.status(), last.statusLine());
        }
    }
}
