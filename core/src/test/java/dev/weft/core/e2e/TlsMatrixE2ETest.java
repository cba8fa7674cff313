package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
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
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * TLS cases beyond {@link TlsE2ETest}: client certificates outside their validity period, SNI certificate selection,
 * the JDK HTTP client as a TLS peer, abrupt TLS closes next to a streaming connection, many concurrent handshakes,
 * and upstream mTLS against a real nginx that requires client certificates.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsMatrixE2ETest {
    private static final String NGINX = "/usr/sbin/nginx";
    private static final DateTimeFormatter OPENSSL_DATE = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");

    private Pki pki;
    private TestUpstream app;
    private WeftServer proxy;
    private Process nginx;
    private Path nginxDir;
    private int nginxPort;
    private InetSocketAddress edge;
    private InetSocketAddress mtls;
    private InetSocketAddress front;
    private SSLContext trustMesh;
    private final HttpClient admin = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("weft-tls-matrix");
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        pki = new Pki(dir).ca("mesh")
                .leaf("edge", "mesh", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("a-test", "mesh", "DNS:a.test", 2)
                .leaf("wild", "mesh", "DNS:*.w.test", 2)
                .leaf("nginx", "mesh", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("client", "mesh", "URI:spiffe://mesh/ns/default/sa/web", 2)
                .leafWithDates("expired", "mesh", "URI:spiffe://mesh/ns/default/sa/web",
                        "200101000000Z", "210101000000Z")
                .leafWithDates("future", "mesh", "URI:spiffe://mesh/ns/default/sa/web",
                        now.plusDays(365).format(OPENSSL_DATE), now.plusDays(730).format(OPENSSL_DATE));
        trustMesh = sslContextTrusting(Path.of(pki.crt("mesh")));
        app = TestUpstream.start("app");
        startNginx(dir);
        proxy = E2E.start("""
                admin: {port: 0}
                listeners:
                  - name: edge
                    port: 0
                    tls:
                      certificates:
                        - {cert_file: %s, key_file: %s, server_names: ["a.test"]}
                        - {cert_file: %s, key_file: %s, server_names: ["*.w.test"]}
                        - {cert_file: %s, key_file: %s}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: app}
                  - name: mtls
                    port: 0
                    tls:
                      certificates: [{cert_file: %s, key_file: %s}]
                      ca_file: %s
                      require_client_certificate: true
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: app}
                  - name: front
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /mtls/}
                            route: {cluster: nginx_mtls, prefix_rewrite: /}
                          - match: {prefix: /nocert/}
                            route: {cluster: nginx_nocert, prefix_rewrite: /}
                          - match: {prefix: /wrongsan/}
                            route: {cluster: nginx_wrong_san, prefix_rewrite: /}
                clusters:
                %s
                  - name: nginx_mtls
                    endpoints: [{address: 127.0.0.1, port: %d}]
                    tls:
                      sni: localhost
                      ca_file: %s
                      cert_file: %s
                      key_file: %s
                      match_subject_alt_names: [{type: DNS, exact: localhost}]
                  - name: nginx_nocert
                    endpoints: [{address: 127.0.0.1, port: %d}]
                    tls:
                      sni: localhost
                      ca_file: %s
                  - name: nginx_wrong_san
                    endpoints: [{address: 127.0.0.1, port: %d}]
                    tls:
                      sni: localhost
                      ca_file: %s
                      cert_file: %s
                      key_file: %s
                      match_subject_alt_names: [{type: DNS, exact: not-nginx.test}]
                """.formatted(
                pki.crt("a-test"), pki.key("a-test"), pki.crt("wild"), pki.key("wild"),
                pki.crt("edge"), pki.key("edge"),
                pki.crt("edge"), pki.key("edge"), pki.crt("mesh"),
                E2E.cluster("app", app.port()),
                nginxPort, pki.crt("mesh"), pki.crt("client"), pki.key("client"),
                nginxPort, pki.crt("mesh"),
                nginxPort, pki.crt("mesh"), pki.crt("client"), pki.key("client")));
        edge = proxy.address("edge");
        mtls = proxy.address("mtls");
        front = proxy.address("front");
    }

    /** nginx on a loopback port, in the foreground, with its own prefix, pid file and error log. */
    private void startNginx(Path dir) throws Exception {
        assertTrue(Files.isExecutable(Path.of(NGINX)), "nginx is required: apt-get install nginx");
        nginxDir = Files.createDirectories(dir.resolve("nginx"));
        nginxPort = E2E.closedPort();
        Path conf = nginxDir.resolve("nginx.conf");
        Files.writeString(conf, """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d ssl;
                        ssl_certificate %3$s;
                        ssl_certificate_key %4$s;
                        ssl_client_certificate %5$s;
                        ssl_verify_client on;
                        location / { return 200 "nginx-mtls\\n"; }
                    }
                }
                """.formatted(nginxDir, nginxPort, pki.crt("nginx"), pki.key("nginx"), pki.crt("mesh")));
        // -e: the startup error log (before the config is read) would otherwise be /var/log/nginx/error.log
        nginx = new ProcessBuilder(NGINX, "-p", nginxDir.toString(), "-e", nginxDir.resolve("error.log").toString(),
                "-c", conf.toString(), "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(nginxDir.resolve("stdout.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket s = new Socket("127.0.0.1", nginxPort)) {
                return;
            } catch (IOException notYet) {
                if (!nginx.isAlive() || System.nanoTime() > deadline) {
                    fail("nginx did not start:\n" + Files.readString(nginxDir.resolve("stdout.log"))
                            + (Files.exists(nginxDir.resolve("error.log"))
                            ? Files.readString(nginxDir.resolve("error.log")) : ""));
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
        if (app != null) {
            app.close();
        }
        if (nginx != null) {
            nginx.destroy(); // SIGTERM: nginx's fast shutdown
            if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                nginx.destroyForcibly();
            }
        }
    }

    // ---- client certificates outside their validity period ----

    @Test
    void validClientCertificateIsServed() throws Exception {
        E2E.Run r = curlMtls("client");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.text().endsWith("\n200"), r.text());
    }

    @Test
    void expiredClientCertificateIsRefusedAndCounted() throws Exception {
        long before = stat(ssl(mtls, "fail_verify_error"));
        E2E.Run r = curlMtls("expired");
        assertTrue(r.exitCode() != 0 || !r.text().endsWith("\n200"), r.text());
        awaitStat(ssl(mtls, "fail_verify_error"), before + 1);
    }

    @Test
    void notYetValidClientCertificateIsRefusedAndCounted() throws Exception {
        long before = stat(ssl(mtls, "fail_verify_error"));
        E2E.Run r = curlMtls("future");
        assertTrue(r.exitCode() != 0 || !r.text().endsWith("\n200"), r.text());
        awaitStat(ssl(mtls, "fail_verify_error"), before + 1);
    }

    private E2E.Run curlMtls(String cert) throws Exception {
        return E2E.run(List.of(E2E.curl(), "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}",
                "--cacert", pki.crt("mesh"), "--cert", pki.crt(cert), "--key", pki.key(cert),
                "https://localhost:" + mtls.getPort() + "/echo-headers"), Duration.ofSeconds(20));
    }

    // ---- SNI certificate selection ----

    @Test
    void sniSelectsTheNamedCertificate() throws Exception {
        assertPresented("-servername a.test", "a-test");
    }

    @Test
    void sniMatchesAWildcardServerName() throws Exception {
        assertPresented("-servername x.w.test", "wild");
    }

    @Test
    void noSniGetsTheDefaultCertificate() throws Exception {
        assertPresented("-noservername", "edge");
    }

    @Test
    void unknownSniGetsTheDefaultCertificate() throws Exception {
        assertPresented("-servername unknown.test", "edge");
    }

    private void assertPresented(String sniOption, String expectedCn) throws Exception {
        E2E.Run r = E2E.run(List.of("sh", "-c", Pki.OPENSSL + " s_client -connect 127.0.0.1:" + edge.getPort()
                + " " + sniOption + " -CAfile " + pki.crt("mesh") + " < /dev/null"), Duration.ofSeconds(20));
        String out = r.text() + r.err();
        Matcher m = Pattern.compile("(?m)^subject=(.*)$").matcher(out);
        assertTrue(m.find(), out);
        assertEquals("CN = " + expectedCn, m.group(1).trim(), out);
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
    }

    // ---- the JDK HTTP client ----

    @Test
    void jdkHttpClientGetsA200OverTls() throws Exception {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustMesh)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = c.send(HttpRequest.newBuilder(
                URI.create("https://localhost:" + edge.getPort() + "/echo-headers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(HttpClient.Version.HTTP_1_1, r.version());
        assertTrue(r.body().toLowerCase().contains("x-forwarded-proto: https"), r.body());
        assertTrue(r.sslSession().isPresent());
        assertEquals("localhost", r.uri().getHost());
    }

    // ---- abrupt TLS closes next to a streaming connection ----

    @Test
    void abruptTlsClosesMidRequestDoNotDisturbAStreamingConnection() throws Exception {
        long size = 64L * 1024 * 1024;
        int[] aborted = {0};
        try (SSLSocket streaming = tlsSocket(edge)) {
            streaming.getOutputStream().write(("GET /download?size=" + size + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            streaming.getOutputStream().flush();
            MessageDigest sha = TestUpstream.sha256();
            long[] received = {0};
            OutputStream sink = new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    sha.update(b, off, len);
                    received[0] += len;
                    if (received[0] >= 1024 * 1024 && aborted[0] == 0) {
                        // the stream is flowing: now two clients vanish mid-request without close_notify
                        try {
                            abortMidRequest(false);
                            abortMidRequest(true);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        aborted[0] = 2;
                    }
                }
            };
            Wire.Response r = Wire.readResponse(streaming.getInputStream(), false, sink);
            assertEquals(200, r.status());
            assertEquals(2, aborted[0], "the aborts ran while the response streamed");
            assertEquals(size, received[0]);
            assertEquals(TestUpstream.Pattern.sha256(size), TestUpstream.hex(sha.digest()), "body intact");
        }
        // and the listener still serves new connections
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trustMesh).build();
        assertEquals(200, c.send(HttpRequest.newBuilder(URI.create("https://localhost:" + edge.getPort()
                + "/status/200")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    /**
     * A TLS client that sends the head and part of the body of an upload, then closes the TCP connection without a
     * TLS close_notify: with a FIN, or with a reset.
     */
    private void abortMidRequest(boolean reset) throws Exception {
        Socket plain = new Socket();
        plain.connect(edge, 5000);
        SSLSocket tls = (SSLSocket) trustMesh.getSocketFactory().createSocket(plain, "localhost", edge.getPort(), true);
        tls.startHandshake();
        OutputStream out = tls.getOutputStream();
        out.write("POST /sink HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000000\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[64 * 1024]);
        out.flush();
        Thread.sleep(100); // let the proxy forward what it got
        if (reset) {
            plain.setSoLinger(true, 0);
        }
        plain.close(); // the raw socket: no close_notify is sent
    }

    private SSLSocket tlsSocket(InetSocketAddress address) throws IOException {
        SSLSocketFactory f = trustMesh.getSocketFactory();
        SSLSocket s = (SSLSocket) f.createSocket();
        s.connect(address, 5000);
        s.setSoTimeout(30_000);
        s.startHandshake();
        return s;
    }

    // ---- many concurrent handshakes ----

    @Test
    void fiftyConcurrentTlsConnectionsAllSucceed() throws Exception {
        int n = 50;
        long before = stat(ssl(edge, "handshake"));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<E2E.Run>> runs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // each curl is its own TLS connection; the delay keeps them open at the same time
                runs.add(pool.submit(() -> E2E.run(List.of(E2E.curl(), "-sS", "--max-time", "30", "-o", "-",
                        "-w", "\n%{http_code}", "--cacert", pki.crt("mesh"),
                        "https://localhost:" + edge.getPort() + "/delay?ms=300"), Duration.ofSeconds(60))));
            }
            for (Future<E2E.Run> f : runs) {
                E2E.Run r = f.get(90, TimeUnit.SECONDS);
                assertEquals(0, r.exitCode(), r.err());
                assertEquals("delayed\n200", r.text());
            }
        } finally {
            pool.shutdownNow();
        }
        awaitStat(ssl(edge, "handshake"), before + n);
    }

    // ---- upstream mTLS to nginx requiring client certificates ----

    @Test
    void clusterWithAClientCertificateIsServedByNginx() throws Exception {
        Wire.Response r = Wire.get(front, "localhost", "/mtls/");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("nginx-mtls\n", r.bodyText());
        assertTrue(stat("cluster.nginx_mtls.ssl.handshake") >= 1);
    }

    /**
     * Without a client certificate the handshake itself succeeds (TLS 1.3: the client's empty Certificate message
     * only reaches nginx after the client's Finished, and nginx's {@code ssl_verify_client on} rejects at the HTTP
     * level): nginx answers 400 "No required SSL certificate was sent", which Weft passes through like any upstream
     * response. So this is a 400, not a 502.
     */
    @Test
    void clusterWithoutAClientCertificateGetsNginxs400PassedThrough() throws Exception {
        Wire.Response r = Wire.get(front, "localhost", "/nocert/");
        assertEquals(400, r.status(), r.bodyText());
        assertTrue(r.bodyText().contains("No required SSL certificate was sent"), r.bodyText());
    }

    @Test
    void clusterExpectingAnotherSanRefusesNginx() throws Exception {
        long before = stat("cluster.nginx_wrong_san.ssl.fail_verify_san");
        Wire.Response r = Wire.get(front, "localhost", "/wrongsan/");
        assertEquals(503, r.status(), r.bodyText()); // an identity refusal: 503 with flag UF
        awaitStat("cluster.nginx_wrong_san.ssl.fail_verify_san", before + 1);
    }

    // ---- helpers ----

    private static SSLContext sslContextTrusting(Path caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static String ssl(InetSocketAddress listener, String stat) {
        return "listener.127.0.0.1_" + listener.getPort() + ".ssl." + stat;
    }

    private long stat(String name) throws Exception {
        String s = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0; // counters appear on first use
    }

    private void awaitStat(String name, long atLeast) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v = -1;
        while (System.nanoTime() < deadline) {
            v = stat(name);
            if (v >= atLeast) {
                return;
            }
            Thread.sleep(20);
        }
        assertTrue(v >= atLeast, name + " = " + v + ", expected at least " + atLeast);
    }
}
