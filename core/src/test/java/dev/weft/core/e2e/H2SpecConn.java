package dev.weft.core.e2e;

import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FrameFlags;
import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.Http2Settings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A {@link RawH2} connection driven the way the h2spec conformance suite drives its own: frames are written exactly as
 * given (one frame per call, never split, size limits ignored, write errors ignored since the server may already have
 * closed), and the server's frames are read strictly in order, each read waiting at most {@link #TIMEOUT_MILLIS}; a
 * read that times out ends the reading, as in h2spec.
 *
 * <p>The {@code verify...} methods apply h2spec's acceptance rules (its {@code spec/verifier.go}): a connection error
 * passes on a GOAWAY with one of the expected codes or on the connection closing; a stream error also on a RST_STREAM
 * with one of them; other frames are skipped. One rule is stricter than h2spec: a GOAWAY (or, for a stream error, a
 * RST_STREAM) with any other code fails at once, where h2spec would skip it and still pass if the connection then
 * closed.
 */
final class H2SpecConn implements AutoCloseable {
    /** h2spec's default {@code --timeout}: how long one read of the next frame waits. */
    static final long TIMEOUT_MILLIS = 2_000;
    /** h2spec's default {@code --max-header-length}: the value length of its dummy header fields. */
    static final int MAX_HEADER_LENGTH = 4000;

    final RawH2 raw;
    /** h2spec's header block encoder, for this connection. */
    final H2SpecHpack hpack = new H2SpecHpack();
    /** The server's SETTINGS values, once the handshake read them. */
    private Map<Integer, Long> serverSettings = Map.of();
    private int cursor;
    /** h2spec's {@code conn.Closed}: the connection ended, or a read timed out. */
    private boolean done;

    private H2SpecConn(RawH2 raw) {
        this.raw = raw.autoWindowUpdate(false); // h2spec gives windows back only once 65535 bytes are consumed
    }

    /** A TCP connection on which nothing was sent yet. */
    static H2SpecConn dial(InetSocketAddress address) throws IOException {
        return new H2SpecConn(RawH2.connectOnly(address));
    }

    /**
     * h2spec's handshake: the preface and SETTINGS_INITIAL_WINDOW_SIZE=65535, then the server's SETTINGS (which is
     * acknowledged) and the ACK of ours; reading goes on after both.
     */
    static H2SpecConn handshake(InetSocketAddress address) throws IOException, InterruptedException {
        H2SpecConn c = new H2SpecConn(RawH2.connect(address,
                new Http2Settings().initialWindowSize(Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE)));
        try {
            RawH2.Settings theirs = c.raw.await(RawH2.Settings.class, s -> !s.ack(), "the server's SETTINGS");
            RawH2.Settings ack = c.raw.await(RawH2.Settings.class, RawH2.Settings::ack, "the ACK of our SETTINGS");
            c.serverSettings = theirs.values();
            List<RawH2.Event> seen = c.raw.events();
            c.cursor = Math.max(indexOf(seen, theirs), indexOf(seen, ack)) + 1;
            return c;
        } catch (RuntimeException | Error | InterruptedException e) {
            c.close();
            throw e;
        }
    }

