package dev.weft.core.stats;

/** {@code server.*}: process-wide stats, refreshed every second by the server. */
public enum ServerStat implements StatDescriptor {
    UPTIME(StatDescriptor.gauge("uptime", "Seconds since start.")),
    LIVE(StatDescriptor.gauge("live", "1 while serving, 0 while draining.")),
    MEMORY_ALLOCATED(StatDescriptor.gauge("memory_allocated", "Heap bytes in use.")),
    MEMORY_HEAP_SIZE(StatDescriptor.gauge("memory_heap_size", "Heap bytes committed.")),
    MEMORY_DIRECT(StatDescriptor.gauge("memory_direct", "Direct (off-heap) buffer bytes in use.")),
    TOTAL_CONNECTIONS(StatDescriptor.gauge("total_connections", "Downstream connections open, all listeners.")),
    ACCESS_LOG_DROPPED(StatDescriptor.counter("access_log_dropped",
            "Access log lines dropped because the writer's queue was full."));

    private final Spec spec;

    ServerStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
