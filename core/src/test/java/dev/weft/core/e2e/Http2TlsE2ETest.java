package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 over TLS, chosen by ALPN, with real independent clients: the JDK's HttpClient, curl and node's http2
 * module; and the listener codecs: {@code auto} offers h2 then http/1.1, {@code http1} only http/1.1, {@code http2}
 * only h2. Certificates come from the real openssl ({@link Pki}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class Http2TlsE2ETest {
    private static final Duration RUN = Duration.ofSeconds(40);
    private static final int MIB = 1024 * 1024;

    private Path dir;
    private Pki pki;
    private TestUpstream up;
    private Http2ClientsE2ETest.RawUpstream raw;
    private WeftServer proxy;
    private int auto;
    private int http1;
    private int http2;
    private Path accessLog;
    private Path upload200k;
    private HttpClient jdk;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-h2-tls");
        pki = new Pki(dir).ca("h2ca").leaf("server", "h2ca", "DNS:localhost,IP:127.0.0.1", 2);
        up = TestUpstream.start("a");
        raw = Http2ClientsE2ETest.RawUpstream.start();
        accessLog = dir.resolve("access.log");
        String tls = "{certificates: [{cert_file: %s, key_file: %s}]}".formatted(pki.crt("server"),
                pki.key("server"));
        String routes = """
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /raw/}
                            route: {cluster: raw, prefix_rewrite: /}
                          - match: {prefix: /}
                            route: {cluster: a}
                """;
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: auto
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: tls_auto
                    access_log: [{path: %s}]
                    tls: %s
                %s  - name: http1
                    address: 127.0.0.1
                    port: 0
                    codec: http1
                    tls: %s
                %s  - name: http2
                    address: 127.0.0.1
                    port: 0
                    codec: http2
                    tls: %s
                %sclusters:
                %s%s""".formatted(accessLog, tls, routes, tls, routes, tls, routes, E2E.cluster("a", up.port()),
                E2E.cluster("raw", raw.port())));
        auto = proxy.address("auto").getPort();
        http1 = proxy.address("http1").getPort();
        http2 = proxy.address("http2").getPort();
        upload200k = dir.resolve("upload-200k.bin");
        Files.write(upload200k, TestUpstream.Pattern.bytes(0, 200 * 1024));
        jdk = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .sslContext(sslContextTrusting(Path.of(pki.crt("h2ca"))))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
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

    private String https(int port, String path) {
        return "https://localhost:" + port + path;
    }

    private E2E.Run curl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.tool("curl", "curl"), "-sS", "--max-time", "20",
                "--cacert", pki.crt("h2ca")));
        cmd.addAll(List.of(args));
        return E2E.runBounded(cmd, RUN);
    }

    /** openssl s_client's view of a handshake offering {@code alpn}: its output, stdout and stderr. */
    private String alpn(int port, String alpn) throws Exception {
        E2E.Run r = E2E.runBounded(List.of(E2E.tool("openssl", "openssl"), "s_client", "-connect",
                "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", pki.crt("h2ca"), "-alpn", alpn), RUN);
        return r.text() + r.err();
    }

    // ---- the JDK's HttpClient ---------------------------------------------------------------------------------------

    @Test
    void jdkHttpClientNegotiatesH2() throws Exception {
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create(https(auto, "/echo-headers?jdk=1")))
                .header("x-client", "jdk").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertEquals(200, r.statusCode());
        assertEquals("a", r.headers().firstValue("x-upstream").orElse(null));
        assertTrue(r.body().startsWith("GET /echo-headers?jdk=1 HTTP/1.1\r\n"), r.body());
        TestUpstream.Request req = up.lastRequest();
        assertEquals(List.of("jdk"), req.headers("x-client"));
        assertEquals(List.of("https"), req.headers("x-forwarded-proto"), "TLS downstream");
        assertEquals(List.of("localhost:" + auto), req.headers("host"));
        String line = Http2ClientsE2ETest.awaitLogLine(accessLog, "\"/echo-headers?jdk=1\"");
        assertTrue(line.contains("\"protocol\":\"HTTP/2\""), line);
        assertTrue(line.contains("\"tls_version\":\"TLSv1.3\""), line);
    }

    @Test
    void jdkHttpClientUploadsAndDownloadsAMebibyteByteExact() throws Exception {
        byte[] body = TestUpstream.Pattern.bytes(0, MIB);
        HttpResponse<String> post = jdk.send(HttpRequest.newBuilder(URI.create(https(auto, "/sink?jdk=post")))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, post.version());
        assertEquals("bytes=" + MIB + " sha256=" + TestUpstream.Pattern.sha256(MIB), post.body());
        HttpResponse<byte[]> get = jdk.send(HttpRequest.newBuilder(URI.create(https(auto, "/download?size=" + MIB)))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(HttpClient.Version.HTTP_2, get.version());
        assertEquals(MIB, get.body().length);
        assertEquals(TestUpstream.Pattern.sha256(MIB), TestUpstream.hex(TestUpstream.sha256().digest(get.body())));
        // many requests at once: the JDK client multiplexes them on its one h2 connection
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            all.add(jdk.sendAsync(HttpRequest.newBuilder(URI.create(https(auto, "/echo-headers?n=" + i))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> r = all.get(i).get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode());
            assertEquals(HttpClient.Version.HTTP_2, r.version());
            assertTrue(r.body().startsWith("GET /echo-headers?n=" + i + " HTTP/1.1"), r.body());
        }
    }

    @Test
    void jdkHttpClientFallsBackToHttp11OnAnHttp1Listener() throws Exception {
        HttpResponse<String> r = jdk.send(HttpRequest.newBuilder(URI.create(https(http1, "/echo-headers?jdk=h1")))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_1_1, r.version(), "codec http1 offers only http/1.1");
    }

    // ---- curl -------------------------------------------------------------------------------------------------------

    @Test
    void curlHttp2OverHttps() throws Exception {
        Http2ClientsE2ETest.Resp r = Http2ClientsE2ETest.Resp.parse(curl("--http2", "-i",
                https(auto, "/echo-headers?curl=tls")));
        assertEquals("HTTP/2 200", r.statusLine());
        assertEquals(List.of("https"), up.lastRequest().headers("x-forwarded-proto"));
        // two transfers on one connection (curl reuses an h2 connection over TLS)
        E2E.Run two = curl("--http2", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{http_version} %{num_connects};",
                https(auto, "/echo-headers?reuse=1"), https(auto, "/echo-headers?reuse=2"));
        assertEquals(0, two.exitCode(), two.err());
        assertEquals("2 1;2 0;", two.text(), "the second transfer reuses the h2 connection");
    }

    @Test
    void curlHttp2PostToAnEarlyResponderOverHttps() throws Exception {
        // the early-response case (see Http2ClientsE2ETest) over TLS
        Http2ClientsE2ETest.Resp r = Http2ClientsE2ETest.Resp.parse(curl("--http2", "-i", "--max-time", "10",
                "--data-binary", "@" + upload200k, https(auto, "/raw/early")));
        assertEquals("HTTP/2 200", r.statusLine());
        assertEquals("early\n", r.bodyText());
    }

    @Test
    void http1ListenerNegotiatesOnlyHttp11() throws Exception {
        Http2ClientsE2ETest.Resp r = Http2ClientsE2ETest.Resp.parse(curl("--http2", "-i",
                https(http1, "/echo-headers?codec=http1")));
        assertTrue(r.statusLine().startsWith("HTTP/1.1 200"), r.statusLine());
        String both = alpn(http1, "h2,http/1.1");
        assertTrue(both.contains("ALPN protocol: http/1.1"), both);
        String autoAlpn = alpn(auto, "h2,http/1.1");
        assertTrue(autoAlpn.contains("ALPN protocol: h2"), autoAlpn);
        String autoH1 = alpn(auto, "http/1.1");
        assertTrue(autoH1.contains("ALPN protocol: http/1.1"), autoH1);
        // a client that offers only h2 never gets h2 from the http1 listener
        String h2only = alpn(http1, "h2");
        assertTrue(!h2only.contains("ALPN protocol: h2"), h2only);
    }

    @Test
    void http2ListenerNegotiatesOnlyH2() throws Exception {
        String h2 = alpn(http2, "h2,http/1.1");
        assertTrue(h2.contains("ALPN protocol: h2"), h2);
        Http2ClientsE2ETest.Resp r = Http2ClientsE2ETest.Resp.parse(curl("--http2", "-i",
                https(http2, "/echo-headers?codec=http2")));
        assertEquals("HTTP/2 200", r.statusLine());
        // an HTTP/1.1-only client gets no HTTP/1.1 response from an h2-only listener
        E2E.Run h1 = curl("--http1.1", "-i", https(http2, "/echo-headers?codec=http2-h1"));
        assertNotEquals(0, h1.exitCode(), h1.text());
        assertTrue(!h1.text().startsWith("HTTP/1.1"), h1.text());
    }

    // ---- node's http2 module ----------------------------------------------------------------------------------------

    /** Node's http2 client: a GET, a POST streamed without content-length, cookies as separate fields. */
    private static final String NODE_CLIENT = """
            const http2 = require('node:http2');
            const fs = require('node:fs');
            const [origin, caFile] = process.argv.slice(1);
            const client = http2.connect(origin, { ca: fs.readFileSync(caFile), servername: 'localhost' });
            client.on('error', (e) => { console.error('session error: ' + e.message); process.exit(2); });
            const lines = [];
            function request(headers, body) {
              return new Promise((resolve, reject) => {
                const req = client.request(headers, { endStream: body === undefined });
                const chunks = [];
                let status = 0;
                let upstream = '';
                req.on('response', (h) => { status = h[':status']; upstream = h['x-upstream'] || ''; });
                req.on('data', (c) => chunks.push(c));
                req.on('end', () => resolve({ status, upstream, body: Buffer.concat(chunks).toString('latin1') }));
                req.on('error', reject);
                if (body !== undefined) {
                  for (let i = 0; i < body.length; i += 10000) {
                    req.write(body.subarray(i, Math.min(body.length, i + 10000)));
                  }
                  req.end();
                }
              });
            }
            (async () => {
              const get = await request({ ':path': '/echo-headers?node=get', 'x-client': 'node' });
              lines.push('alpn=' + client.alpnProtocol);
              lines.push('get=' + get.status + ' ' + get.upstream);
              const body = Buffer.alloc(300000);
              for (let i = 0; i < body.length; i++) { body[i] = (i * 7) & 0xff; }
              const post = await request({ ':method': 'POST', ':path': '/sink?node=post' }, body);
              lines.push('post=' + post.status + ' ' + post.body);
              const crypto = require('node:crypto');
              lines.push('sha=' + crypto.createHash('sha256').update(body).digest('hex'));
              const cookies = await request({ ':path': '/echo-headers?node=cookies', 'cookie': ['a=1', 'b=2'] });
              lines.push('cookies=' + cookies.status);
              client.close();
              console.log(lines.join('\\n'));
            })().catch((e) => { console.error('request error: ' + e.message); process.exit(3); });
            """;

    @Test
    void nodeHttp2ClientOverTls() throws Exception {
        String node = E2E.tool("node", "nodejs");
        E2E.Run run = E2E.runBounded(List.of(node, "-e", NODE_CLIENT, "https://localhost:" + auto, pki.crt("h2ca")),
                RUN);
        assertEquals(0, run.exitCode(), run.err() + run.text());
        List<String> lines = run.text().lines().toList();
        assertEquals("alpn=h2", lines.get(0), run.text());
        assertEquals("get=200 a", lines.get(1));
        String sha = lines.get(3).substring("sha=".length());
        assertEquals("post=200 bytes=300000 sha256=" + sha, lines.get(2));
        assertEquals("cookies=200", lines.get(4));
        TestUpstream.Request post = up.requestsTo("/sink").stream()
                .filter(q -> q.target().equals("/sink?node=post")).findFirst().orElseThrow();
        assertEquals(List.of("chunked"), post.headers("transfer-encoding"),
                "a body without content-length goes upstream chunked");
        assertEquals(List.of(), post.headers("content-length"));
        assertEquals(300000, post.bodyLength());
        TestUpstream.Request cookies = up.requestsTo("/echo-headers").stream()
                .filter(q -> q.target().equals("/echo-headers?node=cookies")).findFirst().orElseThrow();
        assertEquals(List.of("a=1; b=2"), cookies.headers("cookie"));
    }
}
