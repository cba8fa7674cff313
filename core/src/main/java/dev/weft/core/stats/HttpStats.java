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
        rqTotal = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_TOTAL), HttpStat.DOWNSTREAM_RQ_TOTAL.help());
        rqActive = store.gauge(name(prefix, HttpStat.DOWNSTREAM_RQ_ACTIVE), HttpStat.DOWNSTREAM_RQ_ACTIVE.help());
        rqCompleted = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_COMPLETED), HttpStat.DOWNSTREAM_RQ_COMPLETED.help());
        rqByClass[1] = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_1XX), HttpStat.DOWNSTREAM_RQ_1XX.help());
        rqByClass[2] = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_2XX), HttpStat.DOWNSTREAM_RQ_2XX.help());
        rqByClass[3] = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_3XX), HttpStat.DOWNSTREAM_RQ_3XX.help());
        rqByClass[4] = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_4XX), HttpStat.DOWNSTREAM_RQ_4XX.help());
        rqByClass[5] = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_5XX), HttpStat.DOWNSTREAM_RQ_5XX.help());
        rqTimeout = store.counter(name(prefix, HttpStat.DOWNSTREAM_RQ_TIMEOUT), HttpStat.DOWNSTREAM_RQ_TIMEOUT.help());
        protocolError = store.counter(name(prefix, HttpStat.DOWNSTREAM_CX_PROTOCOL_ERROR), HttpStat.DOWNSTREAM_CX_PROTOCOL_ERROR.help());
        destroyRemoteActive = store.counter(name(prefix, HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ), HttpStat.DOWNSTREAM_CX_DESTROY_REMOTE_ACTIVE_RQ.help());
        rqTime = store.histogram(name(prefix, HttpStat.DOWNSTREAM_RQ_TIME), HttpStat.DOWNSTREAM_RQ_TIME.help());
        for (ResponseFlag f : ResponseFlag.values()) {
            if (f != ResponseFlag.NONE) {
                flags[f.ordinal()] = store.counter(StatName.responseFlag(prefix, f.code()));
            }
        }
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
        rqActive.decrement();
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
