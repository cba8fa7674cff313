package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.pool.Http1Pool;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upstream keep-alive pool seen from both ends: idle expiry; a pooled connection the upstream closed while idle
 * (dropped before reuse); one the upstream closes as a request arrives (an idempotent body-less request is retried
 * once on a fresh connection, anything else is a 502); a client's {@code Connection: close} that must not cost the
 * upstream connection.
 */
@Timeout(30)
class UpstreamPoolE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeEach
    void startUpstream() throws Exception {
        upstream = TestUpstream.start("a");
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
    }

    private void startProxy(String clusterExtra) throws IOException {
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port(), clusterExtra)));
        address = proxy.address("main");
    }

    private Http1Pool pool() {
        return proxy.cluster("a").hosts().get(0).pool();
    }

    /** The pool takes the connection back just after the response went out: wait for it. */
    private void awaitIdleConnections(int n) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (pool().idleConnections() != n) {
            assertTrue(System.nanoTime() < end, "expected " + n + " idle pooled connections, have "
                    + pool().idleConnections());
            Thread.sleep(5);
        }
    }

    @Test
    void idlePooledConnectionIsClosedAfterPoolIdleTimeoutAndTheNextRequestOpensANewOne() throws Exception {
        startProxy("    pool_idle_timeout: 300ms\n");
        assertEquals(200, Wire.get(address, "example.com", "/").status());
        assertEquals(1, upstream.acceptedConnections());

        // the expiry runs once a second: the upstream sees end of stream on the pooled connection within ~1.3 s
        upstream.awaitClosedByPeer(1, 10_000);
        assertEquals(0, pool().idleConnections());
        assertEquals(0, pool().openConnections());

        Wire.Response r = Wire.get(address, "example.com", "/again");
        assertEquals(200, r.status());
        assertEquals("ok", r.bodyText());
        assertEquals(2, upstream.acceptedConnections(), "the expired connection was not reused");
    }

    @Test
    void pooledConnectionIsReusedWithinTheDefaultPoolIdleTimeout() throws Exception {
        startProxy(""); // default 60 s
        assertEquals(200, Wire.get(address, "example.com", "/").status());
        awaitIdleConnections(1);
        assertEquals(200, Wire.get(address, "example.com", "/again").status());
        assertEquals(1, upstream.acceptedConnections());
        assertEquals(0, upstream.closedByPeer());
    }

    // ---- the upstream closed an idle pooled connection: detected before reuse (README "Behaviour") -------------

    /** A pooled connection whose upstream end is already closed (or reset), the proxy not yet knowing. */
    private void poolAConnectionTheUpstreamThenCloses(String query) throws Exception {
        Wire.Response first = Wire.get(address, "example.com", "/then-close" + query);
        assertEquals(200, first.status());
        assertTrue(!first.closes(), "the upstream said nothing about closing");
        upstream.awaitEndedConnections(1, 5_000);
        awaitIdleConnections(1);
        // only connections idle for a while are checked before reuse (see Http1Pool)
        Thread.sleep(dev.weft.core.pool.Http1Pool.STALE_CHECK_AFTER_MILLIS + 50);
    }

    @Test
    void getAfterTheUpstreamClosedTheIdlePooledConnectionSucceedsOnAFreshConnection() throws Exception {
        startProxy("");
        poolAConnectionTheUpstreamThenCloses("");
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /after HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("ok", r.bodyText());
            assertEquals("a", r.header("x-upstream"));
            assertTrue(!r.closes());
            assertEquals(200, w.exchange("GET /third HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
        }
        assertEquals(2, upstream.acceptedConnections(), "one fresh connection");
        assertEquals(1, upstream.requestsTo("/after").size(), "the upstream got the request once");
        assertEquals(2, pool().connectsStarted());
    }

    @Test
    void getAfterTheUpstreamResetTheIdlePooledConnectionSucceedsOnAFreshConnection() throws Exception {
        startProxy("");
        poolAConnectionTheUpstreamThenCloses("?reset=1");
        Wire.Response r = Wire.get(address, "example.com", "/after-reset");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(2, upstream.acceptedConnections());
        assertEquals(1, upstream.requestsTo("/after-reset").size());
    }

    @Test
    void headAfterTheUpstreamClosedTheIdlePooledConnectionSucceeds() throws Exception {
        startProxy("");
        poolAConnectionTheUpstreamThenCloses("");
        Wire.Response r = Wire.request(address, "HEAD", "example.com", "/download?size=123");
        assertEquals(200, r.status());
        assertEquals("123", r.header("content-length"));
        assertEquals(2, upstream.acceptedConnections());
    }

    @Test
    void postWithABodyAfterTheUpstreamClosedTheIdlePooledConnectionGoesWholeToAFreshConnection() throws Exception {
        // the stale connection is found before the body is committed to it, so nothing needs replaying
        startProxy("");
        poolAConnectionTheUpstreamThenCloses("");
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("POST /sink HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("bytes=5 sha256=" + ProtocolE2ETest.sha("hello"), r.bodyText());
        }
        assertEquals(1, upstream.requestsTo("/sink").size());
        assertEquals(2, upstream.acceptedConnections());
    }

    // ---- the upstream closes a reused connection as the request arrives: the retry rule ----------------------

    /** Pools one connection to an upstream that will close it when the next request arrives on it. */
    private void poolAConnectionThatClosesOnItsNextRequest() throws Exception {
        assertEquals(200, Wire.get(address, "example.com", "/close-if-reused").status());
        awaitIdleConnections(1);
        assertEquals(1, upstream.acceptedConnections());
    }

    @Test
    void getFailingOnAReusedConnectionBeforeAnyResponseByteIsRetriedOnAFreshConnection() throws Exception {
        startProxy("");
        poolAConnectionThatClosesOnItsNextRequest();
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /close-if-reused?n=2 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, r.status(), r.bodyText());
            assertEquals("ok", r.bodyText());
            assertTrue(!r.closes());
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
        }
        // the first request (pooling), the one the upstream dropped, the retry
        assertEquals(3, upstream.requestsTo("/close-if-reused").size());
        assertEquals(2, upstream.acceptedConnections(), "one fresh connection for the retry");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HEAD", "PUT", "DELETE", "OPTIONS"})
    void otherIdempotentBodylessRequestsAreRetriedToo(String method) throws Exception {
        startProxy("");
        poolAConnectionThatClosesOnItsNextRequest();
        Wire.Response r = Wire.request(address, method, "example.com", "/close-if-reused?m=" + method);
        assertEquals(200, r.status(), r.statusLine() + " " + r.bodyText());
        assertEquals(2, upstream.acceptedConnections());
    }

    @Test
    void postWithABodyFailingOnAReusedConnectionIs502AndNotRetried() throws Exception {
        startProxy("");
        poolAConnectionThatClosesOnItsNextRequest();
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange(
                    "POST /close-if-reused HTTP/1.1\r\nHost: example.com\r\nContent-Length: 5\r\n\r\nhello");
            assertEquals(502, r.status(), r.bodyText());
            // end of stream or reset, whichever the kernel delivers first: both are "before the response head"
            assertTrue(r.bodyText().equals(ResponseFlag.UC.body() + "\n")
                    || r.bodyText().equals(ResponseFlag.UR.body() + "\n"), r.bodyText());
            assertNull(r.header("x-upstream"));
        }
        assertEquals(1, upstream.acceptedConnections(), "a request with a body is not replayed");
        assertEquals(2, upstream.requestsTo("/close-if-reused").size(), "the pooling GET and the dropped POST");
        // the pool is not poisoned: the next request gets a fresh connection
        assertEquals(200, Wire.get(address, "example.com", "/").status());
        assertEquals(2, upstream.acceptedConnections());
    }

    @Test
    void bodylessPostFailingOnAReusedConnectionIs502BecausePostIsNotIdempotent() throws Exception {
        startProxy("");
        poolAConnectionThatClosesOnItsNextRequest();
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange(
                    "POST /close-if-reused HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n");
            assertEquals(502, r.status(), r.bodyText());
            assertEquals(ResponseFlag.UC.body() + "\n", r.bodyText());
            assertTrue(!r.closes(), "no body was left unread: the client connection stays");
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
        }
        assertEquals(2, upstream.requestsTo("/close-if-reused").size(), "not retried");
    }

    @Test
    void staleConnectionWhoseRetryFailsTooIs502AndNotTriedAThirdTime() throws Exception {
        startProxy("");
        assertEquals(200, Wire.get(address, "example.com", "/").status());
        awaitIdleConnections(1);
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /close-before-response HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(502, r.status(), r.bodyText());
            assertEquals(ResponseFlag.UC.body() + "\n", r.bodyText());
            assertTrue(!r.closes(), "a body-less request's client connection survives");
            assertEquals(200, w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n").status());
        }
        assertEquals(2, upstream.requestsTo("/close-before-response").size(), "the reused try and one fresh retry");
        assertEquals(3, upstream.acceptedConnections());
    }

    @Test
    void pipelinedRequestAfterConnectionCloseIsNotAnswered() throws Exception {
        startProxy("");
        try (Wire w = Wire.connect(address)) {
            w.send("GET /first HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n"
                    + "GET /second HTTP/1.1\r\nHost: example.com\r\n\r\n");
            Wire.Response r = w.read();
            assertEquals(200, r.status());
            assertTrue(r.closes());
            w.assertClosedByPeer(5_000);
        }
        assertEquals(List.of(), upstream.requestsTo("/second"));
        awaitIdleConnections(1);
    }

    @Test
    void clientConnectionCloseClosesTheClientButKeepsTheUpstreamConnectionPooled() throws Exception {
        startProxy("");
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /echo-headers HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n");
            assertEquals(200, r.status());
            assertTrue(r.closes(), "the proxy answers with connection: close");
            w.assertClosedByPeer(5_000);
        }
        assertEquals(List.of(), upstream.lastRequest().headers("connection"),
                "connection: close is hop-by-hop and does not reach the upstream");
        awaitIdleConnections(1);
        assertEquals(1, upstream.acceptedConnections());

        Wire.Response next = Wire.get(address, "example.com", "/next");
        assertEquals(200, next.status());
        assertEquals(1, upstream.acceptedConnections(), "the upstream connection was reused");
        assertEquals(0, upstream.closedByPeer());
    }
}
