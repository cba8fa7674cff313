package dev.weft.core.cluster;

import dev.weft.core.pool.Http1Pool;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** One resolved upstream endpoint of a cluster with its connection pool and its count of requests in flight. */
public final class Host {
    private final InetSocketAddress address;
    private final Http1Pool pool;
    /** Requests in flight; written by request threads, read by the least-request balancer. */
    private final AtomicInteger active = new AtomicInteger();

    /** "ip:port" ("[ip]:port" for IPv6), computed once: it is logged and sent as Host on every request. */
    private final String display;

    Host(InetSocketAddress address, Http1Pool pool) {
        this.address = address;
        this.pool = pool;
        String ip = address.getAddress().getHostAddress();
        this.display = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    public Http1Pool pool() {
        return pool;
    }

    public int activeRequests() {
        return active.get();
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestFinished() {
        active.decrementAndGet();
    }

    @Override
    public String toString() {
        return display;
    }
}
