package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An upstream response head the codec refuses is a 502 with the UPE body; nothing of it reaches the client, the client
 * connection stays usable, and the upstream connection (which the test upstream keeps open) is never reused.
 */
@Timeout(30)
class InvalidUpstreamResponseE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start(E2E.simple("a", upstream.port()));
        address = proxy.address("main");
    }

    @AfterEach
    void stop() {
        proxy.close();
        upstream.close();
    }

    /**
     * Kinds, see TestUpstream.badResponse: a garbage status line, a non-numeric status code, a head over 60 KiB, a
     * head with bare LF line ends, one bare LF inside the fields, two different Content-Length values.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"status-line", "status-code", "huge-head", "bare-lf", "bare-lf-in-field", "differing-cl"})
    void invalidResponseHeadIs502UpeAndTheUpstreamConnectionIsDropped(String kind) throws Exception {
        try (Wire w = Wire.connect(address)) {
            Wire.Response r = w.exchange("GET /bad-response/" + kind + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(ResponseFlag.UPE.status(), r.status(), r.bodyText());
            assertEquals(ResponseFlag.UPE.body() + "\n", r.bodyText());
            assertNull(r.header("x-upstream"), "nothing of the invalid head is passed on");
            assertNull(r.header("x-filler-0"));
            assertEquals("weft", r.header("server"));
            assertTrue(!r.closes(), "a body-less request's connection survives a 502");
            assertEquals(0, proxy.cluster("a").hosts().get(0).pool().openConnections(),
                    "the connection that carried the invalid head left the pool");

            // the client connection carries the next request, on a new upstream connection
            Wire.Response next = w.exchange("GET /next HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(200, next.status());
            assertEquals("ok", next.bodyText());
        }
        assertEquals(2, upstream.acceptedConnections(), "the connection that carried the invalid head was not reused");
        upstream.awaitClosedByPeer(1, 5_000); // the proxy closed it
    }
}
