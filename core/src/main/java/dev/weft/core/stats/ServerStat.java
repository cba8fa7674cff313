package dev.weft.core.stats;

/** {@code server.*}: process-wide stats, refreshed every second by the server. */
public enum ServerStat implements StatDescriptor {
    UPTIME("uptime", StatKind.GAUGE, "Seconds since start."),
    LIVE("live", StatKind.GAUGE, "1 while serving, 0 while draining."),
    MEMORY_ALLOCATED("memory_allocated", StatKind.GAUGE, "Heap bytes in use."),
    MEMORY_HEAP_SIZE("memory_heap_size", StatKind.GAUGE, "Heap bytes committed."),
    MEMORY_DIRECT("memory_direct", StatKind.GAUGE, "Direct (off-heap) buffer bytes in use."),
    TOTAL_CONNECTIONS("total_connections", StatKind.GAUGE, "Downstream connections open, all listeners."),
    ACCESS_LOG_DROPPED("access_log_dropped", StatKind.COUNTER,
            "Access log lines dropped because the writer's queue was full.");

    private final String suffix;
    private final StatKind kind;
    private final String help;

    ServerStat(String suffix, StatKind kind, String help) {
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
