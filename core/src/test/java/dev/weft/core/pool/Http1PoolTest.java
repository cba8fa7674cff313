package dev.weft.core.pool;

import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
import dev.weft.core.time.Deadlines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class Http1PoolTest {
    private final Deadlines deadlines = new Deadlines();
    private final dev.weft.admin.stats.StatsStore stats = new dev.weft.admin.stats.StatsStore(256);
    private final dev.weft.core.stats.ClusterStats clusterStats = new dev.weft.core.stats.ClusterStats(stats, "test");
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        for (Socket s : accepted) {
            s.close();
        }
        deadlines.close();
        stats.close();
    }

    /** A real listening socket that accepts and holds connections. */
    private InetSocketAddress upstream() throws Exception {
        ServerSocket ss = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        closeables.add(ss);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    accepted.add(ss.accept());
                }
            } catch (Exception ignored) {
                // closed
            }
        });
        return new InetSocketAddress(ss.getInetAddress(), ss.getLocalPort());
    }

    private Http1Pool pool(InetSocketAddress a, int max, int pending, long connectMillis, long idleMillis) {
        return new Http1Pool(a, max, pending, TimeUnit.MILLISECONDS.toNanos(connectMillis),
                TimeUnit.MILLISECONDS.toNanos(idleMillis), deadlines, clusterStats);
    }

    @Test
    void reusesReleasedConnectionMostRecentFirst() throws Exception {
        Http1Pool p = pool(upstream(), 4, 4, 1000, 60_000);
        UpstreamConnection a = p.acquire();
        UpstreamConnection b = p.acquire();
        p.release(a, true);
        p.release(b, true);
        assertSame(b, p.acquire());
        assertSame(a, p.acquire());
        assertEquals(2, p.connectsStarted());
        assertEquals(2, p.openConnections());
    }

    @Test
    void closesConnectionReleasedAsNotReusable() throws Exception {
        Http1Pool p = pool(upstream(), 4, 4, 1000, 60_000);
        UpstreamConnection a = p.acquire();
        p.release(a, false);
        assertTrue(!a.isOpen());
        assertEquals(0, p.openConnections());
        assertNotSame(a, p.acquire());
    }

    @Test
    void failsWithOverflowWhenFullAndNoPendingSlot() throws Exception {
        Http1Pool p = pool(upstream(), 1, 0, 1000, 60_000);
        p.acquire();
        UpstreamException e = assertThrows(UpstreamException.class, p::acquire);
        assertEquals(ResponseFlag.UO, e.flag());
    }

    @Test
    void pendingRequestGetsReleasedConnection() throws Exception {
        Http1Pool p = pool(upstream(), 1, 1, 5000, 60_000);
        UpstreamConnection a = p.acquire();
        AtomicReference<UpstreamConnection> got = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                got.set(p.acquire());
            } catch (UpstreamException e) {
                throw new AssertionError(e);
            }
        });
        Thread.sleep(100);
        p.release(a, true);
        waiter.join();
        assertSame(a, got.get());
    }

    @Test
    void pendingRequestTimesOutWithOverflow() throws Exception {
        Http1Pool p = pool(upstream(), 1, 1, 200, 60_000);
        p.acquire();
        UpstreamException e = assertThrows(UpstreamException.class, p::acquire);
        assertEquals(ResponseFlag.UO, e.flag());
    }

    @Test
    void connectRefusedIsUpstreamFailure() throws Exception {
        int port;
        try (ServerSocket ss = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        Http1Pool p = pool(new InetSocketAddress("127.0.0.1", port), 1, 0, 1000, 60_000);
        UpstreamException e = assertThrows(UpstreamException.class, p::acquire);
        assertEquals(ResponseFlag.UF, e.flag());
        assertEquals(0, p.openConnections(), "a failed connect frees its slot");
    }

    @Test
    void expiresIdleConnectionsAfterIdleTimeout() throws Exception {
        Http1Pool p = pool(upstream(), 4, 4, 1000, 50);
        UpstreamConnection a = p.acquire();
        p.release(a, true);
        assertEquals(1, p.idleConnections());
        p.expireIdle(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
        assertEquals(0, p.idleConnections());
        assertEquals(0, p.openConnections());
        assertTrue(!a.isOpen());
    }

    @Test
    void freshAcquireSkipsIdleConnections() throws Exception {
        Http1Pool p = pool(upstream(), 1, 0, 1000, 60_000);
        UpstreamConnection a = p.acquire();
        p.release(a, true);
        UpstreamConnection b = p.acquire(true);
        assertNotSame(a, b);
        assertTrue(!a.isOpen(), "the idle one made room");
        assertEquals(1, p.openConnections());
    }

    @Test
    void closedPoolRefusesBorrowers() throws Exception {
        Http1Pool p = pool(upstream(), 1, 0, 1000, 60_000);
        p.release(p.acquire(), true);
        p.close();
        assertEquals(0, p.openConnections());
        assertEquals(ResponseFlag.UH, assertThrows(UpstreamException.class, p::acquire).flag());
    }
}
