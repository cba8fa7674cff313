package dev.weft.tls.pem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.pem.TestPki.KeyKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PemTest {
    @TempDir
    static Path dir;
    static TestPki pki;
    static Path rsaKey;
    static Path rsaCert;

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir, "ca");
        rsaKey = pki.key("rsa", KeyKind.RSA_PKCS8);
        rsaCert = pki.cert("rsa", rsaKey, "rsa.example.com", "DNS:rsa.example.com");
    }

    @ParameterizedTest
    @CsvSource({
        "RSA_PKCS8, PRIVATE KEY, RSA",
        "RSA_PKCS1, RSA PRIVATE KEY, RSA",
        "EC_SEC1, EC PRIVATE KEY, EC",
        "EC_PKCS8, PRIVATE KEY, EC",
        "ED25519, PRIVATE KEY, EdDSA",
    })
    void loadsEveryKeyEncodingAndMatchesItsCertificate(KeyKind kind, String label, String family) throws Exception {
        Path key = pki.key("k-" + kind, kind);
        assertTrue(Files.readString(key).contains("-----BEGIN " + label + "-----"), "openssl wrote " + label);
        Path cert = pki.cert("k-" + kind, key, "k.example.com", "DNS:k.example.com");

        PrivateKey loaded = Pem.privateKey(key);

        assertEquals(family, Pem.family(loaded.getAlgorithm()));
        Pem.checkKeyMatches(cert, Pem.certificates(cert).get(0), key, loaded);
    }

    @Test
    void secOneFileWithEcParametersBlockFirstLoads() throws Exception {
        Path key = pki.key("sec1-params", KeyKind.EC_SEC1);
        assertTrue(Files.readString(key).startsWith("-----BEGIN EC PARAMETERS-----"));
        assertEquals("EC", Pem.privateKey(key).getAlgorithm());
    }

    @ParameterizedTest
    @EnumSource(KeyKind.class)
    void keyOfAnotherCertificateIsAMismatch(KeyKind kind) throws Exception {
        Path key = pki.key("other-" + kind, kind);
        PrivateKey other = Pem.privateKey(key);
        Path cert = switch (kind) {
            case RSA_PKCS8, RSA_PKCS1 -> rsaCert;
            default -> {
                Path mine = pki.key("mine-" + kind, kind);
                yield pki.cert("mine-" + kind, mine, "m.example.com", "DNS:m.example.com");
            }
        };

        PemException e = assertThrows(PemException.class,
                () -> Pem.checkKeyMatches(cert, Pem.certificates(cert).get(0), key, other));

        assertEquals(key, e.file());
        assertTrue(e.getMessage().contains("private key does not match the certificate in " + cert), e.getMessage());
    }

    @Test
    void keyOfAnotherFamilyIsAMismatchNamingBoth() throws Exception {
        Path ec = pki.key("family-ec", KeyKind.EC_PKCS8);
        PemException e = assertThrows(PemException.class,
                () -> Pem.checkKeyMatches(rsaCert, Pem.certificates(rsaCert).get(0), ec, Pem.privateKey(ec)));
        assertTrue(e.getMessage().contains("key is EC, certificate public key is RSA"), e.getMessage());
    }

    @Test
    void chainKeepsFileOrderAndIgnoresTextOutsideBlocks() throws Exception {
        Path chain = pki.chain("ordered", rsaCert);
        Path withText = dir.resolve("with-text.pem");
        Files.writeString(withText, "Bag Attributes\n  friendlyName: x\nsubject=/CN=rsa\n" + Files.readString(chain));

        List<X509Certificate> certs = Pem.certificates(withText);

        assertEquals(2, certs.size());
        assertEquals("CN=rsa.example.com", certs.get(0).getSubjectX500Principal().getName());
        assertEquals("CN=ca", certs.get(1).getSubjectX500Principal().getName());
    }

    @Test
    void trustStoreHoldsEveryCertificateOfTheBundle() throws Exception {
        KeyStore store = Pem.trustStore(pki.chain("bundle", rsaCert));
        assertEquals(2, store.size());
        assertEquals(2, Collections.list(store.aliases()).stream().filter(a -> {
            try {
                return store.isCertificateEntry(a);
            } catch (Exception e) {
                return false;
            }
        }).count());
    }

    @Test
    void crlfLineEndingsAreAccepted() throws Exception {
        Path crlf = dir.resolve("crlf.pem");
        Files.writeString(crlf, Files.readString(rsaCert).replace("\n", "\r\n"));
        assertEquals(1, Pem.certificates(crlf).size());
    }

    // ---- errors: each names the file and the problem

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope.pem");
        assertProblem(missing, "cannot read: file does not exist", () -> Pem.certificates(missing));
    }

    @Test
    void directoryIsUnreadable() {
        assertProblem(dir, "cannot read: is a directory", () -> Pem.privateKey(dir));
    }

    @Test
    void hugeFileIsRefused() throws Exception {
        Path huge = write("huge.pem", "x".repeat((int) PemBlock.MAX_FILE_BYTES + 1));
        assertProblem(huge, "more than the 1048576 allowed", () -> Pem.certificates(huge));
    }

    @Test
    void noPemBlock() throws Exception {
        Path garbage = write("garbage.pem", "this is not PEM\n");
        assertProblem(garbage, "no PEM block found", () -> Pem.certificates(garbage));
        assertProblem(garbage, "no PEM block found", () -> Pem.privateKey(garbage));
    }

    @Test
    void emptyFile() throws Exception {
        Path empty = write("empty.pem", "");
        assertProblem(empty, "no PEM block found", () -> Pem.certificates(empty));
    }

    @Test
    void noCertificateInAKeyFile() {
        assertProblem(rsaKey, "no CERTIFICATE block (found: PRIVATE KEY)", () -> Pem.certificates(rsaKey));
    }

    @Test
    void noKeyInACertificateFile() {
        assertProblem(rsaCert, "no private key block (found: CERTIFICATE)", () -> Pem.privateKey(rsaCert));
    }

    @Test
    void keyAndCertificateInOneFileBothLoad() throws Exception {
        Path both = write("both.pem", Files.readString(rsaCert) + Files.readString(rsaKey));
        assertEquals(1, Pem.certificates(both).size());
        assertEquals("RSA", Pem.privateKey(both).getAlgorithm());
    }

    @Test
    void twoKeysAreRefused() throws Exception {
        Path two = write("two-keys.pem", Files.readString(rsaKey) + Files.readString(rsaKey));
        assertProblem(two, "more than one private key block (2)", () -> Pem.privateKey(two));
    }

    @Test
    void missingEndLine() throws Exception {
        String text = Files.readString(rsaCert);
        Path cut = write("no-end.pem", text.substring(0, text.indexOf("-----END")));
        assertProblem(cut, "BEGIN CERTIFICATE (line 1) has no END line", () -> Pem.certificates(cut));
    }

    @Test
    void mismatchedEndLabel() throws Exception {
        Path bad = write("bad-end.pem", Files.readString(rsaCert).replace("END CERTIFICATE", "END PRIVATE KEY"));
        assertProblem(bad, "BEGIN CERTIFICATE (line 1) is closed by '-----END PRIVATE KEY-----'",
                () -> Pem.certificates(bad));
    }

    @Test
    void beginInsideABlock() throws Exception {
        String cert = Files.readString(rsaCert);
        Path bad = write("nested.pem", cert.substring(0, cert.indexOf("-----END")) + cert);
        assertProblem(bad, "has no END line before the next BEGIN", () -> Pem.certificates(bad));
    }

    @Test
    void emptyBlock() throws Exception {
        Path bad = write("empty-block.pem", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        assertProblem(bad, "block #0 (CERTIFICATE) is empty", () -> Pem.certificates(bad));
    }

    @Test
    void malformedBase64() throws Exception {
        Path bad = write("bad-b64.pem", "-----BEGIN CERTIFICATE-----\nMIIB$$$$\n-----END CERTIFICATE-----\n");
        assertProblem(bad, "block #0 (CERTIFICATE) has malformed base64", () -> Pem.certificates(bad));
    }

    @Test
    void malformedCertificateDer() throws Exception {
        Path bad = write("bad-der.pem", block("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));
        assertProblem(bad, "block #0 (CERTIFICATE) is not a valid X.509 certificate (malformed DER)",
                () -> Pem.certificates(bad));
    }

    @Test
    void malformedKeyDer() throws Exception {
        Path pkcs8 = write("bad-pkcs8.pem", block("PRIVATE KEY", new byte[] {0x30, 0x05, 0x02, 0x01}));
        assertProblem(pkcs8, "block #0 (PRIVATE KEY) has malformed DER: length 5 runs past the end",
                () -> Pem.privateKey(pkcs8));
        Path pkcs1 = write("bad-pkcs1.pem", block("RSA PRIVATE KEY", new byte[] {0x02, 0x01, 0x00}));
        assertProblem(pkcs1, "has malformed DER: expected RSAPrivateKey SEQUENCE", () -> Pem.privateKey(pkcs1));
        Path sec1 = write("bad-sec1.pem", block("EC PRIVATE KEY", new byte[] {0x30, 0x03, 0x02, 0x01, 0x02}));
        assertProblem(sec1, "ECPrivateKey version must be 1", () -> Pem.privateKey(sec1));
        Path indefinite = write("indefinite.pem", block("PRIVATE KEY", new byte[] {0x30, (byte) 0x80, 0, 0}));
        assertProblem(indefinite, "indefinite length is not DER", () -> Pem.privateKey(indefinite));
    }

    @Test
    void wellFormedButWrongRsaKeyContent() throws Exception {
        // a valid SEQUENCE of three small INTEGERs is DER, but not an RSAPrivateKey
        Path bad = write("short-rsa.pem", block("RSA PRIVATE KEY",
                new byte[] {0x30, 0x09, 0x02, 0x01, 0x00, 0x02, 0x01, 0x05, 0x02, 0x01, 0x03}));
        assertProblem(bad, "malformed or unsupported RSA key", () -> Pem.privateKey(bad));
    }

    @Test
    void secOneKeyWithoutCurveParameters() throws Exception {
        Path noCurve = dir.resolve("no-curve.key");
        TestPki.run(dir, "ec", "-in", pki.key("for-no-curve", KeyKind.EC_SEC1).toString(), "-param_enc", "named_curve",
                "-no_public", "-out", noCurve.toString());
        // strip the [0] parameters by hand: re-encode version + private key only
        byte[] der = der(Files.readString(noCurve), "EC PRIVATE KEY");
        Der.Reader fields = Der.single(der, Der.SEQUENCE, "ECPrivateKey").contents();
        byte[] stripped = Der.sequence(fields.next().encoded(), fields.next().encoded());
        Path bad = write("sec1-no-params.pem", block("EC PRIVATE KEY", stripped));
        assertProblem(bad, "EC PRIVATE KEY has no curve parameters", () -> Pem.privateKey(bad));
    }

    @Test
    void explicitCurveParametersAreUnsupported() throws Exception {
        Path explicit = dir.resolve("explicit.key");
        TestPki.run(dir, "ec", "-in", pki.key("for-explicit", KeyKind.EC_SEC1).toString(), "-param_enc", "explicit",
                "-out", explicit.toString());
        assertProblem(explicit, "unsupported key type: EC key with explicit curve parameters",
                () -> Pem.privateKey(explicit));
    }

    @Test
    void encryptedPkcs8KeyIsRefusedClearly() throws Exception {
        Path encrypted = dir.resolve("encrypted.key");
        TestPki.run(dir, "pkey", "-in", rsaKey.toString(), "-aes256", "-passout", "pass:secret", "-out",
                encrypted.toString());
        assertTrue(Files.readString(encrypted).contains("ENCRYPTED PRIVATE KEY"));
        assertProblem(encrypted, "encrypted keys are not supported (ENCRYPTED PRIVATE KEY)",
                () -> Pem.privateKey(encrypted));
    }

    @Test
    void legacyEncryptedPkcs1KeyIsRefusedClearly() throws Exception {
        Path encrypted = dir.resolve("encrypted-legacy.key");
        TestPki.run(dir, "rsa", "-in", rsaKey.toString(), "-traditional", "-aes256", "-passout", "pass:secret",
                "-out", encrypted.toString());
        assertTrue(Files.readString(encrypted).contains("Proc-Type: 4,ENCRYPTED"));
        assertProblem(encrypted, "encrypted keys are not supported (RSA PRIVATE KEY)", () -> Pem.privateKey(encrypted));
    }

    @Test
    void unsupportedPkcs8AlgorithmNamesTheOid() throws Exception {
        Path x25519 = dir.resolve("x25519.key");
        TestPki.run(dir, "genpkey", "-algorithm", "X25519", "-out", x25519.toString());
        assertProblem(x25519, "unsupported key type: algorithm OID 1.3.101.110", () -> Pem.privateKey(x25519));
    }

    @Test
    void unsupportedKeyLabel() throws Exception {
        Path dsa = write("dsa.pem", block("DSA PRIVATE KEY", new byte[] {0x30, 0x00}));
        assertProblem(dsa, "unsupported key type: DSA PRIVATE KEY", () -> Pem.privateKey(dsa));
    }

    @Test
    void validityIsCheckedAgainstTheGivenInstant() throws Exception {
        List<X509Certificate> chain = Pem.certificates(rsaCert);
        Instant notBefore = chain.get(0).getNotBefore().toInstant();
        Instant notAfter = chain.get(0).getNotAfter().toInstant();

        Pem.checkValidity(rsaCert, chain, notBefore.plusSeconds(1));
        assertProblem(rsaCert, "certificate #0 (CN=rsa.example.com) has expired: valid until " + notAfter,
                () -> Pem.checkValidity(rsaCert, chain, notAfter.plusSeconds(1)));
        assertProblem(rsaCert, "certificate #0 (CN=rsa.example.com) is not yet valid: valid from " + notBefore,
                () -> Pem.checkValidity(rsaCert, chain, notBefore.minusSeconds(1)));
    }

    @Test
    void expiredAndNotYetValidCertificatesFromOpensslCa() throws Exception {
        Path key = pki.key("dated", KeyKind.EC_PKCS8);
        Path expired = pki.certWithDates("expired", key, "old.example.com", "DNS:old.example.com",
                "20200101000000Z", "20210101000000Z");
        Path future = pki.certWithDates("future", key, "new.example.com", "DNS:new.example.com",
                "20990101000000Z", "20991231000000Z");

        assertProblem(expired, "has expired: valid until 2021-01-01T00:00:00Z",
                () -> Pem.checkValidity(expired, Pem.certificates(expired), Instant.now()));
        assertProblem(future, "is not yet valid: valid from 2099-01-01T00:00:00Z",
                () -> Pem.checkValidity(future, Pem.certificates(future), Instant.now()));
    }

    @Test
    void anInvalidCertificateDeeperInTheChainIsReportedWithItsIndex() throws Exception {
        Path key = pki.key("deep", KeyKind.EC_PKCS8);
        Path expired = pki.certWithDates("deep-expired", key, "deep.example.com", "", "20200101000000Z",
                "20210101000000Z");
        List<X509Certificate> chain = List.of(Pem.certificates(rsaCert).get(0), Pem.certificates(expired).get(0));

        assertProblem(rsaCert, "certificate #1 (CN=deep.example.com) has expired",
                () -> Pem.checkValidity(rsaCert, chain, Instant.now()));
    }

    @Test
    void oidPrinting() throws Exception {
        assertEquals("1.2.840.113549.1.1.1",
                Der.oidToString(new byte[] {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01}));
        assertEquals("1.3.101.112", Der.oidToString(new byte[] {0x2b, 0x65, 0x70}));
        assertEquals("2.999.3", Der.oidToString(new byte[] {(byte) 0x88, 0x37, 0x03}));
    }

    @Test
    void derLengthsRoundTrip() throws Exception {
        for (int length : new int[] {0, 1, 127, 128, 255, 256, 65535, 65536}) {
            byte[] encoded = Der.octetString(new byte[length]);
            Der.Tlv tlv = Der.single(encoded, Der.OCTET_STRING, "octets");
            assertEquals(length, tlv.valueEnd() - tlv.valueStart());
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void assertProblem(Path file, String expected, Call call) {
        PemException e = assertThrows(PemException.class, call::run);
        assertEquals(file, e.file());
        assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        assertTrue(e.problem().contains(expected), "expected '" + expected + "' in: " + e.getMessage());
    }

    private static Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.ISO_8859_1);
        return file;
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String pem, String label) {
        String body = pem.substring(pem.indexOf("-----BEGIN " + label + "-----") + label.length() + 16,
                pem.indexOf("-----END " + label + "-----"));
        return Base64.getMimeDecoder().decode(body);
    }
}
