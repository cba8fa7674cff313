package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.cluster.Host;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load balancer policies over a cluster of three real upstreams, told apart by their {@code x-upstream}. */
@Timeout(60)
class LoadBalancingE2ETest {
    private List<TestUpstream> upstreams;
    private WeftServer proxy;
    private InetSocketAddress address;
    /** Virtual threads: the common pool may have a single thread, which would serialize the slow requests. */
    private final ExecutorService background = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void startUpstreams() throws Exception {
        upstreams = List.of(TestUpstream.start("a"), TestUpstream.start("b"), TestUpstream.start("c"));
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstreams.forEach(TestUpstream::close);
        background.shutdownNow();
    }

    private void startProxy(String policy) throws IOException {
        StringBuilder endpoints = new StringBuilder();
        for (TestUpstream u : upstreams) {
            endpoints.append("      - {address: 127.0.0.1, port: ").append(u.port()).append("}\n");
        }
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: three}
                clusters:
                  - name: three
                    lb_policy: %s
                    endpoints:
                %s""".formatted(policy, endpoints));
        address = proxy.address("main");
    }

    /** Sends {@code n} sequential requests on one keep-alive connection; counts the answering upstream of each. */
    private Map<String, Integer> spread(int n) throws IOException {
        Map<String, Integer> counts = new TreeMap<>();
        try (Wire w = Wire.connect(address)) {
            for (int i = 0; i < n; i++) {
                Wire.Response r = w.exchange("GET /n" + i + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
                assertEquals(200, r.status());
                counts.merge(r.header("x-upstream"), 1, Integer::sum);
            }
        }
        return counts;
    }

    @Test
    void roundRobinSpreadsThirtyRequestsExactlyTenPerEndpoint() throws Exception {
        startProxy("ROUND_ROBIN");
        assertEquals(Map.of("a", 10, "b", 10, "c", 10), spread(30));
        for (TestUpstream u : upstreams) {
            assertEquals(10, u.requests().size(), "upstream " + u.name());
        }
    }

    @Test
    void roundRobinOverFreshClientConnectionsStillSpreadsEvenly() throws Exception {
        startProxy("round_robin"); // enums are case-insensitive
        Map<String, Integer> counts = new TreeMap<>();
        for (int i = 0; i < 30; i++) {
            Wire.Response r = Wire.get(address, "example.com", "/fresh" + i);
            assertEquals(200, r.status());
            counts.merge(r.header("x-upstream"), 1, Integer::sum);
        }
        assertEquals(Map.of("a", 10, "b", 10, "c", 10), counts);
    }

    @Test
    void randomReachesEveryEndpoint() throws Exception {
        startProxy("RANDOM");
        // the chance that 300 uniform picks miss one of three endpoints is about 3 * (2/3)^300: never
        Map<String, Integer> counts = spread(300);
        assertEquals(List.of("a", "b", "c"), List.copyOf(counts.keySet()), counts.toString());
        assertEquals(300, counts.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void leastRequestAvoidsTheEndpointWithASlowRequestInFlight() throws Exception {
        startProxy("LEAST_REQUEST");
        Future<Wire.Response> slow = background.submit(() -> Wire.get(address, "example.com", "/delay?ms=5000"));
        TestUpstream busy = awaitSlowRequest();
        List<Host> hosts = proxy.cluster("three").hosts();
        Host busyHost = hosts.stream().filter(h -> h.address().getPort() == busy.port()).findFirst().orElseThrow();
        assertEquals(1, busyHost.activeRequests());

        // power of two choices over three hosts with one busy: any pair holds an idle host, which always wins
        Map<String, Integer> counts = spread(30);
        assertTrue(busyHost.activeRequests() > 0,
                "the slow request must still be in flight for this test to mean anything");
        assertEquals(null, counts.get(busy.name()), "no request went to the busy endpoint: " + counts);
        assertEquals(30, counts.values().stream().mapToInt(Integer::intValue).sum());
        assertEquals(1, busy.requests().size(), "the busy upstream saw only the slow request");

        Wire.Response r = slow.get();
        assertEquals(200, r.status());
        assertEquals(busy.name(), r.header("x-upstream"));
    }

    @Test
    void leastRequestSpreadsConcurrentSlowRequestsOnePerEndpoint() throws Exception {
        startProxy("LEAST_REQUEST");
        // the second slow request is picked while the first is in flight: any two distinct hosts include an idle
        // one, which wins over the busy one, so the two slow requests never share an endpoint
        List<Future<Wire.Response>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            slow.add(background.submit(() -> Wire.get(address, "example.com", "/delay?ms=3000")));
            int expected = i + 1;
            long end = System.nanoTime() + 10_000_000_000L;
            while (upstreams.stream().mapToInt(u -> u.requestsTo("/delay").size()).sum() < expected) {
                assertTrue(System.nanoTime() < end, "slow request " + expected + " never reached an upstream");
                Thread.sleep(5);
            }
        }
        long distinct = upstreams.stream().filter(u -> !u.requestsTo("/delay").isEmpty()).count();
        assertEquals(2, distinct, () -> "two slow requests on two different endpoints; /delay per upstream: "
                + upstreams.stream().map(u -> u.name() + "=" + u.requestsTo("/delay").size() + " accepted="
                + u.acceptedConnections()).toList() + " active: " + proxy.cluster("three").hosts().stream()
                .map(h -> h + "=" + h.activeRequests()).toList());
        for (Future<Wire.Response> f : slow) {
            assertEquals(200, f.get().status());
        }
    }

    private TestUpstream awaitSlowRequest() throws InterruptedException {
        long end = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < end) {
            for (TestUpstream u : upstreams) {
                if (!u.requestsTo("/delay").isEmpty()) {
                    return u;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the slow request never reached an upstream");
    }
}
