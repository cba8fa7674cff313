package dev.weft.admin.server;

import dev.weft.admin.stats.LatencyHistogram;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

/** A running admin server on an ephemeral loopback port over a populated stats store and {@link RecordingViews}. */
final class AdminFixture implements AutoCloseable {
    /** A cluster name that would become markup if any page inserted names unescaped. */
    static final String HOSTILE_CLUSTER = "x<img src=x onerror=alert(1)>";

    final StatsStore stats = new StatsStore(256);
    final RecordingViews views = new RecordingViews();
    final AdminServer server;

    AdminFixture() throws IOException {
        this(null, List.of());
    }

    AdminFixture(String token, List<String> allowedPaths) throws IOException {
        populate(stats);
        server = AdminServer.start(new AdminServer.Options("127.0.0.1", 0, token, allowedPaths), stats, views);
    }

    InetSocketAddress address() {
        return server.address();
    }

    /** Counters (one never used), a gauge, and latency histograms: filled, hostile-named, and empty. */
    static void populate(StatsStore stats) {
        stats.counter(StatName.cluster("backend", "upstream_rq_total")).add(42);
        stats.counter(StatName.http("ingress", "downstream_rq_total")).add(40);
        stats.counter(StatName.cluster("backend", "upstream_rq_timeout"));
        stats.gauge(StatName.cluster("backend", "upstream_cx_active")).set(3);
        LatencyHistogram upstream = stats.histogram(StatName.cluster("backend", "upstream_rq_time"));
        for (int i = 1; i <= 1000; i++) {
            upstream.recordMicros(i * 50L); // 0.05 .. 50 ms
        }
        LatencyHistogram downstream = stats.histogram(StatName.http("ingress", "downstream_rq_time"));
        for (int i = 1; i <= 200; i++) {
            downstream.recordMicros(1_000 + i * 10L);
        }
        stats.histogram(StatName.cluster(HOSTILE_CLUSTER, "upstream_rq_time")).recordMicros(2_500);
        stats.histogram(StatName.listener("127.0.0.1_10000", "downstream_cx_length_ms")); // never recorded
    }

    @Override
    public void close() {
        server.close();
        stats.close();
    }
}
