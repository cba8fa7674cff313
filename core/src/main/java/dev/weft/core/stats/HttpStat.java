package dev.weft.core.stats;

/** {@code http.<stat_prefix>.*}: Envoy's HTTP connection manager stats. */
public enum HttpStat implements StatDescriptor {
    DOWNSTREAM_RQ_TOTAL(StatDescriptor.counter("downstream_rq_total", "Requests received (complete heads).")),
    DOWNSTREAM_RQ_ACTIVE(StatDescriptor.gauge("downstream_rq_active", "Requests in flight.")),
    DOWNSTREAM_RQ_COMPLETED(StatDescriptor.counter("downstream_rq_completed", "Requests that got a whole response.")),
    DOWNSTREAM_RQ_1XX(StatDescriptor.counter("downstream_rq_1xx", "Responses with a 1xx status.")),
    DOWNSTREAM_RQ_2XX(StatDescriptor.counter("downstream_rq_2xx", "Responses with a 2xx status.")),
    DOWNSTREAM_RQ_3XX(StatDescriptor.counter("downstream_rq_3xx", "Responses with a 3xx status.")),
    DOWNSTREAM_RQ_4XX(StatDescriptor.counter("downstream_rq_4xx", "Responses with a 4xx status.")),
    DOWNSTREAM_RQ_5XX(StatDescriptor.counter("downstream_rq_5xx", "Responses with a 5xx status.")),
    DOWNSTREAM_RQ_TIMEOUT(StatDescriptor.counter("downstream_rq_timeout",
            "Requests whose head or body did not arrive in time (408).")),
    DOWNSTREAM_CX_PROTOCOL_ERROR(StatDescriptor.counter("downstream_cx_protocol_error",
            "Connections closed for a malformed request (400, 414, 431, 501, 505).")),
    DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ(StatDescriptor.counter("downstream_cx_destroy_remote_active_rq",
            "Requests cut short because the client went away (flag DC).")),
    DOWNSTREAM_RQ_TIME(StatDescriptor.histogram("downstream_rq_time",
            "Request duration, from the complete head to the last byte of the response (ms)."));

    private final Spec spec;

    HttpStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
