package dev.weft.core.proxy;

/**
 * What is known about one request as it passes through: the route, the upstream, the outcome and the flag that
 * explains a local reply. One instance per connection, reset per request.
 * Read later by the access log and stats.
 */
public final class RequestContext {
    private long startNanos;
    private String routeName;
    private String clusterName;
    private String upstreamHost;
    private int status;
    private ResponseFlag flag = ResponseFlag.NONE;
    private String detail;
    private String requestId;
    private long startMillis;
    private String method;
    private String authority;
    private String path;
    private String protocol;
    private String userAgent;
    private String forwardedFor;
    private long bytesReceived;
    private long bytesSent;
    private long upstreamStartNanos;
    private long upstreamHeadNanos;
    private boolean completed;
    private String policyDecision;
    private java.util.Map<String, String> metadata;

    public void reset(long now) {
        reset(now, System.currentTimeMillis());
    }

    /** Resets for a request that began at {@code nanos} (System.nanoTime()) / {@code millis} (epoch). */
    public void reset(long nanos, long millis) {
        startMillis = millis;
        method = null;
        authority = null;
        path = null;
        protocol = null;
        userAgent = null;
        forwardedFor = null;
        bytesReceived = 0;
        bytesSent = 0;
        upstreamStartNanos = 0;
        upstreamHeadNanos = 0;
        completed = false;
        policyDecision = null;
        metadata = null;
        startNanos = nanos;
        routeName = null;
        clusterName = null;
        upstreamHost = null;
        status = 0;
        flag = ResponseFlag.NONE;
        detail = null;
        requestId = null;
    }

    public long startNanos() {
        return startNanos;
    }

    public String routeName() {
        return routeName;
    }

    public void routeName(String v) {
        routeName = v;
    }

    public String clusterName() {
        return clusterName;
    }

    public void clusterName(String v) {
        clusterName = v;
    }

    public String upstreamHost() {
        return upstreamHost;
    }

    public void upstreamHost(String v) {
        upstreamHost = v;
    }

    public int status() {
        return status;
    }

    public void status(int v) {
        status = v;
    }

    public ResponseFlag flag() {
        return flag;
    }

    /** Sets the flag unless one is already set: the first cause wins. */
    public void flag(ResponseFlag v) {
        if (flag == ResponseFlag.NONE) {
            flag = v;
        }
    }

    /** A stable detail string, e.g. "http1.invalid_chunk_size" or "upstream_reset_before_response_started". */
    public String detail() {
        return detail;
    }

    public void detail(String v) {
        detail = v;
    }

    public String requestId() {
        return requestId;
    }

    public long startMillis() {
        return startMillis;
    }

    /** The request line and identity fields, for the access log. */
    public void request(String method, String authority, String path, String protocol, String userAgent,
                        String forwardedFor) {
        this.method = method;
        this.authority = authority;
        this.path = path;
        this.protocol = protocol;
        this.userAgent = userAgent;
        this.forwardedFor = forwardedFor;
    }

    /**
     * Replaces the logged path (with its query) after a filter changed the query, so the access log shows what the
     * upstream got, as Envoy logs the headers filters left: a token taken from {@code ?access_token=} and removed
     * from the request is not written to the log.
     */
    public void path(String pathAndQuery) {
        this.path = pathAndQuery;
    }

    public String method() {
        return method;
    }

    public String authority() {
        return authority;
    }

    public String path() {
        return path;
    }

    public String protocol() {
        return protocol;
    }

    public String userAgent() {
        return userAgent;
    }

    public String forwardedFor() {
        return forwardedFor;
    }

    /** Request body bytes forwarded upstream. */
    public long bytesReceived() {
        return bytesReceived;
    }

    public void addBytesReceived(long n) {
        bytesReceived += n;
    }

    /** Response body bytes sent to the client. */
    public long bytesSent() {
        return bytesSent;
    }

    public void addBytesSent(long n) {
        bytesSent += n;
    }

    /** The request head went upstream (System.nanoTime()). */
    public void upstreamStarted(long nanos) {
        upstreamStartNanos = nanos;
    }

    /** The upstream response head arrived (System.nanoTime()). */
    public void upstreamHeadArrived(long nanos) {
        upstreamHeadNanos = nanos;
    }

    /** Envoy's x-envoy-upstream-service-time: request head sent to response head received, in µs; -1 if none. */
    public long upstreamServiceTimeMicros() {
        return upstreamStartNanos == 0 || upstreamHeadNanos == 0 ? -1 : (upstreamHeadNanos - upstreamStartNanos) / 1000;
    }

    /** The filters' verdicts for the access log, and what they recorded (see {@code FilterRequest}). */
    public void policy(String decision, java.util.Map<String, String> metadata) {
        this.policyDecision = decision;
        this.metadata = metadata == null || metadata.isEmpty() ? null : metadata;
    }

    public String policyDecision() {
        return policyDecision;
    }

    /** True when the whole response went out. */
    public boolean completed() {
        return completed;
    }

    public void completed(boolean v) {
        completed = v;
    }

    public void requestId(String v) {
        requestId = v;
    }

    /**
     * Fills an access log entry with this request's record and the connection's addresses and TLS facts (the same
     * for HTTP/1.1 and HTTP/2).
     */
    public void fill(dev.weft.core.accesslog.AccessLogEntry e, long durationNanos, String remoteAddress,
                     String localAddress, dev.weft.core.io.Transport channel) {
        e.reset();
        e.startTimeMillis(startMillis());
        e.method(method());
        e.authority(authority());
        e.path(path());
        e.protocol(protocol());
        e.status(status());
        e.responseFlags(flag().code());
        e.bytesReceived(bytesReceived());
        e.bytesSent(bytesSent());
        e.durationMicros(durationNanos / 1000);
        e.upstreamServiceTimeMicros(upstreamServiceTimeMicros());
        e.upstreamHost(upstreamHost());
        e.upstreamCluster(clusterName());
        e.routeName(routeName());
        e.requestId(requestId());
        e.userAgent(userAgent());
        e.forwardedFor(forwardedFor());
        e.downstreamRemoteAddress(remoteAddress);
        e.downstreamLocalAddress(localAddress);
        if (channel.secure()) {
            e.downstreamPeerUriSan(channel.peerUriSan());
            e.downstreamPeerSubject(channel.peerSubject());
            e.tlsVersion(channel.tlsVersion());
            e.tlsCipher(channel.tlsCipher());
        }
        e.responseCodeDetails(detail());
        e.policyDecision(policyDecision);
        e.metadata(metadata);
    }

    /** A random UUID (version 4) for x-request-id, without SecureRandom's lock. */
    public static String newRequestId() {
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(hi, lo).toString();
    }
}
