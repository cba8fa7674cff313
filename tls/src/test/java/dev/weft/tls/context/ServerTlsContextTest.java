package dev.weft.tls.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.identity.PeerIdentity;
import dev.weft.tls.identity.SanMatcher;
import dev.weft.tls.identity.SanMatcher.Type;
import dev.weft.tls.pem.TestPki;
import dev.weft.tls.pem.TestPki.KeyKind;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsContextTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static TlsMaterial exact;
    static TlsMaterial wildcard;
    static TlsMaterial fallback;
    static TlsMaterial ed25519;
    static TlsMaterial webClient;
    static TlsMaterial otherClient;

    @BeforeAll
    static void pki() throws Exception {
        pki = TestPki.create(dir, "ca");
        exact = material("exact", KeyKind.RSA_PKCS1, "exact.example.com", "DNS:exact.example.com,DNS:api.example.com");
        wildcard = material("wild", KeyKind.EC_SEC1, "wild.example.com", "DNS:*.example.com");
        fallback = material("default", KeyKind.EC_PKCS8, "default.example.com", "DNS:default.example.com");
        ed25519 = material("ed", KeyKind.ED25519, "ed.example.com", "DNS:ed.example.com");
        webClient = material("web-client", KeyKind.EC_PKCS8, "web", "URI:spiffe://cluster.local/ns/default/sa/web");
        otherClient = material("other-client", KeyKind.RSA_PKCS8, "other",
                "URI:spiffe://cluster.local/ns/default/sa/other");
    }

    static TlsMaterial material(String name, KeyKind kind, String cn, String sans) throws Exception {
        Path key = pki.key(name, kind);
        return TlsMaterial.load(pki.cert(name, key, cn, sans), key);
    }

    private static ServerTlsContext.Builder sniServer() {
        return ServerTlsContext.builder()
                .certificate(List.of("exact.example.com", "API.example.com"), exact)
                .certificate(List.of("*.example.com"), wildcard)
                .certificate(List.of(), fallback);
    }

    private static ClientTlsContext.Builder client(String sni) {
        return ClientTlsContext.builder().caBundle(pki.caCert()).sniName(sni);
    }

    @Test
    void sniPicksExactBeforeWildcardBeforeDefault() throws Exception {
        ServerTlsContext server = sniServer().build();
        ClientTlsContext anyName = client(null).expectedServerSans(List.of(SanMatcher.suffix(Type.DNS, "example.com")))
                .build();

        assertEquals("CN=exact.example.com", handshake(anyName.newEngine("exact.example.com", 443), server).serverSubject());
        assertEquals("CN=exact.example.com", handshake(anyName.newEngine("api.example.com", 443), server).serverSubject());
        assertEquals("CN=wild.example.com", handshake(anyName.newEngine("other.example.com", 443), server).serverSubject());
        assertEquals("CN=default.example.com", handshake(anyName.newEngine("a.b.example.com", 443), server).serverSubject());
        assertEquals("CN=default.example.com", handshake(anyName.newEngine("unknown.org", 443), server).serverSubject());
        assertEquals("CN=default.example.com", handshake(anyName.newEngine("127.0.0.1", 443), server).serverSubject(),
                "no SNI for IP literals -> default");
    }

    @Test
    void withoutAnExplicitDefaultTheFirstCertificateAnswers() throws Exception {
        ServerTlsContext server = ServerTlsContext.builder()
                .certificate(List.of("ed.example.com"), ed25519)
                .certificate(List.of("exact.example.com"), exact)
                .build();
        ClientTlsContext anyName = client(null).expectedServerSans(List.of(SanMatcher.suffix(Type.DNS, "example.com")))
                .build();

        assertEquals("CN=ed.example.com", handshake(anyName.newEngine("nobody.org", 443), server).serverSubject());
        assertEquals("CN=exact.example.com",
                handshake(anyName.newEngine("exact.example.com", 443), server).serverSubject());
    }

    @Test
    void keyManagerChoosesByKeyTypeWithinTheBestTier() {
        MaterialKeyManager keys = new MaterialKeyManager(List.of(
                new ServerCertificate(List.of("exact.example.com"), exact),
                new ServerCertificate(List.of("*.example.com"), wildcard),
                new ServerCertificate(List.of(), fallback)));

        assertEquals("weft-0", keys.chooseServer("RSA", "exact.example.com"));
        assertNull(keys.chooseServer("EC", "exact.example.com"), "never a lower tier's certificate for a known name");
        assertEquals("weft-1", keys.chooseServer("EC", "x.example.com"));
        assertNull(keys.chooseServer("RSA", "x.example.com"));
        assertEquals("weft-2", keys.chooseServer("EC", null));
        assertEquals("weft-2", keys.chooseServer("EC", "other.org"));
        assertEquals(fallback.leaf(), keys.getCertificateChain("weft-2")[0]);
        assertEquals(fallback.key(), keys.getPrivateKey("weft-2"));
        assertNull(keys.getPrivateKey("nope"));
    }

    @Test
    void hostnameVerificationAgainstSniWhenNoSansAreExpected() throws Exception {
        ServerTlsContext server = sniServer().build();

        InMemoryHandshake.Result ok = handshake(client("other.example.com").build().newEngine("10.0.0.1", 443), server);
        assertTrue(ok.succeeded(), () -> String.valueOf(ok.clientError()));

        ServerTlsContext onlyExact = ServerTlsContext.builder().certificate(List.of(), exact).build();
        InMemoryHandshake.Result wrongName = handshake(client("wrong.example.com").build().newEngine("h", 443),
                onlyExact);
        assertNotNull(wrongName.clientError());
        assertTrue(String.valueOf(wrongName.clientError()).contains("No subject alternative DNS name matching"),
                String.valueOf(wrongName.clientError()));
    }

    @Test
    void mutualTlsExposesTheVerifiedClientIdentity() throws Exception {
        ServerTlsContext server = sniServer().clientCaBundle(pki.caCert()).requireClientCertificate(true)
                .allowedClientSans(List.of(SanMatcher.exact(Type.URI, "spiffe://cluster.local/ns/default/sa/web")))
                .build();

        InMemoryHandshake.Result result = handshake(
                client("exact.example.com").clientCertificate(webClient).build().newEngine("exact.example.com", 443),
                server);

        assertTrue(result.succeeded(), () -> result.clientError() + " / " + result.serverError());
        PeerIdentity peer = ServerTlsContext.peer(result.server().getSession());
        assertEquals("spiffe://cluster.local/ns/default/sa/web", peer.spiffeId());
        assertEquals("CN=web", peer.subject());
        assertEquals("CN=exact.example.com", ClientTlsContext.peer(result.client().getSession()).subject());
    }

    @Test
    void clientSanMismatchFailsTheHandshakeAndIsCounted() throws Exception {
        AtomicInteger mismatches = new AtomicInteger();
        ServerTlsContext server = sniServer().clientCaBundle(pki.caCert()).requireClientCertificate(true)
                .allowedClientSans(List.of(SanMatcher.exact(Type.URI, "spiffe://cluster.local/ns/default/sa/web")))
                .onSanMismatch(mismatches::incrementAndGet)
                .build();

        InMemoryHandshake.Result result = handshake(
                client("exact.example.com").clientCertificate(otherClient).build().newEngine("exact.example.com", 443),
                server);

        assertNotNull(result.serverError());
        assertTrue(causeChain(result.serverError()).contains("SAN mismatch"), causeChain(result.serverError()));
        assertNotNull(result.client().getSession()); // the client learns via an alert
        assertEquals(1, mismatches.get());
    }

    @Test
    void requiredClientCertificateMissingFailsTheHandshake() throws Exception {
        ServerTlsContext server = sniServer().clientCaBundle(pki.caCert()).requireClientCertificate(true).build();

        InMemoryHandshake.Result result = handshake(client("exact.example.com").build().newEngine("h", 443), server);

        assertNotNull(result.serverError());
        assertTrue(causeChain(result.serverError()).contains("Empty client certificate chain"),
                causeChain(result.serverError()));
    }

    @Test
    void optionalClientCertificateMayBeAbsent() throws Exception {
        ServerTlsContext server = sniServer().clientCaBundle(pki.caCert()).build();

        InMemoryHandshake.Result result = handshake(client("exact.example.com").build().newEngine("h", 443), server);

        assertTrue(result.succeeded(), () -> String.valueOf(result.serverError()));
        assertEquals(PeerIdentity.NONE, ServerTlsContext.peer(result.server().getSession()));
    }

    @Test
    void clientCertificateFromAnotherCaIsRejected() throws Exception {
        TestPki stranger = TestPki.create(dir.resolve("stranger"), "stranger-ca");
        Path key = stranger.key("intruder", KeyKind.EC_PKCS8);
        TlsMaterial intruder = TlsMaterial.load(stranger.cert("intruder", key, "web",
                "URI:spiffe://cluster.local/ns/default/sa/web"), key);
        ServerTlsContext server = sniServer().clientCaBundle(pki.caCert()).requireClientCertificate(true).build();

        InMemoryHandshake.Result result = handshake(
                client("exact.example.com").clientCertificate(intruder).build().newEngine("h", 443), server);

        assertNotNull(result.serverError());
        assertFalse(causeChain(result.serverError()).contains("SAN mismatch"));
    }

    @Test
    void alpnPicksTheFirstOfOurListThatTheClientOffers() throws Exception {
        ServerTlsContext server = sniServer().alpn(List.of("h2", "http/1.1")).build();

        InMemoryHandshake.Result both = handshake(client("exact.example.com").alpn(List.of("http/1.1", "h2")).build()
                .newEngine("h", 443), server);
        assertEquals("h2", both.client().getApplicationProtocol());
        assertEquals("h2", both.server().getApplicationProtocol());

        InMemoryHandshake.Result http1 = handshake(client("exact.example.com").alpn(List.of("http/1.1")).build()
                .newEngine("h", 443), server);
        assertEquals("http/1.1", http1.client().getApplicationProtocol());

        InMemoryHandshake.Result none = handshake(client("exact.example.com").build().newEngine("h", 443), server);
        assertTrue(none.succeeded());
        assertEquals("", none.client().getApplicationProtocol());

        InMemoryHandshake.Result disjoint = handshake(client("exact.example.com").alpn(List.of("acme-tls/1")).build()
                .newEngine("h", 443), server);
        assertNotNull(disjoint.serverError(), "RFC 7301: no_application_protocol");
    }

    @Test
    void onlyTls12AndTls13ByDefault() throws Exception {
        SSLEngine engine = sniServer().build().newEngine("h", 1);
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), List.of(engine.getEnabledProtocols()));
        assertFalse(engine.getUseClientMode());
    }

    @Test
    void tls12HandshakeWorksWhenOnlyTls12IsEnabled() throws Exception {
        ServerTlsContext server = sniServer().protocols(List.of("TLSv1.2")).build();
        InMemoryHandshake.Result result = handshake(client("x.example.com").build().newEngine("h", 443), server);
        assertTrue(result.succeeded(), () -> String.valueOf(result.clientError()));
        assertEquals("TLSv1.2", result.client().getSession().getProtocol());
        assertEquals("CN=wild.example.com", result.serverSubject());
    }

    @Test
    void ed25519ServerCertificateWorks() throws Exception {
        ServerTlsContext server = ServerTlsContext.builder().certificate(List.of(), ed25519).build();
        InMemoryHandshake.Result result = handshake(client("ed.example.com").build().newEngine("h", 443), server);
        assertTrue(result.succeeded(), () -> String.valueOf(result.clientError()));
    }

    @Test
    void inconsistentConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ServerTlsContext.builder().build());
        assertThrows(IllegalArgumentException.class, () -> sniServer().requireClientCertificate(true).build());
        assertThrows(IllegalArgumentException.class, () -> sniServer().clientCaBundle(pki.caCert())
                .allowedClientSans(List.of(SanMatcher.exact(Type.DNS, "a"))).build());
        IllegalArgumentException tls11 = assertThrows(IllegalArgumentException.class,
                () -> sniServer().protocols(List.of("TLSv1.1")).build());
        assertTrue(tls11.getMessage().contains("unsupported TLS protocol 'TLSv1.1'"));
        assertThrows(IllegalArgumentException.class, () -> sniServer().cipherSuites(List.of("TLS_NOPE")).build());
    }

    @Test
    void certInfoListsServerCertificatesAndClientCas() throws Exception {
        Instant now = Instant.now();
        List<CertInfo> info = sniServer().clientCaBundle(pki.caCert()).build().certInfo(now);

        assertEquals(List.of("server exact.example.com,API.example.com", "server *.example.com", "server default",
                "client-ca #0"), info.stream().map(CertInfo::name).toList());
        CertInfo first = info.get(0);
        assertEquals("CN=exact.example.com", first.subject());
        assertEquals(List.of("DNS:exact.example.com", "DNS:api.example.com"), first.sans());
        assertTrue(first.daysLeft() == 29 || first.daysLeft() == 30, "daysLeft " + first.daysLeft());
        assertEquals(exact.leaf().getSerialNumber().toString(16).toUpperCase(), first.serial());
        assertTrue(CertInfo.of("x", exact.leaf(), first.notAfter().plusSeconds(1)).daysLeft() < 0);
    }

    @Test
    void materialNeverPrintsItsKey() {
        String text = exact.toString();
        assertTrue(text.contains("CN=exact.example.com"));
        assertFalse(text.toLowerCase().contains("exponent") || text.toLowerCase().contains("modulus"), text);
    }

    static InMemoryHandshake.Result handshake(SSLEngine client, ServerTlsContext server) throws Exception {
        return InMemoryHandshake.run(client, server.newEngine("client", 1234));
    }

    static String causeChain(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.append(t).append(" <- ");
        }
        return out.toString();
    }
}
