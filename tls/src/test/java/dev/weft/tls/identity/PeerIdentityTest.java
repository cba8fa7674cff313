package dev.weft.tls.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.weft.tls.pem.Pem;
import dev.weft.tls.pem.TestPki;
import dev.weft.tls.pem.TestPki.KeyKind;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerIdentityTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static Path key;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir, "ca");
        key = pki.key("leaf", KeyKind.EC_PKCS8);
    }

    @Test
    void extractsSansBySortAndTheFirstSpiffeId() throws Exception {
        Path cert = pki.cert("svc", key, "svc.example.com", "DNS:svc.example.com,DNS:*.svc.example.com,"
                + "URI:https://example.com/x,URI:spiffe://cluster.local/ns/default/sa/web,"
                + "URI:spiffe://cluster.local/ns/other/sa/second,IP:10.0.0.7,IP:::1");

        PeerIdentity identity = PeerIdentity.of(Pem.certificates(cert).get(0));

        assertEquals(List.of("svc.example.com", "*.svc.example.com"), identity.dnsSans());
        assertEquals(List.of("https://example.com/x", "spiffe://cluster.local/ns/default/sa/web",
                "spiffe://cluster.local/ns/other/sa/second"), identity.uriSans());
        assertEquals(2, identity.ipSans().size());
        assertEquals("10.0.0.7", identity.ipSans().get(0));
        assertEquals("CN=svc.example.com", identity.subject());
        assertEquals("spiffe://cluster.local/ns/default/sa/web", identity.spiffeId());
        assertEquals("DNS:svc.example.com", identity.describeSans().get(0));
    }

    @Test
    void certificateWithoutSansHasOnlyASubject() throws Exception {
        Path cert = pki.cert("plain", key, "plain", "");

        PeerIdentity identity = PeerIdentity.of(Pem.certificates(cert).get(0));

        assertEquals(List.of(), identity.dnsSans());
        assertEquals(List.of(), identity.uriSans());
        assertEquals("CN=plain", identity.subject());
        assertNull(identity.spiffeId());
    }

    @Test
    void noneIsEmpty() {
        assertEquals(List.of(), PeerIdentity.NONE.dnsSans());
        assertEquals("", PeerIdentity.NONE.subject());
        assertNull(PeerIdentity.NONE.spiffeId());
    }
}
