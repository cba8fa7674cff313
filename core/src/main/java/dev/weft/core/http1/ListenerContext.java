package dev.weft.core.http1;

import dev.weft.core.cluster.Cluster;
import dev.weft.core.accesslog.AccessLogEntry;
import dev.weft.core.config.ListenerConfig;
import dev.weft.core.router.Router;
import dev.weft.core.stats.HttpStats;
import dev.weft.core.time.Deadlines;

/** What a downstream connection needs from the listener that accepted it and the config snapshot it serves. */
public interface ListenerContext {
    ListenerConfig config();

    /** The HTTP filter chain of the current snapshot; {@code FilterChain.EMPTY} when none is configured. */
    default dev.weft.core.filter.FilterChain filters() {
        return dev.weft.core.filter.FilterChain.EMPTY;
    }

    /** The router of the current snapshot. */
    Router router();

    /** The cluster with this name in the current snapshot, or null. */
    Cluster cluster(String name);

    Deadlines deadlines();

    /** True once a drain started: finish the current request, then close. */
    boolean draining();

    /** The HTTP stats of this listener's stat prefix. */
    HttpStats httpStats();

    /** True when this listener has at least one access log. */
    boolean accessLogged();

    /** Writes one access log entry to every access log of this listener; never blocks. */
    void log(AccessLogEntry entry);
}
