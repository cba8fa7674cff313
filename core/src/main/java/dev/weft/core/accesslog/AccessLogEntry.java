package dev.weft.core.accesslog;

/**
 * The facts one access log line is made of: a mutable value that a connection owns, fills while a request passes
 * through and {@link #reset()}s for the next request.
 *
 * <p>Not thread-safe: only the owning connection (or stream) thread touches it. {@link AccessLogWriter#log} formats it
 * on that thread and keeps only the resulting string, so the entry can be reset right after logging.
 *
 * <p>Missing values: a {@code null} string prints {@code "-"} in text formats and {@code null} in JSON (every key is
 * always present, so a JSON consumer sees a stable schema); {@link #status()} is 0 and
 * {@link #upstreamServiceTimeMicros()} is -1 when there is none. Setters return {@code this} for chaining.
 */
public final class AccessLogEntry {
    /** The value of {@link #responseFlags()} when no flag is set, as Envoy prints it. */
    public static final String NO_FLAGS = "-";
    private long startTimeMillis;
    private int status;
    private long bytesReceived;
    private long bytesSent;
    private long durationMicros;
    private long upstreamServiceTimeMicros = -1;
    private String method;
    private String authority;
    private String path;
    private String protocol;
    private String responseFlags = NO_FLAGS;
    private String upstreamHost;
    private String upstreamCluster;
    private String routeName;
    private String requestId;
    private String userAgent;
    private String forwardedFor;
    private String downstreamRemoteAddress;
    private String downstreamLocalAddress;
    private String downstreamPeerUriSan;
    private String downstreamPeerSubject;
    private String tlsVersion;
    private String tlsCipher;
    private String policyDecision;
    private java.util.Map<String, String> metadata = java.util.Map.of();
    private String responseCodeDetails;

    /** Clears every field for the next request on the same connection. */
    public void reset() {
        startTimeMillis = 0L;
        status = 0;
        bytesReceived = 0L;
        bytesSent = 0L;
        durationMicros = 0L;
        upstreamServiceTimeMicros = -1L;
        method = null;
        authority = null;
        path = null;
        protocol = null;
        responseFlags = NO_FLAGS;
        upstreamHost = null;
        upstreamCluster = null;
        routeName = null;
        requestId = null;
        userAgent = null;
        forwardedFor = null;
        downstreamRemoteAddress = null;
        downstreamLocalAddress = null;
        downstreamPeerUriSan = null;
        downstreamPeerSubject = null;
        tlsVersion = null;
        tlsCipher = null;
        policyDecision = null;
        metadata = java.util.Map.of();
        responseCodeDetails = null;
    }

    /** When the first byte of the request was received, in epoch milliseconds. */
    public long startTimeMillis() {
        return startTimeMillis;
    }

    public AccessLogEntry startTimeMillis(long v) {
        startTimeMillis = v;
        return this;
    }

    /** The response status sent to the client; 0 when none was sent (e.g. the client went away). */
    public int status() {
        return status;
    }

    public AccessLogEntry status(int v) {
        status = v;
        return this;
    }

    /** Request body bytes received from the client. */
    public long bytesReceived() {
        return bytesReceived;
    }

    public AccessLogEntry bytesReceived(long v) {
        bytesReceived = v;
        return this;
    }

    /** Response body bytes sent to the client. */
    public long bytesSent() {
        return bytesSent;
    }

    public AccessLogEntry bytesSent(long v) {
        bytesSent = v;
        return this;
    }

    /** From the first request byte to the last response byte, in microseconds. */
    public long durationMicros() {
        return durationMicros;
    }

    public AccessLogEntry durationMicros(long v) {
        durationMicros = v;
        return this;
    }

    /**
     * Time the upstream took from the request being sent to its response head, in microseconds; -1 when no upstream
     * answered.
     */
    public long upstreamServiceTimeMicros() {
        return upstreamServiceTimeMicros;
    }

    public AccessLogEntry upstreamServiceTimeMicros(long v) {
        upstreamServiceTimeMicros = v;
        return this;
    }

    /** The request method, e.g. "GET". */
    public String method() {
        return method;
    }

    public AccessLogEntry method(String v) {
        method = v;
        return this;
    }

    /** The :authority (HTTP/2) or Host (HTTP/1) value as received. */
    public String authority() {
        return authority;
    }

    public AccessLogEntry authority(String v) {
        authority = v;
        return this;
    }

