package dev.weft.core.filter.jwt;

import dev.weft.admin.stats.Counter;
import dev.weft.core.filter.VerifiedJwt;
import dev.weft.core.filter.jwt.Jwt.InvalidJwtException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Verifies tokens for one provider of one filter, in Envoy's order: form and header, issuer, {@code exp} /
 * {@code nbf}, audiences, then the signature against the provider's keys (so an expired or foreign token costs no
 * signature check and no JWKS fetch). Verified tokens are cached; a hit is re-checked against the clock and the
 * current keys. Thread-safe; shared by every request of the filter.
 */
final class ProviderVerifier {
    /**
     * Keys a token without {@code kid} is tried against. JWK sets rarely hold more than a few keys of one type; a
     * bound keeps a set of many from turning each bad token into many signature checks.
     */
    static final int MAX_KEYS_TRIED = 8;

    /** Where the provider's keys come from: its config, or a remote set. */
    interface KeySource {
        /** The current keys, or null when there are none (a remote set that could not be fetched). */
        Jwks keys();

        /** Fetches again for a token whose key id is unknown; false when the rate limit says not now. */
        boolean refetchForUnknownKid();
    }

    final ProviderConfig config;
    final Counter allowed;
    final Counter denied;
    private final KeySource keySource;
    private final TokenCache cache;
    private final Counter cacheHit;
    private final Counter cacheMiss;
    private final LongSupplier nowSeconds;

    ProviderVerifier(ProviderConfig config, KeySource keySource, FilterCounters counters, Counter allowed,
                     Counter denied, LongSupplier nowSeconds) {
        this.config = config;
        this.keySource = keySource;
        this.cache = config.cacheSize() == 0 ? null : new TokenCache(config.cacheSize());
        this.cacheHit = counters.cacheHit();
        this.cacheMiss = counters.cacheMiss();
        this.allowed = allowed;
        this.denied = denied;
        this.nowSeconds = nowSeconds;
    }

    /** The counters a verifier shares with its filter. */
    record FilterCounters(Counter cacheHit, Counter cacheMiss) {
    }

    /** Verifies one token, or throws why it is not acceptable for this provider. */
    VerifiedToken verify(String token) throws InvalidJwtException {
        return verify(token, 0, token.length());
    }

    /** Verifies the token {@code source[from, to)} (e.g. a header value after its prefix). */
    VerifiedToken verify(String source, int from, int to) throws InvalidJwtException {
        long now = nowSeconds.getAsLong();
        if (cache != null) {
            VerifiedToken hit = cache.get(source, from, to);
            if (hit != null && timely(hit.exp(), hit.nbf(), now) == JwtStatus.OK && hit.keys() == keySource.keys()) {
                cacheHit.increment();
                return hit;
            }
            cacheMiss.increment();
        }
        if (to - from > Jwt.MAX_TOKEN_CHARS) {
            throw InvalidJwtException.of(JwtStatus.TOO_LARGE); // before copying it out
        }
        String token = from == 0 && to == source.length() ? source : source.substring(from, to);
        Jwt jwt = Jwt.parse(token);
        if (!config.issuer().isEmpty() && !config.issuer().equals(jwt.issuer)) {
            throw InvalidJwtException.of(JwtStatus.UNKNOWN_ISSUER);
        }
        JwtStatus time = timely(jwt.exp, jwt.nbf, now);
        if (time != JwtStatus.OK) {
            throw InvalidJwtException.of(time);
        }
        if (!config.audiences().isEmpty() && !anyAllowed(jwt.audiences)) {
            throw InvalidJwtException.of(JwtStatus.AUDIENCE_NOT_ALLOWED);
        }
        Jwks keys = keySource.keys();
        if (keys == null) {
            throw InvalidJwtException.of(JwtStatus.JWKS_FETCH_FAILED);
        }
        byte[] input = jwt.signingInput();
        JwtStatus result = check(jwt, keys, input);
        if (result == JwtStatus.KID_ALG_MISMATCH && jwt.kid != null && keySource.refetchForUnknownKid()) {
            Jwks refreshed = keySource.keys();
            if (refreshed != null && refreshed != keys) {
                keys = refreshed;
                result = check(jwt, keys, input);
            }
        }
        if (result != JwtStatus.OK) {
            throw InvalidJwtException.of(result);
        }
        VerifiedToken v = new VerifiedToken(token, keys, jwt.exp, jwt.nbf,
                new VerifiedJwt(config.name(), jwt.issuer, jwt.subject, jwt.claims),
                config.forwardPayloadHeader() == null ? null : jwt.payloadSegment(), claimHeaderValues(jwt.claims));
        if (cache != null) {
            cache.put(v);
        }
        return v;
    }

