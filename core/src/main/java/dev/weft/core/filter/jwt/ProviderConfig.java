package dev.weft.core.filter.jwt;

import java.time.Duration;
import java.util.List;

/**
 * One {@code providers.<name>} entry, validated: who issues the tokens, where their keys are, where a request carries
 * them, and what a verified token sends upstream (Envoy's {@code JwtProvider}).
 *
 * @param name                 the key under {@code providers}; stats and the access log use it
 * @param issuer               the {@code iss} a token must have; empty: not checked (as Envoy)
 * @param audiences            a token's {@code aud} must contain one of these; empty: not checked
 * @param localJwks            the keys given in the config, or null when {@code remote} is used
 * @param remote               where to fetch the keys, or null when {@code localJwks} is used
 * @param fromHeaders          headers that may carry the token
 * @param fromParams           query parameters that may carry the token
 * @param forward              keep the token in the request sent upstream (default false: removed)
 * @param forwardPayloadHeader header for the payload (base64url) upstream, or null
 * @param claimToHeaders       claims copied to request headers
 * @param clockSkewSeconds     leeway for {@code exp} and {@code nbf}
 * @param cacheSize            verified tokens remembered; 0 turns the cache off
 */
record ProviderConfig(String name, String issuer, List<String> audiences, Jwks localJwks, RemoteJwksConfig remote,
                      List<HeaderLocation> fromHeaders, List<String> fromParams, boolean forward,
                      String forwardPayloadHeader, List<ClaimToHeader> claimToHeaders, long clockSkewSeconds,
                      int cacheSize) {

    /** A header carrying a token after a prefix, e.g. {@code authorization} with {@code "Bearer "}. */
    record HeaderLocation(String name, String valuePrefix) {
    }

    /**
     * A claim copied to a request header: {@code claimPath} is the claim name split at dots, so {@code a.b} names
     * member {@code b} of the object claim {@code a} (as Envoy).
     */
    record ClaimToHeader(String claimName, List<String> claimPath, String headerName) {
    }

    /**
     * Keys fetched through a cluster: {@code GET path} with {@code Host: authority}, cached for {@code cacheDuration}.
     */
    record RemoteJwksConfig(String cluster, String path, String authority, Duration timeout,
                            Duration cacheDuration) {
        /** The shared cache entry's identity: the same URL through the same cluster is one set of keys. */
        String cacheKey() {
            return cluster + "|" + (authority == null ? "" : authority) + "|" + path;
        }
    }
}