    /** The request target with its query, as received (before any rewrite). */
    public String path() {
        return path;
    }

    public AccessLogEntry path(String v) {
        path = v;
        return this;
    }

    /** "HTTP/1.1", "HTTP/1.0" or "HTTP/2". */
    public String protocol() {
        return protocol;
    }

    public AccessLogEntry protocol(String v) {
        protocol = v;
        return this;
    }

    /** Envoy's response flags, e.g. "UH" or "UF,URX"; "-" when none. */
    public String responseFlags() {
        return responseFlags;
    }

    public AccessLogEntry responseFlags(String v) {
        responseFlags = v;
        return this;
    }

    /** The upstream endpoint as "ip:port". */
    public String upstreamHost() {
        return upstreamHost;
    }

    public AccessLogEntry upstreamHost(String v) {
        upstreamHost = v;
        return this;
    }

    /** The cluster the route chose. */
    public String upstreamCluster() {
        return upstreamCluster;
    }

    public AccessLogEntry upstreamCluster(String v) {
        upstreamCluster = v;
        return this;
    }

    /** The name of the matched route. */
    public String routeName() {
        return routeName;
    }

    public AccessLogEntry routeName(String v) {
        routeName = v;
        return this;
    }

    /** The x-request-id of the request. */
    public String requestId() {
        return requestId;
    }

    public AccessLogEntry requestId(String v) {
        requestId = v;
        return this;
    }

    /** The user-agent request header as received. */
    public String userAgent() {
        return userAgent;
    }

    public AccessLogEntry userAgent(String v) {
        userAgent = v;
        return this;
    }

    /** The x-forwarded-for request header as received (before Weft appends to it). */
    public String forwardedFor() {
        return forwardedFor;
    }

    public AccessLogEntry forwardedFor(String v) {
        forwardedFor = v;
        return this;
    }

    /** The client's address as "ip:port" ("[v6]:port" for IPv6). */
    public String downstreamRemoteAddress() {
        return downstreamRemoteAddress;
    }

    public AccessLogEntry downstreamRemoteAddress(String v) {
        downstreamRemoteAddress = v;
        return this;
    }

    /** The listener address that accepted the connection, as "ip:port". */
    public String downstreamLocalAddress() {
        return downstreamLocalAddress;
    }

    public AccessLogEntry downstreamLocalAddress(String v) {
        downstreamLocalAddress = v;
        return this;
    }

    /** The URI SAN(s) of the client certificate, comma separated. */
    public String downstreamPeerUriSan() {
        return downstreamPeerUriSan;
    }

    public AccessLogEntry downstreamPeerUriSan(String v) {
        downstreamPeerUriSan = v;
        return this;
    }

    /** The subject of the client certificate. */
    public String downstreamPeerSubject() {
        return downstreamPeerSubject;
    }

    public AccessLogEntry downstreamPeerSubject(String v) {
        downstreamPeerSubject = v;
        return this;
    }

    /** The negotiated TLS version of the downstream connection, e.g. "TLSv1.3". */
    public String tlsVersion() {
        return tlsVersion;
    }

    public String tlsCipher() {
        return tlsCipher;
    }

    public AccessLogEntry tlsCipher(String v) {
        tlsCipher = v;
        return this;
    }

    public AccessLogEntry tlsVersion(String v) {
        tlsVersion = v;
        return this;
    }

    /**
     * The verdicts of the policy filters, e.g. {@code rbac:deny policy=- seen=[...]; shadow=allow policy=p1}, or null
     * when no policy filter ran.
     */
    public String policyDecision() {
        return policyDecision;
    }

    public AccessLogEntry policyDecision(String v) {
        policyDecision = v;
        return this;
    }

    /** Facts the HTTP filters recorded, "namespace:key" to value (Envoy's dynamic metadata); empty when none. */
    public java.util.Map<String, String> metadata() {
        return metadata;
    }

    public AccessLogEntry metadata(java.util.Map<String, String> v) {
        metadata = v == null ? java.util.Map.of() : v;
        return this;
    }

    /** A stable detail string for the status, e.g. "http1.invalid_chunk_size" or "route_not_found". */
    public String responseCodeDetails() {
        return responseCodeDetails;
    }

    public AccessLogEntry responseCodeDetails(String v) {
        responseCodeDetails = v;
        return this;
    }
}
