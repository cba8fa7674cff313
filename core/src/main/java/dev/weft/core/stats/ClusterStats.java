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
    public final Counter cxIdleTimeout;
    public final Counter cxHttp2Total;
    public final Counter http2KeepaliveTimeout;
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
        cxTotal = counter(store, cluster, ClusterStat.UPSTREAM_CX_TOTAL);
        cxActive = gauge(store, cluster, ClusterStat.UPSTREAM_CX_ACTIVE);
        cxConnectFail = counter(store, cluster, ClusterStat.UPSTREAM_CX_CONNECT_FAIL);
        cxConnectTimeout = counter(store, cluster, ClusterStat.UPSTREAM_CX_CONNECT_TIMEOUT);
        cxDestroy = counter(store, cluster, ClusterStat.UPSTREAM_CX_DESTROY);
        cxIdleTimeout = counter(store, cluster, ClusterStat.UPSTREAM_CX_IDLE_TIMEOUT);
        cxHttp2Total = counter(store, cluster, ClusterStat.UPSTREAM_CX_HTTP2_TOTAL);
        http2KeepaliveTimeout = counter(store, cluster, ClusterStat.HTTP2_KEEPALIVE_TIMEOUT);
        rqTotal = counter(store, cluster, ClusterStat.UPSTREAM_RQ_TOTAL);
        rqActive = gauge(store, cluster, ClusterStat.UPSTREAM_RQ_ACTIVE);
        rqPendingActive = gauge(store, cluster, ClusterStat.UPSTREAM_RQ_PENDING_ACTIVE);
        rqPendingOverflow = counter(store, cluster, ClusterStat.UPSTREAM_RQ_PENDING_OVERFLOW);
        rqTimeout = counter(store, cluster, ClusterStat.UPSTREAM_RQ_TIMEOUT);
        rqRetry = counter(store, cluster, ClusterStat.UPSTREAM_RQ_RETRY);
        rqByClass[2] = counter(store, cluster, ClusterStat.UPSTREAM_RQ_2XX);
        rqByClass[3] = counter(store, cluster, ClusterStat.UPSTREAM_RQ_3XX);
        rqByClass[4] = counter(store, cluster, ClusterStat.UPSTREAM_RQ_4XX);
        rqByClass[5] = counter(store, cluster, ClusterStat.UPSTREAM_RQ_5XX);
        membershipTotal = gauge(store, cluster, ClusterStat.MEMBERSHIP_TOTAL);
        membershipHealthy = gauge(store, cluster, ClusterStat.MEMBERSHIP_HEALTHY);
        rqTime = histogram(store, cluster, ClusterStat.UPSTREAM_RQ_TIME);
        connectMs = histogram(store, cluster, ClusterStat.UPSTREAM_CX_CONNECT_MS);
    }

    private static Counter counter(StatsStore store, String cluster, ClusterStat s) {
        return store.counter(name(cluster, s), s.help());
    }

    private static Gauge gauge(StatsStore store, String cluster, ClusterStat s) {
        return store.gauge(name(cluster, s), s.help());
    }

    private static LatencyHistogram histogram(StatsStore store, String cluster, ClusterStat s) {
        return store.histogram(name(cluster, s), s.help());
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
