package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 to upstreams (clusters with {@code http2: true}) without gRPC: HTTP/1.1 clients (curl, the JDK client)
 * through Weft to real nghttpd servers (Debian {@code nghttp2-server}), in cleartext with prior knowledge and over TLS
 * with ALPN h2. Each behaviour gets its own cluster (and, where the server is configured or killed, its own nghttpd)
 * so that connection counts are per test. Every client run is bounded; a missing tool fails with its Debian package.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2UpstreamE2ETest {
    static final String NGHTTP2_SERVER = "nghttp2-server";
    private static final Duration RUN = Duration.ofSeconds(40);
    private static final int MIB = 1024 * 1024;
    private static final int HUGE_MIB = 48;

    private Path dir;
    private Path docroot;
    private Pki pki;
    private final List<Nghttpd> servers = new CopyOnWriteArrayList<>();
    private Nghttpd plain;
    private Nghttpd limited;
    private Nghttpd restart;
    private Nghttpd tls;
    private Nghttpd padded;
    private Nghttpd smallWindow;
    private WeftServer proxy;
    private int port;
    private int adminPort;
    private byte[] small;
    private byte[] big;
    private final HttpClient jdk = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        E2E.tool("nghttpd", NGHTTP2_SERVER);
        E2E.tool("curl", "curl");
        dir = Files.createTempDirectory("weft-h2-upstream");
        docroot = Files.createDirectories(dir.resolve("htdocs"));
        small = "hello over HTTP/2\n".getBytes(StandardCharsets.US_ASCII);
        big = TestUpstream.Pattern.bytes(0, MIB);
        Files.write(docroot.resolve("small.txt"), small);
        Files.write(docroot.resolve("big.bin"), big);
        try (var huge = Files.newOutputStream(docroot.resolve("huge.bin"))) {
            for (int i = 0; i < HUGE_MIB; i++) { // more than socket buffers and windows hold
                huge.write(TestUpstream.Pattern.bytes((long) i * MIB, MIB));
            }
        }
        pki = new Pki(dir).ca("h2upca").leaf("nghttpd", "h2upca", "DNS:localhost,IP:127.0.0.1", 2);

        plain = nghttpd(E2E.closedPort(), false, "--echo-upload");
        limited = nghttpd(E2E.closedPort(), false, "--max-concurrent-streams=2");
        restart = nghttpd(E2E.closedPort(), false);
        tls = nghttpd(E2E.closedPort(), true, "--echo-upload");
        padded = nghttpd(E2E.closedPort(), false, "--padding=255", "--no-content-length",
                "--trailer=x-upstream-trailer: from-nghttpd");
        smallWindow = nghttpd(E2E.closedPort(), false, "--echo-upload", "--window-bits=10",
                "--connection-window-bits=16");

        String routes = route("plain") + route("reuse") + route("abandon") + route("limited") + route("restart") + route("tls")
                + route("padded") + route("smallwin");
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
                %sclusters:
                %s%s%s%s%s%s%s%s""".formatted(routes,
                h2("plain", plain.port, ""),
                h2("abandon", plain.port, "    max_connections_per_endpoint: 1\n"),
                h2("reuse", plain.port, ""),
                h2("limited", limited.port, "    max_connections_per_endpoint: 2\n    connect_timeout: 10s\n"),
                h2("restart", restart.port, "    connect_timeout: 2s\n"),
                h2("tls", tls.port, "    tls: {ca_file: %s, sni: localhost}\n".formatted(pki.crt("h2upca"))),
                h2("padded", padded.port, ""),
                h2("smallwin", smallWindow.port, "")));
        port = proxy.address("main").getPort();
        adminPort = proxy.adminAddress().getPort();
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

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        servers.forEach(Nghttpd::kill);
    }

    // ---- nghttpd ------------------------------------------------------------------------------------------------------

    /** A running nghttpd on 127.0.0.1, serving {@link #docroot}. */
    final class Nghttpd {
        final int port;
        final boolean tls;
        final List<String> options;
        Process process;
        Path log;

        Nghttpd(int port, boolean tls, List<String> options) {
            this.port = port;
            this.tls = tls;
            this.options = options;
        }

        void start() throws Exception {
            List<String> cmd = new ArrayList<>(List.of(E2E.tool("nghttpd", NGHTTP2_SERVER), "-a", "127.0.0.1",
                    "-d", docroot.toString()));
            cmd.addAll(options);
            if (!tls) {
                cmd.add("--no-tls");
            }
            cmd.add(String.valueOf(port));
            if (tls) {
                cmd.add(pki.key("nghttpd"));
                cmd.add(pki.crt("nghttpd"));
            }
            log = Files.createTempFile(dir, "nghttpd-" + port, ".log");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    return;
                } catch (IOException e) {
                    if (!process.isAlive()) {
                        fail("nghttpd exited (" + process.exitValue() + "): " + cmd + "\n" + Files.readString(log));
                    }
                    if (System.nanoTime() > deadline) {
                        fail("nghttpd does not listen on " + port + " after 10 s: " + cmd + "\n"
                                + Files.readString(log));
                    }
                    Thread.sleep(50);
                }
            }
        }

        /** SIGKILL: the connections just close, no GOAWAY. */
        void kill() {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                try {
                    process.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private Nghttpd nghttpd(int port, boolean tls, String... options) throws Exception {
        Nghttpd n = new Nghttpd(port, tls, List.of(options));
        n.start();
        servers.add(n);
        return n;
    }

    // ---- clients ------------------------------------------------------------------------------------------------------

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    private E2E.Run curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("curl", "curl"), "-sS", "--max-time", "30"));
        cmd.addAll(List.of(args));
        return E2E.runBounded(cmd, RUN);
    }

    /** A response as {@code curl -i} prints it. */
    record Resp(int status, String head, byte[] body) {
        static Resp parse(E2E.Run run) {
            assertEquals(0, run.exitCode(), "curl exit code; stderr: " + run.err() + "\nstdout: " + run.text());
            String text = run.text();
            int start = 0;
            while (true) {
                int end = text.indexOf("\r\n\r\n", start);
                assertTrue(end > 0, "no response head in: " + text);
                String head = text.substring(start, end);
                int status = Integer.parseInt(head.split(" ")[1]);
                if (status >= 200) {
                    return new Resp(status, head, Arrays.copyOfRange(run.out(), end + 4, run.out().length));
                }
                start = end + 4; // an interim response (100 Continue)
            }
        }

        String header(String name) {
            Matcher m = Pattern.compile("(?im)^" + Pattern.quote(name) + ":\\s*(.*?)\\s*$").matcher(head);
            return m.find() ? m.group(1) : null;
        }
    }

    private String stats() throws Exception {
        return jdk.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private long stat(String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(stats());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    // ---- tests --------------------------------------------------------------------------------------------------------

    @Test
    void getSmallAndLargeByteExact() throws Exception {
        Resp r = Resp.parse(curl("-i", url("/plain/small.txt")));
        assertEquals(200, r.status(), r.head());
        assertTrue(r.head().startsWith("HTTP/1.1 200"), r.head());
        assertArrayEquals(small, r.body());
        assertEquals(String.valueOf(small.length), r.header("content-length"), r.head());
        assertEquals("text/plain", r.header("content-type"), r.head());
        assertTrue(r.header("server") != null, "the upstream's fields pass: " + r.head());

        Resp b = Resp.parse(curl("-i", url("/plain/big.bin")));
        assertEquals(200, b.status(), b.head());
        assertEquals(String.valueOf(MIB), b.header("content-length"), b.head());
        assertArrayEquals(big, b.body(), "1 MiB through an HTTP/2 upstream, byte-exact");

        // the JDK's HTTP/1.1 client, keep-alive, several in a row
        for (int i = 0; i < 3; i++) {
            HttpResponse<byte[]> j = jdk.send(HttpRequest.newBuilder(URI.create(url("/plain/big.bin"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, j.statusCode());
            assertArrayEquals(big, j.body());
        }
    }

    @Test
    void headAndNotFound() throws Exception {
        E2E.Run head = curl("-sS", "-I", url("/plain/big.bin"));
        Resp h = Resp.parse(head);
        assertEquals(200, h.status(), h.head());
        assertEquals(String.valueOf(MIB), h.header("content-length"), "HEAD keeps the length: " + h.head());
        assertEquals(0, h.body().length, "no body for HEAD");

        Resp nf = Resp.parse(curl("-i", url("/plain/no-such-file")));
        assertEquals(404, nf.status(), nf.head());
        assertTrue(new String(nf.body(), StandardCharsets.UTF_8).contains("404"), "the upstream's own 404 body");

        // a HEAD and a GET on one keep-alive connection after a 404: the connection is still in sync
        E2E.Run two = curl("-i", url("/plain/no-such-file"), url("/plain/small.txt"));
        assertEquals(0, two.exitCode(), two.err());
        assertTrue(two.text().contains("HTTP/1.1 404") && two.text().endsWith(new String(small,
                StandardCharsets.US_ASCII)), two.text());
    }

    @Test
    void postBodiesAreEchoed() throws Exception {
        Path upload = dir.resolve("upload.bin");
        byte[] body = TestUpstream.Pattern.bytes(7, MIB + 12_345);
        Files.write(upload, body);
        // Content-Length (curl adds Expect: 100-continue above 1 MiB)
        Resp cl = Resp.parse(curl("-i", "--data-binary", "@" + upload, url("/plain/echo")));
        assertEquals(200, cl.status(), cl.head());
        assertEquals("echo", cl.header("nghttpd-response"), cl.head());
        assertArrayEquals(body, cl.body(), "a 1 MiB request body reaches the upstream byte-exact");
        // chunked
        Resp ch = Resp.parse(curl("-i", "-H", "Transfer-Encoding: chunked", "-H", "Expect:", "--data-binary",
                "@" + upload, url("/plain/echo")));
        assertEquals(200, ch.status(), ch.head());
        assertArrayEquals(body, ch.body(), "a chunked request body as DATA frames");
        // small POST over TLS
        Resp t = Resp.parse(curl("-i", "--data-binary", "ping", url("/tls/echo")));
        assertEquals(200, t.status(), t.head());
        assertEquals("ping", new String(t.body(), StandardCharsets.US_ASCII));
        // empty POST
        Resp e = Resp.parse(curl("-i", "-X", "POST", "-H", "Content-Length: 0", url("/plain/echo")));
        assertEquals(200, e.status(), e.head());
        assertEquals(0, e.body().length);
    }

    @Test
    void http2ClientsToAnHttp2Upstream() throws Exception {
        // HTTP/2 end to end: curl with prior knowledge -> Weft (h2c) -> nghttpd
        Resp r = Resp.parse(curl("-i", "--http2-prior-knowledge", url("/plain/small.txt")));
        assertEquals(200, r.status(), r.head());
        assertTrue(r.head().startsWith("HTTP/2 200"), r.head());
        assertArrayEquals(small, r.body());
        Resp b = Resp.parse(curl("-i", "--http2-prior-knowledge", url("/plain/big.bin")));
        assertArrayEquals(big, b.body(), "1 MiB, HTTP/2 on both sides");
        Resp nf = Resp.parse(curl("-i", "--http2-prior-knowledge", url("/plain/nothing-here")));
        assertEquals(404, nf.status(), nf.head());
        Resp h = Resp.parse(curl("-i", "--http2-prior-knowledge", "-I", url("/plain/big.bin")));
        assertEquals(200, h.status(), h.head());
        assertEquals(String.valueOf(MIB), h.header("content-length"), h.head());
        assertEquals(0, h.body().length);

        Path upload = dir.resolve("upload-h2.bin");
        byte[] body = TestUpstream.Pattern.bytes(11, MIB + 777);
        Files.write(upload, body);
        Resp p = Resp.parse(curl("-i", "--http2-prior-knowledge", "--data-binary", "@" + upload,
                url("/plain/echo")));
        assertEquals(200, p.status(), p.head());
        assertArrayEquals(body, p.body(), "a 1 MiB request body, HTTP/2 on both sides");
        Resp w = Resp.parse(curl("-i", "--http2-prior-knowledge", "--data-binary", "@" + upload,
                url("/smallwin/echo")));
        assertArrayEquals(body, w.body(), "to an upstream with a 1 KiB stream window");
        Resp t = Resp.parse(curl("-i", "--http2-prior-knowledge", "--data-binary", "@" + upload, url("/tls/echo")));
        assertArrayEquals(body, t.body(), "to a TLS upstream");
        // trailers from the upstream reach an HTTP/2 client
        E2E.Run tr = E2E.runBounded(List.of(E2E.tool("nghttp", "nghttp2-client"), "-v", "-t", "20",
                url("/padded/small.txt")), RUN);
        assertEquals(0, tr.exitCode(), tr.text() + tr.err());
        assertTrue(tr.text().contains("x-upstream-trailer: from-nghttpd"), tr.text());
    }

    @Test
    void uploadHonoursASmallUpstreamWindow() throws Exception {
        // nghttpd advertises a 1023-byte stream window and a 64 KiB connection window: Weft must wait for its
        // WINDOW_UPDATEs, never send past them (nghttpd would answer FLOW_CONTROL_ERROR)
        Path upload = dir.resolve("upload-window.bin");
        byte[] body = TestUpstream.Pattern.bytes(3, 300_001);
        Files.write(upload, body);
        Resp r = Resp.parse(curl("-i", "-H", "Expect:", "--data-binary", "@" + upload, url("/smallwin/echo")));
        assertEquals(200, r.status(), r.head());
        assertArrayEquals(body, r.body());
        Resp again = Resp.parse(curl("-i", url("/smallwin/small.txt")));
        assertArrayEquals(small, again.body(), "the connection is still healthy");
    }

    @Test
    void paddedDataWithoutLengthAndTrailers() throws Exception {
        // padded DATA frames (the padding is flow-controlled too), no content-length: chunked to an HTTP/1.1 client
        // with the upstream's trailers after the last chunk; several times, so lost window credit would stall
        Path headers = dir.resolve("padded-headers.txt");
        for (int i = 0; i < 4; i++) {
            E2E.Run run = curl("--raw", "-D", headers.toString(), "-o", "-", url("/padded/big.bin"));
            assertEquals(0, run.exitCode(), run.err());
            String head = Files.readString(headers);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            byte[] decoded = dechunk(run.out());
            assertArrayEquals(big, decoded, "padded 1 MiB, byte-exact");
            String raw = run.text();
            assertTrue(raw.contains("\r\n0\r\nx-upstream-trailer: from-nghttpd\r\n\r\n"),
                    "the upstream's trailer follows the last chunk: " + raw.substring(Math.max(0, raw.length() - 200)));
        }
        // an HTTP/1.0 client: the body until close
        E2E.Run h10 = curl("--http1.0", "-i", url("/padded/small.txt"));
        Resp r = Resp.parse(h10);
        assertEquals(200, r.status(), r.head());
        assertArrayEquals(small, r.body());
    }

    private static byte[] dechunk(byte[] raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int i = 0;
        while (true) {
            int eol = indexOf(raw, i);
            String size = new String(raw, i, eol - i, StandardCharsets.US_ASCII);
            int semi = size.indexOf(';');
            int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            i = eol + 2;
            if (n == 0) {
                return out.toByteArray();
            }
            out.write(raw, i, n);
            i += n + 2;
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i + 1 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n') {
                return i;
            }
        }
        throw new AssertionError("no CRLF after " + from);
    }

    @Test
    void connectionsAreReused() throws Exception {
        long before = stat("cluster.reuse.upstream_cx_total");
        assertEquals(0, before, "no request went to cluster reuse yet");
        // 30 sequential requests on separate client connections, then 40 concurrent ones
        for (int i = 0; i < 30; i++) {
            HttpResponse<byte[]> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
                    HttpRequest.newBuilder(URI.create(url("/reuse/small.txt"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, r.statusCode());
            assertArrayEquals(small, r.body());
        }
        assertEquals(1, stat("cluster.reuse.upstream_cx_total"),
                "sequential requests share one upstream HTTP/2 connection: " + stats());
        List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            all.add(jdk.sendAsync(HttpRequest.newBuilder(URI.create(url("/reuse/big.bin"))).build(),
                    HttpResponse.BodyHandlers.ofByteArray()));
        }
        for (CompletableFuture<HttpResponse<byte[]>> f : all) {
            HttpResponse<byte[]> r = f.get(60, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertArrayEquals(big, r.body());
        }
        long total = stat("cluster.reuse.upstream_cx_total");
        assertTrue(total <= 4, "40 concurrent requests multiplexed on a few connections, not one each: " + total);
        assertEquals(70, stat("cluster.reuse.upstream_rq_total"), stats());
    }

    @Test
    void abandonedDownloadsGiveTheirWindowBack() throws Exception {
        // clients that go away in the middle of large downloads, all on one upstream connection: the response bytes
        // Weft had received but not forwarded must go back to the connection's flow-control window (16 MiB), or after
        // a few abandoned downloads the connection stalls for every request
        for (int i = 0; i < 24; i++) {
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET /abandon/huge.bin HTTP/1.1\r\nhost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] first = new byte[12];
                int n = s.getInputStream().readNBytes(first, 0, first.length);
                assertEquals("HTTP/1.1 200", new String(first, 0, n, StandardCharsets.US_ASCII));
                Thread.sleep(60); // the upstream fills the stream window meanwhile
                s.setSoLinger(true, 0); // close with a reset, as a client that gives up
            }
        }
        E2E.Run run = curl("-i", "--max-time", "10", url("/abandon/big.bin"));
        Resp r = Resp.parse(run);
        assertEquals(200, r.status(), r.head());
        assertArrayEquals(big, r.body(), "the shared connection still flows");
        assertEquals(1, stat("cluster.abandon.upstream_cx_total"), "all on one connection: " + stats());
    }

    @Test
    void upstreamMaxConcurrentStreamsIsHonoured() throws Exception {
        // nghttpd allows 2 streams per connection and refuses more with REFUSED_STREAM; Weft may open 2 connections:
        // 16 slow clients at once must queue for a stream, none refused (no 502/503)
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<E2E.Run>> runs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                runs.add(pool.submit(() -> curl("-i", "--limit-rate", "4M", url("/limited/big.bin"))));
            }
            for (Future<E2E.Run> f : runs) {
                Resp r = Resp.parse(f.get(90, TimeUnit.SECONDS));
                assertEquals(200, r.status(), r.head() + "\n" + new String(r.body(), StandardCharsets.UTF_8));
                assertArrayEquals(big, r.body());
            }
        } finally {
            pool.shutdownNow();
        }
        long cx = stat("cluster.limited.upstream_cx_total");
        assertTrue(cx >= 1 && cx <= 2, "at most max_connections_per_endpoint connections: " + cx);
        assertEquals(n, stat("cluster.limited.upstream_rq_total"), stats());
        assertEquals(0, stat("cluster.limited.upstream_rq_retry"),
                "no stream was refused and retried: the limit was respected, not discovered: " + stats());
    }

    @Test
    void upstreamKilledThenRestarted() throws Exception {
        Resp ok = Resp.parse(curl("-i", url("/restart/small.txt")));
        assertEquals(200, ok.status(), ok.head());

        // a slow download in flight when the upstream dies: the client sees a truncated response, never a whole one
        Path partial = dir.resolve("partial.bin");
        CompletableFuture<E2E.Run> slow = CompletableFuture.supplyAsync(() -> {
            try {
                return curl("-D", "-", "-o", partial.toString(), "--limit-rate", "4M", url("/restart/huge.bin"));
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!Files.exists(partial) || Files.size(partial) < 100_000) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(Files.exists(partial) && Files.size(partial) > 0, "the download started");
        restart.kill();
        E2E.Run cut = slow.get(30, TimeUnit.SECONDS);
        assertNotEquals(0, cut.exitCode(), "a truncated response is an error for curl: " + cut.err());
        assertTrue(Files.size(partial) < (long) HUGE_MIB * MIB, "not the whole body: " + Files.size(partial));
        assertTrue(cut.text().startsWith("HTTP/1.1 200"), cut.text());

        // with the upstream gone: a local 5xx, promptly
        for (int i = 0; i < 3; i++) {
            Resp down = Resp.parse(curl("-i", url("/restart/small.txt")));
            assertTrue(down.status() == 502 || down.status() == 503, "upstream down: " + down.head());
        }

        // back on the same port: Weft dials again
        restart.start();
        Resp back = null;
        for (int i = 0; i < 50; i++) {
            back = Resp.parse(curl("-i", url("/restart/small.txt")));
            if (back.status() == 200) {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals(200, back.status(), back.head());
        assertArrayEquals(small, back.body());
        Resp b = Resp.parse(curl("-i", url("/restart/big.bin")));
        assertArrayEquals(big, b.body());
    }

    @Test
    void tlsWithAlpnH2() throws Exception {
        Resp r = Resp.parse(curl("-i", url("/tls/small.txt")));
        assertEquals(200, r.status(), r.head());
        assertArrayEquals(small, r.body());
        Resp b = Resp.parse(curl("-i", url("/tls/big.bin")));
        assertEquals(200, b.status(), b.head());
        assertArrayEquals(big, b.body(), "1 MiB over TLS h2, byte-exact");
        Resp nf = Resp.parse(curl("-i", url("/tls/none")));
        assertEquals(404, nf.status(), nf.head());
        assertEquals(1, stat("cluster.tls.upstream_cx_total"), "one TLS connection for all: " + stats());
    }
}
