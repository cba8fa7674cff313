package dev.weft.core.cluster;

import dev.weft.core.config.ClusterConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadBalancerTest {
    private static List<Host> hosts(int n) {
        return java.util.stream.IntStream.range(0, n)
                .mapToObj(i -> new Host(new InetSocketAddress("127.0.0.1", 1000 + i), null)).toList();
    }

    @Test
    void roundRobinVisitsEachHostInTurn() {
        List<Host> hs = hosts(3);
        LoadBalancer lb = LoadBalancer.of(ClusterConfig.LbPolicy.ROUND_ROBIN);
        for (int round = 0; round < 3; round++) {
            for (Host h : hs) {
                assertEquals(h, lb.pick(hs));
            }
        }
    }

    @Test
    void leastRequestAvoidsTheBusyHost() {
        List<Host> hs = hosts(2);
        for (int i = 0; i < 10; i++) {
            hs.get(0).requestStarted();
        }
        LoadBalancer lb = LoadBalancer.of(ClusterConfig.LbPolicy.LEAST_REQUEST);
        for (int i = 0; i < 100; i++) {
            assertEquals(hs.get(1), lb.pick(hs), "with two hosts both are always compared");
        }
    }

    @Test
    void leastRequestPicksTwoDistinctHosts() {
        List<Host> hs = hosts(5);
        hs.forEach(h -> h.requestStarted());
        hs.get(3).requestFinished(); // host 3 is the idlest
        LoadBalancer lb = LoadBalancer.of(ClusterConfig.LbPolicy.LEAST_REQUEST);
        Map<Host, Integer> counts = new HashMap<>();
        for (int i = 0; i < 5000; i++) {
            counts.merge(lb.pick(hs), 1, Integer::sum);
        }
        // host 3 wins every comparison it is part of: it is picked in 2/5 of draws (one of the two)
        int h3 = counts.get(hs.get(3));
        assertTrue(h3 > 1700 && h3 < 2300, "host 3 picked " + h3 + " of 5000");
    }

    @Test
    void randomSpreadsOverAllHosts() {
        List<Host> hs = hosts(4);
        LoadBalancer lb = LoadBalancer.of(ClusterConfig.LbPolicy.RANDOM);
        Map<Host, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(lb.pick(hs), 1, Integer::sum);
        }
        assertEquals(4, counts.size());
        counts.values().forEach(c -> assertNotEquals(0, (int) c));
        counts.values().forEach(c -> assertTrue(c > 700 && c < 1300, "count " + c));
    }
}
