package dev.weft.tls.context;

import static dev.weft.tls.context.ServerTlsContextTest.causeChain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.identity.SanMatcher;
import dev.weft.tls.identity.SanMatcher.Type;
import dev.weft.tls.pem.TestPki;
import dev.weft.tls.pem.TestPki.KeyKind;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClientTlsContextTest {
    private static final String BACKEND_ID = "spiffe://cluster.local/ns/default/sa/backend";

    @TempDir
    static Path dir;
    static TestPki pki;
    static ServerTlsContext backend;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir, "ca");
        Path key = pki.key("backend", KeyKind.EC_PKCS8);
        TlsMaterial material = TlsMaterial.load(pki.cert("backend", key, "backend",
                "DNS:backend.default.svc,URI:" + BACKEND_ID), key);
        backend = ServerTlsContext.builder().certificate(List.of(), material).build();
    }

    @Test
    void expectedServerSanMatchReplacesHostnameVerification() throws Exception {
        ClientTlsContext client = ClientTlsContext.builder().caBundle(pki.caCert())
                .expectedServerSans(List.of(SanMatcher.exact(Type.URI, BACKEND_ID))).build();

        InMemoryHandshake.Result result = InMemoryHandshake.run(client.newEngine("10.1.2.3", 8443),
                backend.newEngine("p", 1));

        assertTrue(result.succeeded(), () -> String.valueOf(result.clientError()));
        assertEquals(BACKEND_ID, ClientTlsContext.peer(result.client().getSession()).spiffeId());
    }

    @Test
    void expectedServerSanMismatchFailsOnTheClient() throws Exception {
        AtomicInteger mismatches = new AtomicInteger();
        ClientTlsContext client = ClientTlsContext.builder().caBundle(pki.caCert())
                .expectedServerSans(List.of(SanMatcher.exact(Type.URI, "spiffe://cluster.local/ns/default/sa/db")))
                .onSanMismatch(mismatches::incrementAndGet).build();

        InMemoryHandshake.Result result = InMemoryHandshake.run(client.newEngine("backend.default.svc", 8443),
                backend.newEngine("p", 1));

        assertNotNull(result.clientError());
        assertTrue(causeChain(result.clientError()).contains("SAN mismatch"), causeChain(result.clientError()));
        assertEquals(1, mismatches.get());
    }

    @Test
    void hostnameIsVerifiedAgainstTheSniName() throws Exception {
        ClientTlsContext right = ClientTlsContext.builder().caBundle(pki.caCert()).build();
        assertTrue(InMemoryHandshake.run(right.newEngine("backend.default.svc", 443), backend.newEngine("p", 1))
                .succeeded());

        InMemoryHandshake.Result wrong = InMemoryHandshake.run(right.newEngine("db.default.svc", 443),
                backend.newEngine("p", 1));
        assertNotNull(wrong.clientError());
    }

    @Test
    void serverFromAnotherCaIsRejected() throws Exception {
        TestPki other = TestPki.create(dir.resolve("other"), "other-ca");
        ClientTlsContext client = ClientTlsContext.builder().caBundle(other.caCert()).build();

        InMemoryHandshake.Result result = InMemoryHandshake.run(client.newEngine("backend.default.svc", 443),
                backend.newEngine("p", 1));

        assertNotNull(result.clientError());
        assertTrue(causeChain(result.clientError()).contains("PKIX path"), causeChain(result.clientError()));
    }

    @Test
    void sniIsTheConfiguredNameOrTheHostButNeverAnIpLiteral() throws Exception {
        ClientTlsContext configured = ClientTlsContext.builder().caBundle(pki.caCert()).sniName("backend.default.svc")
                .alpn(List.of("h2")).build();
        SSLEngine engine = configured.newEngine("10.0.0.1", 443);
        assertTrue(engine.getUseClientMode());
        assertEquals(List.of(new SNIHostName("backend.default.svc")), engine.getSSLParameters().getServerNames());
        assertEquals("HTTPS", engine.getSSLParameters().getEndpointIdentificationAlgorithm());
        assertEquals(List.of("h2"), List.of(engine.getSSLParameters().getApplicationProtocols()));

        ClientTlsContext plain = ClientTlsContext.builder().caBundle(pki.caCert()).build();
        assertEquals(List.of(new SNIHostName("db.svc")), plain.newEngine("db.svc", 1).getSSLParameters()
                .getServerNames());
        assertTrue(plain.newEngine("10.0.0.1", 1).getSSLParameters().getServerNames() == null
                || plain.newEngine("10.0.0.1", 1).getSSLParameters().getServerNames().isEmpty());

        ClientTlsContext pinned = ClientTlsContext.builder().caBundle(pki.caCert())
                .expectedServerSans(List.of(SanMatcher.exact(Type.URI, BACKEND_ID))).build();
        assertNull(pinned.newEngine("x", 1).getSSLParameters().getEndpointIdentificationAlgorithm());
    }

    @Test
    void aCaBundleIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientTlsContext.builder().build());
        assertTrue(e.getMessage().contains("needs a CA bundle"));
        assertThrows(IllegalArgumentException.class,
                () -> ClientTlsContext.builder().caBundle(pki.caCert()).sniName("10.0.0.1").build());
    }

    @Test
    void certInfoListsClientCertificateAndServerCas() throws Exception {
        Path key = pki.key("me", KeyKind.ED25519);
        TlsMaterial me = TlsMaterial.load(pki.cert("me", key, "me", "URI:spiffe://cluster.local/ns/default/sa/me"), key);
        List<CertInfo> info = ClientTlsContext.builder().caBundle(pki.caCert()).clientCertificate(me).build()
                .certInfo(java.time.Instant.now());
        assertEquals(List.of("client", "server-ca #0"), info.stream().map(CertInfo::name).toList());
        assertEquals(List.of("URI:spiffe://cluster.local/ns/default/sa/me"), info.get(0).sans());
    }
}
