package dev.weft.core.stats;

/** {@code listener.<address>_<port>.*}: Envoy's listener stats. */
public enum ListenerStat implements StatDescriptor {
    DOWNSTREAM_CX_TOTAL(StatDescriptor.counter("downstream_cx_total", "Connections accepted.")),
    DOWNSTREAM_CX_ACTIVE(StatDescriptor.gauge("downstream_cx_active", "Connections open now.")),
    DOWNSTREAM_CX_DESTROY(StatDescriptor.counter("downstream_cx_destroy", "Connections closed.")),
    DOWNSTREAM_CX_OVERFLOW(StatDescriptor.counter("downstream_cx_overflow",
            "Connections refused because max_connections was reached, the listener was draining or memory ran out."));

    private final Spec spec;

    ListenerStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
