package dev.weft.admin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.admin.server.HttpExchange.Response;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HTTP/1.1 on the admin connection: the codec's strictness, keep-alive, pipelining, HEAD, bodies, shutdown. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdminProtocolTest {
    private AdminFixture fixture;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws IOException {
        fixture = new AdminFixture();
        address = fixture.address();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void malformedRequestLineIs400AndCloses() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send("GET /stats HTTP/1.1 extra\r\nhost: 127.0.0.1\r\n\r\n");
            Response r = exchange.read(false);
            assertEquals(400, r.status());
            assertEquals("close", r.field("connection"));
            assertTrue(r.body().startsWith("http1."), r.body());
            assertTrue(exchange.closedByPeer());
        }
    }

    @Test
    void smugglingShapedRequestIs400WithTheCodecDetail() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send("POST /reset_counters HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: 3\r\n"
                    + "transfer-encoding: chunked\r\n\r\n0\r\n\r\n");
            Response r = exchange.read(false);
            assertEquals(400, r.status());
            assertEquals("http1.content_length_with_transfer_encoding\n", r.body());
            assertTrue(exchange.closedByPeer());
        }
        assertTrue(HttpExchange.get(address, "/stats").body().contains("upstream_rq_total: 42"), "not reset");
    }

    @Test
    void missingHostIs400() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send("GET /ready HTTP/1.1\r\n\r\n");
            Response r = exchange.read(false);
            assertEquals(400, r.status());
            assertEquals("http1.missing_host\n", r.body());
        }
    }

    @Test
    void oversizedHeadIs431AndCloses() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            String big = "x-filler: " + "a".repeat(8_000) + "\r\n";
            exchange.send("GET /ready HTTP/1.1\r\nhost: 127.0.0.1\r\n" + big.repeat(10) + "\r\n");
            Response r = exchange.read(false);
            assertEquals(431, r.status());
            assertTrue(exchange.closedByPeer());
        }
    }

    @Test
    void http2PrefaceIsRefused() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
            Response r = exchange.read(false);
            assertTrue(r.status() == 400 || r.status() == 505, "status " + r.status());
            assertTrue(exchange.closedByPeer());
        }
    }

    @Test
    void keepAliveServesManyRequestsOnOneConnection() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            for (int i = 0; i < 5; i++) {
                exchange.send(HttpExchange.raw("GET", "/ready", address));
                Response r = exchange.read(false);
                assertEquals(200, r.status());
                assertEquals("LIVE\n", r.body());
                assertEquals(null, r.field("connection"));
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("GET", "/ready", address) + HttpExchange.raw("GET", "/listeners", address)
                    + HttpExchange.raw("HEAD", "/ready", address) + HttpExchange.raw("GET", "/nope", address));
            assertEquals("LIVE\n", exchange.read(false).body());
            assertTrue(exchange.read(false).body().startsWith("ingress::"));
            Response head = exchange.read(true);
            assertEquals(200, head.status());
            assertEquals("5", head.field("content-length"));
            assertEquals(404, exchange.read(false).status());
        }
    }

    @Test
    void headSendsTheGetHeadersWithoutABody() throws IOException {
        Response get = HttpExchange.get(address, "/clusters");
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("HEAD", "/clusters", address));
            Response head = exchange.read(true);
            assertEquals(200, head.status());
            assertEquals("", head.body());
            assertEquals(String.valueOf(get.body().getBytes(StandardCharsets.UTF_8).length),
                    head.field("content-length"));
            assertEquals(get.contentType(), head.contentType());
            // the next response starts right after the head: no stray body bytes in between
            exchange.send(HttpExchange.raw("GET", "/ready", address));
            assertEquals("LIVE\n", exchange.read(false).body());
        }
    }

    @Test
    void http10ClosesAfterTheResponse() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send("GET /ready HTTP/1.0\r\n\r\n");
            Response r = exchange.read(false);
            assertEquals(403, r.status(), "HTTP/1.0 without Host is refused by the loopback Host check");
        }
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send("GET /ready HTTP/1.0\r\nhost: 127.0.0.1\r\n\r\n");
            Response r = exchange.read(false);
            assertEquals(200, r.status());
            assertEquals("close", r.field("connection"));
            assertTrue(exchange.closedByPeer());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("GET", "/ready", address, "connection: close"));
            assertEquals("close", exchange.read(false).field("connection"));
            assertTrue(exchange.closedByPeer());
        }
    }

    @Test
    void postBodiesAreReadAndDiscardedKeepingTheConnection() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("POST", "/healthcheck/fail", address, "content-length: 5") + "hello"
                    + HttpExchange.raw("POST", "/healthcheck/ok", address, "transfer-encoding: chunked")
                    + "3\r\nabc\r\n0\r\n\r\n"
                    + HttpExchange.raw("GET", "/ready", address));
            assertEquals(200, exchange.read(false).status());
            assertEquals(200, exchange.read(false).status());
            assertEquals("LIVE\n", exchange.read(false).body());
        }
        assertEquals(List.of("healthcheckFail(true)", "healthcheckFail(false)"), fixture.views.calls);
    }

    @Test
    void expectContinueGets100BeforeTheBody() throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(HttpExchange.raw("POST", "/drain_listeners", address,
                    "content-length: 2", "expect: 100-continue").getBytes(StandardCharsets.ISO_8859_1));
            byte[] interim = new DataInputStream(socket.getInputStream()).readNBytes(25);
            assertEquals("HTTP/1.1 100 Continue\r\n\r\n", new String(interim, StandardCharsets.ISO_8859_1));
            assertEquals(List.of(), fixture.views.calls, "nothing happens before the body arrives");
            socket.getOutputStream().write("ok".getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(socket.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 200", response);
        }
        assertEquals(List.of("drainListeners"), fixture.views.calls);
    }

    @Test
    void oversizedBodyIs413AndCloses() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("POST", "/drain_listeners", address, "content-length: 1000000"));
            Response r = exchange.read(false);
            assertEquals(413, r.status());
            assertTrue(exchange.closedByPeer());
        }
        assertEquals(List.of(), fixture.views.calls);
    }

    @Test
    void the413ReachesAClientThatIsStillSendingItsBody() throws Exception {
        // the client sends a part of a body the server refuses unread, then reads only after the server has closed:
        // a close with those bytes unread would reset the connection and destroy the 413 in the client's buffer
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(HttpExchange.raw("POST", "/drain_listeners", address, "content-length: 1000000")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(new byte[64 * 1024]);
            out.flush();
            Thread.sleep(300); // the server answered and closed its side meanwhile
            out.write(new byte[16 * 1024]); // still read (and dropped) by the server
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
        }
        assertEquals(List.of(), fixture.views.calls);
    }

    @Test
    void refusedRequestWithAnUnreadBodyCloses() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("POST", "/stats", address, "content-length: 4") + "abcd");
            Response r = exchange.read(false);
            assertEquals(405, r.status());
            assertEquals("close", r.field("connection"));
            assertTrue(exchange.closedByPeer());
        }
    }

    @Test
    void closeStopsAcceptingAndClosesOpenConnections() throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(HttpExchange.raw("GET", "/ready", address));
            assertEquals(200, exchange.read(false).status());
            fixture.server.close();
            assertTrue(exchange.closedByPeer(), "idle keep-alive connection closed by close()");
        }
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket(address.getAddress(), address.getPort())) {
                s.getOutputStream().write(HttpExchange.raw("GET", "/ready", address).getBytes());
                s.setSoTimeout(2_000);
                if (s.getInputStream().read() < 0) {
                    throw new IOException("closed");
                }
            }
        });
    }

    @Test
    void aBindFailureNamesTheAddress() {
        IOException e = assertThrows(IOException.class, () -> AdminServer.start(
                new AdminServer.Options("127.0.0.1", address.getPort(), null, List.of()), fixture.stats,
                fixture.views));
        assertTrue(e.getMessage().contains("127.0.0.1:" + address.getPort()), e.getMessage());
    }

    @Test
    void percentDecodingOfQueryValues() {
        QueryParameters q = QueryParameters.parse("filter=a%2Bb+c%5C.d&usedonly&format=json&format=text&=x&&");
        assertEquals("a+b+c\\.d", q.get("filter"));
        assertEquals("", q.get("usedonly"));
        assertEquals("json", q.get("format"), "first occurrence wins");
        assertFalse(q.has("missing"));
        assertEquals("\u00e9", QueryParameters.decode("%C3%A9"));
    }
}
