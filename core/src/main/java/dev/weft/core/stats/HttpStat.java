package dev.weft.core.stats;

/** {@code http.<stat_prefix>.*}: Envoy's HTTP connection manager stats. */
public enum HttpStat implements StatDescriptor {
    DOWNSTREAM_RQ_TOTAL("downstream_rq_total", StatKind.COUNTER, "Requests received (complete heads)."),
    DOWNSTREAM_RQ_ACTIVE("downstream_rq_active", StatKind.GAUGE, "Requests in flight."),
    DOWNSTREAM_RQ_COMPLETED("downstream_rq_completed", StatKind.COUNTER, "Requests that got a whole response."),
    DOWNSTREAM_RQ_1XX("downstream_rq_1xx", StatKind.COUNTER, "Responses with a 1xx status."),
    DOWNSTREAM_RQ_2XX("downstream_rq_2xx", StatKind.COUNTER, "Responses with a 2xx status."),
    DOWNSTREAM_RQ_3XX("downstream_rq_3xx", StatKind.COUNTER, "Responses with a 3xx status."),
    DOWNSTREAM_RQ_4XX("downstream_rq_4xx", StatKind.COUNTER, "Responses with a 4xx status."),
    DOWNSTREAM_RQ_5XX("downstream_rq_5xx", StatKind.COUNTER, "Responses with a 5xx status."),
    DOWNSTREAM_RQ_TIMEOUT("downstream_rq_timeout", StatKind.COUNTER,
            "Requests whose head or body did not arrive in time (408)."),
    DOWNSTREAM_CX_PROTOCOL_ERROR("downstream_cx_protocol_error", StatKind.COUNTER,
            "Connections closed for a malformed request (400, 414, 431, 501, 505)."),
    DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ("downstream_cx_destroy_remote_active_rq", StatKind.COUNTER,
            "Requests cut short because the client went away (flag DC)."),
    DOWNSTREAM_RQ_TIME("downstream_rq_time", StatKind.HISTOGRAM,
            "Request duration, from the complete head to the last byte of the response (ms).");

    private final String suffix;
    private final StatKind kind;
    private final String help;

    HttpStat(String suffix, StatKind kind, String help) {
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
