package dev.weft.core.filter.jwt;

/**
 * Why a token was not accepted, with the reason text Envoy's jwt_authn filter (jwt_verify_lib's {@code Status}) sends
 * in the 401 body, so clients and log processors written for Envoy read the same words.
 */
enum JwtStatus {
    OK("OK"),
    MISSING("Jwt is missing"),
    TOO_LARGE("Jwt is too large"),
    BAD_FORMAT("Jwt is not in the form of Header.Payload.Signature with two dots and 3 sections"),
    HEADER_BAD_BASE64("Jwt header is an invalid Base64url encoded"),
    HEADER_BAD_JSON("Jwt header is an invalid JSON"),
    HEADER_BAD_ALG("Jwt header [alg] field is required and must be a string"),
    HEADER_ALG_NOT_SUPPORTED("Jwt header [alg] is not supported"),
    HEADER_BAD_KID("Jwt header [kid] field is not a string"),
    HEADER_BAD_TYP("Jwt header [typ] field is not a string"),
    /** RFC 7515 section 4.1.11: an extension listed in {@code crit} that is not understood makes the JWS invalid. */
    HEADER_CRIT_NOT_SUPPORTED("Jwt header [crit] is not supported"),
    PAYLOAD_BAD_BASE64("Jwt payload is an invalid Base64url encoded"),
    PAYLOAD_BAD_JSON("Jwt payload is an invalid JSON"),
    PAYLOAD_ISS_NOT_STRING("Jwt payload [iss] field is not a string"),
    PAYLOAD_SUB_NOT_STRING("Jwt payload [sub] field is not a string"),
    PAYLOAD_AUD_NOT_STRING("Jwt payload [aud] field is not a string or string list"),
    PAYLOAD_EXP_BAD("Jwt payload [exp] field is not a positive 64 bit integer"),
    PAYLOAD_NBF_BAD("Jwt payload [nbf] field is not a positive 64 bit integer"),
    PAYLOAD_IAT_BAD("Jwt payload [iat] field is not a positive 64 bit integer"),
    SIGNATURE_BAD_BASE64("Jwt signature is an invalid Base64url encoded"),
    UNKNOWN_ISSUER("Jwt issuer is not configured"),
    EXPIRED("Jwt is expired"),
    NOT_YET_VALID("Jwt not yet valid"),
    AUDIENCE_NOT_ALLOWED("Audiences in Jwt are not allowed"),
    KID_ALG_MISMATCH("Jwks doesn't have key to match kid or alg from Jwt"),
    VERIFICATION_FAILED("Jwt verification fails"),
    JWKS_FETCH_FAILED("Jwks remote fetch is failed");

    private final String reason;
    /** Envoy's response code detail: {@code jwt_authn_access_denied{<reason with underscores>}}. */
    private final String detail;
    /** The access log's policy decision for a denial with this status (spaces as underscores, as the detail). */
    private final String denyDecision;

    JwtStatus(String reason) {
        this.reason = reason;
        this.detail = "jwt_authn_access_denied{" + reason.replace(' ', '_') + "}";
        this.denyDecision = "jwt:deny reason=" + reason.replace(' ', '_');
    }

    /** The human-readable reason, Envoy's wording. */
    String reason() {
        return reason;
    }

    /** The access log's {@code %RESPONSE_CODE_DETAILS%} for a request denied with this status. */
    String detail() {
        return detail;
    }

    /** {@code jwt:deny reason=<reason with underscores>}: the policy decision of a request denied so. */
    String denyDecision() {
        return denyDecision;
    }

    /** Missing and unknown issuer are "no token for this provider", not a bad token (Envoy's AnyVerifier rule). */
    boolean isAbsence() {
        return this == MISSING || this == UNKNOWN_ISSUER;
    }
}
