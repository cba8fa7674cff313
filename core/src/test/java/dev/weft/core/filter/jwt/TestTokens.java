package dev.weft.core.filter.jwt;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Test keys and tokens, made with the JDK only and independently of the filter's code: key pairs generated per test
 * run, public JWKs written by hand from the key's numbers, tokens signed with {@link Signature}.
 */
public final class TestTokens {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private TestTokens() {
    }

    public static KeyPair rsa() {
        return generate("RSA", 2048);
    }

    /** P-256, P-384 or P-521. */
    public static KeyPair ec(String crv) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(switch (crv) {
                case "P-256" -> "secp256r1";
                case "P-384" -> "secp384r1";
                default -> "secp521r1";
            }));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static KeyPair ed25519() {
        return generate("Ed25519", 0);
    }

    public static KeyPair ed448() {
        return generate("Ed448", 0);
    }

    private static KeyPair generate(String alg, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
            if (bits > 0) {
                g.initialize(bits);
            }
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String b64(byte[] b) {
        return B64.encodeToString(b);
    }

    public static String b64(String s) {
        return b64(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The public JWK of a key pair, with {@code kid} and {@code alg} when not null. */
    public static String jwk(PublicKey key, String kid, String alg) {
        StringBuilder b = new StringBuilder("{");
        if (key instanceof RSAPublicKey r) {
            b.append("\"kty\":\"RSA\",\"n\":\"").append(b64(unsigned(r.getModulus()))).append("\",\"e\":\"")
                    .append(b64(unsigned(r.getPublicExponent()))).append('"');
        } else if (key instanceof ECPublicKey e) {
            int size = (e.getParams().getCurve().getField().getFieldSize() + 7) / 8;
            String crv = switch (size) {
                case 32 -> "P-256";
                case 48 -> "P-384";
                default -> "P-521";
            };
            b.append("\"kty\":\"EC\",\"crv\":\"").append(crv).append("\",\"x\":\"")
                    .append(b64(fixed(e.getW().getAffineX(), size))).append("\",\"y\":\"")
                    .append(b64(fixed(e.getW().getAffineY(), size))).append('"');
        } else {
            byte[] spki = key.getEncoded();
            boolean ed448 = spki.length == 12 + 57;
            byte[] x = Arrays.copyOfRange(spki, spki.length - (ed448 ? 57 : 32), spki.length);
            b.append("\"kty\":\"OKP\",\"crv\":\"").append(ed448 ? "Ed448" : "Ed25519").append("\",\"x\":\"")
                    .append(b64(x)).append('"');
        }
        if (kid != null) {
            b.append(",\"kid\":\"").append(kid).append('"');
        }
        if (alg != null) {
            b.append(",\"alg\":\"").append(alg).append('"');
        }
        return b.append('}').toString();
    }

    public static String jwks(String... keys) {
        return "{\"keys\":[" + String.join(",", keys) + "]}";
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(BigInteger v, int size) {
        byte[] b = unsigned(v);
        byte[] out = new byte[size];
        System.arraycopy(b, 0, out, size - b.length, b.length);
        return out;
    }

    /** A JOSE header {@code {"alg":...,"kid":...,"typ":"JWT"}} (kid left out when null). */
    public static String header(String alg, String kid) {
        return "{\"alg\":\"" + alg + "\"" + (kid == null ? "" : ",\"kid\":\"" + kid + "\"") + ",\"typ\":\"JWT\"}";
    }

    /** Signs {@code header.payload} (JSON texts) with the JDK algorithm for {@code alg}. */
    public static String sign(String alg, PrivateKey key, String headerJson, String payloadJson) {
        String input = b64(headerJson) + "." + b64(payloadJson);
        return input + "." + b64(signature(alg, key, input.getBytes(StandardCharsets.US_ASCII)));
    }

    public static String sign(String alg, KeyPair pair, String kid, String payloadJson) {
        return sign(alg, pair.getPrivate(), header(alg, kid), payloadJson);
    }

    public static byte[] signature(String alg, PrivateKey key, byte[] input) {
        try {
            Signature s;
            switch (alg) {
                case "RS256", "RS384", "RS512" -> s = Signature.getInstance("SHA" + alg.substring(2) + "withRSA");
                case "PS256", "PS384", "PS512" -> {
                    s = Signature.getInstance("RSASSA-PSS");
                    int bits = Integer.parseInt(alg.substring(2));
                    String hash = "SHA-" + bits;
                    s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), bits / 8, 1));
                }
                case "ES256", "ES384", "ES512" ->
                        s = Signature.getInstance("SHA" + alg.substring(2) + "withECDSAinP1363Format");
                case "EdDSA" -> s = Signature.getInstance("EdDSA");
                default -> throw new IllegalArgumentException(alg);
            }
            s.initSign(key);
            s.update(input);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An HS256 token whose secret is {@code secret}: the key-confusion attack when the secret is a public key. */
    public static String hs256(byte[] secret, String payloadJson) {
        try {
            String input = b64(header("HS256", null)) + "." + b64(payloadJson);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims iss, sub, aud (left out when null), iat = now, exp = now + {@code expIn} seconds, then {@code extra}. */
    public static String claims(String iss, String sub, String aud, long expIn, String extra) {
        long now = System.currentTimeMillis() / 1000;
        return "{\"iss\":\"" + iss + "\",\"sub\":\"" + sub + "\""
                + (aud == null ? "" : ",\"aud\":\"" + aud + "\"")
                + ",\"iat\":" + now + ",\"exp\":" + (now + expIn)
                + (extra == null || extra.isEmpty() ? "" : "," + extra) + "}";
    }
}
