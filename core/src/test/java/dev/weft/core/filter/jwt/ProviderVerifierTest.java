package dev.weft.core.filter.jwt;

import static dev.weft.core.filter.jwt.TestTokens.b64;
import static dev.weft.core.filter.jwt.TestTokens.jwk;
import static dev.weft.core.filter.jwt.TestTokens.jwks;
import static dev.weft.core.filter.jwt.TestTokens.sign;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Signature verification for every algorithm with keys generated here and tokens signed by the JDK, the checks on
 * claims against a controlled clock, the key-confusion attacks, and the verified-token cache.
 */
class ProviderVerifierTest {
    private static final String ISS = "https://auth.test";
    private static final long NOW = 1_700_000_000L;
    private static final KeyPair RSA = TestTokens.rsa();
    private static final KeyPair P256 = TestTokens.ec("P-256");
    private static final KeyPair P384 = TestTokens.ec("P-384");
    private static final KeyPair P521 = TestTokens.ec("P-521");
    private static final KeyPair ED25519 = TestTokens.ed25519();
    private static final KeyPair ED448 = TestTokens.ed448();

    private final StatsStore stats = new StatsStore(32);
    private final AtomicLong clock = new AtomicLong(NOW);
    private final Counter hits = stats.counter(StatName.of("t.hit"));
    private final Counter misses = stats.counter(StatName.of("t.miss"));

    @AfterEach
    void close() {
        stats.close();
    }

    private static Jwks keys(String json) throws Exception {
        List<String> problems = new ArrayList<>();
        Jwks k = Jwks.parse(json.getBytes(StandardCharsets.UTF_8), problems);
        assertEquals(List.of(), problems);
        return k;
    }

    private ProviderVerifier verifier(Jwks keys, List<String> audiences, int cacheSize) {
        AtomicReference<Jwks> ref = new AtomicReference<>(keys);
        return verifier(ref, audiences, cacheSize);
    }

    private ProviderVerifier verifier(AtomicReference<Jwks> keys, List<String> audiences, int cacheSize) {
        ProviderConfig c = new ProviderConfig("p", ISS, audiences, keys.get(), null,
                List.of(new ProviderConfig.HeaderLocation("authorization", "Bearer ")), List.of(), false, null,
                List.of(), 60, cacheSize);
        ProviderVerifier.KeySource source = new ProviderVerifier.KeySource() {
            @Override
            public Jwks keys() {
                return keys.get();
            }

            @Override
            public boolean refetchForUnknownKid() {
                return false;
            }
        };
        return new ProviderVerifier(c, source, new ProviderVerifier.FilterCounters(hits, misses),
                stats.counter(StatName.of("t.allowed." + System.nanoTime())),
                stats.counter(StatName.of("t.denied." + System.nanoTime())), clock::get);
    }

    private static String claims(String extra) {
        return "{\"iss\":\"" + ISS + "\",\"sub\":\"alice\",\"aud\":\"api\",\"exp\":" + (NOW + 600)
                + (extra.isEmpty() ? "" : "," + extra) + "}";
    }

    private static JwtStatus rejected(ProviderVerifier v, String token) {
        return assertThrows(Jwt.InvalidJwtException.class, () -> v.verify(token)).status;
    }

