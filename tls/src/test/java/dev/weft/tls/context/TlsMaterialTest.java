package dev.weft.tls.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.pem.PemException;
import dev.weft.tls.pem.TestPki;
import dev.weft.tls.pem.TestPki.KeyKind;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static Path key;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir, "ca");
        key = pki.key("leaf", KeyKind.EC_SEC1);
    }

    @Test
    void loadsChainKeyIdentityAndEarliestExpiry() throws Exception {
        Path leaf = pki.cert("leaf", key, "leaf", "DNS:leaf.example.com,URI:spiffe://td/leaf");
        TlsMaterial material = TlsMaterial.load(pki.chain("leaf", leaf), key);

        assertEquals(2, material.chain().size());
        assertEquals("spiffe://td/leaf", material.identity().spiffeId());
        assertEquals(material.leaf().getNotAfter().toInstant(), material.notAfter(), "the leaf expires before the CA");
    }

    @Test
    void refusesAKeyOfAnotherCertificate() {
        Path otherKey = pki.key("other", KeyKind.EC_SEC1);
        Path leaf = pki.cert("mine", key, "mine", "DNS:mine");
        PemException e = assertThrows(PemException.class, () -> TlsMaterial.load(leaf, otherKey));
        assertTrue(e.getMessage().contains("private key does not match the certificate in " + leaf), e.getMessage());
    }

    @Test
    void refusesExpiredAndNotYetValidCertificates() {
        Path expired = pki.certWithDates("expired", key, "old", "DNS:old", "20200101000000Z", "20210101000000Z");
        Path future = pki.certWithDates("future", key, "new", "DNS:new", "20990101000000Z", "20991231000000Z");

        assertTrue(assertThrows(PemException.class, () -> TlsMaterial.load(expired, key)).getMessage()
                .contains("has expired"));
        assertTrue(assertThrows(PemException.class, () -> TlsMaterial.load(future, key)).getMessage()
                .contains("is not yet valid"));
    }
}
