package dev.weft.core.filter.jwt;

import static dev.weft.core.filter.jwt.TestTokens.b64;
import static dev.weft.core.filter.jwt.TestTokens.jwk;
import static dev.weft.core.filter.jwt.TestTokens.jwks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading JWK sets: usable keys of every type, and each kind of unusable key named with its index and member. */
class JwksTest {
    private static final KeyPair RSA = TestTokens.rsa();
    private static final KeyPair P256 = TestTokens.ec("P-256");

    private static List<String> problems(String json) {
        List<String> problems = new ArrayList<>();
        try {
            Jwks.parse(json.getBytes(StandardCharsets.UTF_8), problems);
        } catch (Jwks.BadJwksException e) {
            problems.add("set: " + e.getMessage());
        }
        return problems;
    }

    @Test
    void readsKeysOfEveryTypeAndSkipsEncryptionKeys() throws Exception {
        String enc = jwk(RSA.getPublic(), "enc", null).replace("}", ",\"use\":\"enc\"}");
        List<String> problems = new ArrayList<>();
        Jwks k = Jwks.parse(jwks(jwk(RSA.getPublic(), "r", "RS256"), jwk(P256.getPublic(), "e", null),
                jwk(TestTokens.ec("P-521").getPublic(), null, "ES512"),
                jwk(TestTokens.ed25519().getPublic(), "o", null),
                jwk(TestTokens.ed448().getPublic(), "o2", "EdDSA"), enc).getBytes(StandardCharsets.UTF_8), problems);
        assertEquals(List.of(), problems);
        assertEquals(5, k.size());
        assertEquals("P-521", k.key(2).curve());
        assertEquals("Ed448", k.key(4).curve());
    }

    @Test
    void namesEveryUnusableKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        String small = jwk(g.generateKeyPair().getPublic(), "small", null);
        ECPublicKey ec = (ECPublicKey) P256.getPublic();
        String offCurve = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" + b64(fixed(ec.getW().getAffineX()))
                + "\",\"y\":\"" + b64(fixed(ec.getW().getAffineY().add(BigInteger.ONE))) + "\"}";
        String shortX = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AQ\",\"y\":\"AQ\"}";
        assertEquals(List.of(
                "keys[0]: RSA key of 1024 bits; must be 2048 to 8192 (RFC 7518 section 3.3)",
                "keys[1]: the point [x], [y] is not on P-256",
                "keys[2]: [x] and [y] must be 32 bytes each for P-256",
                "keys[3]: [kty] oct (HMAC shared secret) is not supported: only public keys can be trusted to verify "
                        + "tokens",
                "keys[4]: [n] field is missing for an RSA key",
                "keys[5]: [crv] P-256 is not compatible with [alg] ES384",
                "keys[6]: [alg] HS256 is not supported (RS*, PS*, ES*, EdDSA)",
                "keys[7]: [kty] is missing",
                "keys[8]: must be a JSON object",
                "keys[9]: [crv] must be Ed25519 or Ed448 for an OKP signing key"),
                problems(jwks(small, offCurve, shortX, "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}",
                        "{\"kty\":\"RSA\",\"e\":\"AQAB\"}", jwk(P256.getPublic(), null, "ES384"),
                        jwk(RSA.getPublic(), null, "HS256"), "{\"n\":\"x\"}", "[]",
                        "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AQ\"}", jwk(RSA.getPublic(), "ok", null))));
    }

    @Test
    void refusesSetsThatAreNotSetsOrHaveNoUsableKey() {
        assertTrue(problems("{\"keys\":").get(0).startsWith("set: Jwks is an invalid JSON"));
        assertEquals(List.of("set: Jwks does not have [keys] field"), problems("{\"kty\":\"RSA\"}"));
        assertEquals(List.of("set: [keys] in Jwks is not an array"), problems("{\"keys\":{}}"));
        assertEquals(List.of("set: Jwks doesn't have any valid public key"), problems("{\"keys\":[]}"));
        assertEquals(List.of("keys[0]: [kty] is missing", "set: Jwks doesn't have any valid public key "
                + "(keys[0]: [kty] is missing)"), problems("{\"keys\":[{}]}"));
        String many = jwks(java.util.Collections.nCopies(65, jwk(RSA.getPublic(), null, null)).toArray(String[]::new));
        assertEquals(List.of("set: Jwks has 65 keys; at most 64 are read"), problems(many));
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        int n = Math.min(32, b.length);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }
}