    @ParameterizedTest
    @ValueSource(strings = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
        "EdDSA-Ed25519", "EdDSA-Ed448"})
    void verifiesEveryAlgorithmWithTheMatchingKey(String which) throws Exception {
        String alg = which.startsWith("EdDSA") ? "EdDSA" : which;
        KeyPair pair = switch (which) {
            case "ES256" -> P256;
            case "ES384" -> P384;
            case "ES512" -> P521;
            case "EdDSA-Ed25519" -> ED25519;
            case "EdDSA-Ed448" -> ED448;
            default -> RSA;
        };
        ProviderVerifier v = verifier(keys(jwks(jwk(pair.getPublic(), "k1", null))), List.of("api"), 16);
        String token = sign(alg, pair, "k1", claims(""));
        VerifiedToken t = v.verify(token);
        assertEquals("alice", t.jwt().subject());
        assertEquals(ISS, t.jwt().issuer());
        assertEquals("p", t.jwt().provider());
        // flip one bit of the signature, then of the payload: both fail
        String[] parts = token.split("\\.");
        byte[] sig = Base64Url.decode(parts[2]);
        sig[sig.length / 2] ^= 1;
        assertEquals(JwtStatus.VERIFICATION_FAILED, rejected(v, parts[0] + "." + parts[1] + "." + b64(sig)));
        String otherPayload = b64(claims("\"admin\":true"));
        assertEquals(JwtStatus.VERIFICATION_FAILED, rejected(v, parts[0] + "." + otherPayload + "." + parts[2]));
    }

    @Test
    void keyConfusionIsRefused() throws Exception {
        Jwks rsaOnly = keys(jwks(jwk(RSA.getPublic(), "k1", null)));
        ProviderVerifier v = verifier(rsaOnly, List.of(), 16);
        // HS256 with the RSA public key (as its JWK text, and as DER) as the HMAC secret
        assertEquals(JwtStatus.HEADER_ALG_NOT_SUPPORTED,
                rejected(v, TestTokens.hs256(jwk(RSA.getPublic(), "k1", null).getBytes(), claims(""))));
        assertEquals(JwtStatus.HEADER_ALG_NOT_SUPPORTED,
                rejected(v, TestTokens.hs256(RSA.getPublic().getEncoded(), claims(""))));
        // an ES256 token presented to an RSA-only set: no key may be used
        assertEquals(JwtStatus.KID_ALG_MISMATCH, rejected(v, sign("ES256", P256, "k1", claims(""))));
        // alg none with an empty signature
        assertEquals(JwtStatus.HEADER_ALG_NOT_SUPPORTED,
                rejected(v, b64("{\"alg\":\"none\"}") + "." + b64(claims("")) + "."));
        // a JWK pinned to RS256 does not verify PS256, even with the right key
        ProviderVerifier pinned = verifier(keys(jwks(jwk(RSA.getPublic(), "k1", "RS256"))), List.of(), 16);
        assertEquals(JwtStatus.KID_ALG_MISMATCH, rejected(pinned, sign("PS256", RSA, "k1", claims(""))));
        // a P-384 key does not verify an ES256 token (the curve must match the alg)
        ProviderVerifier p384 = verifier(keys(jwks(jwk(P384.getPublic(), null, null))), List.of(), 16);
        assertEquals(JwtStatus.KID_ALG_MISMATCH, rejected(p384, sign("ES256", P256, null, claims(""))));
    }

    @Test
    void kidChoosesTheKeyAndNoKidTriesKeysOfTheRightType() throws Exception {
        KeyPair other = TestTokens.rsa();
        ProviderVerifier v = verifier(keys(jwks(jwk(other.getPublic(), "old", null), jwk(RSA.getPublic(), "new", null),
                jwk(P256.getPublic(), "ec", null))), List.of(), 0);
        v.verify(sign("RS256", RSA, "new", claims("")));
        v.verify(sign("RS256", RSA, null, claims(""))); // tried "old", then "new"
        v.verify(sign("ES256", P256, null, claims("")));
        assertEquals(JwtStatus.VERIFICATION_FAILED, rejected(v, sign("RS256", RSA, "old", claims(""))));
        assertEquals(JwtStatus.KID_ALG_MISMATCH, rejected(v, sign("RS256", RSA, "unknown", claims(""))));
        assertEquals(JwtStatus.KID_ALG_MISMATCH, rejected(v, sign("RS256", RSA, "ec", claims(""))));
    }

    @Test
    void checksIssuerAudienceAndTimeWithSkew() throws Exception {
        ProviderVerifier v = verifier(keys(jwks(jwk(RSA.getPublic(), "k1", null))), List.of("api", "web"), 0);
        String base = "\"sub\":\"alice\"";
        assertEquals(JwtStatus.UNKNOWN_ISSUER,
                rejected(v, sign("RS256", RSA, "k1", "{\"iss\":\"https://evil\"," + base + "}")));
        assertEquals(JwtStatus.UNKNOWN_ISSUER, rejected(v, sign("RS256", RSA, "k1", "{" + base + "}")));
        String iss = "\"iss\":\"" + ISS + "\",";
        assertEquals(JwtStatus.AUDIENCE_NOT_ALLOWED,
                rejected(v, sign("RS256", RSA, "k1", "{" + iss + "\"aud\":\"other\"}")));
        assertEquals(JwtStatus.AUDIENCE_NOT_ALLOWED, rejected(v, sign("RS256", RSA, "k1", "{" + iss + base + "}")));
        v.verify(sign("RS256", RSA, "k1", "{" + iss + "\"aud\":[\"x\",\"web\"]}"));
        // exp: accepted until exp + 60 s of skew, refused after; nbf: refused until nbf - 60 s
        String expiring = sign("RS256", RSA, "k1", "{" + iss + "\"aud\":\"api\",\"exp\":" + (NOW - 60) + "}");
        v.verify(expiring);
        clock.set(NOW + 1);
        assertEquals(JwtStatus.EXPIRED, rejected(v, expiring));
        String early = sign("RS256", RSA, "k1", "{" + iss + "\"aud\":\"api\",\"nbf\":" + (NOW + 61) + "}");
        clock.set(NOW);
        assertEquals(JwtStatus.NOT_YET_VALID, rejected(v, early));
        clock.set(NOW + 1);
        v.verify(early);
        // no exp at all is accepted (as Envoy)
        v.verify(sign("RS256", RSA, "k1", "{" + iss + "\"aud\":\"api\"}"));
    }

    @Test
    void cacheHitsAreRecheckedAgainstTheClockAndTheCurrentKeys() throws Exception {
        AtomicReference<Jwks> current = new AtomicReference<>(keys(jwks(jwk(RSA.getPublic(), "k1", null))));
        ProviderVerifier v = verifier(current, List.of(), 16);
        String token = sign("RS256", RSA, "k1", "{\"iss\":\"" + ISS + "\",\"exp\":" + (NOW + 10) + "}");
        VerifiedToken first = v.verify(token);
        assertSame(first, v.verify(token));
        assertEquals(1, hits.get());
        assertEquals(1, misses.get());
        clock.set(NOW + 71);
        assertEquals(JwtStatus.EXPIRED, rejected(v, token)); // cached, but expired now
        clock.set(NOW);
        // the keys were replaced by a set without that key: the cached token no longer passes
        current.set(keys(jwks(jwk(TestTokens.rsa().getPublic(), "k2", null))));
        assertEquals(JwtStatus.KID_ALG_MISMATCH, rejected(v, token));
        current.set(keys(jwks(jwk(RSA.getPublic(), "k1", null))));
        assertNotSame(first, v.verify(token));
    }

    @Test
    void tokenCacheIsBoundedAndKeyedByTheWholeToken() throws Exception {
        TokenCache c = new TokenCache(1000);
        assertEquals(1024, c.capacity());
        Jwks k = keys(jwks(jwk(RSA.getPublic(), "k1", null)));
        for (int i = 0; i < 5000; i++) {
            c.put(new VerifiedToken("token-" + i, k, Jwt.NONE, Jwt.NONE,
                    new dev.weft.core.filter.VerifiedJwt("p", ISS, "s" + i, java.util.Map.of()), null, null));
        }
        int present = 0;
        for (int i = 0; i < 5000; i++) {
            String key = "Bearer token-" + i;
            VerifiedToken t = c.get(key, 7, key.length()); // looked up in place, after the prefix
            if (t != null) {
                assertEquals("token-" + i, t.token());
                present++;
            }
        }
        assertTrue(present <= 1024 && present > 500, "entries kept: " + present);
        assertEquals(null, c.get("token-4999x", 0, 11));
        // same length and tail (the hashed part), different start: never the other's entry
        String a = "A".repeat(40) + "same-tail-of-the-signature";
        String b = "B".repeat(40) + "same-tail-of-the-signature";
        c.put(new VerifiedToken(a, k, Jwt.NONE, Jwt.NONE,
                new dev.weft.core.filter.VerifiedJwt("p", ISS, "a", java.util.Map.of()), null, null));
        assertEquals(a, c.get(a, 0, a.length()).token());
        assertEquals(null, c.get(b, 0, b.length()));
    }

    @Test
    void claimValuesBecomeHeaderValuesOnlyWhenSafe() {
        assertEquals("alice", ProviderVerifier.headerValue("alice"));
        assertEquals("42", ProviderVerifier.headerValue(42L));
        assertEquals("42", ProviderVerifier.headerValue(42.0));
        assertEquals("4.5", ProviderVerifier.headerValue(4.5));
        assertEquals("true", ProviderVerifier.headerValue(true));
        assertEquals(null, ProviderVerifier.headerValue(List.of("a")));
        assertEquals(null, ProviderVerifier.headerValue(null));
        assertSame(VerifiedToken.INVALID, ProviderVerifier.headerValue("a\r\nx-admin: 1"));
        assertSame(VerifiedToken.INVALID, ProviderVerifier.headerValue("a\u0000b"));
        // UTF-8 bytes, one per char: what the codecs put on the wire
        assertEquals("Jos\u00c3\u00a9", ProviderVerifier.headerValue("Jos\u00e9"));
    }
}
