package dev.weft.core.filter;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.StatsStore;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.time.Deadlines;
import java.util.function.Supplier;

/** What a filter may use at run time: its stats, the snapshot's clusters, the shared timer and shared state. */
public interface FilterContext {
    /** The listener whose chain the filter belongs to. */
    String listenerName();

    /** The listener's stat prefix: the filter's stats are {@code http.<stat_prefix>.<suffix>}. */
    String statPrefix();

    StatsStore stats();

    /** The counter {@code http.<stat_prefix>.<suffix>}, e.g. {@code rbac.denied}; resolve once, at build time. */
    default Counter counter(String suffix, String help) {
        return stats().counter(dev.weft.admin.stats.StatName.http(statPrefix(), suffix), help);
    }

    /** The cluster of this name in the running snapshot, or null. */
    Cluster cluster(String name);

    /** The process's shared timer, for timeouts of blocking calls. */
    Deadlines deadlines();

    /**
     * State shared by every listener of the process (e.g. the ring of recent authorization denials that the admin
     * server shows, or a JWKS cache): the one instance of {@code type}, made by {@code make} on first use.
     */
    <T> T shared(Class<T> type, Supplier<T> make);
}