    /** RFC 7519 sections 4.1.4 and 4.1.5, with the provider's clock skew (Envoy's comparison). */
    private JwtStatus timely(long exp, long nbf, long now) {
        long skew = config.clockSkewSeconds();
        if (exp != Jwt.NONE && now > exp + skew) {
            return JwtStatus.EXPIRED;
        }
        if (nbf != Jwt.NONE && now + skew < nbf) {
            return JwtStatus.NOT_YET_VALID;
        }
        return JwtStatus.OK;
    }

    private boolean anyAllowed(List<String> tokenAudiences) {
        for (String a : tokenAudiences) {
            if (config.audiences().contains(a)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Tries the keys that may have signed the token (jwt_verify_lib's rule): a key with another {@code kid} is
     * skipped, a key without one is tried; the key must fit the token's {@code alg} (type, curve, its own
     * {@code alg}). No fitting key: {@link JwtStatus#KID_ALG_MISMATCH}; fitting keys that all reject the signature:
     * {@link JwtStatus#VERIFICATION_FAILED}.
     */
    private static JwtStatus check(Jwt jwt, Jwks keys, byte[] input) {
        int tried = 0;
        for (int i = 0; i < keys.size() && tried < MAX_KEYS_TRIED; i++) {
            Jwk k = keys.key(i);
            if (jwt.kid != null && k.kid() != null && !k.kid().equals(jwt.kid)) {
                continue;
            }
            if (!k.accepts(jwt.alg)) {
                continue;
            }
            tried++;
            if (jwt.alg.verify(k.key(), input, jwt.signature)) {
                return JwtStatus.OK;
            }
        }
        return tried == 0 ? JwtStatus.KID_ALG_MISMATCH : JwtStatus.VERIFICATION_FAILED;
    }

    private String[] claimHeaderValues(Map<String, Object> claims) {
        List<ProviderConfig.ClaimToHeader> list = config.claimToHeaders();
        if (list.isEmpty()) {
            return null;
        }
        String[] out = new String[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = headerValue(claim(claims, list.get(i).claimPath()));
        }
        return out;
    }

    private static Object claim(Map<String, Object> claims, List<String> path) {
        Object v = claims;
        for (String part : path) {
            if (!(v instanceof Map<?, ?> m)) {
                return null;
            }
            v = m.get(part);
        }
        return v;
    }

    /**
     * A claim as a header value: strings, numbers and booleans only (as Envoy). The UTF-8 bytes are carried one per
     * char, which is how the codecs write header values, so the upstream receives UTF-8. Control characters (CR, LF,
     * NUL, others but HTAB) would allow header injection: the value is {@link VerifiedToken#INVALID} and not sent.
     */
    static String headerValue(Object v) {
        String s;
        if (v instanceof String str) {
            s = str;
        } else if (v instanceof Long || v instanceof Boolean) {
            s = v.toString();
        } else if (v instanceof Double d) {
            s = d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        } else {
            return null;
        }
        boolean ascii = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7f) {
                return VerifiedToken.INVALID;
            }
            if (c > 0x7e) {
                ascii = false;
            }
        }
        return ascii ? s : new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
