package dev.weft.core.filter.jwt;

import dev.weft.core.filter.jwt.JwsAlgorithm.KeyType;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.ECFieldFp;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;

/**
 * One public signing key of a JWK set (RFC 7517), checked and converted to a JDK key when the set is read, so a token
 * is verified against a ready key.
 *
 * @param kid   the key id, or null
 * @param alg   the one algorithm the key is for when its JWK says so ({@code alg}), else null (any of its type)
 * @param type  RSA, EC or OKP
 * @param curve the JWK {@code crv} (P-256, P-384, P-521, Ed25519, Ed448); null for RSA
 * @param key   the JDK public key
 */
record Jwk(String kid, JwsAlgorithm alg, KeyType type, String curve, PublicKey key) {

    /** RFC 7518 section 3.3: "A key of size 2048 bits or larger MUST be used with these algorithms." */
    static final int MIN_RSA_BITS = 2048;
    /** Larger moduli only make each failed verification cost more; no issuer uses them. */
    static final int MAX_RSA_BITS = 8192;

    /** Why a JWK was not usable; the message names the member at fault (never a key's value). */
    static final class BadKeyException extends Exception {
        BadKeyException(String message) {
            super(message, null, false, false);
        }
    }

    /** True when a token signed with {@code a} may be checked with this key (RFC 7517 section 4.4, RFC 7518). */
    boolean accepts(JwsAlgorithm a) {
        if (alg != null && alg != a) {
            return false;
        }
        if (a.keyType() != type) {
            return false;
        }
        return type != KeyType.EC || a.curve().equals(curve);
    }

    /**
     * Reads one member of a set's {@code keys}. Returns null for a key that is not for signatures ({@code use}
     * other than {@code sig}, or {@code key_ops} without {@code verify}): sets often carry encryption keys for other
     * parties, which are skipped, not errors.
     */
    static Jwk parse(Object value) throws BadKeyException {
        if (!(value instanceof Map<?, ?> m)) {
            throw new BadKeyException("must be a JSON object");
        }
        String use = optionalString(m, "use");
        if (use != null && !use.equals("sig")) {
            return null;
        }
        Object ops = m.get("key_ops");
        if (ops != null && !(ops instanceof List<?> l && l.contains("verify"))) {
            return null;
        }
        String kty = optionalString(m, "kty");
        if (kty == null) {
            throw new BadKeyException("[kty] is missing");
        }
        String kid = optionalString(m, "kid");
        String algName = optionalString(m, "alg");
        JwsAlgorithm alg = null;
        if (algName != null) {
            alg = JwsAlgorithm.byName(algName);
            if (alg == null) {
                throw new BadKeyException("[alg] " + algName + " is not supported (RS*, PS*, ES*, EdDSA)");
            }
        }
        return switch (kty) {
            case "RSA" -> rsa(m, kid, alg);
            case "EC" -> ec(m, kid, alg);
            case "OKP" -> okp(m, kid, alg);
            case "oct" -> throw new BadKeyException("[kty] oct (HMAC shared secret) is not supported: only public "
                    + "keys can be trusted to verify tokens");
            default -> throw new BadKeyException("[kty] " + kty + " is not supported (RSA, EC, OKP)");
        };
    }

