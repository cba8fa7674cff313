package dev.weft.core.stats;

/** {@code cluster.<name>.*}: Envoy's cluster stats. */
public enum ClusterStat implements StatDescriptor {
    UPSTREAM_CX_TOTAL(StatDescriptor.counter("upstream_cx_total", "Connections opened (attempts).")),
    UPSTREAM_CX_ACTIVE(StatDescriptor.gauge("upstream_cx_active", "Connections open now, idle or busy.")),
    UPSTREAM_CX_CONNECT_FAIL(StatDescriptor.counter("upstream_cx_connect_fail", "Connects that failed (flag UF).")),
    UPSTREAM_CX_CONNECT_TIMEOUT(StatDescriptor.counter("upstream_cx_connect_timeout",
            "Connects that took longer than connect_timeout.")),
    UPSTREAM_CX_DESTROY(StatDescriptor.counter("upstream_cx_destroy", "Connections closed.")),
    UPSTREAM_CX_IDLE_TIMEOUT(StatDescriptor.counter("upstream_cx_idle_timeout",
            "Connections closed because they carried no request for pool_idle_timeout.")),
    UPSTREAM_CX_HTTP2_TOTAL(StatDescriptor.counter("upstream_cx_http2_total",
            "HTTP/2 connections established (clusters with http2: true).")),
    HTTP2_KEEPALIVE_TIMEOUT(StatDescriptor.counter("http2.keepalive_timeout",
            "HTTP/2 connections closed because a keepalive PING was not acknowledged within http2_keepalive.timeout.")),
    UPSTREAM_RQ_TOTAL(StatDescriptor.counter("upstream_rq_total", "Requests sent upstream (retries included).")),
    UPSTREAM_RQ_ACTIVE(StatDescriptor.gauge("upstream_rq_active", "Requests in flight upstream.")),
    UPSTREAM_RQ_PENDING_ACTIVE(StatDescriptor.gauge("upstream_rq_pending_active",
            "Requests waiting for a pooled connection.")),
    UPSTREAM_RQ_PENDING_OVERFLOW(StatDescriptor.counter("upstream_rq_pending_overflow",
            "Requests refused because the pool and its queue were full (flag UO).")),
    UPSTREAM_RQ_TIMEOUT(StatDescriptor.counter("upstream_rq_timeout",
            "Requests that hit the route timeout (flag UT).")),
    UPSTREAM_RQ_RETRY(StatDescriptor.counter("upstream_rq_retry",
            "Idempotent requests retried after a stale keep-alive connection failed.")),
    UPSTREAM_RQ_2XX(StatDescriptor.counter("upstream_rq_2xx", "Upstream responses with a 2xx status.")),
    UPSTREAM_RQ_3XX(StatDescriptor.counter("upstream_rq_3xx", "Upstream responses with a 3xx status.")),
    UPSTREAM_RQ_4XX(StatDescriptor.counter("upstream_rq_4xx", "Upstream responses with a 4xx status.")),
    UPSTREAM_RQ_5XX(StatDescriptor.counter("upstream_rq_5xx", "Upstream responses with a 5xx status.")),
    MEMBERSHIP_TOTAL(StatDescriptor.gauge("membership_total", "Endpoints (resolved addresses) in the cluster.")),
    MEMBERSHIP_HEALTHY(StatDescriptor.gauge("membership_healthy",
            "Endpoints considered healthy (all, until health checking exists).")),
    UPSTREAM_RQ_TIME(StatDescriptor.histogram("upstream_rq_time",
            "From sending the request head upstream to the last byte of the response (ms).")),
    UPSTREAM_CX_CONNECT_MS(StatDescriptor.histogram("upstream_cx_connect_ms", "TCP connect time (ms)."));

    private final Spec spec;

    ClusterStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
