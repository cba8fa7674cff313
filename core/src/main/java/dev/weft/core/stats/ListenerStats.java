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
        cxTotal = store.counter(name(address, ListenerStat.DOWNSTREAM_CX_TOTAL), ListenerStat.DOWNSTREAM_CX_TOTAL.help());
        cxActive = store.gauge(name(address, ListenerStat.DOWNSTREAM_CX_ACTIVE), ListenerStat.DOWNSTREAM_CX_ACTIVE.help());
        cxDestroy = store.counter(name(address, ListenerStat.DOWNSTREAM_CX_DESTROY), ListenerStat.DOWNSTREAM_CX_DESTROY.help());
        cxOverflow = store.counter(name(address, ListenerStat.DOWNSTREAM_CX_OVERFLOW), ListenerStat.DOWNSTREAM_CX_OVERFLOW.help());
    }

    private static StatName name(String address, ListenerStat s) {
        return StatName.listener(address, s.suffix());
    }
}