    private static Jwk rsa(Map<?, ?> m, String kid, JwsAlgorithm alg) throws BadKeyException {
        if (alg != null && alg.keyType() != KeyType.RSA) {
            throw new BadKeyException("[alg] " + alg.joseName() + " does not fit an RSA key");
        }
        BigInteger n = new BigInteger(1, member(m, "n", "RSA"));
        BigInteger e = new BigInteger(1, member(m, "e", "RSA"));
        if (n.bitLength() < MIN_RSA_BITS || n.bitLength() > MAX_RSA_BITS) {
            throw new BadKeyException("RSA key of " + n.bitLength() + " bits; must be " + MIN_RSA_BITS + " to "
                    + MAX_RSA_BITS + " (RFC 7518 section 3.3)");
        }
        if (!e.testBit(0) || e.compareTo(BigInteger.valueOf(3)) < 0 || e.bitLength() > 64) {
            throw new BadKeyException("[e] is not a valid RSA public exponent");
        }
        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            return new Jwk(kid, alg, KeyType.RSA, null, key);
        } catch (GeneralSecurityException ex) {
            throw new BadKeyException("RSA key rejected by the JDK: " + ex.getMessage());
        }
    }

    private static Jwk ec(Map<?, ?> m, String kid, JwsAlgorithm alg) throws BadKeyException {
        String crv = optionalString(m, "crv");
        String jdkName = crv == null ? null : switch (crv) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> null;
        };
        if (jdkName == null) {
            throw new BadKeyException("[crv] must be P-256, P-384 or P-521 for an EC key");
        }
        if (alg != null && (alg.keyType() != KeyType.EC || !alg.curve().equals(crv))) {
            throw new BadKeyException("[crv] " + crv + " is not compatible with [alg] " + alg.joseName());
        }
        try {
            AlgorithmParameters ap = AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec(jdkName));
            ECParameterSpec spec = ap.getParameterSpec(ECParameterSpec.class);
            int size = (spec.getCurve().getField().getFieldSize() + 7) / 8;
            byte[] xb = member(m, "x", "EC");
            byte[] yb = member(m, "y", "EC");
            // RFC 7518 section 6.2.1.2: x and y MUST be the full size of a coordinate of the curve
            if (xb.length != size || yb.length != size) {
                throw new BadKeyException("[x] and [y] must be " + size + " bytes each for " + crv);
            }
            ECPoint point = new ECPoint(new BigInteger(1, xb), new BigInteger(1, yb));
            if (!onCurve(spec.getCurve(), point)) {
                throw new BadKeyException("the point [x], [y] is not on " + crv);
            }
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
            return new Jwk(kid, alg, KeyType.EC, crv, key);
        } catch (GeneralSecurityException ex) {
            throw new BadKeyException("EC key rejected by the JDK: " + ex.getMessage());
        }
    }

    /** y^2 = x^3 + ax + b (mod p), with 0 <= x, y < p: a key off the curve is never a valid key. */
    private static boolean onCurve(EllipticCurve curve, ECPoint point) {
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    /** DER SubjectPublicKeyInfo prefixes (RFC 8410 section 4) before the raw key of RFC 8037 section 2's {@code x}. */
    private static final byte[] ED25519_SPKI = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
    private static final byte[] ED448_SPKI = {0x30, 0x43, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71, 0x03, 0x3a, 0x00};

    private static Jwk okp(Map<?, ?> m, String kid, JwsAlgorithm alg) throws BadKeyException {
        String crv = optionalString(m, "crv");
        if (!"Ed25519".equals(crv) && !"Ed448".equals(crv)) {
            throw new BadKeyException("[crv] must be Ed25519 or Ed448 for an OKP signing key");
        }
        if (alg != null && alg != JwsAlgorithm.EDDSA) {
            throw new BadKeyException("[alg] " + alg.joseName() + " does not fit an OKP key (EdDSA)");
        }
        byte[] x = member(m, "x", "OKP");
        boolean ed25519 = crv.equals("Ed25519");
        int size = ed25519 ? 32 : 57; // RFC 8032 sections 5.1.5 and 5.2.5
        if (x.length != size) {
            throw new BadKeyException("[x] must be " + size + " bytes for " + crv);
        }
        byte[] prefix = ed25519 ? ED25519_SPKI : ED448_SPKI;
        byte[] der = new byte[prefix.length + size];
        System.arraycopy(prefix, 0, der, 0, prefix.length);
        System.arraycopy(x, 0, der, prefix.length, size);
        try {
            PublicKey key = KeyFactory.getInstance(crv).generatePublic(new X509EncodedKeySpec(der));
            return new Jwk(kid, alg, KeyType.OKP, crv, key);
        } catch (java.security.NoSuchAlgorithmException ex) {
            throw new BadKeyException(crv + " is not supported by this JDK");
        } catch (GeneralSecurityException ex) {
            throw new BadKeyException("OKP key rejected by the JDK: " + ex.getMessage());
        }
    }

    private static String optionalString(Map<?, ?> m, String name) throws BadKeyException {
        Object v = m.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new BadKeyException("[" + name + "] must be a string");
        }
        return s;
    }

    private static byte[] member(Map<?, ?> m, String name, String kty) throws BadKeyException {
        String v = optionalString(m, name);
        if (v == null) {
            throw new BadKeyException("[" + name + "] field is missing for an " + kty + " key");
        }
        byte[] b = Base64Url.decode(v);
        if (b == null || b.length == 0) {
            throw new BadKeyException("[" + name + "] is not valid base64url for an " + kty + " key");
        }
        return b;
    }
}
