package dev.weft.core.e2e;

import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS end to end with real peers (curl, openssl s_client) and certificates made by openssl: an inbound
 * listener that requires mesh client certificates with an allowed SPIFFE ID, and an outbound listener whose cluster
 * originates mTLS to it and checks the server's SPIFFE ID.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsE2ETest {
    private static final String WEB = "spiffe://mesh/ns/default/sa/web";
    private static final String SERVER = "spiffe://mesh/ns/default/sa/server";

    private Pki pki;
    private TestUpstream app;
    private WeftServer proxy;
    private int inbound;
    private InetSocketAddress outbound;
    private Path accessLog;
    private final HttpClient client = E2E.httpClient();

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("weft-tls");
        pki = new Pki(dir).ca("mesh").ca("rogue")
                .leaf("server", "mesh", "DNS:localhost,IP:127.0.0.1,URI:" + SERVER, 2)
                .leaf("client", "mesh", "URI:" + WEB, 2)
                .leaf("intruder", "mesh", "URI:spiffe://mesh/ns/default/sa/intruder", 2)
                .leaf("rogue-client", "rogue", "URI:" + WEB, 2);
        app = TestUpstream.start("app");
        inbound = E2E.closedPort();
        accessLog = dir.resolve("access.log");
        proxy = E2E.start("""
                admin: {port: 0}
                listeners:
                  - name: inbound
                    port: %d
                    access_log: [{path: %s}]
                    tls:
                      certificates: [{cert_file: %s, key_file: %s}]
                      ca_file: %s
                      require_client_certificate: true
                      match_subject_alt_names: [{type: URI, exact: "%s"}]
                      handshake_timeout: 2s
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
                          - match: {prefix: /wrong-san/}
                            route: {cluster: wrong_san, prefix_rewrite: /}
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
                      match_subject_alt_names: [{type: URI, exact: "%s"}]
                  - name: wrong_san
                    endpoints: [{address: 127.0.0.1, port: %d}]
                    tls:
                      sni: localhost
                      ca_file: %s
                      cert_file: %s
                      key_file: %s
                      match_subject_alt_names: [{type: URI, exact: "spiffe://mesh/ns/default/sa/somebody-else"}]
                """.formatted(inbound, accessLog, pki.crt("server"), pki.key("server"), pki.crt("mesh"), WEB,
                E2E.cluster("app", app.port()), inbound, pki.crt("mesh"), pki.crt("client"), pki.key("client"), SERVER,
                inbound, pki.crt("mesh"), pki.crt("client"), pki.key("client")));
        outbound = proxy.address("outbound");
    }

    @AfterAll
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private E2E.Run curl(String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.curl(), "-sS", "--max-time", "10", "-o", "-", "-w",
                "\n%{http_code}", "--cacert", pki.crt("mesh")));
        cmd.addAll(List.of(extra));
        cmd.add("https://localhost:" + inbound + "/echo-headers");
        return E2E.run(cmd, Duration.ofSeconds(20));
    }

    private long stat(String name) throws Exception {
        String s = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + proxy.adminAddress().getPort() + "/stats")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    private String ssl(String stat) {
        return "listener.127.0.0.1_" + inbound + ".ssl." + stat;
    }

    @Test
    void curlWithAMeshCertificateIsServedAndItsIdentityLogged() throws Exception {
        E2E.Run r = curl("--cert", pki.crt("client"), "--key", pki.key("client"));
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.text().endsWith("\n200"), r.text());
        assertTrue(r.text().toLowerCase().contains("x-forwarded-proto: https"), r.text());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String log = "";
        while (System.nanoTime() < deadline && !log.contains(WEB)) {
            log = Files.exists(accessLog) ? Files.readString(accessLog) : "";
            Thread.sleep(20);
        }
        assertTrue(log.contains("\"downstream_peer_uri_san\":\"" + WEB + "\""), log);
        assertTrue(log.contains("\"tls_version\":\"TLSv1.3\""), log);
        assertTrue(log.contains("\"tls_cipher\":\"TLS_"), log);
        assertTrue(stat(ssl("handshake")) >= 1);
    }

    @Test
    void noClientCertificateIsRefusedAndCounted() throws Exception {
        long before = stat(ssl("fail_verify_no_cert"));
        E2E.Run r = curl();
        assertTrue(r.exitCode() != 0 || !r.text().endsWith("\n200"), r.text());
        awaitStat(ssl("fail_verify_no_cert"), before + 1);
    }

    @Test
    void clientCertificateFromAnotherCaIsRefusedAndCounted() throws Exception {
        long before = stat(ssl("fail_verify_error"));
        E2E.Run r = curl("--cert", pki.crt("rogue-client"), "--key", pki.key("rogue-client"));
        assertTrue(r.exitCode() != 0 || !r.text().endsWith("\n200"), r.text());
        awaitStat(ssl("fail_verify_error"), before + 1);
    }

    @Test
    void clientWhoseSpiffeIdIsNotAllowedIsRefusedAndCounted() throws Exception {
        long before = stat(ssl("fail_verify_san"));
        E2E.Run r = curl("--cert", pki.crt("intruder"), "--key", pki.key("intruder"));
        assertTrue(r.exitCode() != 0 || !r.text().endsWith("\n200"), r.text());
        awaitStat(ssl("fail_verify_san"), before + 1);
    }

    @Test
    void opensslSClientCompletesMutualTlsAndGetsAResponse() throws Exception {
        Path input = pki.dir().resolve("request.txt");
        Files.writeString(input, "GET /status/204 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        E2E.Run r = E2E.run(List.of("sh", "-c", Pki.OPENSSL + " s_client -connect 127.0.0.1:" + inbound
                + " -servername localhost -CAfile " + pki.crt("mesh") + " -cert " + pki.crt("client") + " -key "
                + pki.key("client") + " -ign_eof < " + input), Duration.ofSeconds(20));
        String out = r.text() + r.err();
        assertTrue(out.contains("Verify return code: 0 (ok)"), out);
        assertTrue(out.contains("HTTP/1.1 204"), out);
    }

    @Test
    void resumedSessionIsCounted() throws Exception {
        Path session = pki.dir().resolve("session.pem");
        Path input = pki.dir().resolve("resume-request.txt");
        Files.writeString(input, "GET /status/204 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        String base = Pki.OPENSSL + " s_client -connect 127.0.0.1:" + inbound + " -servername localhost -CAfile "
                + pki.crt("mesh") + " -cert " + pki.crt("client") + " -key " + pki.key("client") + " -ign_eof ";
        long before = stat(ssl("session_reused"));
        E2E.Run first = E2E.run(List.of("sh", "-c", base + "-sess_out " + session + " < " + input),
                Duration.ofSeconds(20));
        assertTrue((first.text() + first.err()).contains("HTTP/1.1 204"), first.text() + first.err());
        E2E.Run second = E2E.run(List.of("sh", "-c", base + "-sess_in " + session + " < " + input),
                Duration.ofSeconds(20));
        String out = second.text() + second.err();
        assertTrue(out.contains("Reused, TLSv1.3"), out);
        assertTrue(out.contains("HTTP/1.1 204"), out);
        awaitStat(ssl("session_reused"), before + 1);
    }

    @Test
    void keepAliveConnectionThatWentIdleStillServesAfterReleasingItsBuffers() throws Exception {
        // request 1, a 1.3 s pause (the next wait releases the TLS buffers), request 2, request 3 after the release
        String req = "GET /status/204 HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n";
        String last = "GET /status/204 HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n";
        E2E.Run r = E2E.run(List.of("sh", "-c", "(printf '" + req + "'; sleep 1.3; printf '" + req + "'; sleep 0.4; "
                + "printf '" + last + "'; sleep 1) | " + Pki.OPENSSL + " s_client -quiet -connect 127.0.0.1:" + inbound
                + " -servername localhost -CAfile " + pki.crt("mesh") + " -cert " + pki.crt("client") + " -key "
                + pki.key("client") + " -ign_eof"), Duration.ofSeconds(30));
        String out = r.text();
        assertEquals(3, out.split("HTTP/1.1 204", -1).length - 1, out + r.err());
    }

    @Test
    void tls11IsRefused() throws Exception {
        E2E.Run r = E2E.run(List.of("sh", "-c", Pki.OPENSSL + " s_client -connect 127.0.0.1:" + inbound
                + " -tls1_1 -cert " + pki.crt("client") + " -key " + pki.key("client") + " < /dev/null"),
                Duration.ofSeconds(20));
        String out = r.text() + r.err();
        // openssl may exit 0 after a failed handshake: what matters is that no cipher was agreed
        assertTrue(r.exitCode() != 0 || out.contains("Cipher is (NONE)"), out);
        assertTrue(out.contains("protocol version"), "the server answers alert 70 (protocol_version):\n" + out);
    }

    @Test
    void plaintextOnTheTlsPortIsClosedAndCounted() throws Exception {
        long before = stat(ssl("connection_error"));
        try (Socket s = new Socket("127.0.0.1", inbound)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] got = in.readNBytes(64);
            assertTrue(!new String(got, StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200"));
        } catch (java.net.SocketException reset) {
            // a reset is as good as a close
        }
        awaitStat(ssl("connection_error"), before + 1);
    }

    @Test
    void stalledHandshakeTimesOut() throws Exception {
        long before = stat(ssl("handshake_timeout"));
        try (Socket s = new Socket("127.0.0.1", inbound)) {
            s.setSoTimeout(5000);
            assertEquals(-1, s.getInputStream().read(), "closed after handshake_timeout (2s)");
        } catch (java.net.SocketException reset) {
            // closed with a reset
        }
        awaitStat(ssl("handshake_timeout"), before + 1);
    }

    @Test
    void outboundOriginatesMutualTlsToTheInboundListener() throws Exception {
        Wire.Response r = Wire.get(outbound, "localhost", "/echo-headers");
        assertEquals(200, r.status(), r.bodyText());
        assertTrue(r.bodyText().toLowerCase().contains("x-forwarded-proto: https"), r.bodyText());
        assertTrue(stat("cluster.mesh.ssl.handshake") >= 1);
    }

    @Test
    void outboundRefusesAnUpstreamWithTheWrongSpiffeId() throws Exception {
        Wire.Response r = Wire.get(outbound, "localhost", "/wrong-san/echo-headers");
        assertEquals(503, r.status(), r.bodyText()); // an identity refusal: 503 with flag UF
        assertTrue(r.bodyText().contains("connection failure"), r.bodyText());
        assertTrue(stat("cluster.wrong_san.ssl.fail_verify_san") >= 1);
        awaitStat("http.outbound.response_flags.UF", 1); // recorded just after the response went out
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
