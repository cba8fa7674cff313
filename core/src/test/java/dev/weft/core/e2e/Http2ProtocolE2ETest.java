package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FrameFlags;
import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.codec.http2.Http2Settings;
import dev.weft.core.server.WeftServer;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * RFC 9113 conformance of the downstream HTTP/2 codec, with raw frames over real sockets against an h2c listener
 * (codec http2): the exact GOAWAY or RST_STREAM error code for each violation, connection errors closing the
 * connection, stream errors leaving it usable, and SETTINGS, PING and GOAWAY semantics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class Http2ProtocolE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress h2;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: h2
                    port: 0
                    codec: http2
                    virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: a}}]}]
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port())));
        h2 = proxy.address("h2");
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

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    private static byte[] int32(long v) {
        return ByteBuffer.allocate(4).putInt((int) v).array();
    }

    // ---- SETTINGS, PING -----------------------------------------------------------------------------------------------

    @Test
    void settingsAreExchangedAndAcknowledgedAndPingIsEchoed() throws Exception {
        try (RawH2 c = RawH2.connect(h2, new Http2Settings().initialWindowSize(100_000))) {
            RawH2.Settings theirs = c.await(RawH2.Settings.class, s -> !s.ack(), "the server's SETTINGS");
            assertEquals(100L, theirs.values().get(Http2Settings.MAX_CONCURRENT_STREAMS), theirs.toString());
            assertEquals(0L, theirs.values().get(Http2Settings.ENABLE_PUSH), theirs.toString());
            assertEquals(60L * 1024, theirs.values().get(Http2Settings.MAX_HEADER_LIST_SIZE), theirs.toString());
            assertTrue(c.events().get(0) instanceof RawH2.Settings, "SETTINGS first: " + c.events());
            c.await(RawH2.Settings.class, RawH2.Settings::ack, "the ACK of our SETTINGS");

            c.ping(0x0123_4567_89AB_CDEFL);
            RawH2.Ping pong = c.await(RawH2.Ping.class, RawH2.Ping::ack, "PING ACK");
            assertEquals(0x0123_4567_89AB_CDEFL, pong.opaque());

            // a later SETTINGS frame is acknowledged too, and a SETTINGS ACK or PING ACK from us is not answered
            c.settings(new Http2Settings().headerTableSize(0));
            c.sendFrame(FrameType.PING, FrameFlags.ACK, 0, new byte[8]);
            long acks = 0;
            long end = System.nanoTime() + RawH2.WAIT_MILLIS * 1_000_000L;
            while (acks < 2 && System.nanoTime() < end) {
                acks = c.events().stream().filter(e -> e instanceof RawH2.Settings s && s.ack()).count();
                Thread.sleep(5);
            }
            assertEquals(2, acks, c.events().toString());
            // the new table size (0) applies to the response headers: no dynamic table references
            c.assertGetOk(1);
            assertEquals(1, c.events().stream().filter(e -> e instanceof RawH2.Ping).count(), c.events().toString());
        }
    }

    @Test
    void unknownFrameTypesAndExtensionSettingsAreIgnored() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.sendFrame(0x42, 0xFF, 0, "ignore me".getBytes(StandardCharsets.US_ASCII));
            c.sendFrame(0x42, 0, 7, new byte[3]);
            c.sendFrame(FrameType.SETTINGS, 0, 0, ByteBuffer.allocate(6).putShort((short) 0x99).putInt(12345).array());
            c.assertGetOk(1);
        }
    }

    @Test
    void clientGoAwayLetsStreamsInFlightFinishThenTheConnectionCloses() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(1, "/delay?ms=300");
            ByteBuffer b = ByteBuffer.allocate(32);
            FrameWriter.writeGoAway(b, 0, ErrorCode.NO_ERROR, null);
            c.send(b);
            RawH2.Response r = c.awaitResponse(1);
            assertEquals(200, r.status());
            assertEquals("delayed", r.bodyText());
            c.awaitClosed();
        }
    }

    // ---- connection errors --------------------------------------------------------------------------------------

    private static byte[] setting(int id, long value) {
        return ByteBuffer.allocate(6).putShort((short) id).putInt((int) value).array();
    }

    static Stream<Arguments> invalidSettings() {
        return Stream.of(
                Arguments.of("ENABLE_PUSH 2", 0, 0, setting(Http2Settings.ENABLE_PUSH, 2), ErrorCode.PROTOCOL_ERROR),
                Arguments.of("INITIAL_WINDOW_SIZE 2^31", 0, 0, setting(Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31),
                        ErrorCode.FLOW_CONTROL_ERROR),
                Arguments.of("MAX_FRAME_SIZE 16383", 0, 0, setting(Http2Settings.MAX_FRAME_SIZE, 16_383),
                        ErrorCode.PROTOCOL_ERROR),
                Arguments.of("MAX_FRAME_SIZE 2^24", 0, 0, setting(Http2Settings.MAX_FRAME_SIZE, 1L << 24),
                        ErrorCode.PROTOCOL_ERROR),
                Arguments.of("length not a multiple of 6", 0, 0, new byte[5], ErrorCode.FRAME_SIZE_ERROR),
                Arguments.of("ACK with a payload", FrameFlags.ACK, 0, setting(Http2Settings.ENABLE_PUSH, 0),
                        ErrorCode.FRAME_SIZE_ERROR),
                Arguments.of("on a stream", 0, 1, setting(Http2Settings.ENABLE_PUSH, 0), ErrorCode.PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSettings")
    void invalidSettingsAreConnectionErrors(String description, int flags, int streamId, byte[] payload,
                                            ErrorCode error) throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.sendFrame(FrameType.SETTINGS, flags, streamId, payload);
            c.assertGoAway(error);
        }
    }

    @Test
    void initialWindowChangeOverflowingAStreamWindowIsAFlowControlError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(1, "/delay?ms=2000");
            c.windowUpdate(1, Integer.MAX_VALUE - 65_535); // the stream's send window at 2^31-1
            c.settings(new Http2Settings().initialWindowSize(65_536)); // +1 (RFC 9113 section 6.9.2)
            c.assertGoAway(ErrorCode.FLOW_CONTROL_ERROR);
        }
    }

    @Test
    void badPrefaceIsAProtocolError() throws Exception {
        try (RawH2 c = RawH2.connectOnly(h2)) {
            c.send("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
        try (RawH2 c = RawH2.connectOnly(h2)) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawH2.GoAway g = c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
            assertTrue(g.debug().contains("HTTP/1.1"), g.toString());
        }
        try (RawH2 c = RawH2.connectOnly(h2)) { // the preface, but a PING where SETTINGS must come
            ByteBuffer b = ByteBuffer.allocate(64);
            FrameWriter.writePreface(b);
            FrameWriter.writePing(b, false, 1);
            c.send(b);
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void evenStreamIdIsAProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(2, "/");
            RawH2.GoAway g = c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
            assertEquals(0, g.lastStreamId());
        }
    }

    @Test
    void decreasingStreamIdIsAProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.assertGetOk(5);
            c.get(3, "/");
            RawH2.GoAway g = c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
            assertEquals(5, g.lastStreamId(), "the last stream processed");
        }
    }

    @Test
    void framesOnIdleStreamsAreProtocolErrors() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.data(1, "x".getBytes(StandardCharsets.US_ASCII), true);
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
        try (RawH2 c = RawH2.connect(h2)) {
            c.rst(3, ErrorCode.CANCEL);
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
        try (RawH2 c = RawH2.connect(h2)) {
            c.windowUpdate(5, 100);
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void connectionWindowOverflowIsAFlowControlError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.windowUpdate(0, Integer.MAX_VALUE); // 65535 + 2^31-1
            c.assertGoAway(ErrorCode.FLOW_CONTROL_ERROR);
        }
    }

    @Test
    void streamWindowOverflowResetsTheStreamOnly() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(1, "/delay?ms=2000");
            c.windowUpdate(1, Integer.MAX_VALUE);
            c.assertRst(1, ErrorCode.FLOW_CONTROL_ERROR);
            c.assertGetOk(3);
        }
    }

    @Test
    void zeroWindowIncrementIsAProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) { // on a stream: a stream error
            c.get(1, "/delay?ms=2000");
            c.sendFrame(FrameType.WINDOW_UPDATE, 0, 1, int32(0));
            c.assertRst(1, ErrorCode.PROTOCOL_ERROR);
            c.assertGetOk(3);
            c.sendFrame(FrameType.WINDOW_UPDATE, 0, 0, int32(0)); // on the connection: a connection error
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void frameOverTheMaxFrameSizeIsAFrameSizeError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.headers(1, RawH2.request("POST", "/sink"), false);
            c.trySend(RawH2.frame(FrameType.DATA, 0, 1, new byte[16_385]));
            c.assertGoAway(ErrorCode.FRAME_SIZE_ERROR);
        }
        try (RawH2 c = RawH2.connect(h2)) { // a PING of 9 bytes
            c.sendFrame(FrameType.PING, 0, 0, new byte[9]);
            c.assertGoAway(ErrorCode.FRAME_SIZE_ERROR);
        }
    }

    @Test
    void invalidHpackIsACompressionError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            byte[] block = concat(c.encode(RawH2.request("GET", "/")), new byte[] {(byte) 0xFF, 0x64}); // index 227
            c.headerBlock(1, block, true);
            c.assertGoAway(ErrorCode.COMPRESSION_ERROR);
        }
        try (RawH2 c = RawH2.connect(h2)) { // index 0
            c.headerBlock(1, concat(c.encode(RawH2.request("GET", "/")), new byte[] {(byte) 0x80}), true);
            c.assertGoAway(ErrorCode.COMPRESSION_ERROR);
        }
    }

    @Test
    void headersInterruptedByAnotherFrameIsAProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            byte[] block = c.encode(RawH2.request("GET", "/"));
            c.send(concat(RawH2.frame(FrameType.HEADERS, FrameFlags.END_STREAM, 1, block), // no END_HEADERS
                    RawH2.frame(FrameType.PING, 0, 0, new byte[8])));
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
    }

    @Test
    void pushPromiseFromTheClientIsAProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(1, "/delay?ms=500");
            c.sendFrame(FrameType.PUSH_PROMISE, FrameFlags.END_HEADERS, 1,
                    concat(int32(2), c.encode(RawH2.request("GET", "/pushed"))));
            c.assertGoAway(ErrorCode.PROTOCOL_ERROR);
        }
    }

    // ---- stream errors ------------------------------------------------------------------------------------------

    static Stream<Arguments> invalidRequests() {
        List<Arguments> c = new ArrayList<>();
        c.add(Arguments.of("uppercase field name", RawH2.request("GET", "/bad", "X-Upper", "v")));
        c.add(Arguments.of("connection: keep-alive", RawH2.request("GET", "/bad", "connection", "keep-alive")));
        c.add(Arguments.of("keep-alive", RawH2.request("GET", "/bad", "keep-alive", "timeout=5")));
        c.add(Arguments.of("transfer-encoding", RawH2.request("GET", "/bad", "transfer-encoding", "chunked")));
        c.add(Arguments.of("upgrade", RawH2.request("GET", "/bad", "upgrade", "h2c")));
        c.add(Arguments.of("te: gzip", RawH2.request("GET", "/bad", "te", "gzip")));
        List<String[]> noPath = RawH2.request("GET", "/bad");
        noPath.removeIf(f -> f[0].equals(":path"));
        c.add(Arguments.of("missing :path", noPath));
        List<String[]> noMethod = RawH2.request("GET", "/bad");
        noMethod.removeIf(f -> f[0].equals(":method"));
        c.add(Arguments.of("missing :method", noMethod));
        List<String[]> emptyPath = RawH2.request("GET", "");
        c.add(Arguments.of("empty :path", emptyPath));
        List<String[]> late = RawH2.request("GET", "/bad", "x-a", "b");
        late.add(new String[] {":authority", "a"});
        late.remove(2);
        c.add(Arguments.of("pseudo-header after a regular field", late));
        c.add(Arguments.of("duplicate :path", RawH2.request("GET", "/bad", ":path", "/bad2")));
        c.add(Arguments.of("unknown pseudo-header", RawH2.request("GET", "/bad", ":protocol", "x")));
        c.add(Arguments.of("response pseudo-header", RawH2.request("GET", "/bad", ":status", "200")));
        c.add(Arguments.of("CR in a value", RawH2.request("GET", "/bad", "x-a", "b\rc")));
        c.add(Arguments.of("content-length not a number", RawH2.request("GET", "/bad", "content-length", "x")));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void malformedRequestIsAStreamProtocolErrorAndTheConnectionGoesOn(String description, List<String[]> fields)
            throws Exception {
        int before = upstream.requestsTo("/bad").size();
        try (RawH2 c = RawH2.connect(h2)) {
            c.headers(1, fields, true);
            c.assertRst(1, ErrorCode.PROTOCOL_ERROR);
            assertTrue(c.events().stream().noneMatch(e -> e instanceof RawH2.Headers), description);
            c.assertGetOk(3); // HPACK stayed in step, the connection goes on
        }
        assertEquals(before, upstream.requestsTo("/bad").size(), "nothing reached the upstream");
    }

    @Test
    void teTrailersIsAllowed() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.headers(1, RawH2.request("GET", "/te", "te", "trailers"), true);
            assertEquals(200, c.awaitResponse(1).status());
        }
    }

    @Test
    void contentLengthMismatchingTheDataIsAStreamProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.headers(1, RawH2.request("POST", "/sink", "content-length", "5"), false);
            c.data(1, "abc".getBytes(StandardCharsets.US_ASCII), true); // fewer bytes
            c.assertRst(1, ErrorCode.PROTOCOL_ERROR);
            c.headers(3, RawH2.request("POST", "/sink", "content-length", "2"), false);
            c.data(3, "abcde".getBytes(StandardCharsets.US_ASCII), false); // more bytes
            c.assertRst(3, ErrorCode.PROTOCOL_ERROR);
            c.headers(5, RawH2.request("POST", "/sink", "content-length", "3"), false);
            c.data(5, "abc".getBytes(StandardCharsets.US_ASCII), true); // right
            RawH2.Response r = c.awaitResponse(5);
            assertEquals(200, r.status());
            assertTrue(r.bodyText().startsWith("bytes=3 "), r.bodyText());
            c.headers(7, RawH2.request("GET", "/with-length", "content-length", "4"), true); // none at all
            c.assertRst(7, ErrorCode.PROTOCOL_ERROR);
            c.assertGetOk(9);
        }
    }

    @Test
    void headersOnAHalfClosedStreamIsStreamClosed() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(1, "/delay?ms=2000"); // END_STREAM from us: half-closed (remote) while the response is pending
            c.get(1, "/again");
            c.assertRst(1, ErrorCode.STREAM_CLOSED);
            c.assertGetOk(3);
        }
    }

    @Test
    void dataOnAHalfClosedStreamIsStreamClosed() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.get(1, "/delay?ms=2000");
            c.data(1, "late".getBytes(StandardCharsets.US_ASCII), true);
            c.assertRst(1, ErrorCode.STREAM_CLOSED);
            c.assertGetOk(3);
        }
    }

    @Test
    void framesOnAStreamClosedByEndStreamBothWaysAreStreamClosed() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.assertGetOk(1);
            c.windowUpdate(1, 10); // RFC 9113 section 5.1: ignored on a closed stream
            c.rst(1, ErrorCode.CANCEL); // ignored too
            c.assertGetOk(3);
            c.get(1, "/again");
            RawH2.GoAway g = c.assertGoAway(ErrorCode.STREAM_CLOSED);
            assertEquals(3, g.lastStreamId());
        }
        try (RawH2 c = RawH2.connect(h2)) {
            c.assertGetOk(1);
            c.data(1, "late".getBytes(StandardCharsets.US_ASCII), true);
            c.assertGoAway(ErrorCode.STREAM_CLOSED);
        }
    }

    @Test
    void framesAfterTheClientResetAStreamAreStreamClosed() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            c.headers(1, RawH2.request("POST", "/sink"), false);
            c.rst(1, ErrorCode.CANCEL);
            c.data(1, "late".getBytes(StandardCharsets.US_ASCII), false);
            // either the stream is still known (stream error STREAM_CLOSED) or it was forgotten: the same answer
            c.assertRst(1, ErrorCode.STREAM_CLOSED);
            c.assertGetOk(3);
        }
    }

    /**
     * RFC 9113 section 5.1: after we reset a stream, frames the client sent before it saw our RST_STREAM are ignored,
     * whether the stream is still tracked or already forgotten; answering them with RST_STREAM (STREAM_CLOSED) would
     * be a second reset of one stream.
     */
    @Test
    void framesAfterOurResetAreIgnored() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            // a body longer than its content-length: reset while the stream is open
            c.headers(1, RawH2.request("POST", "/sink", "content-length", "1"), false);
            c.data(1, "abc".getBytes(StandardCharsets.US_ASCII), false);
            c.assertRst(1, ErrorCode.PROTOCOL_ERROR);
            c.data(1, "late".getBytes(StandardCharsets.US_ASCII), false);
            c.windowUpdate(1, 100);
            c.headers(1, List.<String[]>of(new String[] {"x-trailer", "late"}), true);
            // a stream window overflow: reset, then the client's next WINDOW_UPDATE
            c.headers(3, RawH2.request("POST", "/sink"), false);
            c.windowUpdate(3, Integer.MAX_VALUE);
            c.assertRst(3, ErrorCode.FLOW_CONTROL_ERROR);
            c.windowUpdate(3, Integer.MAX_VALUE);
            c.data(3, "late".getBytes(StandardCharsets.US_ASCII), true);
            // a malformed request, never tracked as a stream
            c.headers(5, RawH2.request("POST", "/bad", "X-Upper", "v"), false);
            c.assertRst(5, ErrorCode.PROTOCOL_ERROR);
            c.data(5, "late".getBytes(StandardCharsets.US_ASCII), true);
            c.assertGetOk(7);
            // and once the reset streams are forgotten (their handlers ended)
            c.data(1, "later".getBytes(StandardCharsets.US_ASCII), true);
            c.data(3, "later".getBytes(StandardCharsets.US_ASCII), true);
            c.assertGetOk(9);
            List<RawH2.Event> resets = c.events().stream().filter(e -> e instanceof RawH2.RstStream).toList();
            assertEquals(3, resets.size(), "one RST_STREAM per reset stream: " + c.events());
        }
    }

    @Test
    void selfDependencyIsAStreamProtocolError() throws Exception {
        try (RawH2 c = RawH2.connect(h2)) {
            byte[] block = c.encode(RawH2.request("GET", "/"));
            ByteBuffer b = ByteBuffer.allocate(64 + block.length);
            FrameWriter.writeHeaders(b, 3, ByteBuffer.wrap(block), true, 16_384, 1, false, 16);
            b.flip();
            b.putInt(9 + 0, 0x8000_0003); // the dependency rewritten to the stream itself
            b.position(b.limit());
            c.send(b);
            c.assertRst(3, ErrorCode.PROTOCOL_ERROR);
            c.assertGetOk(5);
        }
    }

    // ---- GOAWAY on drain ----------------------------------------------------------------------------------------

    @Test
    void drainSendsGoAwayWithTheLastStreamAndFinishesItsStreams() throws Exception {
        TestUpstream up = TestUpstream.start("d");
        WeftServer server = E2E.start("""
                admin:
                  address: 127.0.0.1
                  port: 0
                listeners:
                  - name: h2
                    port: 0
                    codec: http2
                    virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: d}}]}]
                clusters:
                %s""".formatted(E2E.cluster("d", up.port())));
        try (up; server; RawH2 idle = RawH2.connect(server.address("h2"));
             RawH2 busy = RawH2.connect(server.address("h2"))) {
            idle.assertGetOk(1);
            busy.assertGetOk(1);
            busy.assertGetOk(3);
            busy.get(5, "/delay?ms=800");
            up.awaitRequest("/delay", RawH2.WAIT_MILLIS);

            assertEquals(200, RawH2.adminPost(server.adminAddress(), "/drain_listeners"));

            RawH2.GoAway g = busy.awaitGoAway();
            assertEquals(ErrorCode.NO_ERROR, g.error(), g.toString());
            assertEquals(5, g.lastStreamId(), "the in-flight stream is covered");
            busy.get(7, "/after-goaway"); // above the last stream id: ignored, never processed
            RawH2.Response r = busy.awaitResponse(5);
            assertEquals(200, r.status());
            assertEquals("delayed", r.bodyText());
            busy.awaitClosed();
            assertTrue(busy.events().stream().noneMatch(e -> e instanceof RawH2.Headers h && h.streamId() == 7
                    || e instanceof RawH2.RstStream rs && rs.streamId() == 7), busy.events().toString());
            assertEquals(List.of(), up.requestsTo("/after-goaway"));

            RawH2.GoAway gi = idle.assertGoAway(ErrorCode.NO_ERROR); // the idle one closes at once
            assertEquals(1, gi.lastStreamId());
            assertNull(idle.events().stream().filter(e -> e instanceof RawH2.RstStream).findFirst().orElse(null));
        }
    }
}
