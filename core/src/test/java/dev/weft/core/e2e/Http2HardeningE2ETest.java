package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.Http2Settings;
import dev.weft.core.server.WeftServer;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/2 flood and resource-exhaustion defences, with raw frames over real sockets against an h2c listener (codec
 * http2) with small limits. Each attack must (1) get its exact reaction (GOAWAY or RST_STREAM error code, or 431),
 * (2) be counted in its {@code http.<prefix>.http2.*} stat on the admin endpoint, and (3) leave a well-behaved
 * connection, opened on the same listener before the attack, working: a full request/response on it afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class Http2HardeningE2ETest {
    private static final int MAX_HEADER_LIST = 4096;

    private TestUpstream upstream;
    private WeftServer proxy;
    /** max_resets_per_second 5, max_control_frames_per_second 20, max_header_list_size 4096, idle 1 s. */
    private InetSocketAddress h2;
    /** max_concurrent_streams 2. */
    private InetSocketAddress h2s;
    private InetSocketAddress admin;
    private Path accessLog;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        accessLog = Files.createTempDirectory("weft-h2-hardening").resolve("access.log");
        proxy = E2E.start("""
                admin:
                  address: 127.0.0.1
                  port: 0
                listeners:
                  - name: h2
                    port: 0
                    codec: http2
                    stat_prefix: h2
                    access_log: [{path: %s}]
                    http2:
                      max_resets_per_second: 5
                      max_control_frames_per_second: 20
                      max_header_list_size: %d
                      stream_idle_timeout: 1s
                    virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: a}}]}]
                  - name: h2s
                    port: 0
                    codec: http2
                    stat_prefix: h2s
                    http2:
                      max_concurrent_streams: 2
                    virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: a}}]}]
                clusters:
                %s""".formatted(accessLog, MAX_HEADER_LIST, E2E.cluster("a", upstream.port())));
        h2 = proxy.address("h2");
        h2s = proxy.address("h2s");
        admin = proxy.adminAddress();
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private long stat(String name) throws Exception {
        return RawH2.stat(admin, name);
    }

    /** A connection that completed a request: the bystander each attack must not disturb. */
    private RawH2 bystander(InetSocketAddress address) throws Exception {
        RawH2 c = RawH2.connect(address);
        c.assertGetOk(1);
        return c;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        parts.forEach(b::writeBytes);
        return b.toByteArray();
    }

    @Test
    void rapidResetGetsEnhanceYourCalm() throws Exception {
        long before = stat("http.h2.http2.rapid_reset");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int id = 2 * i + 1;
                frames.add(bad.headersFrames(id, RawH2.request("GET", "/delay?ms=3000"), true));
                frames.add(RawH2.rstFrame(id, ErrorCode.CANCEL));
            }
            bad.trySend(concat(frames));
            RawH2.GoAway g = bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            assertTrue(g.lastStreamId() >= 11 && g.lastStreamId() <= 39, g.toString()); // past the 5 allowed resets
            RawH2.awaitStat(admin, "http.h2.http2.rapid_reset", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void continuationFloodBeyondTheHeaderListSizeGetsEnhanceYourCalm() throws Exception {
        long before = stat("http.h2.http2.header_block_flood");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            byte[] block = bad.encode(RawH2.request("GET", "/"));
            List<byte[]> frames = new ArrayList<>();
            frames.add(RawH2.frame(FrameType.HEADERS, 0, 1, block)); // no END_HEADERS
            for (int i = 0; i < 10; i++) { // 10 KB of (never decoded) fragments, over the 4 KB limit
                frames.add(RawH2.frame(FrameType.CONTINUATION, 0, 1, new byte[1024]));
            }
            bad.trySend(concat(frames));
            bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            RawH2.awaitStat(admin, "http.h2.http2.header_block_flood", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void floodOfEmptyContinuationsGetsEnhanceYourCalm() throws Exception {
        // empty CONTINUATION frames never grow the block: only a frame count stops them
        long before = stat("http.h2.http2.header_block_flood");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            byte[] block = bad.encode(RawH2.request("GET", "/"));
            List<byte[]> frames = new ArrayList<>();
            frames.add(RawH2.frame(FrameType.HEADERS, 0, 1, block));
            for (int i = 0; i < 1000; i++) {
                frames.add(RawH2.frame(FrameType.CONTINUATION, 0, 1, new byte[0]));
            }
            bad.trySend(concat(frames));
            bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            RawH2.awaitStat(admin, "http.h2.http2.header_block_flood", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void hpackBombGets431AndTheConnectionStaysUsable() throws Exception {
        long before = stat("http.h2.http2.header_overflow");
        String big = "b".repeat(1000);
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            // a 1 KB field goes into the dynamic table with an acceptable request...
            bad.headers(1, RawH2.request("GET", "/", "x-bomb", big), true);
            assertEquals(200, bad.awaitResponse(1).status());
            // ...then a tiny block refers to it 20 times: 20 KB decoded
            String[] extra = new String[40];
            for (int i = 0; i < 40; i += 2) {
                extra[i] = "x-bomb";
                extra[i + 1] = big;
            }
            byte[] bomb = bad.encode(RawH2.request("GET", "/bomb", extra));
            assertTrue(bomb.length < 64, "the bomb is small: " + bomb.length + " bytes");
            int seen = upstream.requestsTo("/bomb").size();
            bad.headerBlock(3, bomb, true);
            RawH2.Response r = bad.awaitResponse(3);
            assertEquals(431, r.status(), "events: " + bad.events());
            assertNull(r.reset());
            RawH2.awaitStat(admin, "http.h2.http2.header_overflow", before + 1);
            // HPACK stays in step: the table entry still works for an acceptable request
            bad.headers(5, RawH2.request("GET", "/after", "x-bomb", big), true);
            assertEquals(200, bad.awaitResponse(5).status(), "events: " + bad.events());
            assertEquals(big, upstream.requestsTo("/after").get(0).header("x-bomb"));
            assertEquals(seen, upstream.requestsTo("/bomb").size(), "the bomb never reached the upstream");
            assertTrue(bad.events().stream().noneMatch(e -> e instanceof RawH2.GoAway), bad.events().toString());
            good.assertGetOk(3);
        }
    }

    @Test
    void settingsFloodGetsEnhanceYourCalm() throws Exception {
        long before = stat("http.h2.http2.inbound_control_flood");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                frames.add(RawH2.frame(FrameType.SETTINGS, 0, 0, new byte[0]));
            }
            bad.trySend(concat(frames));
            bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            RawH2.awaitStat(admin, "http.h2.http2.inbound_control_flood", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void pingFloodGetsEnhanceYourCalm() throws Exception {
        long before = stat("http.h2.http2.inbound_control_flood");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                frames.add(RawH2.frame(FrameType.PING, 0, 0, ByteBuffer.allocate(8).putLong(i).array()));
            }
            bad.trySend(concat(frames));
            bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            long acks = bad.events().stream().filter(e -> e instanceof RawH2.Ping p && p.ack()).count();
            // the budget refills at 20/s while the flood is read: a pause of a busy machine lets a few more out
            assertTrue(acks <= 25, acks + " PING ACKs, at most max_control_frames_per_second and a few");
            RawH2.awaitStat(admin, "http.h2.http2.inbound_control_flood", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void windowUpdateFloodGetsEnhanceYourCalm() throws Exception {
        long before = stat("http.h2.http2.inbound_window_update_frames_flood");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            List<byte[]> frames = new ArrayList<>();
            for (int i = 0; i < 300; i++) { // no DATA was sent to this client: 100 are allowed
                frames.add(RawH2.frame(FrameType.WINDOW_UPDATE, 0, 0, ByteBuffer.allocate(4).putInt(1).array()));
            }
            bad.trySend(concat(frames));
            bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            RawH2.awaitStat(admin, "http.h2.http2.inbound_window_update_frames_flood", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void emptyDataFloodGetsEnhanceYourCalm() throws Exception {
        long before = stat("http.h2.http2.inbound_empty_frames_flood");
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            List<byte[]> frames = new ArrayList<>();
            frames.add(bad.headersFrames(1, RawH2.request("POST", "/sink"), false));
            for (int i = 0; i < 50; i++) {
                frames.add(RawH2.frame(FrameType.DATA, 0, 1, new byte[0]));
            }
            bad.trySend(concat(frames));
            bad.assertGoAway(ErrorCode.ENHANCE_YOUR_CALM);
            RawH2.awaitStat(admin, "http.h2.http2.inbound_empty_frames_flood", before + 1);
            good.assertGetOk(3);
        }
    }

    @Test
    void zeroWindowStallIsCancelledAfterTheStreamIdleTimeout() throws Exception {
        long before = stat("http.h2.http2.stream_idle_timeout");
        int closedBefore = upstream.closedByPeer();
        try (RawH2 good = bystander(h2);
             RawH2 bad = RawH2.connect(h2, new Http2Settings().initialWindowSize(0)).autoWindowUpdate(false)) {
            long start = System.nanoTime();
            bad.get(1, "/download?size=" + (1 << 20));
            assertEquals(200, bad.awaitHeaders(1).status());
            bad.assertRst(1, ErrorCode.CANCEL);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 900, "reset after stream_idle_timeout (1 s), not after " + millis + " ms");
            assertTrue(bad.events().stream().noneMatch(e -> e instanceof RawH2.Data), "no DATA in a zero window");
            RawH2.awaitStat(admin, "http.h2.http2.stream_idle_timeout", before + 1);
            assertTrue(awaitLogLine("\"/download?size=" + (1 << 20) + "\"").contains("\"response_flags\":\"SI\""),
                    "flag SI (stream idle timeout)");
            // the upstream connection is released (closed: its response is half sent), not leaked
            upstream.awaitClosedByPeer(closedBefore + 1, RawH2.WAIT_MILLIS);
            long end = System.nanoTime() + 5_000_000_000L;
            while (stat("cluster.a.upstream_rq_active") != 0) {
                assertTrue(System.nanoTime() < end, "upstream request still active");
                Thread.sleep(10);
            }
            // the connection itself goes on once the client opens its windows
            bad.autoWindowUpdate(true);
            bad.settings(new Http2Settings().initialWindowSize(65_535));
            bad.assertGetOk(3);
            good.assertGetOk(3);
        }
    }

    @Test
    void stalledRequestBodyIsResetAfterTheStreamIdleTimeout() throws Exception {
        // a request body that stops (no END_STREAM) while the upstream waits for the rest: reset like a zero-window
        // stall, counted, flag SI, the upstream request aborted (its connection closed), the connection goes on
        long before = stat("http.h2.http2.stream_idle_timeout");
        long flagged = stat("http.h2.response_flags.SI");
        int closedBefore = upstream.closedByPeer();
        try (RawH2 good = bystander(h2); RawH2 bad = RawH2.connect(h2)) {
            long start = System.nanoTime();
            bad.headers(1, RawH2.request("POST", "/sink?stall=1", "content-length", "1000"), false);
            bad.data(1, new byte[100], false);
            good.assertGetOk(3); // served while the other stream stalls
            bad.assertRst(1, ErrorCode.CANCEL);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 900, "reset after stream_idle_timeout (1 s), not after " + millis + " ms");
            assertTrue(bad.events().stream().noneMatch(e -> e instanceof RawH2.Headers h && h.streamId() == 1),
                    "a reset, no reply: " + bad.events());
            RawH2.awaitStat(admin, "http.h2.http2.stream_idle_timeout", before + 1);
            RawH2.awaitStat(admin, "http.h2.response_flags.SI", flagged + 1);
            // the upstream saw its request end inside the body: the proxy closed that connection
            upstream.awaitClosedByPeer(closedBefore + 1, RawH2.WAIT_MILLIS);
            long end = System.nanoTime() + 5_000_000_000L;
            while (stat("cluster.a.upstream_rq_active") != 0) {
                assertTrue(System.nanoTime() < end, "upstream request still active");
                Thread.sleep(10);
            }
            assertTrue(awaitLogLine("\"/sink?stall=1\"").contains("\"response_flags\":\"SI\""), "flag SI");
            // more DATA on the reset stream is ignored; both connections go on
            bad.data(1, new byte[100], false);
            bad.assertGetOk(3);
            good.assertGetOk(5);
        }
    }

    private String awaitLogLine(String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(accessLog)) {
                for (String line : Files.readAllLines(accessLog)) {
                    if (line.contains(needle)) {
                        return line;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no access log line with " + needle + " in " + accessLog + ":\n"
                + (Files.exists(accessLog) ? Files.readString(accessLog) : "(no file)"));
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
        long before = stat("http.h2s.http2.stream_refused_errors");
        try (RawH2 good = bystander(h2s); RawH2 bad = RawH2.connect(h2s)) {
            RawH2.Settings settings = bad.await(RawH2.Settings.class, s -> !s.ack(), "SETTINGS");
            assertEquals(2L, settings.values().get(Http2Settings.MAX_CONCURRENT_STREAMS));
            bad.get(1, "/delay?ms=1000");
            bad.get(3, "/delay?ms=1000");
            bad.get(5, "/");
            bad.assertRst(5, ErrorCode.REFUSED_STREAM);
            RawH2.awaitStat(admin, "http.h2s.http2.stream_refused_errors", before + 1);
            assertEquals(200, bad.awaitResponse(1).status());
            assertEquals(200, bad.awaitResponse(3).status());
            bad.assertGetOk(7);
            good.assertGetOk(3);
        }
    }

    @Test
    void aStreamClosedByEndStreamFreesItsSlotAtOnce() throws Exception {
        // a client at max_concurrent_streams may open a stream as soon as one ends (RFC 9113 section 5.1.2)
        long before = stat("http.h2s.http2.stream_refused_errors");
        try (RawH2 c = RawH2.connect(h2s)) {
            c.get(1, "/delay?ms=1000");
            for (int id = 3; id < 60; id += 2) {
                c.assertGetOk(id);
            }
            assertEquals(200, c.awaitResponse(1).status());
        }
        assertEquals(before, stat("http.h2s.http2.stream_refused_errors"));
    }
}