    private static int indexOf(List<RawH2.Event> events, RawH2.Event e) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) == e) {
                return i;
            }
        }
        throw new IllegalStateException(e + " not among " + events);
    }

    /** A value of the server's SETTINGS, null when it did not send it. */
    Long serverSetting(int id) {
        return serverSettings.get(id);
    }

    /** The server's SETTINGS_MAX_FRAME_SIZE (16384 when not sent). */
    int maxFrameSize() {
        Long v = serverSettings.get(Http2Settings.MAX_FRAME_SIZE);
        return v == null ? Http2Settings.DEFAULT_MAX_FRAME_SIZE : v.intValue();
    }

    @Override
    public void close() throws IOException {
        raw.close();
    }

    // ---- writing ------------------------------------------------------------------------------------------------

    /** Bytes as they are; a failed write is ignored (the verdict comes from what the server sent). */
    void send(byte[] bytes) {
        raw.trySend(bytes);
    }

    void frame(int type, int flags, int streamId, byte[] payload) {
        send(RawH2.frame(type, flags, streamId, payload));
    }

    /** HPACK-encodes the fields as h2spec does (its dynamic table carries over to the next block). */
    byte[] encode(List<String[]> fields) {
        return hpack.encode(fields);
    }

    void headers(int streamId, byte[] block, boolean endStream, boolean endHeaders) {
        frame(FrameType.HEADERS, flags(endStream, endHeaders), streamId, block);
    }

    void headers(int streamId, List<String[]> fields, boolean endStream, boolean endHeaders) {
        headers(streamId, encode(fields), endStream, endHeaders);
    }

    /** HEADERS with the PADDED flag and {@code padLength} zero octets. */
    void headersPadded(int streamId, byte[] block, boolean endStream, int padLength) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(padLength);
        p.writeBytes(block);
        p.writeBytes(new byte[padLength]);
        frame(FrameType.HEADERS, flags(endStream, true) | FrameFlags.PADDED, streamId, p.toByteArray());
    }

    /** HEADERS with the PRIORITY flag; {@code wireWeight} is the octet on the wire (weight - 1), as Go's framer. */
    void headersWithPriority(int streamId, byte[] block, boolean endStream, int dependency, boolean exclusive,
                             int wireWeight) {
        ByteBuffer p = ByteBuffer.allocate(5 + block.length);
        p.putInt(exclusive ? dependency | 0x8000_0000 : dependency).put((byte) wireWeight).put(block);
        frame(FrameType.HEADERS, flags(endStream, true) | FrameFlags.PRIORITY, streamId, p.array());
    }

    void continuation(int streamId, boolean endHeaders, byte[] fragment) {
        frame(FrameType.CONTINUATION, endHeaders ? FrameFlags.END_HEADERS : 0, streamId, fragment);
    }

    void data(int streamId, boolean endStream, byte[] bytes) {
        frame(FrameType.DATA, endStream ? FrameFlags.END_STREAM : 0, streamId, bytes);
    }

    /** DATA with the PADDED flag and the given padding octets. */
    void dataPadded(int streamId, boolean endStream, byte[] bytes, byte[] pad) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(pad.length);
        p.writeBytes(bytes);
        p.writeBytes(pad);
        frame(FrameType.DATA, (endStream ? FrameFlags.END_STREAM : 0) | FrameFlags.PADDED, streamId,
                p.toByteArray());
    }

    /** PRIORITY; {@code wireWeight} is the octet on the wire (weight - 1). */
    void priority(int streamId, int dependency, boolean exclusive, int wireWeight) {
        frame(FrameType.PRIORITY, 0, streamId, ByteBuffer.allocate(5)
                .putInt(exclusive ? dependency | 0x8000_0000 : dependency).put((byte) wireWeight).array());
    }

    void rst(int streamId, long code) {
        frame(FrameType.RST_STREAM, 0, streamId, ByteBuffer.allocate(4).putInt((int) code).array());
    }

    /** SETTINGS with the given (identifier, value) pairs, in order, values unchecked. */
    void settings(long... idValuePairs) {
        ByteBuffer p = ByteBuffer.allocate(idValuePairs.length / 2 * 6);
        for (int i = 0; i + 1 < idValuePairs.length; i += 2) {
            p.putShort((short) idValuePairs[i]).putInt((int) idValuePairs[i + 1]);
        }
        frame(FrameType.SETTINGS, 0, 0, p.array());
    }

    void ping(boolean ack, byte[] opaque) {
        frame(FrameType.PING, ack ? FrameFlags.ACK : 0, 0, Arrays.copyOf(opaque, 8));
    }

    void goAway(int lastStreamId, long code, byte[] debug) {
        frame(FrameType.GOAWAY, 0, 0, ByteBuffer.allocate(8 + debug.length).putInt(lastStreamId).putInt((int) code)
                .put(debug).array());
    }

    /** WINDOW_UPDATE with any increment, 0 and 2^31-1 included. */
    void windowUpdate(int streamId, int increment) {
        frame(FrameType.WINDOW_UPDATE, 0, streamId, ByteBuffer.allocate(4).putInt(increment).array());
    }

    void pushPromise(int streamId, int promisedStreamId, byte[] block) {
        frame(FrameType.PUSH_PROMISE, FrameFlags.END_HEADERS, streamId,
                ByteBuffer.allocate(4 + block.length).putInt(promisedStreamId).put(block).array());
    }

    private static int flags(boolean endStream, boolean endHeaders) {
        return (endStream ? FrameFlags.END_STREAM : 0) | (endHeaders ? FrameFlags.END_HEADERS : 0);
    }

    /** h2spec's DummyHeaders: {@code n} fields x-dummy0.. with {@link #MAX_HEADER_LENGTH} 'x' each. */
    static List<String[]> dummyHeaders(int n) {
        List<String[]> f = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            f.add(new String[] {"x-dummy" + i, "x".repeat(MAX_HEADER_LENGTH)});
        }
        return f;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ---- reading ------------------------------------------------------------------------------------------------

    /** No frame within the timeout (h2spec's TimeoutEvent). */
    record Timeout() implements Reading {
        @Override
        public String toString() {
            return "Timeout";
        }
    }

    /** What one read gives: a frame or the end of the connection ({@link RawH2.Event}), or a {@link Timeout}. */
    sealed interface Reading permits Timeout, Frame {
    }

    record Frame(RawH2.Event event) implements Reading {
        @Override
        public String toString() {
            return event.toString();
        }
    }

    /** The next event, h2spec's WaitEvent: null once the connection ended or a read timed out. */
    Reading next() throws InterruptedException {
        if (done) {
            return null;
        }
        RawH2.Event e = raw.eventAt(cursor, TIMEOUT_MILLIS);
        if (e == null) {
            done = true;
            return new Timeout();
        }
        cursor++;
        if (e instanceof RawH2.Closed c) {
            done = true;
            if (c.serverBrokeTheProtocol()) {
                throw new AssertionError(c.cause() + "; every frame: " + raw.events());
            }
        }
        return new Frame(e);
    }

    private AssertionError failure(String expected, Object actual) {
        return new AssertionError("expected " + expected + "; actual: " + actual + "; every frame: " + raw.events());
    }

    /** h2spec's VerifyConnectionError: a GOAWAY with one of {@code codes}, or the connection closes. */
    void verifyConnectionError(ErrorCode... codes) throws InterruptedException {
        verifyError(false, codes);
    }

    /** h2spec's VerifyStreamError: a RST_STREAM or GOAWAY with one of {@code codes}, or the connection closes. */
    void verifyStreamError(ErrorCode... codes) throws InterruptedException {
        verifyError(true, codes);
    }

    private void verifyError(boolean streamError, ErrorCode... codes) throws InterruptedException {
        List<ErrorCode> accepted = List.of(codes);
        String expected = (streamError ? "RST_STREAM or " : "") + "GOAWAY with " + accepted
                + ", or the connection closed";
        Reading actual = null;
        Reading r;
        while ((r = next()) != null) {
            if (r instanceof Frame f) {
                switch (f.event()) {
                    case RawH2.Closed c -> {
                        return;
                    }
                    case RawH2.GoAway g -> {
                        if (!accepted.contains(g.error()) || !ErrorCode.isKnown(g.code())) {
                            throw failure(expected, g); // stricter than h2spec, see the class comment
                        }
                        return;
                    }
                    case RawH2.RstStream s when streamError -> {
                        if (!accepted.contains(s.error()) || !ErrorCode.isKnown(s.code())) {
                            throw failure(expected, s);
                        }
                        return;
                    }
                    default -> actual = r;
                }
            } else if (actual == null) {
                actual = r;
            }
        }
        throw failure(expected, actual);
    }

    /** h2spec's VerifyConnectionClose: the connection closes (frames before are skipped). */
    void verifyConnectionClose() throws InterruptedException {
        Reading actual = null;
        Reading r;
        while ((r = next()) != null) {
            if (r instanceof Frame f && f.event() instanceof RawH2.Closed) {
                return;
            }
            if (r instanceof Frame || actual == null) {
                actual = r;
            }
        }
        throw failure("the connection closed", actual);
    }

    /** h2spec's VerifyStreamClose: DATA or HEADERS with END_STREAM, or RST_STREAM with NO_ERROR. */
    void verifyStreamClose() throws InterruptedException {
        Reading actual = null;
        Reading r;
        while ((r = next()) != null) {
            if (r instanceof Frame f) {
                boolean closes = switch (f.event()) {
                    case RawH2.Data d -> d.endStream();
                    case RawH2.Headers h -> h.endStream();
                    case RawH2.RstStream s -> s.code() == ErrorCode.NO_ERROR.code();
                    default -> false;
                };
                if (closes) {
                    return;
                }
                actual = r;
            } else if (actual == null) {
                actual = r;
            }
        }
        throw failure("the stream closed (END_STREAM, or RST_STREAM with NO_ERROR)", actual);
    }

    /**
     * h2spec's WaitEventByType: the first event of type {@code type}; null when none came (the connection ended, or
     * a read timed out), with what came last in {@code last[0]}.
     */
    <E extends RawH2.Event> E waitFor(Class<E> type, Reading[] last) throws InterruptedException {
        Reading r;
        while ((r = next()) != null) {
            if (r instanceof Frame f && type.isInstance(f.event())) {
                return type.cast(f.event());
            }
            if (r instanceof Frame || last[0] == null) {
                last[0] = r;
            }
        }
        return null;
    }

    /** The first event of {@code type}, which must satisfy {@code p}. */
    <E extends RawH2.Event> E verifyFirst(Class<E> type, Predicate<? super E> p, String expected)
            throws InterruptedException {
        Reading[] last = new Reading[1];
        E e = waitFor(type, last);
        if (e == null) {
            throw failure(expected, last[0]);
        }
        if (!p.test(e)) {
            throw failure(expected, e);
        }
        return e;
    }

    /** h2spec's VerifyEventType: an event of {@code type} comes. */
    <E extends RawH2.Event> E verifyEventType(Class<E> type) throws InterruptedException {
        return verifyFirst(type, e -> true, type.getSimpleName() + " frame");
    }

    /** h2spec's VerifyHeadersFrame: the first HEADERS frame is on {@code streamId}. */
    RawH2.Headers verifyHeadersFrame(int streamId) throws InterruptedException {
        return verifyFirst(RawH2.Headers.class, h -> h.streamId() == streamId, "HEADERS frame on stream " + streamId);
    }

    /** h2spec's VerifySettingsFrameWithAck: the first SETTINGS frame is an ACK. */
    void verifySettingsFrameWithAck() throws InterruptedException {
        verifyFirst(RawH2.Settings.class, RawH2.Settings::ack, "SETTINGS frame with ACK");
    }

    /** h2spec's VerifyPingFrameWithAck: the first PING frame is an ACK with the same opaque data. */
    void verifyPingFrameWithAck(byte[] data) throws InterruptedException {
        long opaque = ByteBuffer.wrap(Arrays.copyOf(data, 8)).getLong();
        verifyFirst(RawH2.Ping.class, p -> p.ack() && p.opaque() == opaque,
                "PING frame with ACK and opaque data " + Long.toHexString(opaque));
    }

    /** h2spec's VerifyPingFrameOrConnectionClose: a PING ACK with the same data, or the connection closes. */
    void verifyPingFrameOrConnectionClose(byte[] data) throws InterruptedException {
        long opaque = ByteBuffer.wrap(Arrays.copyOf(data, 8)).getLong();
        Reading actual = null;
        Reading r;
        while ((r = next()) != null) {
            if (r instanceof Frame f) {
                if (f.event() instanceof RawH2.Closed
                        || f.event() instanceof RawH2.Ping p && p.ack() && p.opaque() == opaque) {
                    return;
                }
                actual = r;
            } else if (actual == null) {
                actual = r;
            }
        }
        throw failure("PING frame with ACK and opaque data " + Long.toHexString(opaque)
                + ", or the connection closed", actual);
    }

    /** The first DATA frame must be {@code length} octets long (h2spec's flow-control cases). */
    void verifyFirstDataLength(int streamId, int length) throws InterruptedException {
        verifyFirst(RawH2.Data.class, d -> d.bytes().length == length,
                "DATA frame (length:" + length + ", stream_id:" + streamId + ")");
    }
}
