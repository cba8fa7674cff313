package dev.weft.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The harness's origin over real loopback sockets, spoken to byte by byte. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class OriginServerTest {

    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private OriginServer server;

    @BeforeEach
    void start() throws IOException {
        server = OriginServer.start(LOOPBACK);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void answersManyKeepAliveRequestsOnOneConnection() throws Exception {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int i = 0; i < 3000; i++) {
                String target = switch (i % 3) {
                    case 0 -> "/";
                    case 1 -> "/bytes/0";
                    default -> "/bytes/" + (i % 100) + "?i=" + i;
                };
                out.write(get(target, "").getBytes(StandardCharsets.US_ASCII));
                Response r = Response.read(in);
                assertEquals(200, r.status, target);
                assertNull(r.headers.get("connection"), target);
                if (i % 3 == 0) {
                    assertEquals("ok\n", r.text());
                    assertEquals("text/plain", r.headers.get("content-type"));
                } else {
                    assertEquals("application/octet-stream", r.headers.get("content-type"));
                    assertArrayEquals(pattern(i % 3 == 1 ? 0 : i % 100), r.body, target);
                }
            }
        }
        assertEquals(1, server.connectionsAccepted());
        assertEquals(3000, server.requestsServed());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4096, 1 << 20, OriginServer.MAX_BODY_BYTES})
    void bytesBodiesFollowThePattern(int size) throws Exception {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(get("/bytes/" + size, "").getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(200, r.status);
            assertEquals(String.valueOf(size), r.headers.get("content-length"));
            assertArrayEquals(pattern(size), r.body);
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (Socket s = connect(server)) {
            String three = get("/bytes/4096", "") + "HEAD /bytes/10 HTTP/1.1\r\nHost: t\r\n\r\n" + get("/x", "");
            s.getOutputStream().write(three.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertArrayEquals(pattern(4096), Response.read(in).body);
            Response head = Response.readHeadOnly(in);
            assertEquals("10", head.headers.get("content-length"), "HEAD: the GET's head without the body");
            assertEquals("ok\n", Response.read(in).text());
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(get("/bytes/5", "Connection: close\r\n").getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(200, r.status);
            assertEquals("close", r.headers.get("connection"));
            assertEndOfStream(s);
        }
    }

    @Test
    void http10PersistsOnlyWithKeepAlive() throws Exception {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("keep-alive", Response.read(s.getInputStream()).headers.get("connection"));
            out.write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("close", Response.read(s.getInputStream()).headers.get("connection"));
            assertEndOfStream(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "GET / HTTP/1.1\r\nHost: t\r\nBad Header\r\n\r\n",
            "GET / HTTP/1.1\r\n\r\n",                       // no Host
            "GARBAGE\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: t\nX: y\r\n\r\n"})    // bare LF
    void badRequestGets400AndClose(String request) throws Exception {
        try (Socket s = connect(server)) {
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(400, r.status, r.text());
            assertEquals("close", r.headers.get("connection"));
            assertTrue(r.text().startsWith("http1."), r.text());
            assertEndOfStream(s);
        }
        assertEquals(0, server.requestsServed());
    }

    @Test
    void tooLargeHeadGets431() throws Exception {
        try (Socket s = connect(server)) {
            String big = "GET / HTTP/1.1\r\nHost: t\r\nX: " + "a".repeat(OriginServer.READ_BUFFER_BYTES) + "\r\n\r\n";
            s.getOutputStream().write(big.getBytes(StandardCharsets.US_ASCII));
            Response r = Response.read(s.getInputStream());
            assertEquals(431, r.status);
            assertEndOfStream(s);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"/bytes/16777217", "/bytes/", "/bytes/12ab", "/bytes/99999999999"})
    void sizeOutsideTheRangeGets400AndKeepsTheConnection(String target) throws Exception {
        try (Socket s = connect(server)) {
            s.getOutputStream().write((get(target, "") + get("/bytes/3", "")).getBytes(StandardCharsets.US_ASCII));
            assertEquals(400, Response.read(s.getInputStream()).status);
            assertArrayEquals(pattern(3), Response.read(s.getInputStream()).body);
        }
    }

    @Test
    void requestBodiesAreReadAndDropped() throws Exception {
        try (Socket s = connect(server)) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] body = new byte[100_000];
            out.write("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.write("POST /bytes/2 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.write("4000\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[0x4000]);
            out.write("\r\n0\r\nX-Trailer: 1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ok\n", Response.read(in).text());
            assertArrayEquals(pattern(2), Response.read(in).body);

            out.write("PUT / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertEquals(100, Response.readHeadOnly(in).status);
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
            assertEquals("ok\n", Response.read(in).text());
            out.write(get("/bytes/1", "").getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(pattern(1), Response.read(in).body, "the connection is still in step");
        }
        assertEquals(4, server.requestsServed());
    }

    @Test
    void idleConnectionsAreClosed() throws Exception {
        // a 1 s idle timeout against 100 ms pauses: a busy machine's stall of a few hundred ms does not idle out
        // the busy connection
        try (OriginServer quick = OriginServer.start(LOOPBACK, null, Duration.ofSeconds(1));
             Socket idle = connect(quick);
             Socket busy = connect(quick)) {
            long start = System.nanoTime();
            for (int i = 0; i < 15; i++) { // busy for ~1.5 s, but never idle for 1 s
                busy.getOutputStream().write(get("/", "").getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, Response.read(busy.getInputStream()).status);
                Thread.sleep(100);
            }
            assertEndOfStream(idle);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4));
            busy.getOutputStream().write(get("/", "").getBytes(StandardCharsets.US_ASCII));
            assertEquals(200, Response.read(busy.getInputStream()).status);
        }
    }

    @Test
    void servesOverTls() throws Exception {
        TestTls.Server tls = TestTls.server();
        try (OriginServer secure = OriginServer.start(LOOPBACK, tls.context());
             SSLSocket s = (SSLSocket) TestTls.trustingClient().getSocketFactory()
                     .createSocket(secure.address().getAddress(), secure.port())) {
            s.setSoTimeout(5_000);
            s.startHandshake();
            assertEquals("TLSv1.3", s.getSession().getProtocol());
            OutputStream out = s.getOutputStream();
            out.write(get("/bytes/100000", "").getBytes(StandardCharsets.US_ASCII));
            assertArrayEquals(pattern(100_000), Response.read(s.getInputStream()).body);
            out.write(get("/", "Connection: close\r\n").getBytes(StandardCharsets.US_ASCII));
            assertEquals("ok\n", Response.read(s.getInputStream()).text());
            assertEquals(-1, s.getInputStream().read(), "close_notify after the last response");
        }
    }

    @Test
    void mainPrintsTheAddressAndExitsOnSigterm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                OriginServer.class.getName(), "127.0.0.1:0").redirectErrorStream(true).start();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = lines.readLine();
            assertTrue(line != null && line.matches("listening on 127\\.0\\.0\\.1:\\d+"), line);
            int port = Integer.parseInt(line.substring(line.lastIndexOf(':') + 1));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.getOutputStream().write(get("/bytes/3", "").getBytes(StandardCharsets.US_ASCII));
                assertArrayEquals(pattern(3), Response.read(s.getInputStream()).body);
            }
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exits on SIGTERM");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void parsesBindArguments() {
        assertEquals(new InetSocketAddress("127.0.0.1", 18080), OriginServer.parseBind("127.0.0.1:18080"));
        assertEquals(new InetSocketAddress("127.0.0.1", 9), OriginServer.parseBind("9"));
        assertEquals(new InetSocketAddress("::1", 80), OriginServer.parseBind("[::1]:80"));
        assertThrows(IllegalArgumentException.class, () -> OriginServer.parseBind("localhost:http"));
        assertThrows(IllegalArgumentException.class, () -> OriginServer.parseBind("localhost:70000"));
    }

    static String get(String target, String extraFields) {
        return "GET " + target + " HTTP/1.1\r\nHost: origin.test\r\n" + extraFields + "\r\n";
    }

    static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = OriginServer.patternByte(i);
        }
        return b;
    }

    private static Socket connect(OriginServer server) throws IOException {
        Socket s = new Socket(server.address().getAddress(), server.port());
        s.setSoTimeout(5_000);
        return s;
    }

    private static void assertEndOfStream(Socket s) throws IOException {
        try {
            assertEquals(-1, s.getInputStream().read(), "the server closed the connection");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open", e);
        }
    }

    /** A response read with Content-Length framing (all this server sends); header names in lower case. */
    record Response(int status, Map<String, String> headers, byte[] body) {

        String text() {
            return new String(body, StandardCharsets.US_ASCII);
        }

        static Response read(InputStream in) throws IOException {
            Response head = readHeadOnly(in);
            int length = Integer.parseInt(head.headers.get("content-length"));
            byte[] body = in.readNBytes(length);
            if (body.length != length) {
                throw new EOFException("body cut short: " + body.length + " of " + length);
            }
            return new Response(head.status, head.headers, body);
        }

        static Response readHeadOnly(InputStream in) throws IOException {
            String status = line(in);
            Map<String, String> headers = new HashMap<>();
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
            }
            return new Response(Integer.parseInt(status.substring(9, 12)), headers, new byte[0]);
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("connection closed mid-head: " + b);
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.US_ASCII);
        }
    }
}
