package dev.weft.core.filter.jwt;

import dev.weft.core.filter.VerifiedJwt;

/**
 * A token one provider verified, with everything a request needs from it ready-made, so a cache hit does no work:
 * the claims for later filters, the values {@code claim_to_headers} sends, the payload segment.
 *
 * @param token              the token as the request carried it (the cache key)
 * @param keys               the key set it was verified with; a different current set makes the entry stale
 * @param exp                {@code exp} in seconds, or {@link Jwt#NONE}
 * @param nbf                {@code nbf} in seconds, or {@link Jwt#NONE}
 * @param jwt                provider, issuer, subject and claims for RBAC and the access log
 * @param payloadSegment     the base64url payload, for {@code forward_payload_header}
 * @param claimHeaderValues  one per {@code claim_to_headers} entry: the value to send, null when the claim is absent
 *                           or not a string, number or boolean, {@link #INVALID} when it cannot be a header value
 */
record VerifiedToken(String token, Jwks keys, long exp, long nbf, VerifiedJwt jwt, String payloadSegment,
                     String[] claimHeaderValues) {
    /** Marks a claim value with characters a header value cannot carry (CR, LF, NUL, other controls). */
    static final String INVALID = new String("<invalid>");
}
