package dev.weft.core.filter.jwt;

import static dev.weft.core.filter.jwt.TestTokens.b64;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parsing layer: strict base64url and the form checks of a compact JWS (the JSON parser it uses is tested in
 * {@code dev.weft.core.json.JsonParserTest}).
 */
class JwtFormatTest {

    // ---- base64url --------------------------------------------------------------------------------------------

    @Test
    void base64UrlRoundTripsEveryLengthAgainstTheJdkEncoder() {
        Random r = new Random(7);
        for (int n = 0; n < 200; n++) {
            byte[] b = new byte[n];
            r.nextBytes(b);
            String s = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
            assertArrayEquals(b, Base64Url.decode(s), "length " + n);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"QQ==", "QQ=", "A", "QR", "QUJ", "a+b/", "ab c", "ab\u00e9d"})
    void base64UrlRefusesPaddingForeignCharactersAndNonCanonicalTails(String s) {
        // QR and QUJ carry non-zero unused bits: another spelling of "A" / "AB" would let a token change its text
        assertNull(Base64Url.decode(s));
    }

    // ---- the compact serialization -------------------------------------------------------------------------------

    private static JwtStatus status(String token) {
        return assertThrows(Jwt.InvalidJwtException.class, () -> Jwt.parse(token)).status;
    }

    private static final String HEADER = b64("{\"alg\":\"RS256\",\"kid\":\"k1\"}");
    private static final String PAYLOAD = b64("{\"iss\":\"i\",\"sub\":\"s\",\"aud\":[\"a\",\"b\"],\"exp\":10.9}");

    @Test
    void parsesAWellFormedToken() throws Exception {
        Jwt jwt = Jwt.parse(HEADER + "." + PAYLOAD + "." + b64(new byte[] {1, 2, 3}));
        assertEquals(JwsAlgorithm.RS256, jwt.alg);
        assertEquals("k1", jwt.kid);
        assertEquals("i", jwt.issuer);
        assertEquals("s", jwt.subject);
        assertEquals(List.of("a", "b"), jwt.audiences);
        assertEquals(10, jwt.exp); // RFC 7519 NumericDate may have a fraction
        assertEquals(Jwt.NONE, jwt.nbf);
        assertEquals(PAYLOAD, jwt.payloadSegment());
        assertArrayEquals((HEADER + "." + PAYLOAD).getBytes(StandardCharsets.US_ASCII), jwt.signingInput());
    }

    @Test
    void refusesTokensThatAreNotThreeSegments() {
        assertEquals(JwtStatus.BAD_FORMAT, status(HEADER + "." + PAYLOAD));
        assertEquals(JwtStatus.BAD_FORMAT, status(HEADER + "." + PAYLOAD + ".a.b"));
        assertEquals(JwtStatus.BAD_FORMAT, status("." + PAYLOAD + ".sig"));
        assertEquals(JwtStatus.BAD_FORMAT, status(HEADER + "..sig"));
        assertEquals(JwtStatus.BAD_FORMAT, status("garbage"));
        assertEquals(JwtStatus.TOO_LARGE, status(HEADER + "." + "A".repeat(Jwt.MAX_TOKEN_CHARS) + ".sig"));
    }

    @Test
    void namesTheSegmentAtFault() {
        assertEquals(JwtStatus.HEADER_BAD_BASE64, status("e!J." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.HEADER_BAD_JSON, status(b64("{alg}") + "." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.HEADER_BAD_JSON, status(b64("[\"RS256\"]") + "." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_BAD_BASE64, status(HEADER + ".e*J.c2ln"));
        assertEquals(JwtStatus.PAYLOAD_BAD_JSON, status(HEADER + "." + b64("{\"a\":1,\"a\":2}") + ".c2ln"));
        assertEquals(JwtStatus.SIGNATURE_BAD_BASE64, status(HEADER + "." + PAYLOAD + ".c2ln="));
    }

    @Test
    void refusesNoneHmacAndUnknownAlgorithmsBeforeLookingAtKeys() {
        for (String alg : List.of("none", "None", "HS256", "HS512", "rs256", "ES256K", "RSA-OAEP")) {
            assertEquals(JwtStatus.HEADER_ALG_NOT_SUPPORTED,
                    status(b64("{\"alg\":\"" + alg + "\"}") + "." + PAYLOAD + "."), alg);
        }
        assertEquals(JwtStatus.HEADER_BAD_ALG, status(b64("{\"kid\":\"x\"}") + "." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.HEADER_BAD_ALG, status(b64("{\"alg\":256}") + "." + PAYLOAD + ".c2ln"));
    }

    @Test
    void checksHeaderAndRegisteredClaimTypes() {
        assertEquals(JwtStatus.HEADER_BAD_KID, status(b64("{\"alg\":\"RS256\",\"kid\":7}") + "." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.HEADER_BAD_TYP, status(b64("{\"alg\":\"RS256\",\"typ\":1}") + "." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.HEADER_CRIT_NOT_SUPPORTED,
                status(b64("{\"alg\":\"RS256\",\"crit\":[\"b64\"],\"b64\":false}") + "." + PAYLOAD + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_ISS_NOT_STRING, status(HEADER + "." + b64("{\"iss\":1}") + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_SUB_NOT_STRING, status(HEADER + "." + b64("{\"sub\":[]}") + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_AUD_NOT_STRING, status(HEADER + "." + b64("{\"aud\":[\"a\",1]}") + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_EXP_BAD, status(HEADER + "." + b64("{\"exp\":\"soon\"}") + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_EXP_BAD, status(HEADER + "." + b64("{\"exp\":-1}") + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_NBF_BAD, status(HEADER + "." + b64("{\"nbf\":true}") + ".c2ln"));
        assertEquals(JwtStatus.PAYLOAD_IAT_BAD, status(HEADER + "." + b64("{\"iat\":{}}") + ".c2ln"));
    }

    @Test
    void reasonsAndDetailsUseEnvoysWording() {
        assertEquals("Jwt is expired", JwtStatus.EXPIRED.reason());
        assertEquals("jwt_authn_access_denied{Jwt_is_expired}", JwtStatus.EXPIRED.detail());
        assertEquals("jwt_authn_access_denied{Jwks_doesn't_have_key_to_match_kid_or_alg_from_Jwt}",
                JwtStatus.KID_ALG_MISMATCH.detail());
    }
}
