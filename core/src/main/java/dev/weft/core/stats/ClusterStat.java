package dev.weft.core.stats;

/** {@code cluster.<name>.*}: Envoy's cluster stats. */
public enum ClusterStat implements StatDescriptor {
    UPSTREAM_CX_TOTAL("upstream_cx_total", StatKind.COUNTER, "Connections opened (attempts)."),
    UPSTREAM_CX_ACTIVE("upstream_cx_active", StatKind.GAUGE, "Connections open now, idle or busy."),
    UPSTREAM_CX_CONNECT_FAIL("upstream_cx_connect_fail", StatKind.COUNTER, "Connects that failed (flag UF)."),
    UPSTREAM_CX_CONNECT_TIMEOUT("upstream_cx_connect_timeout", StatKind.COUNTER,
            "Connects that took longer than connect_timeout."),
    UPSTREAM_CX_DESTROY("upstream_cx_destroy", StatKind.COUNTER, "Connections closed."),
    UPSTREAM_RQ_TOTAL("upstream_rq_total", StatKind.COUNTER, "Requests sent upstream (retries included)."),
    UPSTREAM_RQ_ACTIVE("upstream_rq_active", StatKind.GAUGE, "Requests in flight upstream."),
    UPSTREAM_RQ_PENDING_ACTIVE("upstream_rq_pending_active", StatKind.GAUGE,
            "Requests waiting for a pooled connection."),
    UPSTREAM_RQ_PENDING_OVERFLOW("upstream_rq_pending_overflow", StatKind.COUNTER,
            "Requests refused because the pool and its queue were full (flag UO)."),
    UPSTREAM_RQ_TIMEOUT("upstream_rq_timeout", StatKind.COUNTER, "Requests that hit the route timeout (flag UT)."),
    UPSTREAM_RQ_RETRY("upstream_rq_retry", StatKind.COUNTER,
            "Idempotent requests retried after a stale keep-alive connection failed."),
    UPSTREAM_RQ_2XX("upstream_rq_2xx", StatKind.COUNTER, "Upstream responses with a 2xx status."),
    UPSTREAM_RQ_3XX("upstream_rq_3xx", StatKind.COUNTER, "Upstream responses with a 3xx status."),
    UPSTREAM_RQ_4XX("upstream_rq_4xx", StatKind.COUNTER, "Upstream responses with a 4xx status."),
    UPSTREAM_RQ_5XX("upstream_rq_5xx", StatKind.COUNTER, "Upstream responses with a 5xx status."),
    MEMBERSHIP_TOTAL("membership_total", StatKind.GAUGE, "Endpoints (resolved addresses) in the cluster."),
    MEMBERSHIP_HEALTHY("membership_healthy", StatKind.GAUGE,
            "Endpoints considered healthy (all, until health checking exists)."),
    UPSTREAM_RQ_TIME("upstream_rq_time", StatKind.HISTOGRAM,
            "From sending the request head upstream to the last byte of the response (ms)."),
    UPSTREAM_CX_CONNECT_MS("upstream_cx_connect_ms", StatKind.HISTOGRAM, "TCP connect time (ms).");

    private final String suffix;
    private final StatKind kind;
    private final String help;

    ClusterStat(String suffix, StatKind kind, String help) {
        this.suffix = suffix;
        this.kind = kind;
        this.help = help;
    }

    @Override
    public String suffix() {
        return suffix;
    }

    @Override
    public StatKind kind() {
        return kind;
    }

    @Override
    public String help() {
        return help;
    }
}
