package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Downstream HTTP/2 in cleartext with prior knowledge (h2c), driven by real independent clients (curl with nghttp2,
 * nghttp, h2load) through Weft to real HTTP/1.1 upstreams: {@link TestUpstream}, and {@link RawUpstream} for canned
 * responses (early answers, connection-specific fields). Every client run is bounded; a missing tool fails the test
 * with the Debian package to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2ClientsE2ETest {
    static final String NGHTTP2_CLIENT = "nghttp2-client";
    private static final Duration RUN = Duration.ofSeconds(40);
    private static final int MIB = 1024 * 1024;
    private static final String UUID_V4 = "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

    private Path dir;
    private TestUpstream up;
    private RawUpstream raw;
    private WeftServer proxy;
    private String base;
    private int port;
    private int adminPort;
    private Path accessLog;
    private Path upload1m;
    private Path upload200k;
    private final HttpClient admin = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-h2-clients");
        up = TestUpstream.start("a");
        raw = RawUpstream.start();
        accessLog = dir.resolve("access.log");
        proxy = E2E.start(config(accessLog, up.port(), raw.port()));
        port = proxy.address("main").getPort();
        base = "http://127.0.0.1:" + port;
        adminPort = proxy.adminAddress().getPort();
        upload1m = dir.resolve("upload-1m.bin");
        Files.write(upload1m, TestUpstream.Pattern.bytes(0, MIB));
        upload200k = dir.resolve("upload-200k.bin");
        Files.write(upload200k, TestUpstream.Pattern.bytes(0, 200 * 1024));
    }

    /**
     * A listener (codec auto) with every kind of route, its access log and stats under {@code h2e2e}; and a second
     * one, {@code tight}, with the smallest connection window, where a few lost window credits stall everything.
     */
    static String config(Path accessLog, int upPort, int rawPort) throws IOException {
        String routes = """
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /direct}
                            direct_response: {status: 200, body: "direct answer\\n"}
                          - match: {prefix: /redirect}
                            redirect: {path_redirect: /new/place, response_code: 302}
                          - match: {prefix: /dead/}
                            route: {cluster: dead}
                          - match: {prefix: /raw/}
                            route: {cluster: raw, prefix_rewrite: /}
                          - match: {prefix: /up/}
                            route: {cluster: a, prefix_rewrite: /}
                """;
        return """
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: main
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: h2e2e
                    access_log: [{path: %s}]
                %s  - name: tight
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: tight
                    codec: http2
                    http2: {initial_connection_window_size: 65535, initial_stream_window_size: 65535}
                %sclusters:
                %s%s%s""".formatted(accessLog, routes, routes, E2E.cluster("a", upPort), E2E.cluster("raw", rawPort),
                E2E.cluster("dead", E2E.refusedPort(), "    connect_timeout: 2s\n"));
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (up != null) {
            up.close();
        }
        if (raw != null) {
            raw.close();
        }
    }

    // ---- clients ----------------------------------------------------------------------------------------------------

    /** curl with HTTP/2 prior knowledge, bounded by --max-time. */
    private E2E.Run curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("curl", "curl"), "-sS", "--max-time", "20",
                "--http2-prior-knowledge"));
        cmd.addAll(List.of(args));
        return E2E.runBounded(cmd, RUN);
    }

    static E2E.Run nghttp(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("nghttp", NGHTTP2_CLIENT), "-t", "20"));
        cmd.addAll(List.of(args));
        return E2E.runBounded(cmd, RUN);
    }

    /** A response as {@code curl -i} prints it: status line, lowercase field names in order, body. */
    record Resp(String statusLine, List<String[]> fields, byte[] body) {
        static Resp parse(E2E.Run run) {
            assertEquals(0, run.exitCode(), "exit code; stderr: " + run.err() + "\nstdout: " + run.text());
            byte[] out = run.out();
            String text = run.text();
            int end = text.indexOf("\r\n\r\n");
            assertTrue(end > 0, "no response head in: " + text);
            String[] lines = text.substring(0, end).split("\r\n");
            List<String[]> fields = new ArrayList<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                fields.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
            }
            return new Resp(lines[0].trim(), fields, Arrays.copyOfRange(out, end + 4, out.length));
        }

        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String version() {
            return statusLine.split(" ")[0];
        }

        String header(String name) {
            for (String[] f : fields) {
                if (f[0].equalsIgnoreCase(name)) {
                    return f[1];
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private long stat(String name) throws Exception {
        String s = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Waits (bounded) until a stat reaches {@code value}: stats are recorded just after a response goes out. */
    private long awaitStat(String name, long value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v = stat(name);
        while (v < value && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = stat(name);
        }
        return v;
    }

    /**
     * Waits (bounded) until no request is in flight on the {@code h2e2e} listener: a request leaves
     * downstream_rq_active only once it is counted, so baselines read after this hold every earlier test's requests.
     */
    private void awaitQuiet() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (stat("http.h2e2e.downstream_rq_active") != 0) {
            assertTrue(System.nanoTime() < deadline, "requests still in flight after 10 s");
            Thread.sleep(10);
        }
    }

    /** Waits (bounded) for an access log line containing {@code needle}. */
    static String awaitLogLine(Path log, String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains(needle)) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line with " + needle + " in " + log + ":\n"
                + (Files.exists(log) ? Files.readString(log) : "(no file)"));
    }

    /** The rows of nghttp's {@code -s} table: stream id, status code, body size (as nghttp prints it: 19K), path. */
    record NghttpRow(int stream, int code, String size, String path) {
    }

    static List<NghttpRow> nghttpStats(E2E.Run run) {
        List<NghttpRow> rows = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\s*(\\d+)\\s+\\+\\S+\\s+\\+\\S+\\s+\\S+\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s*$")
                .matcher(run.text());
        while (m.find()) {
            rows.add(new NghttpRow(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), m.group(3),
                    m.group(4)));
        }
        return rows;
    }

    private static String sha256(byte[] b) {
        return TestUpstream.hex(TestUpstream.sha256().digest(b));
    }

    // ---- basic requests ---------------------------------------------------------------------------------------------

    @Test
    void curlGetWithPriorKnowledgeIsProxiedToTheHttp11Upstream() throws Exception {
        Resp r = Resp.parse(curl("-i", base + "/up/echo-headers?x=1"));
        assertEquals("HTTP/2", r.version(), r.statusLine());
        assertEquals(200, r.status());
        assertEquals("a", r.header("x-upstream"));
        assertTrue(r.bodyText().startsWith("GET /echo-headers?x=1 HTTP/1.1\r\n"), r.bodyText());
        TestUpstream.Request req = up.lastRequest();
        assertEquals("GET /echo-headers?x=1 HTTP/1.1", req.requestLine());
        assertEquals(List.of("127.0.0.1:" + port), req.headers("host"), ":authority becomes Host");
        assertTrue(req.header("user-agent").startsWith("curl/"), req.headerLines().toString());
        assertEquals(List.of(), req.headers("content-length"), "no body, no content-length");
        assertEquals(List.of(), req.headers("transfer-encoding"));
    }

    @Test
    void nghttpGet() throws Exception {
        E2E.Run run = nghttp("-v", base + "/up/echo-headers?via=nghttp");
        assertEquals(0, run.exitCode(), run.err() + run.text());
        assertTrue(run.text().contains("recv (stream_id=13) :status: 200"), run.text());
        assertTrue(run.text().contains("GET /echo-headers?via=nghttp HTTP/1.1\r\n"), run.text());
        assertTrue(run.text().toLowerCase(Locale.ROOT).contains("\r\nuser-agent: nghttp2/"), run.text());
    }

    @Test
    void headGetsTheLengthAndNoBody() throws Exception {
        E2E.Run run = curl("-i", "-I", "-w", "size=%{size_download}", base + "/up/download?size=12345");
        Resp r = Resp.parse(run);
        assertEquals("HTTP/2 200", r.statusLine());
        assertEquals("12345", r.header("content-length"));
        assertEquals("size=0", r.bodyText());
        assertEquals("HEAD /download?size=12345 HTTP/1.1", up.lastRequest().requestLine());
        // nghttp checks the framing itself: a DATA frame on a HEAD response would be a protocol error
        E2E.Run n = nghttp("-v", "-H", ":method: HEAD", base + "/up/download?size=777");
        assertEquals(0, n.exitCode(), n.err() + n.text());
        assertTrue(n.text().contains("content-length: 777"), n.text());
        assertFalse(n.text().contains("recv DATA frame"), n.text());
    }

    @Test
    void oneMebibyteResponseIsByteExact() throws Exception {
        Path out = dir.resolve("download-1m.bin");
        E2E.Run run = curl("-o", out.toString(), "-w", "%{http_code} %{http_version}",
                base + "/up/download?size=" + MIB);
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("200 2", run.text());
        assertEquals(TestUpstream.Pattern.sha256(MIB), sha256(Files.readAllBytes(out)));
        // chunked from the upstream: the same bytes as DATA frames
        E2E.Run n = nghttp(base + "/up/download?size=" + MIB + "&chunked=1");
        assertEquals(0, n.exitCode(), n.err());
        assertEquals(MIB, n.out().length);
        assertEquals(TestUpstream.Pattern.sha256(MIB), sha256(n.out()));
    }

    @Test
    void oneMebibyteRequestBodyReachesTheUpstreamByteExact() throws Exception {
        String expected = "bytes=" + MIB + " sha256=" + TestUpstream.Pattern.sha256(MIB);
        Resp r = Resp.parse(curl("-i", "--data-binary", "@" + upload1m, base + "/up/sink?client=curl"));
        assertEquals("HTTP/2 200", r.statusLine());
        assertEquals(expected, r.bodyText());
        TestUpstream.Request req = up.requestsTo("/sink").stream()
                .filter(q -> q.target().equals("/sink?client=curl")).findFirst().orElseThrow();
        assertEquals("POST /sink?client=curl HTTP/1.1", req.requestLine());
        assertEquals(List.of(Integer.toString(MIB)), req.headers("content-length"));
        assertEquals(MIB, req.bodyLength());
        assertEquals(TestUpstream.Pattern.sha256(MIB), req.bodySha256());

        E2E.Run n = nghttp("-d", upload1m.toString(), base + "/up/sink?client=nghttp");
        assertEquals(0, n.exitCode(), n.err());
        assertEquals(expected, n.text());
        TestUpstream.Request nreq = up.requestsTo("/sink").stream()
                .filter(q -> q.target().equals("/sink?client=nghttp")).findFirst().orElseThrow();
        assertEquals(TestUpstream.Pattern.sha256(MIB), nreq.bodySha256());
    }

    // ---- concurrency ------------------------------------------------------------------------------------------------

    @Test
    void manyConcurrentStreamsOnOneConnection() throws Exception {
        long connections = stat("http.h2e2e.http2.cx_total");
        List<String> args = new ArrayList<>(List.of("-n", "-s", "-m", "40"));
        args.add(base + "/up/download?size=20000");
        args.add(base + "/up/download?size=70000&chunked=1");
        args.add(base + "/up/delay?ms=50");
        args.add(base + "/direct");
        E2E.Run run = nghttp(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.err() + run.text());
        List<NghttpRow> rows = nghttpStats(run);
        assertEquals(160, rows.size(), run.text());
        Map<String, String> sizes = new LinkedHashMap<>();
        for (NghttpRow row : rows) {
            assertEquals(200, row.code(), row.toString());
            String before = sizes.put(row.path(), row.size());
            assertTrue(before == null || before.equals(row.size()), row.toString());
        }
        // nghttp prints sizes in KiB, rounded down: 20000 bytes are 19K
        assertEquals(Map.of("/up/download?size=20000", "19K", "/up/download?size=70000&chunked=1", "68K",
                "/up/delay?ms=50", "7", "/direct", "14"), sizes);
        // and the bytes themselves: all 160 bodies, in whatever order their streams ended
        E2E.Run bodies = nghttp(args.subList(1, args.size()).toArray(String[]::new));
        assertEquals(0, bodies.exitCode(), bodies.err());
        String all = bodies.text();
        int statsAt = all.indexOf("***** Statistics *****");
        assertEquals(40L * (20000 + 70000 + 7 + 14), statsAt, "body bytes before the statistics");
        assertEquals(160, rows.stream().map(NghttpRow::stream).distinct().count(), "one stream per request");
        assertEquals(connections + 2, awaitStat("http.h2e2e.http2.cx_total", connections + 2),
                "each run's 160 requests on one HTTP/2 connection");
    }

    @Test
    void h2loadTwoThousandRequestsOverFourConnections() throws Exception {
        awaitQuiet(); // the previous test's last request may not be counted yet
        long connections = stat("http.h2e2e.http2.cx_total");
        long ok = stat("http.h2e2e.downstream_rq_2xx");
        E2E.Run run = E2E.runBounded(List.of(E2E.tool("h2load", NGHTTP2_CLIENT), "-n", "2000", "-c", "4", "-m", "10",
                base + "/up/"), RUN);
        assertEquals(0, run.exitCode(), run.err() + run.text());
        assertTrue(run.text().contains("requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, "
                + "0 errored, 0 timeout"), run.text());
        assertTrue(run.text().contains("status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx"), run.text());
        assertTrue(run.text().contains("Application protocol: h2c"), run.text());
        assertEquals(ok + 2000, awaitStat("http.h2e2e.downstream_rq_2xx", ok + 2000));
        assertEquals(connections + 4, awaitStat("http.h2e2e.http2.cx_total", connections + 4));
    }

    // ---- local replies ----------------------------------------------------------------------------------------------

    @Test
    void noRouteIs404NR() throws Exception {
        Resp r = Resp.parse(curl("-i", base + "/nothing/here"));
        assertEquals("HTTP/2 404", r.statusLine());
        assertEquals("no route\n", r.bodyText());
        assertEquals("text/plain", r.header("content-type"));
        String line = awaitLogLine(accessLog, "\"/nothing/here\"");
        assertTrue(line.contains("\"response_flags\":\"NR\""), line);
        assertTrue(line.contains("\"response_code\":404"), line);
    }

    @Test
    void directResponseRoute() throws Exception {
        Resp r = Resp.parse(curl("-i", base + "/direct"));
        assertEquals("HTTP/2 200", r.statusLine());
        assertEquals("direct answer\n", r.bodyText());
        assertEquals("14", r.header("content-length"));
    }

    @Test
    void redirectRouteCarriesTheLocation() throws Exception {
        Resp r = Resp.parse(curl("-i", base + "/redirect/old?q=1"));
        assertEquals("HTTP/2 302", r.statusLine());
        assertEquals("http://127.0.0.1:" + port + "/new/place?q=1", r.header("location"));
        assertEquals(0, r.body().length);
    }

    @Test
    void deadClusterGivesTheSameLocalReplyAsHttp11() throws Exception {
        Resp r = Resp.parse(curl("-i", base + "/dead/x"));
        Wire.Response h1 = Wire.get(new InetSocketAddress("127.0.0.1", port), "example.com", "/dead/x");
        assertTrue(r.status() == 502 || r.status() == 503, r.statusLine());
        assertEquals(h1.status(), r.status(), "HTTP/1.1 and HTTP/2 answer alike");
        assertEquals(h1.bodyText(), r.bodyText());
        String dead = awaitLogLine(accessLog, "\"path\":\"/dead/x\",\"protocol\":\"HTTP/2\"");
        assertTrue(dead.contains("\"response_flags\":\"UF\""), dead);
        assertTrue(dead.contains("\"upstream_cluster\":\"dead\""), dead);
    }

    // ---- header handling --------------------------------------------------------------------------------------------

    @Test
    void responseFieldsAreLowercasedWithoutConnectionSpecificOnes() throws Exception {
        Resp r = Resp.parse(curl("-i", base + "/raw/headers"));
        assertEquals("HTTP/2 200", r.statusLine());
        assertEquals("hello", r.bodyText(), "the chunked body, de-chunked");
        for (String[] f : r.fields()) {
            assertEquals(f[0].toLowerCase(Locale.ROOT), f[0], "field names are lowercase in HTTP/2");
        }
        assertEquals("Yes", r.header("x-mixed-case"), "values keep their case");
        assertEquals("text/plain", r.header("content-type"));
        for (String hop : RawUpstream.CONNECTION_SPECIFIC) {
            assertEquals(null, r.header(hop), hop + " must not be sent in HTTP/2");
        }
        // nghttp2 treats a connection-specific or uppercase field as a malformed response: its success is a check
        E2E.Run n = nghttp("-v", base + "/raw/headers");
        assertEquals(0, n.exitCode(), n.err() + n.text());
        assertTrue(n.text().contains(":status: 200"), n.text());
        assertTrue(n.text().contains("x-mixed-case: Yes"), n.text());
        assertFalse(n.text().contains("RST_STREAM"), n.text());
    }

    @Test
    void forwardingHeadersReachTheUpstream() throws Exception {
        Resp r = Resp.parse(curl("-i", "-H", "x-forwarded-for: 203.0.113.7", "-H", "x-forwarded-proto: https",
                base + "/up/echo-headers?fwd=1"));
        assertEquals(200, r.status());
        TestUpstream.Request req = up.lastRequest();
        assertEquals("/echo-headers?fwd=1", req.target());
        assertEquals(List.of("203.0.113.7, 127.0.0.1"), req.headers("x-forwarded-for"));
        assertEquals(List.of("http"), req.headers("x-forwarded-proto"), "set by the proxy, not taken from the client");
        assertEquals(1, req.headers("x-request-id").size());
        assertTrue(req.header("x-request-id").matches(UUID_V4), req.header("x-request-id"));

        Resp kept = Resp.parse(curl("-i", "-H", "x-request-id: abc-123", base + "/up/echo-headers?fwd=2"));
        assertEquals(200, kept.status());
        assertEquals(List.of("abc-123"), up.lastRequest().headers("x-request-id"));
        String line = awaitLogLine(accessLog, "\"request_id\":\"abc-123\"");
        assertTrue(line.contains("\"protocol\":\"HTTP/2\""), line);
    }

    @Test
    void cookieFieldsAreJoinedForTheHttp11Upstream() throws Exception {
        // nghttp sends each -H cookie as its own HTTP/2 field (RFC 9113 section 8.2.3 allows crumbs)
        E2E.Run n = nghttp("-H", "cookie: a=1", "-H", "cookie: b=2", "-H", "cookie: c=3; d=4",
                base + "/up/echo-headers?cookies=1");
        assertEquals(0, n.exitCode(), n.err());
        TestUpstream.Request req = up.lastRequest();
        assertEquals("/echo-headers?cookies=1", req.target());
        assertEquals(List.of("a=1; b=2; c=3; d=4"), req.headers("cookie"), "one HTTP/1.1 Cookie field");
        // curl's own cookie engine sends a single field: it arrives unchanged
        Resp r = Resp.parse(curl("-i", "-b", "x=1; y=2", base + "/up/echo-headers?cookies=2"));
        assertEquals(200, r.status());
        assertEquals(List.of("x=1; y=2"), up.lastRequest().headers("cookie"));
    }

    @Test
    void chunkedUpstreamTrailersArriveAsHttp2Trailers() throws Exception {
        E2E.Run n = nghttp("-v", base + "/up/trailers");
        assertEquals(0, n.exitCode(), n.err() + n.text());
        String out = n.text();
        assertTrue(out.contains("hello"), out);
        int data = out.indexOf("recv DATA frame");
        int trailer = out.indexOf("recv (stream_id=13) x-checksum: abc");
        assertTrue(data > 0 && trailer > data, "a trailer HEADERS frame after the DATA:\n" + out);
        String tail = out.substring(trailer);
        assertTrue(tail.matches("(?s).*recv HEADERS frame <length=\\d+, flags=0x05, stream_id=13>.*"),
                "the trailers end the stream:\n" + tail);
        for (String forbidden : List.of("content-length: 5", "host: evil", "set-cookie", "authorization",
                "www-authenticate", "transfer-encoding", "connection: close")) {
            assertFalse(tail.toLowerCase(Locale.ROOT).contains("(stream_id=13) " + forbidden),
                    forbidden + " is not forwarded as a trailer:\n" + tail);
        }
        // a large chunked body: its checksum trailer matches the bytes that came as DATA
        int size = 300_000;
        E2E.Run big = nghttp("-v", base + "/up/download?size=" + size + "&chunked=1");
        assertEquals(0, big.exitCode(), big.err());
        assertTrue(big.text().contains("x-checksum: " + TestUpstream.Pattern.sha256(size)), "trailer missing");
    }

    // ---- observability ----------------------------------------------------------------------------------------------

    @Test
    void accessLogLineSaysHttp2() throws Exception {
        Resp r = Resp.parse(curl("-i", "-A", "h2-e2e-agent", base + "/up/echo-headers?logged=1"));
        assertEquals(200, r.status());
        String line = awaitLogLine(accessLog, "\"/up/echo-headers?logged=1\"");
        assertTrue(line.contains("\"protocol\":\"HTTP/2\""), line);
        assertTrue(line.contains("\"method\":\"GET\""), line);
        assertTrue(line.contains("\"response_code\":200"), line);
        assertTrue(line.contains("\"upstream_cluster\":\"a\""), line);
        assertTrue(line.contains("\"user_agent\":\"h2-e2e-agent\""), line);
        assertTrue(line.contains("\"authority\":\"127.0.0.1:" + port + "\""), line);
    }

    @Test
    void http2StatsCountConnectionsAndResponses() throws Exception {
        awaitQuiet(); // the previous test's last request may not be counted yet
        long cx = stat("http.h2e2e.http2.cx_total");
        long ok = stat("http.h2e2e.downstream_rq_2xx");
        long nf = stat("http.h2e2e.downstream_rq_4xx");
        E2E.Run n = nghttp("-n", base + "/up/a", base + "/up/b", base + "/up/c", base + "/nowhere");
        assertEquals(0, n.exitCode(), n.err());
        assertEquals(ok + 3, awaitStat("http.h2e2e.downstream_rq_2xx", ok + 3));
        assertEquals(nf + 1, awaitStat("http.h2e2e.downstream_rq_4xx", nf + 1));
        assertEquals(cx + 1, awaitStat("http.h2e2e.http2.cx_total", cx + 1));
        // an HTTP/1.1 request on the same (auto) listener is not an HTTP/2 connection
        Resp h1 = Resp.parse(E2E.runBounded(List.of(E2E.tool("curl", "curl"), "-sS", "--max-time", "20",
                "--http1.1", "-i", base + "/up/h1"), RUN));
        assertEquals("HTTP/1.1 200", h1.statusLine().replace(" OK", ""));
        assertEquals(ok + 4, awaitStat("http.h2e2e.downstream_rq_2xx", ok + 4));
        assertEquals(cx + 1, stat("http.h2e2e.http2.cx_total"));
    }

    // ---- codec auto on plaintext --------------------------------------------------------------------------------------

    @Test
    void autoListenerServesHttp11AndH2cOnTheSamePort() throws Exception {
        String curl = E2E.tool("curl", "curl");
        Resp h1 = Resp.parse(E2E.runBounded(List.of(curl, "-sS", "--max-time", "20", "--http1.1", "-i",
                base + "/up/echo-headers?proto=1"), RUN));
        assertTrue(h1.statusLine().startsWith("HTTP/1.1 200"), h1.statusLine());
        Resp h2 = Resp.parse(curl("-i", base + "/up/echo-headers?proto=2"));
        assertEquals("HTTP/2 200", h2.statusLine());
        // curl --http2 on plain http asks for an Upgrade to h2c, which Weft does not do: it stays HTTP/1.1
        Resp upgrade = Resp.parse(E2E.runBounded(List.of(curl, "-sS", "--max-time", "20", "--http2", "-i",
                base + "/up/echo-headers?proto=upgrade"), RUN));
        assertTrue(upgrade.statusLine().startsWith("HTTP/1.1 200"), upgrade.statusLine());
        assertEquals(List.of(), up.lastRequest().headers("upgrade"));
        assertEquals(List.of(), up.lastRequest().headers("http2-settings"));
    }

    // ---- early responses: the upstream answers before the request body is through -----------------------------------

    /*
     * BUG (fixed in StreamHandler): curl 7.88 stops uploading once it has received response DATA for a stream whose
     * upload is unfinished (curl issue 10433, fixed in curl 8): it neither sends the rest nor ends the transfer, even
     * with the windows open. A RST_STREAM NO_ERROR after the response (what nginx and h2o send, RFC 9113 section 8.1)
     * makes curl 7.88 fail with "(92) Stream error in the HTTP/2 framing layer" when it comes at once, and hang when
     * it comes later. HEADERS alone do not stall it. So a complete early response keeps its body back while the client
     * is still sending: the rest of the request body is read and dropped (bounded), then the body goes out with
     * END_STREAM, as if the server had answered after the request.
     */
    @Test
    void curlPostToAnUpstreamThatAnswersBeforeReadingTheBody() throws Exception {
        for (String path : List.of("/raw/early", "/raw/early-noread")) {
            Resp r = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k, base + path));
            assertEquals("HTTP/2 200", r.statusLine(), path);
            assertEquals("early\n", r.bodyText(), path);
        }
        // the 413 of an upstream that refuses the body at once and closes
        Resp tooLarge = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload1m,
                base + "/up/early-413"));
        assertEquals("HTTP/2 413", tooLarge.statusLine());
        assertEquals("too large\n", tooLarge.bodyText());
    }

    @Test
    void earlyChunkedAndEmptyResponsesToCurlAndNghttp() throws Exception {
        Resp chunked = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k,
                base + "/raw/early-chunked"));
        assertEquals("HTTP/2 200", chunked.statusLine());
        assertTrue(chunked.bodyText().startsWith("early\n"), chunked.bodyText());
        assertTrue(chunked.bodyText().contains("x-early: yes"), "curl -i prints the trailers after the body");
        Resp empty = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k,
                base + "/raw/early-204"));
        assertEquals("HTTP/2 204", empty.statusLine());
        assertEquals(0, empty.body().length);
        // the trailers of a held response still end the stream, after its DATA
        E2E.Run n = nghttp("-v", "-d", upload200k.toString(), base + "/raw/early-chunked");
        assertEquals(0, n.exitCode(), n.err() + n.text());
        int data = n.text().indexOf("recv DATA frame <length=6");
        int trailer = n.text().indexOf("recv (stream_id=13) x-early: yes");
        assertTrue(data > 0 && trailer > data, n.text());
        assertFalse(n.text().contains("RST_STREAM"), n.text());
    }

    @Test
    void heldEarlyResponseLargerThanTheClientsStreamWindow() throws Exception {
        // nghttp -w 12: a 4 KiB stream window, smaller than the 8000 bytes kept back: the body needs the client's
        // WINDOW_UPDATEs for the stream after the request body has ended (a large one, so that it is still coming
        // when the response is ready)
        Path upload3m = dir.resolve("upload-3m.bin");
        Files.write(upload3m, TestUpstream.Pattern.bytes(0, 3 * MIB));
        E2E.Run n = nghttp("-w", "12", "-d", upload3m.toString(), base + "/raw/early-8k-noread");
        assertEquals(0, n.exitCode(), n.err());
        assertEquals(8_000, n.out().length, n.err());
        assertEquals(TestUpstream.Pattern.sha256(8_000), sha256(n.out()));
    }

    @Test
    void largeEarlyResponseStreamsWhileTheClientStillUploads() throws Exception {
        // larger than what is held back: it streams at once, and a client that keeps uploading (nghttp) gets it all
        E2E.Run n = nghttp("-d", upload1m.toString(), base + "/raw/early-big");
        assertEquals(0, n.exitCode(), n.err());
        assertEquals(100_000, n.out().length);
        assertEquals(TestUpstream.Pattern.sha256(100_000), sha256(n.out()));
    }

    @Test
    void curlPostToLocalRepliesCompletes() throws Exception {
        Resp direct = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k,
                base + "/direct"));
        assertEquals("HTTP/2 200", direct.statusLine());
        assertEquals("direct answer\n", direct.bodyText());
        Resp nr = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k, base + "/none"));
        assertEquals("HTTP/2 404", nr.statusLine());
        Resp redirect = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k,
                base + "/redirect/x"));
        assertEquals("HTTP/2 302", redirect.statusLine());
        Resp dead = Resp.parse(curl("-i", "--max-time", "10", "--data-binary", "@" + upload200k, base + "/dead/x"));
        assertEquals(502, dead.status());
    }

    @Test
    void earlyAnswersDoNotLeakTheConnectionWindow() throws Exception {
        // the tight listener's connection window is 64 KiB: a request body the proxy took off a stream but never gave
        // back to the window (an upstream that stopped reading, the exchange ended) soon stalls every later stream
        String tight = "http://127.0.0.1:" + proxy.address("tight").getPort();
        long cx = stat("http.tight.http2.cx_total");
        long errors = stat("http.tight.http2.rx_messaging_error");
        E2E.Run early = nghttp("-n", "-s", "-d", upload200k.toString(), "-m", "100", tight + "/raw/early-noread",
                tight + "/up/sink?after=early-noread-" + cx);
        assertEquals(0, early.exitCode(), early.err() + early.text());
        List<NghttpRow> rows = nghttpStats(early);
        assertEquals(200, rows.size(), early.err() + early.text());
        rows.forEach(row -> assertEquals(200, row.code(), row.toString()));
        List<TestUpstream.Request> sinks = up.requestsTo("/sink").stream()
                .filter(q -> q.target().equals("/sink?after=early-noread-" + cx)).toList();
        assertEquals(100, sinks.size());
        sinks.forEach(q -> assertEquals(TestUpstream.Pattern.sha256(200 * 1024), q.bodySha256()));
        assertEquals(cx + 1, awaitStat("http.tight.http2.cx_total", cx + 1), "all of them on one connection");
        // window credits given back by stream threads while the reader spends the window: none may be lost (a lost
        // one made the client's lawful DATA a FLOW_CONTROL_ERROR, GOAWAY, and requests not processed)
        assertEquals(errors, stat("http.tight.http2.rx_messaging_error"), early.err());
    }

    // ---- a small HTTP/1.1 upstream with canned responses ------------------------------------------------------------

    /**
     * An HTTP/1.1 origin with fixed answers, on plain sockets: {@code /early} answers 200 {@code early} at once and
     * only then reads (and drops) the request body, keeping the connection; {@code /early-noread} answers at once and
     * never reads the body (it says connection: close, and holds the connection open for up to 10 s), as does
     * {@code /early-8k-noread} with 8000 pattern bytes;
     * {@code /early-chunked} (body {@code early} chunked, trailer {@code x-early: yes}), {@code /early-204} and
     * {@code /early-big} (100000 pattern bytes) answer at once like {@code /early}; {@code /headers} answers with
     * mixed-case and connection-specific fields and a chunked body {@code hello}.
     */
    static final class RawUpstream implements AutoCloseable {
        static final List<String> CONNECTION_SPECIFIC = List.of("connection", "keep-alive", "proxy-connection",
                "transfer-encoding", "upgrade", "x-hop");
        private static final byte[] EARLY = ("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n"
                + "\r\nearly\n").getBytes(StandardCharsets.US_ASCII);
        private static final byte[] EARLY_CLOSE = ("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 6\r\n"
                + "connection: close\r\n\r\nearly\n").getBytes(StandardCharsets.US_ASCII);

        private final SocketServer server;
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final AtomicLong bodyBytesRead = new AtomicLong();

        private RawUpstream() throws IOException {
            // small socket buffers: a body nobody reads soon blocks the proxy's writes
            server = new SocketServer("raw-upstream", 512, 4096, this::serve);
        }

        static RawUpstream start() throws IOException {
            return new RawUpstream();
        }

        int port() {
            return server.port();
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                OutputStream out = s.getOutputStream();
                while (true) {
                    List<String> head = TestUpstream.readHead(in);
                    if (head == null) {
                        return;
                    }
                    requestLines.add(head.get(0));
                    String path = head.get(0).split(" ")[1];
                    int q = path.indexOf('?');
                    path = q < 0 ? path : path.substring(0, q);
                    switch (path) {
                        case "/early" -> {
                            out.write(EARLY);
                            out.flush();
                            skipBody(in, head);
                        }
                        case "/early-noread", "/early-8k-noread" -> {
                            // a server that leaves the body unread must not keep the connection
                            if (path.equals("/early-noread")) {
                                out.write(EARLY_CLOSE);
                            } else {
                                out.write(("HTTP/1.1 200 OK\r\ncontent-length: 8000\r\nconnection: close\r\n\r\n")
                                        .getBytes(StandardCharsets.US_ASCII));
                                out.write(TestUpstream.Pattern.bytes(0, 8000));
                            }
                            out.flush();
                            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                            while (!server.isClosed() && System.nanoTime() - end < 0) {
                                try {
                                    Thread.sleep(50); // holds the connection without reading the body
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                            return;
                        }
                        case "/early-chunked" -> {
                            out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n"
                                    + "trailer: x-early\r\n\r\n6\r\nearly\n\r\n0\r\nx-early: yes\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            skipBody(in, head);
                        }
                        case "/early-204" -> {
                            out.write("HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                            skipBody(in, head);
                        }
                        case "/early-big" -> {
                            int size = 100_000;
                            out.write(("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\n"
                                    + "content-length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(TestUpstream.Pattern.bytes(0, size));
                            out.flush();
                            skipBody(in, head);
                        }
                        case "/headers" -> {
                            skipBody(in, head);
                            out.write(("HTTP/1.1 200 OK\r\nX-Mixed-Case: Yes\r\nContent-Type: text/plain\r\n"
                                    + "Connection: keep-alive, X-Hop\r\nKeep-Alive: timeout=5\r\nX-Hop: secret\r\n"
                                    + "Proxy-Connection: keep-alive\r\nUpgrade: websocket\r\n"
                                    + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                        default -> {
                            skipBody(in, head);
                            out.write("HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n"
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    }
                }
            } catch (IOException e) {
                // the proxy closed the connection
            }
        }

        private void skipBody(InputStream in, List<String> head) throws IOException {
            String length = null;
            boolean chunked = false;
            for (String line : head.subList(1, head.size())) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = value;
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            OutputStream counter = new OutputStream() {
                @Override
                public void write(int b) {
                    bodyBytesRead.incrementAndGet();
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    bodyBytesRead.addAndGet(len);
                }
            };
            if (chunked) {
                TestUpstream.readChunked(in, counter, new ArrayList<>());
            } else if (length != null) {
                TestUpstream.copyExactly(in, Long.parseLong(length), counter);
            }
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
