package dev.weft.core.stats;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.Gauge;
import dev.weft.admin.stats.LatencyHistogram;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;
import dev.weft.core.proxy.ResponseFlag;

/**
 * The resolved {@link HttpStat}s of one stat prefix, plus one counter per response flag
 * ({@code http.<prefix>.response_flags.<FLAG>}). Recording is lock-free and allocation-free.
 */
public final class HttpStats {
    private final Counter rqTotal;
    private final Gauge rqActive;
    private final Counter rqCompleted;
    private final Counter[] rqByClass = new Counter[6];
    private final Counter rqTimeout;
    private final Counter protocolError;
    private final Counter destroyRemoteActive;
    private final LatencyHistogram rqTime;
    private final Counter[] flags = new Counter[ResponseFlag.values().length];

    public HttpStats(StatsStore store, String prefix) {
        rqTotal = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_TOTAL);
        rqActive = gauge(store, prefix, HttpStat.DOWNSTREAM_RQ_ACTIVE);
        rqCompleted = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_COMPLETED);
        rqByClass[1] = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_1XX);
        rqByClass[2] = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_2XX);
        rqByClass[3] = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_3XX);
        rqByClass[4] = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_4XX);
        rqByClass[5] = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_5XX);
        rqTimeout = counter(store, prefix, HttpStat.DOWNSTREAM_RQ_TIMEOUT);
        protocolError = counter(store, prefix, HttpStat.DOWNSTREAM_CX_PROTOCOL_ERROR);
        destroyRemoteActive = counter(store, prefix, HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ);
        rqTime = histogram(store, prefix, HttpStat.DOWNSTREAM_RQ_TIME);
        for (ResponseFlag f : ResponseFlag.values()) {
            if (f != ResponseFlag.NONE) {
                flags[f.ordinal()] = store.counter(StatName.responseFlag(prefix, f.code()));
            }
        }
    }

    private static Counter counter(StatsStore store, String prefix, HttpStat s) {
        return store.counter(name(prefix, s), s.help());
    }

    private static Gauge gauge(StatsStore store, String prefix, HttpStat s) {
        return store.gauge(name(prefix, s), s.help());
    }

    private static LatencyHistogram histogram(StatsStore store, String prefix, HttpStat s) {
        return store.histogram(name(prefix, s), s.help());
    }

    private static StatName name(String prefix, HttpStat s) {
        return StatName.http(prefix, s.suffix());
    }

    /** A request head arrived. */
    public void requestStarted() {
        rqTotal.increment();
        rqActive.increment();
    }

    /**
     * A request ended.
     *
     * @param status        the status sent, 0 when none was
     * @param flag          why it did not get an ordinary upstream response, or NONE
     * @param completed     the whole response went out
     * @param durationNanos from the complete head to the end
     */
    public void requestEnded(int status, ResponseFlag flag, boolean completed, long durationNanos) {
        if (status >= 100 && status < 600) {
            rqByClass[status / 100].increment();
        }
        if (completed) {
            rqCompleted.increment();
        }
        if (flag != ResponseFlag.NONE) {
            flags[flag.ordinal()].increment();
            if (flag == ResponseFlag.DC) {
                destroyRemoteActive.increment();
            }
        }
        if (status == 408) {
            rqTimeout.increment();
        }
        rqTime.recordNanos(durationNanos);
        // last: a request leaves downstream_rq_active only once it is counted, so a scraper (or a test) that sees
        // no active request sees every ended one in the other stats
        rqActive.decrement();
    }

    /** A request was refused before it was complete (malformed head): no requestStarted() preceded it. */
    public void protocolError(int status) {
        protocolError.increment();
        rqTotal.increment();
        if (status >= 100 && status < 600) {
            rqByClass[status / 100].increment();
        }
        flags[ResponseFlag.DPE.ordinal()].increment();
    }

    /** The request head did not arrive in time: 408 without a request. */
    public void headTimeout() {
        rqTotal.increment();
        rqTimeout.increment();
        rqByClass[4].increment();
    }
}
