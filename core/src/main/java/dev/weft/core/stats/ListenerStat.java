package dev.weft.core.stats;

/** {@code listener.<address>_<port>.*}: Envoy's listener stats. */
public enum ListenerStat implements StatDescriptor {
    DOWNSTREAM_CX_TOTAL("downstream_cx_total", StatKind.COUNTER, "Connections accepted."),
    DOWNSTREAM_CX_ACTIVE("downstream_cx_active", StatKind.GAUGE, "Connections open now."),
    DOWNSTREAM_CX_DESTROY("downstream_cx_destroy", StatKind.COUNTER, "Connections closed."),
    DOWNSTREAM_CX_OVERFLOW("downstream_cx_overflow", StatKind.COUNTER,
            "Connections refused because max_connections was reached, the listener was draining or memory ran out.");

    private final String suffix;
    private final StatKind kind;
    private final String help;

    ListenerStat(String suffix, StatKind kind, String help) {
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
