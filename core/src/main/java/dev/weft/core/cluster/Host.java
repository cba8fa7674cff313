package dev.weft.core.cluster;

import dev.weft.core.io.Addresses;
import dev.weft.core.pool.Http1Pool;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/** One resolved upstream endpoint of a cluster with its connection pool and its count of requests in flight. */
public final class Host {
    private final InetSocketAddress address;
    private final Http1Pool pool;
    /** The endpoint's HTTP/2 connections, or null when the cluster speaks HTTP/1.1. */
    private final dev.weft.core.pool.Http2Pool http2Pool;
    /** Requests in flight; written by request threads, read by the least-request balancer. */
    private final AtomicInteger active = new AtomicInteger();
    /** Finished requests by outcome, for /clusters. */
    private final java.util.concurrent.atomic.AtomicLong successes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong errors = new java.util.concurrent.atomic.AtomicLong();

    /** "ip:port" ("[ip]:port" for IPv6), computed once: it is logged and sent as Host on every request. */
    private final String display;

    Host(InetSocketAddress address, Http1Pool pool) {
        this(address, pool, null);
    }

    Host(InetSocketAddress address, Http1Pool pool, dev.weft.core.pool.Http2Pool http2Pool) {
        this.address = address;
        this.pool = pool;
        this.http2Pool = http2Pool;
        this.display = Addresses.of(address);
    }

    public InetSocketAddress address() {
        return address;
    }

    public Http1Pool pool() {
        return pool;
    }

    /** The HTTP/2 connections of a cluster with {@code http2: true}, else null. */
    public dev.weft.core.pool.Http2Pool http2Pool() {
        return http2Pool;
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

    /** Counts one finished request: an error when Weft answered for the upstream or the upstream said 5xx. */
    public void outcome(boolean error) {
        (error ? errors : successes).incrementAndGet();
    }

    public long successes() {
        return successes.get();
    }

    public long errors() {
        return errors.get();
    }

    @Override
    public String toString() {
        return display;
    }
}
