package dev.weft.core.stats;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.Gauge;
import dev.weft.admin.stats.LatencyHistogram;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;

/** The resolved {@link ClusterStat}s of one cluster; its pools and exchanges record into these. */
public final class ClusterStats {
    public final Counter cxTotal;
    public final Gauge cxActive;
    public final Counter cxConnectFail;
    public final Counter cxConnectTimeout;
    public final Counter cxDestroy;
    public final Counter rqTotal;
    public final Gauge rqActive;
    public final Gauge rqPendingActive;
    public final Counter rqPendingOverflow;
    public final Counter rqTimeout;
    public final Counter rqRetry;
    private final Counter[] rqByClass = new Counter[6];
    public final Gauge membershipTotal;
    public final Gauge membershipHealthy;
    public final LatencyHistogram rqTime;
    public final LatencyHistogram connectMs;

    public ClusterStats(StatsStore store, String cluster) {
        cxTotal = store.counter(name(cluster, ClusterStat.UPSTREAM_CX_TOTAL), ClusterStat.UPSTREAM_CX_TOTAL.help());
        cxActive = store.gauge(name(cluster, ClusterStat.UPSTREAM_CX_ACTIVE), ClusterStat.UPSTREAM_CX_ACTIVE.help());
        cxConnectFail = store.counter(name(cluster, ClusterStat.UPSTREAM_CX_CONNECT_FAIL), ClusterStat.UPSTREAM_CX_CONNECT_FAIL.help());
        cxConnectTimeout = store.counter(name(cluster, ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT), ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT.help());
        cxDestroy = store.counter(name(cluster, ClusterStat.UPSTREAM_CX_DESTROY), ClusterStat.UPSTREAM_CX_DESTROY.help());
        rqTotal = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_TOTAL), ClusterStat.UPSTREAM_RQ_TOTAL.help());
        rqActive = store.gauge(name(cluster, ClusterStat.UPSTREAM_RQ_ACTIVE), ClusterStat.UPSTREAM_RQ_ACTIVE.help());
        rqPendingActive = store.gauge(name(cluster, ClusterStat.UPSTREAM_RQ_PENDING_ACTIVE), ClusterStat.UPSTREAM_RQ_PENDING_ACTIVE.help());
        rqPendingOverflow = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW), ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW.help());
        rqTimeout = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_TIMEOUT), ClusterStat.UPSTREAM_RQ_TIMEOUT.help());
        rqRetry = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_RETRY), ClusterStat.UPSTREAM_RQ_RETRY.help());
        rqByClass[2] = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_2XX), ClusterStat.UPSTREAM_RQ_2XX.help());
        rqByClass[3] = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_3XX), ClusterStat.UPSTREAM_RQ_3XX.help());
        rqByClass[4] = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_4XX), ClusterStat.UPSTREAM_RQ_4XX.help());
        rqByClass[5] = store.counter(name(cluster, ClusterStat.UPSTREAM_RQ_5XX), ClusterStat.UPSTREAM_RQ_5XX.help());
        membershipTotal = store.gauge(name(cluster, ClusterStat.MEMBERSHIP_TOTAL), ClusterStat.MEMBERSHIP_TOTAL.help());
        membershipHealthy = store.gauge(name(cluster, ClusterStat.MEMBERSHIP_HEALTHY), ClusterStat.MEMBERSHIP_HEALTHY.help());
        rqTime = store.histogram(name(cluster, ClusterStat.UPSTREAM_RQ_TIME), ClusterStat.UPSTREAM_RQ_TIME.help());
        connectMs = store.histogram(name(cluster, ClusterStat.UPSTREAM_CX_CONNECT_MS), ClusterStat.UPSTREAM_CX_CONNECT_MS.help());
    }

    private static StatName name(String cluster, ClusterStat s) {
        StatName n = StatName.cluster(cluster, s.suffix());
        // Envoy's flat names stay; two Prometheus names follow Prometheus' naming rules instead (promtool lints a
        // gauge ending in _total and an abbreviated unit)
        return switch (s) {
            case MEMBERSHIP_TOTAL -> new StatName(n.flat(), "weft_cluster_membership", n.labelNames(),
                    n.labelValues());
            case UPSTREAM_CX_CONNECT_MS -> new StatName(n.flat(), "weft_cluster_upstream_cx_connect_time",
                    n.labelNames(), n.labelValues());
            default -> n;
        };
    }

    /** An upstream response head with this status arrived (1xx are not final and not counted). */
    public void responseStatus(int status) {
        if (status >= 200 && status < 600) {
            rqByClass[status / 100].increment();
        }
    }
}
