package dev.weft.tls.pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Loads certificate chains, private keys and trust stores from PEM files with the JDK alone, and checks that a key
 * belongs to its certificate and that a chain is valid at a given instant.
 *
 * <p>Keys may be PKCS#8 ({@code PRIVATE KEY}: RSA, RSASSA-PSS, EC, Ed25519, Ed448), PKCS#1 ({@code RSA PRIVATE KEY})
 * or SEC1 ({@code EC PRIVATE KEY}); the last two are wrapped into PKCS#8 here. Encrypted keys are refused.
 */
public final class Pem {

    private static final String CERTIFICATE = "CERTIFICATE";
    private static final String PKCS8 = "PRIVATE KEY";
    private static final String PKCS1_RSA = "RSA PRIVATE KEY";
    private static final String SEC1_EC = "EC PRIVATE KEY";
    private static final String PKCS8_ENCRYPTED = "ENCRYPTED PRIVATE KEY";
    private static final List<String> KEY_LABELS = List.of(PKCS8, PKCS1_RSA, SEC1_EC, PKCS8_ENCRYPTED,
            "DSA PRIVATE KEY", "OPENSSH PRIVATE KEY");

    private static final String OID_RSA = "1.2.840.113549.1.1.1";
    private static final String OID_EC = "1.2.840.10045.2.1";
    /** PKCS#8 AlgorithmIdentifier OID -> JDK KeyFactory algorithm. */
    private static final Map<String, String> KEY_ALGORITHMS = Map.of(
            OID_RSA, "RSA",
            "1.2.840.113549.1.1.10", "RSASSA-PSS",
            OID_EC, "EC",
            "1.3.101.112", "Ed25519",
            "1.3.101.113", "Ed448");

