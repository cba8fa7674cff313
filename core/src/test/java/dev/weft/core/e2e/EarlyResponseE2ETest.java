package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that answers (413) while the client is still uploading: the response says {@code connection: close}
 * and reaches the client whole, because the proxy closes with a lingering close (reads and discards what the client
 * still sends) instead of a close that would reset the connection and destroy the response.
 */
@Timeout(60)
class EarlyResponseE2ETest {
    /** Declared, far more than is ever sent: the body is never complete. */
    private static final long DECLARED = 64L * 1024 * 1024;
    /** What the client sends: a few MB, within the proxy's lingering budget (4 MiB). */
    private static final int SENT = 3 * 1024 * 1024;

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

    private static void assert413(Wire.Response r) {
        assertEquals(413, r.status(), r.statusLine());
        assertEquals("too large\n", r.bodyText());
        assertEquals("a", r.header("x-upstream"));
        assertEquals("close", r.header("connection"), "an early response closes the client connection: "
                + r.headerLines());
    }

    /**
     * The proxy closes with a FIN, not a reset: a reset would mean it closed with unread client bytes, which is what
     * the lingering close is there to avoid (a reset can destroy a response the client has not read yet).
     */
    private static void assertCleanClose(Wire w) throws IOException {
        w.socket.setSoTimeout(10_000);
        try {
            assertEquals(-1, w.in.read(), "nothing follows the 413");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed within 10 s", e);
        } catch (SocketException e) {
            throw new AssertionError("the proxy reset the connection instead of a lingering close: " + e, e);
        }
    }

    private static void sendBody(Wire w, int n) throws IOException {
        byte[] chunk = TestUpstream.Pattern.bytes(0, 64 * 1024);
        for (int sent = 0; sent < n; sent += chunk.length) {
            w.out.write(chunk, 0, Math.min(chunk.length, n - sent));
        }
        w.out.flush();
    }

    @Test
    void clientThatSendsItsBodyBeforeReadingStillGetsTheWhole413() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /early-413 HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + DECLARED + "\r\n\r\n");
            upstream.awaitRequest("/early-413", 10_000);
            // a naive client: it writes a few MB first (the 413 is already on its way) and only then reads
            sendBody(w, SENT);
            assert413(w.read());
            assertCleanClose(w);
        }
    }

    @Test
    void clientThatKeepsSendingAfterReadingThe413IsReadAndDiscardedNotReset() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /early-413 HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + DECLARED + "\r\n\r\n");
            sendBody(w, 64 * 1024);
            assert413(w.read());
            // the client goes on with its upload: the proxy, lingering, reads and discards it (up to 4 MiB / 2 s),
            // so these writes succeed and the connection then ends with a FIN; closing at once, with these bytes
            // unread, would reset the connection
            sendBody(w, SENT);
            assertCleanClose(w);
        }
    }

    /*
     * BUG (main code, Exchange.stopPump + Http1Connection.lingeringClose): when the client sends nothing for
     * PUMP_STOP_MILLIS (1 s) after the early response, stopPump() calls shutdownInput() on the client channel to
     * wake the pump. lingeringClose() then reads from that channel, but a SocketChannel whose input is shut down
     * returns -1 at once (Java tracks it; no system call), so there is no lingering at all: the proxy closes about
     * 1 s after the response, and body bytes the client sends afterwards (well within the documented 2 s / 4 MiB)
     * are answered with a reset: the client's write fails with "Broken pipe" / "Connection reset". A client that
     * has not read the response yet can lose it to that reset on stacks that drop unread data on RST.
     */
    @Test
    void clientThatPausesAfterThe413AndThenGoesOnSendingIsStillReadAndDiscarded() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /early-413 HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + DECLARED + "\r\n\r\n");
            sendBody(w, 64 * 1024);
            assert413(w.read());
            // the scenario, not a synchronization: a slow client that resumes its upload 1.2 s later (past the old
            // 1 s stop), inside the 2 s the README promises to read and discard for; 1 MiB, which a busy machine
            // still reads in the 0.8 s left, and more than enough to be reset by a proxy that closed already
            Thread.sleep(1_200);
            sendBody(w, 1024 * 1024);
            assertCleanClose(w);
        }
    }

    @Test
    void clientStillSendingWhileReadingGetsTheWhole413WithConnectionClose() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /early-413 HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + DECLARED + "\r\n\r\n");
            AtomicLong sent = new AtomicLong();
            AtomicReference<IOException> writeFailure = new AtomicReference<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    byte[] chunk = TestUpstream.Pattern.bytes(0, 16 * 1024);
                    while (sent.get() < SENT) {
                        w.out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            });
            Wire.Response r = w.read();
            assert413(r);
            writer.join(15_000);
            assertFalse(writer.isAlive(), "the client's writes were not absorbed by the lingering close");
            assertNull(writeFailure.get(), "the proxy reset the connection instead of reading and discarding "
                    + "the body the client was still sending");
            assertEquals(SENT, sent.get());
            assertCleanClose(w);
        }
        assertEquals(1, upstream.requestsTo("/early-413").size());
    }

    @Test
    void connectionAfterAnEarlyResponseIsNotReusedForAnotherRequest() throws Exception {
        try (Wire w = Wire.connect(address)) {
            w.send("POST /early-413 HTTP/1.1\r\nHost: example.com\r\nContent-Length: " + DECLARED + "\r\n\r\n");
            sendBody(w, 64 * 1024);
            assert413(w.read());
            // what follows on this connection is body bytes of the unfinished request, never a new request
            w.send("GET /after HTTP/1.1\r\nHost: example.com\r\n\r\n");
            w.assertClosedByPeer(10_000);
        }
        assertTrue(upstream.requestsTo("/after").isEmpty(), "bytes of a body were taken for a request");
    }
}
