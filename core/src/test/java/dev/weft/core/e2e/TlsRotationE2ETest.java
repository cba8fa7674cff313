package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Certificate rotation of a TLS listener whose certificate lives in a Kubernetes secret volume
 * ({@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..2024_x}, swapped by an atomic rename): new handshakes get
 * the new certificate without a restart, a response streaming over an old connection completes intact, and a broken
 * update is rejected and counted while the last good certificate keeps serving.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsRotationE2ETest {
    private static final long SIZE = 30_000_000;
    /** Long enough for the watcher's poll fallback (10 s) should a file system event be missed. */
    private static final Duration RELOAD_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestUpstream app;
    private WeftServer proxy;
    private final HttpClient admin = E2E.httpClient();

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (app != null) {
            app.close();
        }
    }

    @Test
    void kubernetesSecretSwapRotatesTheListenerCertificateWithoutDroppingOpenConnections() throws Exception {
        Path pkiDir = Files.createDirectory(dir.resolve("pki"));
        Pki pki = new Pki(pkiDir).ca("mesh")
                .leaf("first", "mesh", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("second", "mesh", "DNS:localhost,IP:127.0.0.1,DNS:rotated.local", 2);
        X509Certificate first = certificate(pki.crt("first"));
        X509Certificate second = certificate(pki.crt("second"));
        assertNotEquals(first.getSerialNumber(), second.getSerialNumber());

        Path secret = Files.createDirectory(dir.resolve("secret"));
        publish(secret, "..2024_01_01_first", Files.readString(Path.of(pki.crt("first"))),
                Files.readString(Path.of(pki.key("first"))));
        Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data/tls.key"));

        app = TestUpstream.start("app");
        proxy = E2E.start("""
                admin: {port: 0}
                listeners:
                  - name: inbound
                    port: 0
                    tls:
                      certificates: [{cert_file: %s, key_file: %s}]
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: app, timeout: 110s}
                clusters:
                %s""".formatted(secret.resolve("tls.crt"), secret.resolve("tls.key"),
                E2E.cluster("app", app.port())));
        InetSocketAddress inbound = proxy.address("inbound");
        String ssl = "listener.127.0.0.1_" + inbound.getPort() + ".ssl.";

        assertEquals(first.getSerialNumber(), peerCertificate(pki.crt("mesh"), inbound).getSerialNumber());
        assertTrue(certs().contains(serial(first)), certs());
        assertEquals(0, stat(ssl + "reload_success"));
        assertEquals(0, stat(ssl + "reload_failure"));

        try (SSLSocket old = connect(trusting(pki.crt("mesh")), inbound)) {
            // a long response over the old connection, read slowly: the client stops reading while the secret rotates
            old.getOutputStream().write(("GET /download?size=" + SIZE + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            old.getOutputStream().flush();
            InputStream in = old.getInputStream();
            List<String> head = TestUpstream.readHead(in);
            assertTrue(head != null && head.get(0).startsWith("HTTP/1.1 200"), String.valueOf(head));
            assertTrue(head.stream().anyMatch(h -> h.equalsIgnoreCase("content-length: " + SIZE)), head.toString());
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
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
                }
            };
            TestUpstream.copyExactly(in, 1_000_000, sink);
            assertEquals(first.getSerialNumber(), ((X509Certificate) old.getSession().getPeerCertificates()[0])
                    .getSerialNumber());

            // the kubelet's update: a new timestamped directory, then ..data swapped to it by one rename
            publish(secret, "..2024_01_02_second", Files.readString(Path.of(pki.crt("second"))),
                    Files.readString(Path.of(pki.key("second"))));
            await(() -> serialOfNewHandshake(pki.crt("mesh"), inbound).equals(second.getSerialNumber()),
                    "a new handshake presents the second certificate");
            awaitStat(ssl + "reload_success", 1);
            assertEquals(0, stat(ssl + "reload_failure"));

            X509Certificate seen = peerCertificate(pki.crt("mesh"), inbound);
            assertTrue(seen.getSubjectAlternativeNames().stream().anyMatch(san -> "rotated.local".equals(san.get(1))),
                    String.valueOf(seen.getSubjectAlternativeNames()));
            String viaOpenssl = opensslServerCertificate(pki, inbound);
            assertTrue(viaOpenssl.contains("serial=" + opensslSerial(second)), viaOpenssl);
            assertTrue(viaOpenssl.contains("DNS:rotated.local"), viaOpenssl);

            String certs = certs();
            assertTrue(certs.contains("\"serial\":\"" + serial(second) + "\""), certs);
            assertTrue(certs.contains("DNS:rotated.local"), certs);
            assertTrue(!certs.contains("\"serial\":\"" + serial(first) + "\""), certs);
            assertTrue(certs.contains("\"owner\":\"listener inbound: server default\""), certs);

            // the old connection is still being served with the first certificate: read the rest, slowly
            byte[] buf = new byte[256 * 1024];
            while (received[0] < SIZE) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, SIZE - received[0]));
                if (n < 0) {
                    fail("the old connection ended after " + received[0] + " of " + SIZE + " bytes");
                }
                sink.write(buf, 0, n);
                Thread.sleep(1);
            }
            assertEquals(SIZE, received[0]);
            assertEquals(TestUpstream.Pattern.sha256(SIZE), TestUpstream.hex(sha.digest()),
                    "the response over the old connection is intact");
            assertEquals(first.getSerialNumber(), ((X509Certificate) old.getSession().getPeerCertificates()[0])
                    .getSerialNumber());
        }

        // a broken update: rejected, counted, and the second certificate keeps serving
        publish(secret, "..2024_01_03_garbage", "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n"
                + "-----END CERTIFICATE-----\n", Files.readString(Path.of(pki.key("second"))));
        awaitStat(ssl + "reload_failure", 1);
        assertEquals(1, stat(ssl + "reload_success"));
        assertEquals(second.getSerialNumber(), peerCertificate(pki.crt("mesh"), inbound).getSerialNumber());
        assertTrue(certs().contains("\"serial\":\"" + serial(second) + "\""), certs());
        Wire.Response text = adminGet("/certs");
        assertTrue(text.bodyText().contains("serial: " + serial(second)), text.bodyText());

        // and a good update after the broken one is picked up again
        publish(secret, "..2024_01_04_first_again", Files.readString(Path.of(pki.crt("first"))),
                Files.readString(Path.of(pki.key("first"))));
        await(() -> serialOfNewHandshake(pki.crt("mesh"), inbound).equals(first.getSerialNumber()),
                "a new handshake presents the first certificate again");
        awaitStat(ssl + "reload_success", 2);
    }

    @Test
    void clusterClientCertificateRotatesAndABrokenUpdateIsRejected() throws Exception {
        Path pkiDir = Files.createDirectory(dir.resolve("pki"));
        Pki pki = new Pki(pkiDir).ca("mesh")
                .leaf("server", "mesh", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("client1", "mesh", "URI:spiffe://mesh/ns/default/sa/web", 2)
                .leaf("client2", "mesh", "URI:spiffe://mesh/ns/default/sa/web,DNS:rotated.local", 2);
        X509Certificate client1 = certificate(pki.crt("client1"));
        X509Certificate client2 = certificate(pki.crt("client2"));
        Path secret = Files.createDirectory(dir.resolve("client-secret"));
        publish(secret, "..2024_01_01_one", Files.readString(Path.of(pki.crt("client1"))),
                Files.readString(Path.of(pki.key("client1"))));
        Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data/tls.key"));

        app = TestUpstream.start("app");
        int inboundPort = E2E.closedPort();
        proxy = E2E.start("""
                admin: {port: 0}
                listeners:
                  - name: inbound
                    port: %d
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
                  - name: outbound
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: mesh}
                clusters:
                %s
                  - name: mesh
                    endpoints: [{address: 127.0.0.1, port: %d}]
                    tls:
                      sni: localhost
                      ca_file: %s
                      cert_file: %s
                      key_file: %s
                """.formatted(inboundPort, pki.crt("server"), pki.key("server"), pki.crt("mesh"),
                E2E.cluster("app", app.port()), inboundPort, pki.crt("mesh"), secret.resolve("tls.crt"),
                secret.resolve("tls.key")));
        InetSocketAddress outbound = proxy.address("outbound");
        assertEquals(200, Wire.get(outbound, "localhost", "/status/200").status());
        String certs = certs();
        assertTrue(certs.contains("{\"owner\":\"cluster mesh: client\",\"subject\":\"CN=client1\""), certs);
        assertTrue(certs.contains("\"owner\":\"cluster mesh: server-ca #0\""), certs);
        assertTrue(certs.contains("\"owner\":\"listener inbound: client-ca #0\""), certs);

        publish(secret, "..2024_01_02_two", Files.readString(Path.of(pki.crt("client2"))),
                Files.readString(Path.of(pki.key("client2"))));
        awaitStat("cluster.mesh.ssl.reload_success", 1);
        certs = certs();
        assertTrue(certs.contains("\"serial\":\"" + serial(client2) + "\""), certs);
        assertTrue(!certs.contains("\"serial\":\"" + serial(client1) + "\""), certs);
        // a new upstream connection presents the new client certificate, which the inbound listener accepts
        assertEquals(200, Wire.get(outbound, "localhost", "/status/200", "Connection: close").status());

        // a key that does not belong to the certificate: rejected, counted, the second certificate stays
        publish(secret, "..2024_01_03_mismatch", Files.readString(Path.of(pki.crt("client1"))),
                Files.readString(Path.of(pki.key("client2"))));
        awaitStat("cluster.mesh.ssl.reload_failure", 1);
        assertEquals(1, stat("cluster.mesh.ssl.reload_success"));
        assertTrue(certs().contains("\"serial\":\"" + serial(client2) + "\""), certs());
        assertEquals(200, Wire.get(outbound, "localhost", "/status/200").status());
    }

    /**
     * Writes {@code tls.crt} and {@code tls.key} into {@code secret/<version>}, then points {@code ..data} at it with
     * an atomic rename of a fresh symlink, as the kubelet's atomic writer does.
     */
    private static void publish(Path secret, String version, String crt, String key) throws Exception {
        Path v = Files.createDirectory(secret.resolve(version));
        Files.writeString(v.resolve("tls.crt"), crt);
        Files.writeString(v.resolve("tls.key"), key);
        Path tmp = secret.resolve("..data_tmp");
        Files.createSymbolicLink(tmp, Path.of(version));
        Files.move(tmp, secret.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static X509Certificate certificate(String file) throws Exception {
        try (InputStream in = Files.newInputStream(Path.of(file))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    /** As the admin page and openssl print it: hex, upper case. */
    private static String serial(X509Certificate c) {
        return c.getSerialNumber().toString(16).toUpperCase(Locale.ROOT);
    }

    /** openssl prints the serial as whole bytes: an odd number of hex digits gets a leading zero. */
    private static String opensslSerial(X509Certificate c) {
        String hex = serial(c);
        return hex.length() % 2 == 1 ? "0" + hex : hex;
    }

    private static SSLContext trusting(String caFile) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", certificate(caFile));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** A verified TLS connection (SNI and hostname check: localhost). */
    private static SSLSocket connect(SSLContext context, InetSocketAddress address) throws Exception {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(address.getAddress(), address.getPort());
        s.setSoTimeout(20_000);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName("localhost")));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    /** The leaf a brand-new connection gets: a fresh client context each time, so no session is resumed. */
    private static X509Certificate peerCertificate(String caFile, InetSocketAddress address) throws Exception {
        try (SSLSocket s = connect(trusting(caFile), address)) {
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static BigInteger serialOfNewHandshake(String caFile, InetSocketAddress address) {
        try {
            return peerCertificate(caFile, address).getSerialNumber();
        } catch (Exception e) {
            throw new AssertionError("a new TLS connection failed", e);
        }
    }

    /** The server certificate openssl s_client sees, printed by openssl x509: serial and SANs. */
    private static String opensslServerCertificate(Pki pki, InetSocketAddress address) throws Exception {
        E2E.Run r = E2E.run(List.of("sh", "-c", Pki.OPENSSL + " s_client -connect 127.0.0.1:" + address.getPort()
                + " -servername localhost -verify_return_error -CAfile " + pki.crt("mesh") + " -showcerts < /dev/null"
                + " | " + Pki.OPENSSL + " x509 -noout -serial -ext subjectAltName"), Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), r.text() + r.err());
        return r.text();
    }

    private Wire.Response adminGet(String target) throws Exception {
        return Wire.get(proxy.adminAddress(), "localhost", target);
    }

    private String certs() throws Exception {
        Wire.Response r = adminGet("/certs?format=json");
        assertEquals(200, r.status(), r.bodyText());
        return r.bodyText();
    }

    private long stat(String name) throws Exception {
        String s = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private void awaitStat(String name, long expected) throws Exception {
        long[] v = {-1};
        await(() -> {
            try {
                v[0] = stat(name);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            return v[0] == expected;
        }, name + " reaches " + expected);
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + RELOAD_DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + RELOAD_DEADLINE + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }
}
