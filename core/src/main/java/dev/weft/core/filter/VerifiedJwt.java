package dev.weft.core.filter;

import java.util.Map;

/**
 * A token the {@code jwt_authn} filter verified for this request, shared with later filters (RBAC's
 * {@code jwt_claim} principal) as the request attribute {@link #ATTRIBUTE}.
 *
 * @param provider the provider that verified it
 * @param issuer   the {@code iss} claim
 * @param subject  the {@code sub} claim, or null
 * @param claims   every claim of the payload as parsed JSON (String, Long/Double, Boolean, List, Map, null)
 */
public record VerifiedJwt(String provider, String issuer, String subject, Map<String, Object> claims) {
    /** The attribute name under which the filter stores the verified token(s): a {@code List<VerifiedJwt>}. */
    public static final String ATTRIBUTE = "jwt_authn.verified";
}
