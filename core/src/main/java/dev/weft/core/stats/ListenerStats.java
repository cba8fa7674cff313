package dev.weft.core.stats;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.Gauge;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;

/** The resolved {@link ListenerStat}s of one listener: the accept loop and its connections record into these. */
public final class ListenerStats {
    public final Counter cxTotal;
    public final Gauge cxActive;
    public final Counter cxDestroy;
    public final Counter cxOverflow;

    /** @param address the bound address as Envoy names it, {@code 127.0.0.1_10000} */
    public ListenerStats(StatsStore store, String address) {
        cxTotal = counter(store, address, ListenerStat.DOWNSTREAM_CX_TOTAL);
        cxActive = gauge(store, address, ListenerStat.DOWNSTREAM_CX_ACTIVE);
        cxDestroy = counter(store, address, ListenerStat.DOWNSTREAM_CX_DESTROY);
        cxOverflow = counter(store, address, ListenerStat.DOWNSTREAM_CX_OVERFLOW);
    }

    private static Counter counter(StatsStore store, String address, ListenerStat s) {
        return store.counter(name(address, s), s.help());
    }

    private static Gauge gauge(StatsStore store, String address, ListenerStat s) {
        return store.gauge(name(address, s), s.help());
    }

    private static StatName name(String address, ListenerStat s) {
        return StatName.listener(address, s.suffix());
    }
}
