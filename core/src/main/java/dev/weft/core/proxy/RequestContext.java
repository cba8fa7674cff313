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

    public void reset(long now) {
        startNanos = now;
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

    public void requestId(String v) {
        requestId = v;
    }
}
