package dev.weft.core.filter.jwt;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;

/**
 * The JWS {@code alg} values this filter verifies (RFC 7518 section 3.1, RFC 8037 section 3.1), each with the JDK
 * signature that implements it and the key it needs. {@code none} and the HMAC algorithms are deliberately absent: a
 * proxy verifying tokens must never accept an unsigned token, and must never let a token choose to be checked with a
 * public key used as an HMAC secret (the classic key-confusion attack).
 */
enum JwsAlgorithm {
    RS256("SHA256withRSA", KeyType.RSA, null, null),
    RS384("SHA384withRSA", KeyType.RSA, null, null),
    RS512("SHA512withRSA", KeyType.RSA, null, null),
    // RFC 7518 section 3.5: MGF1 with the same hash, salt as long as the hash output.
    PS256("RSASSA-PSS", KeyType.RSA, null, new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1)),
    PS384("RSASSA-PSS", KeyType.RSA, null, new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1)),
    PS512("RSASSA-PSS", KeyType.RSA, null, new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1)),
    // RFC 7518 section 3.4: the signature is R || S, each as long as the curve's order; the JDK's P1363 format is
    // exactly that layout, so no conversion to DER is needed.
    ES256("SHA256withECDSAinP1363Format", KeyType.EC, "P-256", null),
    ES384("SHA384withECDSAinP1363Format", KeyType.EC, "P-384", null),
    ES512("SHA512withECDSAinP1363Format", KeyType.EC, "P-521", null),
    /** RFC 8037 section 3.1: Ed25519 or Ed448, chosen by the key's {@code crv}. */
    EDDSA("EdDSA", KeyType.OKP, null, null);

    /** JWK {@code kty} values (RFC 7518 section 6.1, RFC 8037 section 2). */
    enum KeyType { RSA, EC, OKP }

    private final String jcaName;
    private final KeyType keyType;
    /** The JWK {@code crv} an EC algorithm requires (RFC 7518 section 3.4); null for the others. */
    private final String curve;
    private final AlgorithmParameterSpec params;

    JwsAlgorithm(String jcaName, KeyType keyType, String curve, AlgorithmParameterSpec params) {
        this.jcaName = jcaName;
        this.keyType = keyType;
        this.curve = curve;
        this.params = params;
    }

    /** The algorithm of a JOSE {@code alg} name (case-sensitive, RFC 7515 section 4.1.1), or null if not verified. */
    static JwsAlgorithm byName(String alg) {
        return switch (alg) {
            case "RS256" -> RS256;
            case "RS384" -> RS384;
            case "RS512" -> RS512;
            case "PS256" -> PS256;
            case "PS384" -> PS384;
            case "PS512" -> PS512;
            case "ES256" -> ES256;
            case "ES384" -> ES384;
            case "ES512" -> ES512;
            case "EdDSA" -> EDDSA;
            default -> null;
        };
    }

    /** The JOSE name. */
    String joseName() {
        return this == EDDSA ? "EdDSA" : name();
    }

    KeyType keyType() {
        return keyType;
    }

    String curve() {
        return curve;
    }

    /**
     * Checks a signature over {@code signingInput} (the ASCII bytes of {@code header.payload}) with a key the caller
     * already matched to this algorithm. The signature's length is checked against the key first (RFC 7518 sections
     * 3.3, 3.4, RFC 8032 section 5.1.7): a wrong length is a failure, never an exception.
     */
    boolean verify(PublicKey key, byte[] signingInput, byte[] signature) {
        if (signature.length != signatureLength(key)) {
            return false;
        }
        try {
            Signature s = Signature.getInstance(jcaName);
            if (params != null) {
                s.setParameter(params);
            }
            s.initVerify(key);
            s.update(signingInput);
            return s.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // a malformed signature value (e.g. R or S out of range) is a failed verification, not an error
            return false;
        }
    }

    private int signatureLength(PublicKey key) {
        return switch (keyType) {
            case RSA -> (((RSAPublicKey) key).getModulus().bitLength() + 7) / 8;
            case EC -> switch (curve) {
                case "P-256" -> 64;
                case "P-384" -> 96;
                default -> 132;
            };
            case OKP -> "Ed448".equals(((EdECPublicKey) key).getParams().getName()) ? 114 : 64;
        };
    }
}
