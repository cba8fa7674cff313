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

    Host(InetSocketAddress address, Http1Pool pool) {
        this.address = address;
        this.pool = pool;
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
        String ip = address.getAddress().getHostAddress();
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }
}
