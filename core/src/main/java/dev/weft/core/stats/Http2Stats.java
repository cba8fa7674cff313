package dev.weft.core.stats;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.Gauge;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;

/** The resolved {@link Http2Stat}s of one stat prefix. */
public final class Http2Stats {
    public final Counter cxTotal;
    public final Gauge streamsActive;
    public final Counter rxReset;
    public final Counter txReset;
    public final Counter goawaySent;
    public final Counter rxMessagingError;
    public final Counter streamRefused;
    public final Counter headerOverflow;
    public final Counter headerBlockFlood;
    public final Counter rapidReset;
    public final Counter controlFlood;
    public final Counter emptyFramesFlood;
    public final Counter streamIdleTimeout;
    public final Counter windowUpdateFlood;

    public Http2Stats(StatsStore store, String prefix) {
        cxTotal = counter(store, prefix, Http2Stat.CX_TOTAL);
        streamsActive = store.gauge(StatName.http(prefix, Http2Stat.STREAMS_ACTIVE.suffix()),
                Http2Stat.STREAMS_ACTIVE.help());
        rxReset = counter(store, prefix, Http2Stat.RX_RESET);
        txReset = counter(store, prefix, Http2Stat.TX_RESET);
        goawaySent = counter(store, prefix, Http2Stat.GOAWAY_SENT);
        rxMessagingError = counter(store, prefix, Http2Stat.RX_MESSAGING_ERROR);
        streamRefused = counter(store, prefix, Http2Stat.STREAM_REFUSED_ERRORS);
        headerOverflow = counter(store, prefix, Http2Stat.HEADER_OVERFLOW);
        headerBlockFlood = counter(store, prefix, Http2Stat.HEADER_BLOCK_FLOOD);
        rapidReset = counter(store, prefix, Http2Stat.RAPID_RESET);
        controlFlood = counter(store, prefix, Http2Stat.INBOUND_CONTROL_FLOOD);
        emptyFramesFlood = counter(store, prefix, Http2Stat.INBOUND_EMPTY_FRAMES_FLOOD);
        streamIdleTimeout = counter(store, prefix, Http2Stat.STREAM_IDLE_TIMEOUT);
        windowUpdateFlood = counter(store, prefix, Http2Stat.INBOUND_WINDOW_UPDATE_FLOOD);
    }

    private static Counter counter(StatsStore store, String prefix, Http2Stat s) {
        return store.counter(StatName.http(prefix, s.suffix()), s.help());
    }
}
