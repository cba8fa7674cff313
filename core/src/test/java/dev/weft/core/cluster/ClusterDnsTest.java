package dev.weft.core.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.config.ClusterConfig;
import dev.weft.core.config.EndpointConfig;
import dev.weft.core.time.Deadlines;

import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * STRICT_DNS resolution per endpoint, without a DNS server: {@code localhost} resolves from the hosts file and a
 * {@code .invalid} name never resolves (RFC 6761). {@link Cluster#refresh()} is called directly; the cluster is not
 * started, so no DNS thread runs.
 */
@Timeout(30)
class ClusterDnsTest {
    private static final EndpointConfig LOCALHOST = new EndpointConfig("localhost", 8080);
    private static final EndpointConfig MISSING = new EndpointConfig("weft-no-such-host.invalid", 80);

    private Deadlines deadlines;
    private Cluster cluster;

    @BeforeEach
    void setUp() throws Exception {
        deadlines = new Deadlines();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        deadlines.close();
    }

    private Cluster strictDns(EndpointConfig... endpoints) throws java.io.IOException {
        ClusterConfig config = new ClusterConfig("dns", ClusterConfig.DiscoveryType.STRICT_DNS,
                ClusterConfig.LbPolicy.ROUND_ROBIN, Duration.ofSeconds(1), Duration.ofSeconds(5), List.of(endpoints),
                4, 4, Duration.ofSeconds(60), null);
        cluster = new Cluster(config, deadlines, new dev.weft.admin.stats.StatsStore(256));
        return cluster;
    }

    private static Set<InetSocketAddress> addresses(List<Host> hosts) {
        Set<InetSocketAddress> s = new LinkedHashSet<>();
        for (Host h : hosts) {
            s.add(h.address());
        }
        return s;
    }

    private static Set<InetSocketAddress> localhost(int port) throws Exception {
        Set<InetSocketAddress> s = new LinkedHashSet<>();
        for (InetAddress a : InetAddress.getAllByName("localhost")) {
            s.add(new InetSocketAddress(a, port));
        }
        return s;
    }

    @Test
    void anEndpointThatDoesNotResolveDoesNotTakeTheOthersHostsAway() throws Exception {
        Cluster c = strictDns(LOCALHOST, MISSING);
        c.refresh();
        assertEquals(localhost(8080), addresses(c.hosts()));
        assertTrue(c.pick() != null, "the cluster has a host to pick");
    }

    @Test
    void aClusterWhoseOnlyEndpointNeverResolvedHasNoHost() throws Exception {
        Cluster c = strictDns(MISSING);
        c.refresh();
        assertEquals(List.of(), c.hosts());
        assertEquals(null, c.pick(), "503 UH");
    }

    @Test
    void refreshKeepsTheHostsThatStayWithTheirPools() throws Exception {
        Cluster c = strictDns(LOCALHOST, MISSING);
        c.refresh();
        List<Host> first = c.hosts();
        c.refresh();
        List<Host> second = c.hosts();
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++) {
            assertSame(first.get(i), second.get(i), "a host that stays keeps its pool");
        }
    }

    /**
     * A name that resolved once and then fails keeps its last good addresses, per endpoint. A real name cannot be made
     * to fail on demand (and the JDK caches lookups), so the earlier success is planted in the cluster's private
     * {@code lastGood} map: 127.0.0.2 stands for what {@code MISSING} resolved to before.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aFailedResolutionKeepsThatEndpointsLastGoodAddresses() throws Exception {
        Cluster c = strictDns(LOCALHOST, MISSING);
        Field f = Cluster.class.getDeclaredField("lastGood");
        f.setAccessible(true);
        Map<EndpointConfig, List<InetSocketAddress>> lastGood = (Map<EndpointConfig, List<InetSocketAddress>>) f.get(c);
        InetSocketAddress before = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 2}), 80);
        lastGood.put(MISSING, List.of(before));

        c.refresh();
        Set<InetSocketAddress> expected = new HashSet<>(localhost(8080));
        expected.add(before);
        assertEquals(expected, new HashSet<>(addresses(c.hosts())),
                "localhost's fresh answer plus the failing endpoint's last good one");
        Host kept = c.hosts().stream().filter(h -> h.address().equals(before)).findFirst().orElseThrow();

        c.refresh(); // still failing: the same host, the same pool
        assertTrue(c.hosts().contains(kept));
        assertFalse(kept.pool().openConnections() < 0);
        assertEquals(List.of(before), lastGood.get(MISSING), "a failure does not overwrite the last good answer");
        assertEquals(List.copyOf(localhost(8080)), lastGood.get(LOCALHOST));
    }
}
