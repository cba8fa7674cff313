package dev.weft.core.filter.jwt;

import dev.weft.core.json.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A JWS compact serialization (RFC 7515 section 7.1) parsed and checked for form, before its signature is known to
 * be good: {@code BASE64URL(header) '.' BASE64URL(payload) '.' BASE64URL(signature)}, the header a JSON object with
 * a supported {@code alg}, the payload a JSON object of claims (RFC 7519 section 7.2) with well-typed registered
 * claims. Nothing here is trusted yet; {@link ProviderVerifier} decides.
 */
final class Jwt {
    /**
     * Tokens issued in practice are under 2 KiB; 8 KiB bounds the parsing, hashing and caching a client can make one
     * request cost (the header limits of the listener bound it further).
     */
    static final int MAX_TOKEN_CHARS = 8192;
    /** Claims nest a few objects deep (e.g. {@code realm_access.roles}); deeper is no token anyone issues. */
    static final int MAX_JSON_DEPTH = 8;
    private static final JsonParser.Options JSON = JsonParser.Options.untrusted(MAX_JSON_DEPTH);
    /** Absent {@code exp} / {@code nbf}. */
    static final long NONE = Long.MIN_VALUE;

    /** A token that is not acceptable, carrying why; one stackless instance per status. */
    static final class InvalidJwtException extends Exception {
        private static final Map<JwtStatus, InvalidJwtException> BY_STATUS = new EnumMap<>(JwtStatus.class);

        static {
            for (JwtStatus s : JwtStatus.values()) {
                BY_STATUS.put(s, new InvalidJwtException(s));
            }
        }

        final JwtStatus status;

        private InvalidJwtException(JwtStatus status) {
            super(status.reason(), null, false, false);
            this.status = status;
        }

        static InvalidJwtException of(JwtStatus s) {
            return BY_STATUS.get(s);
        }
    }

    final String token;
    final JwsAlgorithm alg;
    /** The header's {@code kid}, or null. */
    final String kid;
    /** Every claim, as parsed JSON. */
    final Map<String, Object> claims;
    final String issuer;
    final String subject;
    /** The {@code aud} claim as a list (RFC 7519 section 4.1.3 allows a single string); empty when absent. */
    final List<String> audiences;
    /** {@code exp} / {@code nbf} in seconds since the epoch (fractions dropped), or {@link #NONE}. */
    final long exp;
    final long nbf;
    /** End of the header segment, end of the payload segment (the two dots). */
    final int dot1;
    final int dot2;
    final byte[] signature;

    private Jwt(String token, JwsAlgorithm alg, String kid, Map<String, Object> claims, String issuer, String subject,
                List<String> audiences, long exp, long nbf, int dot1, int dot2, byte[] signature) {
        this.token = token;
        this.alg = alg;
        this.kid = kid;
        this.claims = claims;
        this.issuer = issuer;
        this.subject = subject;
        this.audiences = audiences;
        this.exp = exp;
        this.nbf = nbf;
        this.dot1 = dot1;
        this.dot2 = dot2;
        this.signature = signature;
    }

    /** The payload segment, still base64url: what {@code forward_payload_header} sends upstream (as Envoy). */
    String payloadSegment() {
        return token.substring(dot1 + 1, dot2);
    }

    /** RFC 7515 section 5.2 step 8: the JWS signing input is the ASCII text before the second dot. */
    byte[] signingInput() {
        return token.substring(0, dot2).getBytes(StandardCharsets.US_ASCII);
    }