    // Pre-encoded AlgorithmIdentifier pieces for wrapping PKCS#1 and SEC1 keys into PKCS#8 (RFC 5208 section 5).
    private static final byte[] RSA_ENCRYPTION_OID = {0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01};
    private static final byte[] EC_PUBLIC_KEY_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02,
        0x01};

    private static final SecureRandom RANDOM = new SecureRandom();

    private Pem() {}

    /** All CERTIFICATE blocks of the file, in file order (leaf first for a chain). */
    public static List<X509Certificate> certificates(Path file) throws PemException {
        List<PemBlock> blocks = PemBlock.read(file);
        CertificateFactory factory = x509Factory();
        List<X509Certificate> chain = new ArrayList<>();
        for (PemBlock block : blocks) {
            if (!block.label().equals(CERTIFICATE)) {
                continue;
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
            } catch (CertificateException e) {
                throw new PemException(file, block.describe() + " is not a valid X.509 certificate (malformed DER): "
                        + e.getMessage(), e);
            }
        }
        if (chain.isEmpty()) {
            throw new PemException(file, "no CERTIFICATE block (found: " + PemBlock.labels(blocks) + ")");
        }
        return List.copyOf(chain);
    }

    /** The one private key of the file; other blocks (certificates, EC PARAMETERS) are ignored. */
    public static PrivateKey privateKey(Path file) throws PemException {
        List<PemBlock> blocks = PemBlock.read(file);
        List<PemBlock> keys = blocks.stream().filter(b -> KEY_LABELS.contains(b.label())).toList();
        if (keys.isEmpty()) {
            throw new PemException(file, "no private key block (found: " + PemBlock.labels(blocks) + ")");
        }
        if (keys.size() > 1) {
            throw new PemException(file, "more than one private key block (" + keys.size() + ")");
        }
        PemBlock block = keys.get(0);
        if (block.encryptedHeaders() || block.label().equals(PKCS8_ENCRYPTED)) {
            throw new PemException(file, "encrypted keys are not supported (" + block.label()
                    + "); decrypt it, e.g. openssl pkey -in key.pem -out plain.pem");
        }
        try {
            return switch (block.label()) {
                case PKCS8 -> fromPkcs8(file, block.der());
                case PKCS1_RSA -> generate(file, "RSA", wrapPkcs1(block.der()));
                case SEC1_EC -> generate(file, "EC", wrapSec1(file, block.der()));
                default -> throw new PemException(file, "unsupported key type: " + block.label()
                        + " (supported: PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY)");
            };
        } catch (Der.DerException e) {
            throw new PemException(file, block.describe() + " has malformed DER: " + e.getMessage(), e);
        }
    }

    /** A PKCS12 in-memory trust store holding every certificate of the bundle as a trusted entry. */
    public static KeyStore trustStore(Path caBundle) throws PemException {
        List<X509Certificate> cas = certificates(caBundle);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new PemException(caBundle, "cannot build a trust store: " + e, e);
        }
    }

    /**
     * Fails unless {@code key} is the private half of {@code certificate}'s public key: RSA moduli are compared,
     * other keys sign a random challenge that the certificate's key must verify.
     */
    public static void checkKeyMatches(Path certFile, X509Certificate certificate, Path keyFile, PrivateKey key)
            throws PemException {
        PublicKey publicKey = certificate.getPublicKey();
        String keyFamily = family(key.getAlgorithm());
        String certFamily = family(publicKey.getAlgorithm());
        if (!keyFamily.equals(certFamily)) {
            throw new PemException(keyFile, "private key does not match the certificate in " + certFile + ": key is "
                    + keyFamily + ", certificate public key is " + certFamily);
        }
        if (key instanceof RSAKey rsaKey && publicKey instanceof RSAKey rsaPublic) {
            if (!rsaKey.getModulus().equals(rsaPublic.getModulus())) {
                throw new PemException(keyFile, "private key does not match the certificate in " + certFile
                        + " (different RSA modulus)");
            }
            return;
        }
        String algorithm = switch (keyFamily) {
            case "EC" -> "SHA256withECDSA";
            case "EdDSA" -> "EdDSA";
            default -> throw new PemException(keyFile, "unsupported key type for matching: " + key.getAlgorithm());
        };
        byte[] challenge = new byte[32];
        RANDOM.nextBytes(challenge);
        boolean verified;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            verified = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // e.g. an EC key on a different curve than the certificate's key
            verified = false;
        }
        if (!verified) {
            throw new PemException(keyFile, "private key does not match the certificate in " + certFile);
        }
    }

    /** Fails when any certificate of the chain is expired or not yet valid at {@code now}. */
    public static void checkValidity(Path certFile, List<X509Certificate> chain, Instant now) throws PemException {
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            Instant notBefore = cert.getNotBefore().toInstant();
            Instant notAfter = cert.getNotAfter().toInstant();
            String which = "certificate #" + i + " (" + cert.getSubjectX500Principal().getName() + ")";
            if (now.isBefore(notBefore)) {
                throw new PemException(certFile, which + " is not yet valid: valid from " + notBefore + ", now is "
                        + now);
            }
            if (now.isAfter(notAfter)) {
                throw new PemException(certFile, which + " has expired: valid until " + notAfter + ", now is " + now);
            }
        }
    }

    /** Key families as the JDK names them, so that "Ed25519" keys and "EdDSA" certificates compare equal. */
    static String family(String algorithm) {
        return switch (algorithm) {
            case "Ed25519", "Ed448", "EdDSA" -> "EdDSA";
            case "RSASSA-PSS", "RSA" -> "RSA";
            default -> algorithm;
        };
    }

    private static PrivateKey fromPkcs8(Path file, byte[] der) throws PemException, Der.DerException {
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER, privateKeyAlgorithm AlgorithmIdentifier, privateKey OCTET STRING, ...}
        Der.Reader info = Der.single(der, Der.SEQUENCE, "PrivateKeyInfo SEQUENCE").contents();
        info.next(Der.INTEGER, "PrivateKeyInfo version");
        Der.Reader algorithmId = info.next(Der.SEQUENCE, "AlgorithmIdentifier").contents();
        String oid = Der.oidToString(algorithmId.next(Der.OID, "algorithm OID").value());
        String algorithm = KEY_ALGORITHMS.get(oid);
        if (algorithm == null) {
            throw new PemException(file, "unsupported key type: algorithm OID " + oid
                    + " (supported: RSA, RSASSA-PSS, EC, Ed25519, Ed448)");
        }
        return generate(file, algorithm, der);
    }

    /** RFC 8017 RSAPrivateKey -> RFC 5208 PrivateKeyInfo { 0, { rsaEncryption, NULL }, OCTET STRING(pkcs1) }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) throws Der.DerException {
        Der.single(pkcs1, Der.SEQUENCE, "RSAPrivateKey SEQUENCE");
        return Der.sequence(
                Der.smallInteger(0),
                Der.sequence(RSA_ENCRYPTION_OID, Der.nullValue()),
                Der.octetString(pkcs1));
    }

    /**
     * RFC 5915 ECPrivateKey { version 1, privateKey OCTET STRING, [0] parameters, [1] publicKey } ->
     * PrivateKeyInfo { 0, { id-ecPublicKey, namedCurve OID from [0] }, OCTET STRING(sec1) }.
     */
    private static byte[] wrapSec1(Path file, byte[] sec1) throws PemException, Der.DerException {
        Der.Reader key = Der.single(sec1, Der.SEQUENCE, "ECPrivateKey SEQUENCE").contents();
        Der.Tlv version = key.next(Der.INTEGER, "ECPrivateKey version");
        if (Der.smallIntegerValue(version) != 1) {
            throw new Der.DerException("ECPrivateKey version must be 1");
        }
        key.next(Der.OCTET_STRING, "ECPrivateKey privateKey");
        byte[] curveOid = null;
        while (key.hasMore()) {
            Der.Tlv field = key.next();
            if (field.tag() == Der.CONTEXT_0) {
                Der.Tlv parameters = field.contents().next();
                if (parameters.tag() != Der.OID) {
                    throw new PemException(file, "unsupported key type: EC key with explicit curve parameters "
                            + "(only named curves are supported)");
                }
                curveOid = parameters.encoded();
            }
        }
        if (curveOid == null) {
            throw new PemException(file, "EC PRIVATE KEY has no curve parameters; cannot tell which curve it is on");
        }
        return Der.sequence(
                Der.smallInteger(0),
                Der.sequence(EC_PUBLIC_KEY_OID, curveOid),
                Der.octetString(sec1));
    }

    private static PrivateKey generate(Path file, String algorithm, byte[] pkcs8) throws PemException {
        try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (InvalidKeySpecException e) {
            throw new PemException(file, "malformed or unsupported " + algorithm + " key: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new PemException(file, "unsupported key type: " + algorithm + " (" + e.getMessage() + ")", e);
        }
    }

    private static CertificateFactory x509Factory() {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("every JDK has an X.509 CertificateFactory", e);
        }
    }
}
