package dev.weft.admin.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatNameTest {

    @Test
    void clusterNameWithDotsStaysALabel() {
        StatName n = StatName.cluster("backend.prod.svc", "upstream_rq_total");
        assertEquals("cluster.backend.prod.svc.upstream_rq_total", n.flat());
        assertEquals("weft_cluster_upstream_rq_total", n.prometheus());
        assertEquals(List.of("cluster_name"), n.labelNames());
        assertEquals(List.of("backend.prod.svc"), n.labelValues());
    }

    @Test
    void eachScopeHasEnvoysLabel() {
        StatName http = StatName.http("ingress_http", "downstream_rq_5xx");
        assertEquals("http.ingress_http.downstream_rq_5xx", http.flat());
        assertEquals("weft_http_downstream_rq_5xx", http.prometheus());
        assertEquals(List.of("http_conn_manager_prefix"), http.labelNames());

        StatName listener = StatName.listener("127.0.0.1_10000", "downstream_cx_active");
        assertEquals("listener.127.0.0.1_10000.downstream_cx_active", listener.flat());
        assertEquals("weft_listener_downstream_cx_active", listener.prometheus());
        assertEquals(List.of("listener_address"), listener.labelNames());
        assertEquals(List.of("127.0.0.1_10000"), listener.labelValues());

        StatName route = StatName.route("api.v1", "rq_total");
        assertEquals("route.api.v1.rq_total", route.flat());
        assertEquals("weft_route_rq_total", route.prometheus());
        assertEquals(List.of("route_stat_prefix"), route.labelNames());

        StatName server = StatName.server("live");
        assertEquals("server.live", server.flat());
        assertEquals("weft_server_live", server.prometheus());
        assertEquals(List.of(), server.labelNames());
    }

    @Test
    void responseFlagsAreOneFamilyWithTwoLabels() {
        StatName n = StatName.responseFlag("ingress", "UF");
        assertEquals("http.ingress.response_flags.UF", n.flat());
        assertEquals("weft_http_response_flags", n.prometheus());
        assertEquals(List.of("http_conn_manager_prefix", "response_flag"), n.labelNames());
        assertEquals(List.of("ingress", "UF"), n.labelValues());
    }

    @Test
    void dottedStatSuffixIsSanitizedIntoTheMetricName() {
        StatName n = StatName.http("ingress", "rbac.denied");
        assertEquals("http.ingress.rbac.denied", n.flat());
        assertEquals("weft_http_rbac_denied", n.prometheus());
    }

    @Test
    void genericNameIsSanitized() {
        assertEquals("weft_access_log_dropped", StatName.of("access_log.dropped").prometheus());
        assertEquals("weft_ssl_fail_verify_san", StatName.of("ssl.fail_verify_san").prometheus());
        assertEquals("weft_a_b_c_d__", StatName.of("a-b:c/d é").prometheus());
        assertEquals("weft_0rtt", StatName.of("0rtt").prometheus());
        assertEquals(List.of(), StatName.of("x.y").labelNames());
    }

    @Test
    void templateReplacesLabelValuesByPlaceholders() {
        assertEquals("cluster.<cluster_name>.upstream_rq_total",
                StatName.cluster("a.b", "upstream_rq_total").template());
        assertEquals("http.<http_conn_manager_prefix>.response_flags.<response_flag>",
                StatName.responseFlag("ingress", "UF").template());
    }

    @Test
    void rejectsInvalidNames() {
        assertThrows(IllegalArgumentException.class, () -> StatName.cluster("", "x"));
        assertThrows(IllegalArgumentException.class, () -> StatName.of(""));
        assertThrows(IllegalArgumentException.class,
                () -> new StatName("x", "1bad", List.of(), List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new StatName("x", "weft_x", List.of("le"), List.of("1")));
        assertThrows(IllegalArgumentException.class,
                () -> new StatName("x", "weft_x", List.of("a"), List.of()));
    }
}