    static Jwt parse(String token) throws InvalidJwtException {
        if (token.length() > MAX_TOKEN_CHARS) {
            throw InvalidJwtException.of(JwtStatus.TOO_LARGE);
        }
        int dot1 = token.indexOf('.');
        int dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
        if (dot1 <= 0 || dot2 < 0 || dot2 == dot1 + 1 || token.indexOf('.', dot2 + 1) >= 0) {
            throw InvalidJwtException.of(JwtStatus.BAD_FORMAT);
        }
        byte[] headerBytes = Base64Url.decode(token, 0, dot1);
        if (headerBytes == null) {
            throw InvalidJwtException.of(JwtStatus.HEADER_BAD_BASE64);
        }
        Map<?, ?> header = object(headerBytes, JwtStatus.HEADER_BAD_JSON);
        if (!(header.get("alg") instanceof String algName)) {
            throw InvalidJwtException.of(JwtStatus.HEADER_BAD_ALG);
        }
        JwsAlgorithm alg = JwsAlgorithm.byName(algName);
        if (alg == null) {
            throw InvalidJwtException.of(JwtStatus.HEADER_ALG_NOT_SUPPORTED); // none, HS*, anything unknown
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw InvalidJwtException.of(JwtStatus.HEADER_BAD_KID);
        }
        Object typ = header.get("typ");
        if (typ != null && !(typ instanceof String)) {
            throw InvalidJwtException.of(JwtStatus.HEADER_BAD_TYP);
        }
        if (header.containsKey("crit")) {
            throw InvalidJwtException.of(JwtStatus.HEADER_CRIT_NOT_SUPPORTED);
        }
        byte[] payloadBytes = Base64Url.decode(token, dot1 + 1, dot2);
        if (payloadBytes == null) {
            throw InvalidJwtException.of(JwtStatus.PAYLOAD_BAD_BASE64);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = (Map<String, Object>) object(payloadBytes, JwtStatus.PAYLOAD_BAD_JSON);
        Object iss = claims.get("iss");
        if (iss != null && !(iss instanceof String)) {
            throw InvalidJwtException.of(JwtStatus.PAYLOAD_ISS_NOT_STRING);
        }
        Object sub = claims.get("sub");
        if (sub != null && !(sub instanceof String)) {
            throw InvalidJwtException.of(JwtStatus.PAYLOAD_SUB_NOT_STRING);
        }
        List<String> aud = audiences(claims.get("aud"));
        long exp = numericDate(claims.get("exp"), JwtStatus.PAYLOAD_EXP_BAD);
        long nbf = numericDate(claims.get("nbf"), JwtStatus.PAYLOAD_NBF_BAD);
        numericDate(claims.get("iat"), JwtStatus.PAYLOAD_IAT_BAD);
        byte[] signature = Base64Url.decode(token, dot2 + 1, token.length());
        if (signature == null) {
            throw InvalidJwtException.of(JwtStatus.SIGNATURE_BAD_BASE64);
        }
        return new Jwt(token, alg, (String) kid, claims, (String) iss, (String) sub, aud, exp, nbf, dot1, dot2,
                signature);
    }

    private static Map<?, ?> object(byte[] json, JwtStatus bad) throws InvalidJwtException {
        try {
            if (JsonParser.parse(json, JSON) instanceof Map<?, ?> m) {
                return m;
            }
        } catch (JsonParser.SyntaxException e) {
            // falls through: the reason is the status, the parser's detail is of no use to the client
        }
        throw InvalidJwtException.of(bad);
    }

    @SuppressWarnings("unchecked")
    private static List<String> audiences(Object aud) throws InvalidJwtException {
        if (aud == null) {
            return List.of();
        }
        if (aud instanceof String s) {
            return List.of(s);
        }
        if (aud instanceof List<?> l) {
            for (Object o : l) {
                if (!(o instanceof String)) {
                    throw InvalidJwtException.of(JwtStatus.PAYLOAD_AUD_NOT_STRING);
                }
            }
            return (List<String>) l;
        }
        throw InvalidJwtException.of(JwtStatus.PAYLOAD_AUD_NOT_STRING);
    }

    /** RFC 7519 section 2: a NumericDate is a JSON number of seconds, possibly with a fraction. */
    private static long numericDate(Object v, JwtStatus bad) throws InvalidJwtException {
        if (v == null) {
            return NONE;
        }
        if (v instanceof Long l && l >= 0) {
            return l;
        }
        if (v instanceof Double d && d >= 0 && d < 9.2e18) {
            return (long) Math.floor(d);
        }
        throw InvalidJwtException.of(bad);
    }
}
