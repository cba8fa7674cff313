package dev.weft.admin.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsFormatTest {
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private final AtomicLong clock = new AtomicLong(0);
    private final StatsStore store = new StatsStore(64, clock::get, false);

    @AfterEach
    void close() {
        store.close();
    }

    /** A store shaped like a running proxy: labelled families, dotted names, a response flag, histograms. */
    private void populate() {
        store.counter(StatName.cluster("backend.prod", "upstream_rq_total"), "Requests sent upstream").add(7);
        store.counter(StatName.cluster("other", "upstream_rq_total")).add(3);
        store.counter(StatName.cluster("backend.prod", "upstream_cx_connect_fail"));
        store.counter(StatName.http("ingress", "downstream_rq_5xx")).increment();
        store.counter(StatName.http("ingress", "rbac.denied")).add(2);
        store.counter(StatName.responseFlag("ingress", "UF")).add(4);
        store.counter(StatName.responseFlag("ingress", "NR")).increment();
        store.counter(StatName.of("access_log.dropped"));
        store.gauge(StatName.listener("127.0.0.1_10000", "downstream_cx_active")).set(5);
        store.gauge(StatName.server("live")).set(1);
        store.gauge(StatName.cluster("weird\"name\\with\nnewline", "membership_healthy")).set(2);
        LatencyHistogram rq = store.histogram(StatName.cluster("backend.prod", "upstream_rq_time"));
        for (int i = 1; i <= 1000; i++) {
            rq.recordMicros(i); // 0.001 .. 1 ms: HdrHistogram is exact below 2048 us
        }
        store.histogram(StatName.route("api", "rq_time"));
    }

    @Test
    void textIsSortedNameValueLinesThenHistograms() {
        populate();
        // The newline in one cluster name would split its line; Envoy's text output does not escape either.
        String text = StatsFormat.text(store, Pattern.compile("^(?!cluster\\.weird)"), false);
        String[] lines = text.split("\n");
        assertEquals("access_log.dropped: 0", lines[0]);
        assertTrue(text.contains("cluster.backend.prod.upstream_rq_total: 7\n"));
        assertTrue(text.contains("http.ingress.response_flags.UF: 4\n"));
        assertTrue(text.contains("listener.127.0.0.1_10000.downstream_cx_active: 5\n"));
        assertTrue(text.contains("route.api.rq_time: No recorded values\n"));
        String hist = lines[lines.length - 2];
        assertTrue(hist.startsWith("cluster.backend.prod.upstream_rq_time: P50(0.5,0.5) P75(0.75,0.75) P90(0.9,0.9)"), hist);
        assertTrue(hist.endsWith("P99.99(1,1) P100(1,1)"), hist);
        for (int i = 1; i < lines.length - 2; i++) {
            assertTrue(lines[i - 1].compareTo(lines[i]) < 0, "sorted: " + lines[i - 1] + " / " + lines[i]);
        }
    }

    @Test
    void textHistogramShowsNanForAnEmptyRecentWindow() {
        populate();
        store.rollAll();
        clock.addAndGet(120_000);
        String text = StatsFormat.text(store, Pattern.compile("upstream_rq_time"), false);
        assertTrue(text.startsWith("cluster.backend.prod.upstream_rq_time: P50(nan,0.5) "), text);
    }

    @Test
    void filterAndUsedOnly() {
        populate();
        assertEquals("cluster.backend.prod.upstream_rq_total: 7\ncluster.other.upstream_rq_total: 3\n",
                StatsFormat.text(store, Pattern.compile("upstream_rq_total$"), false));
        String used = StatsFormat.text(store, null, true);
        assertFalse(used.contains("access_log.dropped"));
        assertFalse(used.contains("upstream_cx_connect_fail"));
        assertFalse(used.contains("route.api.rq_time"));
        assertTrue(used.contains("server.live: 1"));
        assertTrue(used.contains("cluster.backend.prod.upstream_rq_time: P50"));
        String all = StatsFormat.text(store, null, false);
        assertTrue(all.contains("access_log.dropped: 0"));
    }

    @Test
    void jsonIsEnvoyShaped() {
        populate();
        String json = StatsFormat.json(store, Pattern.compile("^(cluster\\.backend|route)"), false);
        assertEquals("{\"stats\":["
                + "{\"name\":\"cluster.backend.prod.upstream_cx_connect_fail\",\"value\":0},"
                + "{\"name\":\"cluster.backend.prod.upstream_rq_total\",\"value\":7},"
                + "{\"histograms\":{\"supported_quantiles\":[50,75,90,95,99,99.5,99.9,99.99,100],"
                + "\"computed_quantiles\":["
                + "{\"name\":\"cluster.backend.prod.upstream_rq_time\",\"values\":["
                + "{\"interval\":0.5,\"cumulative\":0.5},{\"interval\":0.75,\"cumulative\":0.75},"
                + "{\"interval\":0.9,\"cumulative\":0.9},{\"interval\":0.95,\"cumulative\":0.95},"
                + "{\"interval\":0.99,\"cumulative\":0.99},{\"interval\":0.995,\"cumulative\":0.995},"
                + "{\"interval\":0.999,\"cumulative\":0.999},{\"interval\":1,\"cumulative\":1},"
                + "{\"interval\":1,\"cumulative\":1}]},"
                + "{\"name\":\"route.api.rq_time\",\"values\":["
                + "{\"interval\":null,\"cumulative\":null},".repeat(8)
                + "{\"interval\":null,\"cumulative\":null}]}"
                + "]}}]}", json);
    }

    @Test
    void jsonEscapesNames() {
        store.counter(StatName.of("a\"b"));
        assertTrue(StatsFormat.json(store, null, false).contains("{\"name\":\"a\\\"b\",\"value\":0}"));
    }

    @Test
    void prometheusExposition() {
        populate();
        String p = StatsFormat.prometheus(store);
        assertTrue(p.contains("# HELP weft_cluster_upstream_rq_total Requests sent upstream\n"), p);
        assertTrue(p.contains("# TYPE weft_cluster_upstream_rq_total counter\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_total{cluster_name=\"backend.prod\",} 7.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_total{cluster_name=\"other\",} 3.0\n"));
        assertFalse(p.contains("_total_total"));
        // A counter without the suffix gets it once.
        assertTrue(p.contains("# TYPE weft_cluster_upstream_cx_connect_fail_total counter\n"));
        assertTrue(p.contains("weft_cluster_upstream_cx_connect_fail_total{cluster_name=\"backend.prod\",} 0.0\n"));
        assertTrue(p.contains("# HELP weft_http_rbac_denied_total http.<http_conn_manager_prefix>.rbac.denied\n"), p);
        assertTrue(p.contains(
                "weft_http_response_flags_total{http_conn_manager_prefix=\"ingress\",response_flag=\"UF\",} 4.0\n"));
        assertTrue(p.contains("# TYPE weft_listener_downstream_cx_active gauge\n"));
        assertTrue(p.contains("weft_listener_downstream_cx_active{listener_address=\"127.0.0.1_10000\",} 5.0\n"));
        assertTrue(p.contains("weft_server_live 1.0\n"));
        // Text-format escaping of label values: backslash, double quote, newline.
        assertTrue(p.contains("weft_cluster_membership_healthy{cluster_name=\"weird\\\"name\\\\with\\nnewline\",} 2.0\n"),
                p);
        assertTrue(p.contains("# TYPE weft_cluster_upstream_rq_time histogram\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_bucket{cluster_name=\"backend.prod\",le=\"0.5\",} 500.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_bucket{cluster_name=\"backend.prod\",le=\"1\",} 1000.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_bucket{cluster_name=\"backend.prod\",le=\"50\",} 1000.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_bucket{cluster_name=\"backend.prod\",le=\"100\",} 1000.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_bucket{cluster_name=\"backend.prod\",le=\"3600000\",} 1000.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_bucket{cluster_name=\"backend.prod\",le=\"+Inf\",} 1000.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_count{cluster_name=\"backend.prod\",} 1000.0\n"));
        assertTrue(p.contains("weft_cluster_upstream_rq_time_sum{cluster_name=\"backend.prod\",} 500.5\n"), p);
        assertTrue(p.contains("weft_route_rq_time_bucket{route_stat_prefix=\"api\",le=\"+Inf\",} 0.0\n"));
        assertEquals("text/plain; version=0.0.4; charset=utf-8", StatsFormat.PROMETHEUS_CONTENT_TYPE);
    }

    /** promtool ships in Debian's {@code prometheus} package; its absence fails the build rather than hiding a lint. */
    @Test
    void promtoolAcceptsTheExposition(@TempDir Path dir) throws Exception {
        populate();
        if (!Files.isExecutable(PROMTOOL)) {
            fail(PROMTOOL + " is missing: run `apt-get install prometheus` to get promtool");
        }
        Path metrics = dir.resolve("metrics.txt");
        Files.writeString(metrics, StatsFormat.prometheus(store), StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectInput(metrics.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("promtool did not finish");
        }
        assertEquals(0, p.exitValue(), "promtool check metrics failed:\n" + output);
        assertEquals("", output.strip(), "promtool lint problems:\n" + output);
    }

    @Test
    void numbersPrintShortest() throws IOException {
        assertEquals("1", StatsFormat.number(1.0));
        assertEquals("0.5", StatsFormat.number(0.5));
        assertEquals("99.99", StatsFormat.number(99.99));
        assertEquals("0.001", StatsFormat.number(0.0012));
        assertEquals("nan", StatsFormat.number(Double.NaN));
    }
}
