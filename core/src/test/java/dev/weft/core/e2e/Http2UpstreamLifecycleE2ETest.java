package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.Http2Settings;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The life of upstream HTTP/2 connections (clusters with {@code http2: true}): counted in the cluster's
 * {@code upstream_cx_*} stats, closed with GOAWAY after {@code pool_idle_timeout} without streams, and with
 * {@code http2_keepalive} closed when a PING goes unanswered; and a downstream HTTP/2 request whose body stalls is
 * reset after {@code stream_idle_timeout} with its upstream stream cancelled. Upstreams: nghttpd (Debian
 * {@code nghttp2-server}) with its frame log, and {@link RawH2Upstream} for a peer that stops answering PINGs. Each
 * behaviour has its own cluster, so stats are per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2UpstreamLifecycleE2ETest {
    private static final int MIB = 1024 * 1024;

    private Path dir;
    private Process nghttpd;
    private Path nghttpdLog;
    private int nghttpdPort;
    private RawH2Upstream raw;
    private WeftServer proxy;
    private InetSocketAddress main;
    private InetSocketAddress stalling;
    private InetSocketAddress admin;
    private byte[] big;
    private final HttpClient jdk = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        String nghttpdBin = E2E.tool("nghttpd", Http2UpstreamE2ETest.NGHTTP2_SERVER);
        dir = Files.createTempDirectory("weft-h2-lifecycle");
        Path docroot = Files.createDirectories(dir.resolve("htdocs"));
        big = TestUpstream.Pattern.bytes(0, MIB);
        Files.write(docroot.resolve("big.bin"), big);
        Files.writeString(docroot.resolve("small.txt"), "small\n");
        nghttpdPort = E2E.closedPort();
        nghttpdLog = dir.resolve("nghttpd.log");
        // -v: every frame nghttpd receives is logged, so the test sees the GOAWAY and RST_STREAM Weft sends
        nghttpd = new ProcessBuilder(nghttpdBin, "-v", "-a", "127.0.0.1", "-d", docroot.toString(), "--echo-upload",
                "--no-tls", String.valueOf(nghttpdPort)).redirectErrorStream(true)
                .redirectOutput(nghttpdLog.toFile()).start();
        awaitListening(nghttpdPort);
        raw = RawH2Upstream.start(Set.of(1)); // its first connection stops answering PINGs

        String routes = route("counted") + route("idle") + route("keepalive") + route("stall") + route("dead");
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: main
                    address: 127.0.0.1
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                %s
                  - name: stalling
                    address: 127.0.0.1
                    port: 0
                    codec: http2
                    stat_prefix: stalling
                    access_log: [{path: %s}]
                    http2: {stream_idle_timeout: 1s}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                %sclusters:
                %s%s%s%s%s""".formatted(routes.stripTrailing(), dir.resolve("access.log"), routes,
                h2("counted", nghttpdPort, ""),
                h2("idle", nghttpdPort, "    pool_idle_timeout: 1s\n"),
                // a timeout far above the interval: a stall of a busy machine must not time out the healthy
                // connection's PING
                h2("keepalive", raw.port(), "    http2_keepalive: {interval: 200ms, timeout: 3s}\n"),
                h2("stall", nghttpdPort, ""),
                h2("dead", E2E.refusedPort(), "    connect_timeout: 1s\n")));
        main = proxy.address("main");
        stalling = proxy.address("stalling");
        admin = proxy.adminAddress();
    }

    private static String route(String name) {
        return """
                          - match: {prefix: /%s/}
                            route: {cluster: %s, prefix_rewrite: /}
                """.formatted(name, name);
    }

    private static String h2(String name, int port, String extra) {
        return E2E.cluster(name, port, "    http2: true\n" + extra);
    }

    private static void awaitListening(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    fail("nothing listens on " + port + " after 10 s");
                }
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (nghttpd != null) {
            nghttpd.destroyForcibly();
            nghttpd.waitFor(10, TimeUnit.SECONDS);
        }
        if (raw != null) {
            raw.close();
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private String url(String path) {
        return "http://127.0.0.1:" + main.getPort() + path;
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private String stats() throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private long stat(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (-?\\d+)$").matcher(stats());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Waits (bounded) until the stat has the value. */
    private void awaitStat(String name, long value, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (stat(name) != value) {
            if (System.nanoTime() > end) {
                fail(name + " is not " + value + " after " + millis + " ms:\n" + stats());
            }
            Thread.sleep(20);
        }
    }

    private String nghttpdLog() throws IOException {
        return Files.readString(nghttpdLog, StandardCharsets.ISO_8859_1);
    }

    /** Waits (bounded) until nghttpd's frame log matches. */
    private void awaitLog(Pattern p, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!p.matcher(nghttpdLog()).find()) {
            if (System.nanoTime() > end) {
                fail("nghttpd's log has no " + p + " after " + millis + " ms:\n" + nghttpdLog());
            }
            Thread.sleep(20);
        }
    }

    private static String awaitLogLine(Path log, String needle) throws Exception {
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
        throw new AssertionError("no access log line with " + needle + " in " + log);
    }

    // ---- stats ----------------------------------------------------------------------------------------------------

    @Test
    void http2ConnectionsAreCountedInTheClusterStats() throws Exception {
        assertEquals(0, stat("cluster.counted.upstream_cx_total"), stats());
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> r = get("/counted/small.txt");
            assertEquals(200, r.statusCode());
        }
        assertEquals(1, stat("cluster.counted.upstream_cx_total"), "one shared connection: " + stats());
        assertEquals(1, stat("cluster.counted.upstream_cx_http2_total"), stats());
        assertEquals(1, stat("cluster.counted.upstream_cx_active"), stats());
        assertEquals(0, stat("cluster.counted.upstream_cx_destroy"), stats());
        assertEquals(3, stat("cluster.counted.upstream_rq_total"), stats());

        // a connect that fails: counted as such, never as an established HTTP/2 connection
        HttpResponse<byte[]> dead = get("/dead/x");
        assertEquals(502, dead.statusCode());
        assertEquals(1, stat("cluster.dead.upstream_cx_total"), stats());
        assertEquals(1, stat("cluster.dead.upstream_cx_connect_fail"), stats());
        assertEquals(0, stat("cluster.dead.upstream_cx_http2_total"), stats());
        assertEquals(0, stat("cluster.dead.upstream_cx_active"), stats());
    }

    // ---- pool_idle_timeout -------------------------------------------------------------------------------------

    @Test
    void aConnectionWithoutStreamsIsClosedWithGoAwayAfterThePoolIdleTimeout() throws Exception {
        // a download held up longer than the idle timeout (1 s) by an HTTP/2 client that keeps its window closed:
        // its stream keeps the upstream connection busy, not idle, and the connection is not closed under it
        try (RawH2 client = RawH2.connect(main, new Http2Settings().initialWindowSize(1024))
                .autoWindowUpdate(false)) {
            client.get(1, "/idle/big.bin");
            assertEquals(200, client.awaitHeaders(1).status());
            Thread.sleep(2_500);
            assertEquals(1, stat("cluster.idle.upstream_rq_active"), "the download is still going: " + stats());
            assertEquals(1, stat("cluster.idle.upstream_cx_active"), stats());
            assertEquals(0, stat("cluster.idle.upstream_cx_idle_timeout"), "busy for 2.5 s, not idle: " + stats());
            client.autoWindowUpdate(true);
            client.settings(new Http2Settings().initialWindowSize(65_535));
            RawH2.Response r = client.awaitResponse(1, 30_000);
            assertEquals(200, r.status());
            assertArrayEquals(big, r.body(), "the whole download through a connection with a 1 s idle timeout");
        }

        // idle now: closed after about a second (the timer looks every second), with GOAWAY NO_ERROR
        awaitStat("cluster.idle.upstream_cx_idle_timeout", 1, 5_000);
        awaitStat("cluster.idle.upstream_cx_active", 0, 2_000);
        awaitStat("cluster.idle.upstream_cx_destroy", 1, 2_000); // counted just after active went down
        awaitLog(Pattern.compile("recv GOAWAY frame <[^>]*>\\s*\\(last_stream_id=0, error_code=NO_ERROR\\(0x00\\), "
                + "opaque_data\\(12\\)=\\[idle timeout\\]\\)"), 5_000);

        // the next request gets a fresh connection
        HttpResponse<byte[]> again = get("/idle/small.txt");
        assertEquals(200, again.statusCode());
        assertEquals(2, stat("cluster.idle.upstream_cx_total"), stats());
        assertEquals(2, stat("cluster.idle.upstream_cx_http2_total"), stats());
        assertEquals(1, stat("cluster.idle.upstream_cx_active"), stats());
    }

    // ---- http2_keepalive ----------------------------------------------------------------------------------------

    @Test
    void anUnansweredPingClosesTheConnectionAndNewStreamsGoToAFreshOne() throws Exception {
        HttpResponse<byte[]> first = get("/keepalive/x");
        assertEquals(200, first.statusCode());
        assertEquals("ok", new String(first.body(), StandardCharsets.US_ASCII));
        RawH2Upstream.Conn mute = raw.connection(1, 5_000);

        // PING every 200 ms, 3 s for its ACK: the first connection never answers
        awaitStat("cluster.keepalive.http2.keepalive_timeout", 1, 10_000);
        assertTrue(mute.awaitClosed(5_000), "Weft closed the unresponsive connection");
        assertEquals(1, mute.pings.get(), "one PING outstanding at a time");
        awaitStat("cluster.keepalive.upstream_cx_active", 0, 2_000);
        awaitStat("cluster.keepalive.upstream_cx_destroy", 1, 2_000); // counted just after active went down

        // a new request goes to a fresh connection, which answers its PINGs and stays
        HttpResponse<byte[]> second = get("/keepalive/x");
        assertEquals(200, second.statusCode());
        RawH2Upstream.Conn live = raw.connection(2, 5_000);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (live.pings.get() < 4) {
            assertTrue(System.nanoTime() < end, "PINGs keep coming on a healthy connection: " + live.pings.get());
            Thread.sleep(50);
        }
        assertTrue(!live.isClosed(), "a connection that answers its PINGs stays open");
        assertEquals(1, stat("cluster.keepalive.http2.keepalive_timeout"), stats());
        assertEquals(2, stat("cluster.keepalive.upstream_cx_total"), stats());
        assertEquals(1, stat("cluster.keepalive.upstream_cx_active"), stats());
        assertEquals(200, get("/keepalive/x").statusCode());
        assertEquals(2, raw.connections().size(), "the healthy connection is reused");
    }

    // ---- downstream request body stall to an HTTP/2 upstream ----------------------------------------------------

    @Test
    void aStalledRequestBodyIsResetAndItsUpstreamStreamCancelled() throws Exception {
        long before = stat("http.stalling.http2.stream_idle_timeout");
        try (RawH2 good = RawH2.connect(stalling); RawH2 bad = RawH2.connect(stalling)) {
            long start = System.nanoTime();
            bad.headers(1, RawH2.request("POST", "/stall/echo", "content-length", "1000"), false);
            bad.data(1, new byte[100], false); // then nothing more, and no END_STREAM
            // meanwhile another connection on the same listener is served as usual
            RawH2.Response ok = get(good, 1, "/stall/small.txt");
            assertEquals(200, ok.status());
            bad.assertRst(1, ErrorCode.CANCEL);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 900, "reset after stream_idle_timeout (1 s), not after " + millis + " ms");
            assertTrue(bad.events().stream().noneMatch(e -> e instanceof RawH2.Headers h && h.streamId() == 1),
                    "no reply, a reset: " + bad.events());
            awaitStat("http.stalling.http2.stream_idle_timeout", before + 1, 5_000);
            awaitStat("http.stalling.response_flags.SI", 1, 5_000);
            awaitStat("cluster.stall.upstream_rq_active", 0, 5_000);
            // the upstream request was aborted: nghttpd got RST_STREAM CANCEL for it
            awaitLog(Pattern.compile("recv RST_STREAM frame <[^>]*>\\s*\\(error_code=CANCEL\\(0x08\\)\\)"), 5_000);
            String line = awaitLogLine(dir.resolve("access.log"), "\"/stall/echo\"");
            assertTrue(line.contains("\"response_flags\":\"SI\""), line);
            // both connections go on, and the upstream connection too
            assertEquals(200, get(bad, 3, "/stall/small.txt").status());
            assertEquals(200, get(good, 3, "/stall/small.txt").status());
            assertEquals(1, stat("cluster.stall.upstream_cx_total"), stats());
        }
    }

    private static RawH2.Response get(RawH2 c, int streamId, String path) throws Exception {
        c.get(streamId, path);
        return c.awaitResponse(streamId);
    }
}
