package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackEncoder;
import dev.weft.codec.hpack.HpackException;
import dev.weft.codec.http2.ErrorCode;
import dev.weft.codec.http2.FrameListener;
import dev.weft.codec.http2.FrameReader;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.codec.http2.Http2Exception;
import dev.weft.codec.http2.Http2Settings;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A raw HTTP/2 client for the end-to-end tests (h2c with prior knowledge): it sends whatever frames a test builds,
 * well-formed or not, with the codec's {@link FrameWriter} and {@link HpackEncoder}, and a reader thread records every
 * frame the server sends as an {@link Event}, decoded with the codec's {@link FrameReader} and {@link HpackDecoder}.
 * Every wait is bounded.
 *
 * <p>By default the client acknowledges the server's SETTINGS and gives back the windows of the DATA it receives (so
 * large responses flow); {@link #autoWindowUpdate} turns the latter off. It never answers PINGs.
 */
final class RawH2 implements AutoCloseable {
    static final long WAIT_MILLIS = 5_000;

    /** Something the server sent, or the end of the connection. */
    sealed interface Event permits Headers, Data, RstStream, GoAway, Settings, Ping, WindowUpdate, Closed {
    }

    record Headers(int streamId, List<String[]> fields, boolean endStream) implements Event {
        String first(String name) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    return f[1];
                }
            }
            return null;
        }

        int status() {
            String s = first(":status");
            return s == null ? -1 : Integer.parseInt(s);
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder("HEADERS(stream " + streamId + (endStream ? ", END_STREAM" : "") + ":");
            for (String[] f : fields) {
                b.append(' ').append(f[0]).append('=').append(f[1]);
            }
            return b.append(')').toString();
        }
    }

    record Data(int streamId, byte[] bytes, boolean endStream) implements Event {
        @Override
        public String toString() {
            return "DATA(stream " + streamId + ", " + bytes.length + " bytes" + (endStream ? ", END_STREAM" : "") + ")";
        }
    }

    record RstStream(int streamId, long code) implements Event {
        ErrorCode error() {
            return ErrorCode.of(code);
        }

        @Override
        public String toString() {
            return "RST_STREAM(stream " + streamId + ", " + ErrorCode.of(code) + ")";
        }
    }

    record GoAway(int lastStreamId, long code, String debug) implements Event {
        ErrorCode error() {
            return ErrorCode.of(code);
        }

        @Override
        public String toString() {
            return "GOAWAY(last " + lastStreamId + ", " + ErrorCode.of(code) + ", \"" + debug + "\")";
        }
    }

    record Settings(boolean ack, Map<Integer, Long> values) implements Event {
    }

    record Ping(boolean ack, long opaque) implements Event {
    }

    record WindowUpdate(int streamId, int increment) implements Event {
    }

    /** The server closed the connection (or it failed: {@code cause}). */
    record Closed(String cause) implements Event {
        /** The client's reader stopped at a frame from the server that breaks RFC 9113, not at a close. */
        boolean serverBrokeTheProtocol() {
            return cause.startsWith(PROTOCOL_BREACH);
        }
    }

    private static final String PROTOCOL_BREACH = "the server broke the protocol: ";

    /** A whole response: its head, its body, the trailers if any, or the reset that ended it. */
    record Response(Headers head, byte[] body, Headers trailers, RstStream reset) {
        int status() {
            return head == null ? -1 : head.status();
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final HpackDecoder decoder = new HpackDecoder(4096, 1 << 20);
    private final List<Event> events = new ArrayList<>();
    private Thread reader;
    private volatile boolean autoWindowUpdate = true;
    private volatile boolean autoSettingsAck = true;

    private RawH2(InetSocketAddress address) throws IOException {
        socket = new Socket();
        socket.connect(address, 5_000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
    }

    private void startReader() {
        reader = Thread.ofVirtual().name("raw-h2-reader").start(this::readLoop);
    }

    /**
     * Connects without sending anything (the test sends its own preface, or something else); the server's SETTINGS
     * are not acknowledged.
     */
    static RawH2 connectOnly(InetSocketAddress address) throws IOException {
        RawH2 c = new RawH2(address);
        c.autoSettingsAck = false;
        c.startReader();
        return c;
    }

    /** Connects and sends the preface and an empty SETTINGS frame. */
    static RawH2 connect(InetSocketAddress address) throws IOException, InterruptedException {
        return connect(address, new Http2Settings());
    }

    /** Connects and sends the preface and SETTINGS with the explicitly set entries of {@code settings}. */
    static RawH2 connect(InetSocketAddress address, Http2Settings settings) throws IOException, InterruptedException {
        RawH2 c = new RawH2(address);
        try {
            c.preface(settings); // before the reader starts: it acknowledges the server's SETTINGS
            c.startReader();
            // once the server's SETTINGS are acknowledged, no frame of ours can land inside what a test sends next
            c.await(Settings.class, s -> !s.ack(), "the server's SETTINGS");
            return c;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** Whether the client gives back the windows of the DATA it receives (default true). */
    RawH2 autoWindowUpdate(boolean on) {
        autoWindowUpdate = on;
        return this;
    }

    // ---- sending ------------------------------------------------------------------------------------------------

    void preface(Http2Settings settings) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(24 + 9 + 64);
        FrameWriter.writePreface(b);
        FrameWriter.writeSettings(b, settings);
        send(b);
    }

    /** Writes bytes as they are. */
    void send(byte[] bytes) throws IOException {
        writeLock.lock(); // not a monitor: the write blocks
        try {
            out.write(bytes);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private final java.util.concurrent.locks.ReentrantLock writeLock = new java.util.concurrent.locks.ReentrantLock();

    void send(ByteBuffer flipped) throws IOException {
        flipped.flip();
        byte[] b = new byte[flipped.remaining()];
        flipped.get(b);
        send(b);
    }

    /** Like {@link #send(byte[])}, false when the server has closed the connection (floods end that way). */
    boolean trySend(byte[] bytes) {
        try {
            send(bytes);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Any frame: header and payload as given. */
    static byte[] frame(int type, int flags, int streamId, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
        FrameWriter.writeFrameHeader(b, payload.length, type, flags, streamId);
        b.put(payload);
        return b.array();
    }

    void sendFrame(int type, int flags, int streamId, byte[] payload) throws IOException {
        send(frame(type, flags, streamId, payload));
    }

    /** HPACK-encodes a field list with this connection's encoder (its dynamic table stays in step with the server's). */
    byte[] encode(List<String[]> fields) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        encoder.beginBlock(b);
        for (String[] f : fields) {
            encoder.encodeField(b, f[0], f[1], false);
        }
        b.flip();
        byte[] block = new byte[b.remaining()];
        b.get(block);
        return block;
    }

    /** HEADERS (and CONTINUATIONs as needed) with the encoded fields. */
    void headers(int streamId, List<String[]> fields, boolean endStream) throws IOException {
        headerBlock(streamId, encode(fields), endStream);
    }

    /** HEADERS (and CONTINUATIONs as needed) with a ready header block. */
    void headerBlock(int streamId, byte[] block, boolean endStream) throws IOException {
        send(headersFrames(streamId, block, endStream));
    }

    /**
     * The frames of {@link #headers}, to be sent later (in encoding order: the encoder's dynamic table already counts
     * them).
     */
    byte[] headersFrames(int streamId, List<String[]> fields, boolean endStream) {
        return headersFrames(streamId, encode(fields), endStream);
    }

    static byte[] headersFrames(int streamId, byte[] block, boolean endStream) {
        ByteBuffer b = ByteBuffer.allocate(FrameWriter.fieldBlockFramesLength(block.length, 0, 16_384));
        FrameWriter.writeHeaders(b, streamId, ByteBuffer.wrap(block), endStream, 16_384);
        return b.array();
    }

    static byte[] rstFrame(int streamId, ErrorCode error) {
        ByteBuffer b = ByteBuffer.allocate(13);
        FrameWriter.writeRstStream(b, streamId, error);
        return b.array();
    }

    /** The request fields of a simple request to authority "a". */
    static List<String[]> request(String method, String path, String... extra) {
        List<String[]> f = new ArrayList<>();
        f.add(new String[] {":method", method});
        f.add(new String[] {":scheme", "http"});
        f.add(new String[] {":authority", "a"});
        f.add(new String[] {":path", path});
        for (int i = 0; i + 1 < extra.length; i += 2) {
            f.add(new String[] {extra[i], extra[i + 1]});
        }
        return f;
    }

    /** A GET without body. */
    void get(int streamId, String path) throws IOException {
        headers(streamId, request("GET", path), true);
    }

    void data(int streamId, byte[] bytes, boolean endStream) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(9 + bytes.length);
        FrameWriter.writeData(b, streamId, ByteBuffer.wrap(bytes), endStream);
        send(b);
    }

    void rst(int streamId, ErrorCode error) throws IOException {
        send(rstFrame(streamId, error));
    }

    void ping(long opaque) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(17);
        FrameWriter.writePing(b, false, opaque);
        send(b);
    }

    void settings(Http2Settings s) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(9 + 64);
        FrameWriter.writeSettings(b, s);
        send(b);
    }

    void windowUpdate(int streamId, int increment) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(13);
        FrameWriter.writeWindowUpdate(b, streamId, increment);
        send(b);
    }

    // ---- receiving ----------------------------------------------------------------------------------------------

    private void readLoop() {
        String cause = "end of stream";
        try {
            InputStream in = socket.getInputStream();
            ByteBuffer buf = ByteBuffer.allocate(9 + 16_384 + 4096);
            buf.flip();
            FrameReader frames = new FrameReader(false, 16_384, 1 << 20);
            Listener listener = new Listener();
            byte[] chunk = new byte[8192];
            while (true) {
                frames.read(buf, listener);
                listener.flushWindowUpdates();
                buf.compact();
                int n = in.read(chunk, 0, Math.min(chunk.length, buf.remaining()));
                if (n < 0) {
                    break;
                }
                buf.put(chunk, 0, n);
                buf.flip();
            }
        } catch (IOException e) {
            cause = e.toString();
        } catch (Http2Exception e) {
            cause = PROTOCOL_BREACH + e;
        } catch (RuntimeException e) {
            cause = e.toString();
        } finally {
            add(new Closed(cause));
        }
    }

    private void add(Event e) {
        synchronized (events) {
            events.add(e);
            events.notifyAll();
        }
    }

    /** Records frames; acknowledges SETTINGS and gives windows back (batched per read). */
    private final class Listener implements FrameListener {
        private final Map<Integer, Integer> credit = new TreeMap<>();

        void flushWindowUpdates() throws IOException {
            if (credit.isEmpty()) {
                return;
            }
            ByteBuffer b = ByteBuffer.allocate(13 * credit.size());
            for (Map.Entry<Integer, Integer> c : credit.entrySet()) {
                FrameWriter.writeWindowUpdate(b, c.getKey(), c.getValue());
            }
            credit.clear();
            trySendQuietly(b);
        }

        private boolean trySendQuietly(ByteBuffer b) {
            b.flip();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return trySend(bytes);
        }

        @Override
        public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            add(new Data(streamId, b, endStream));
            if (autoWindowUpdate && flowControlledLength > 0) {
                credit.merge(0, flowControlledLength, Integer::sum);
                if (!endStream) {
                    credit.merge(streamId, flowControlledLength, Integer::sum);
                }
            }
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency,
                              boolean exclusive, int weight) throws Http2Exception {
            List<String[]> fields = new ArrayList<>();
            try {
                decoder.decode(headerBlock, (n, no, nl, v, vo, vl, ni) -> fields.add(new String[] {
                        new String(n, no, nl, StandardCharsets.ISO_8859_1),
                        new String(v, vo, vl, StandardCharsets.ISO_8859_1)}));
            } catch (HpackException e) {
                throw Http2Exception.connection(ErrorCode.COMPRESSION_ERROR, e.getMessage());
            }
            add(new Headers(streamId, fields, endStream));
        }

        @Override
        public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) {
        }

        @Override
        public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
            add(new RstStream(streamId, errorCode));
        }

        @Override
        public void onSettings(boolean ack, ByteBuffer payload) {
            Map<Integer, Long> values = new TreeMap<>();
            while (payload.remaining() >= 6) {
                values.put(payload.getShort() & 0xFFFF, payload.getInt() & 0xFFFF_FFFFL);
            }
            if (!ack && autoSettingsAck) {
                ByteBuffer b = ByteBuffer.allocate(9);
                FrameWriter.writeSettingsAck(b);
                trySendQuietly(b);
            }
            add(new Settings(ack, values)); // after the ACK went out
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock)
                throws Http2Exception {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "PUSH_PROMISE though push is disabled");
        }

        @Override
        public void onPing(boolean ack, long opaque) {
            add(new Ping(ack, opaque));
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
            byte[] d = new byte[debugData.remaining()];
            debugData.get(d);
            add(new GoAway(lastStreamId, errorCode, new String(d, StandardCharsets.UTF_8)));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            add(new WindowUpdate(streamId, increment));
        }
    }

    /** Every event so far. */
    List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /**
     * The {@code index}-th event (from 0, in arrival order), waiting at most {@code millis} for it; null if it did not
     * come. Lets a test read the events in sequence, as a client reading the socket would.
     */
    Event eventAt(int index, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (events) {
            while (events.size() <= index) {
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return null;
                }
                events.wait(left);
            }
            return events.get(index);
        }
    }

    /** The first event matching {@code p}, waiting at most {@code millis}; null if none came. */
    @SuppressWarnings("unchecked")
    <E extends Event> E poll(Class<E> type, Predicate<? super E> p, long millis) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        synchronized (events) {
            while (true) {
                for (Event e : events) {
                    if (type.isInstance(e) && p.test((E) e)) {
                        return (E) e;
                    }
                }
                long left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime());
                if (left <= 0) {
                    return null;
                }
                events.wait(left);
            }
        }
    }

    /** The first event matching {@code p}: fails with every event seen when none comes in {@link #WAIT_MILLIS}. */
    <E extends Event> E await(Class<E> type, Predicate<? super E> p, String what) throws InterruptedException {
        E e = poll(type, p, WAIT_MILLIS);
        if (e == null) {
            throw new AssertionError("no " + what + " within " + WAIT_MILLIS + " ms; events: " + events());
        }
        return e;
    }

    GoAway awaitGoAway() throws InterruptedException {
        return await(GoAway.class, g -> true, "GOAWAY");
    }

    /** Asserts a GOAWAY with {@code error}, and that the server then closes the connection. */
    GoAway assertGoAway(ErrorCode error) throws InterruptedException {
        GoAway g = awaitGoAway();
        assertEquals(error, g.error(), "GOAWAY error code: " + g + "; events: " + events());
        awaitClosed();
        return g;
    }

    RstStream awaitRst(int streamId) throws InterruptedException {
        return await(RstStream.class, r -> r.streamId() == streamId, "RST_STREAM on stream " + streamId);
    }

    /** Asserts a RST_STREAM with {@code error} on the stream, and no GOAWAY (the connection stays up). */
    RstStream assertRst(int streamId, ErrorCode error) throws InterruptedException {
        RstStream r = awaitRst(streamId);
        assertEquals(error, r.error(), "RST_STREAM error code on stream " + streamId + "; events: " + events());
        assertTrue(events().stream().noneMatch(e -> e instanceof GoAway || e instanceof Closed),
                "the connection must stay up: " + events());
        return r;
    }

    Headers awaitHeaders(int streamId) throws InterruptedException {
        return await(Headers.class, h -> h.streamId() == streamId, "HEADERS on stream " + streamId);
    }

    Closed awaitClosed() throws InterruptedException {
        return await(Closed.class, c -> true, "end of the connection");
    }

    /** The response on a stream once it ended (END_STREAM or RST_STREAM), within {@link #WAIT_MILLIS}. */
    Response awaitResponse(int streamId) throws InterruptedException {
        return awaitResponse(streamId, WAIT_MILLIS);
    }

    Response awaitResponse(int streamId, long millis) throws InterruptedException {
        Event end = poll(Event.class, e -> e instanceof Closed || e instanceof RstStream r && r.streamId() == streamId
                || e instanceof Headers h && h.streamId() == streamId && h.endStream()
                || e instanceof Data d && d.streamId() == streamId && d.endStream(), millis);
        if (end == null) {
            throw new AssertionError("stream " + streamId + " did not end within " + millis + " ms; events: "
                    + events());
        }
        Headers head = null;
        Headers trailers = null;
        RstStream reset = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Event e : events()) {
            if (e instanceof Headers h && h.streamId() == streamId) {
                if (head == null || head.status() / 100 == 1) {
                    head = h;
                } else {
                    trailers = h;
                }
            } else if (e instanceof Data d && d.streamId() == streamId) {
                body.writeBytes(d.bytes());
            } else if (e instanceof RstStream r && r.streamId() == streamId) {
                reset = r;
            }
        }
        if (end instanceof Closed && head == null) {
            throw new AssertionError("the connection ended before stream " + streamId + " did; events: " + events());
        }
        return new Response(head, body.toByteArray(), trailers, reset);
    }

    /** A GET on {@code streamId} that must complete with 200 and body {@code ok} (TestUpstream's default). */
    void assertGetOk(int streamId) throws Exception {
        get(streamId, "/");
        Response r = awaitResponse(streamId);
        assertEquals(200, r.status(), "status on stream " + streamId + "; events: " + events());
        assertEquals("ok", r.bodyText());
        assertEquals(null, r.reset(), "no reset on stream " + streamId);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        try {
            if (reader != null) {
                reader.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- admin stats --------------------------------------------------------------------------------------------

    private static final HttpClient ADMIN = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** A counter or gauge from the admin {@code /stats} endpoint (0 if absent). */
    static long stat(InetSocketAddress admin, String name) throws IOException, InterruptedException {
        HttpResponse<String> r = ADMIN.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort()
                + "/stats")).timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (-?\\d+)$").matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Waits (bounded) until the stat reaches {@code atLeast}; returns its value. */
    static long awaitStat(InetSocketAddress admin, String name, long atLeast) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        long v;
        while ((v = stat(admin, name)) < atLeast) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError(name + " is " + v + ", expected at least " + atLeast);
            }
            Thread.sleep(10);
        }
        return v;
    }

    /** Admin POST (e.g. /drain_listeners); returns the status. */
    static int adminPost(InetSocketAddress admin, String path) throws IOException, InterruptedException {
        return ADMIN.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(java.time.Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

}
