package dev.weft.core.stats;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.LatencyHistogram;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;

/** {@code route.<stat_prefix>.*}: kept only for routes that name a {@code stat_prefix}. */
public final class RouteStats {
    /** Requests that matched the route. */
    public static final String RQ_TOTAL = "rq_total";
    /** Their duration, from the complete head to the end of the response (ms). */
    public static final String RQ_TIME = "rq_time";

    private final Counter rqTotal;
    private final LatencyHistogram rqTime;

    public RouteStats(StatsStore store, String prefix) {
        rqTotal = store.counter(StatName.route(prefix, RQ_TOTAL));
        rqTime = store.histogram(StatName.route(prefix, RQ_TIME));
    }

    public void requestEnded(long durationNanos) {
        rqTotal.increment();
        rqTime.recordNanos(durationNanos);
    }
}
