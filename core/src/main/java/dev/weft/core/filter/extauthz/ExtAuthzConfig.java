package dev.weft.core.filter.extauthz;

import java.util.List;

/**
 * An {@code ext_authz} filter's validated config (Envoy's {@code ExtAuthz} with an {@code http_service}). Immutable.
 *
 * @param cluster                   the authorization server's cluster ({@code http_service.server_uri.cluster})
 * @param timeoutNanos              the whole check call ({@code server_uri.timeout})
 * @param pathPrefix                put in front of the request's path and query; may be empty
 * @param allowedHeaders            request headers sent along besides the ones always sent
 * @param headersToAdd              lower-case name / value pairs set on every check request
 * @param upstreamHeaders           headers of an allowing response that replace the request's upstream
 * @param upstreamHeadersToAppend   headers of an allowing response appended to a request header already present
 * @param clientHeaders             headers of a denial the client gets; null: all but host, hop-by-hop and framing
 * @param clientHeadersOnSuccess    headers of an allowing response added to the client's response
 * @param metadataFromHeaders       headers of an allowing response recorded as {@code ext_authz:<name>} metadata
 * @param failureModeAllow          let the request through when the server cannot decide
 * @param failureModeAllowHeaderAdd with it, send {@code x-envoy-auth-failure-mode-allowed: true} upstream
 * @param statusOnError             the reply's status when the server cannot decide and the request is refused
 * @param body                      how much of the request body to send along; null: none
 */
record ExtAuthzConfig(String cluster, long timeoutNanos, String pathPrefix, List<NameMatcher> allowedHeaders,
                      List<String[]> headersToAdd, List<NameMatcher> upstreamHeaders,
                      List<NameMatcher> upstreamHeadersToAppend, List<NameMatcher> clientHeaders,
                      List<NameMatcher> clientHeadersOnSuccess, List<NameMatcher> metadataFromHeaders,
                      boolean failureModeAllow, boolean failureModeAllowHeaderAdd, int statusOnError,
                      BodySettings body) {

    /**
     * Envoy's {@code BufferSettings}: send up to {@code maxRequestBytes} of the request body; a larger body is refused
     * with 413 unless {@code allowPartialMessage}, in which case its first bytes are sent.
     */
    record BodySettings(int maxRequestBytes, boolean allowPartialMessage) {
    }

    /** Per-route settings ({@code check_settings}); an absent override means the defaults. */
    record PerRoute(boolean disableRequestBodyCheck) {
    }
}
