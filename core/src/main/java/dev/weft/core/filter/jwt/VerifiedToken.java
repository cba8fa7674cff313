package dev.weft.core.filter.jwt;

import dev.weft.core.filter.VerifiedJwt;
import java.util.List;

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
 * @param jwtList            {@code List.of(jwt)}: the request attribute when this is the request's only token
 * @param decision           {@code jwt:allow provider=<name> sub=<sub>}: the access log's policy decision
 */
record VerifiedToken(String token, Jwks keys, long exp, long nbf, VerifiedJwt jwt, String payloadSegment,
                     String[] claimHeaderValues, List<VerifiedJwt> jwtList, String decision) {
    /** Marks a claim value with characters a header value cannot carry (CR, LF, NUL, other controls). */
    static final String INVALID = new String("<invalid>");
    /** The policy decision's start for an allowed request. */
    static final String ALLOW = "jwt:allow ";

    VerifiedToken(String token, Jwks keys, long exp, long nbf, VerifiedJwt jwt, String payloadSegment,
                  String[] claimHeaderValues) {
        this(token, keys, exp, nbf, jwt, payloadSegment, claimHeaderValues, List.of(jwt),
                ALLOW + "provider=" + jwt.provider()
                        + (jwt.subject() == null ? "" : " sub=" + printable(jwt.subject())));
    }

    /** Claims in the access log: control characters replaced, so a log line stays one line. */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f;
            if (control && b == null) {
                b = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (b != null) {
                b.append(control ? '?' : c);
            }
        }
        return b == null ? s : b.toString();
    }
}
