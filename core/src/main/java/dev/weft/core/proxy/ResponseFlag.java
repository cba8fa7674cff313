package dev.weft.core.proxy;

/**
 * Why a request did not get an ordinary upstream response: Envoy's response flags, so logs and dashboards translate.
 * Kept in the {@link RequestContext} for the access log and stats.
 */
public enum ResponseFlag {
    /** No flag: the upstream answered. */
    NONE("-", 0, ""),
    /** No route matched (404). */
    NR("NR", 404, "no route"),
    /** No healthy endpoint: the cluster has none resolved (503). */
    UH("UH", 503, "no healthy upstream"),
    /** Pool overflow: every connection busy and the pending queue full or the wait too long (503). */
    UO("UO", 503, "upstream overflow"),
    /** Connection to the upstream failed or timed out (502). */
    UF("UF", 502, "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
    /** The upstream reset the connection (502 before the response head). */
    UR("UR", 502, "upstream connect error or disconnect/reset before headers. reset reason: remote reset"),
    /** The upstream closed the connection early (502 before the response head). */
    UC("UC", 502, "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
    /** The upstream sent an invalid response (502). */
    UPE("UPE", 502, "upstream sent an invalid response"),
    /** The route timeout elapsed before the response head (504). */
    UT("UT", 504, "upstream request timeout"),
    /** The downstream went away before the response was complete. */
    DC("DC", 0, ""),
    /**
     * Stream idle timeout: an HTTP/2 stream made no progress for stream_idle_timeout (the client's window stayed
     * closed, or its request body stalled); the stream is reset (CANCEL), no reply.
     */
    SI("SI", 0, ""),
    /** The downstream request was malformed (4xx/5xx from the codec). */
    DPE("DPE", 0, ""),
    /** The listener is draining; the request was refused. */
    DRAIN("DR", 503, "server is draining"),
    /** The external authorization service denied the request, or could not be asked (403 / its own status). */
    UAEX("UAEX", 403, "forbidden"),
    /** A local rate limit refused the request (429). */
    RL("RL", 429, "local_rate_limited");

    private final String code;
    private final int status;
    private final String body;

    ResponseFlag(String code, int status, String body) {
        this.code = code;
        this.status = status;
        this.body = body;
    }

    /** The short code Envoy prints in access logs. */
    public String code() {
        return code;
    }

    /** The status of the local reply for this flag, or 0 when no reply is sent. */
    public int status() {
        return status;
    }

    /** The body of the local reply (Envoy's wording). */
    public String body() {
        return body;
    }
}
