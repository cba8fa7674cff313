package dev.weft.bench.load;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.Http1Violation;
import dev.weft.codec.http1.RequestHead;
import dev.weft.codec.http1.RequestHeadParser;
import dev.weft.codec.http1.TargetForm;
import dev.weft.core.io.Addresses;
import dev.weft.tls.channel.TlsChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * The benchmark harness's own HTTP/1.1 origin, for when nginx is not installed: small, and fast enough not to be
 * what a proxy benchmark measures.
 *
 * <ul>
 *   <li>{@code /bytes/N} (origin-form, N = 0 to {@value #MAX_BODY_BYTES}, optional query): 200,
 *       {@code content-length: N}, {@code content-type: application/octet-stream}, and N bytes of a fixed pattern
 *       ({@link #patternByte(long)}) written from one read-only direct buffer shared by every connection. A
 *       {@code /bytes/} target with another size answers 400, so a harness asking for a size it cannot get fails
 *       loudly instead of measuring something else.</li>
 *   <li>Any other target: 200 {@code "ok\n"}.</li>
 *   <li>Any method; HEAD gets the same head without the body. Request bodies (Content-Length or chunked) are read
 *       and discarded; {@code Expect: 100-continue} is answered.</li>
 *   <li>Keep-alive per RFC 9112 section 9.3 ({@code Connection: close}, HTTP/1.0 without keep-alive), pipelining
 *       (requests are answered in order), a request the codec rejects gets its status (400, 414, 431, 501, 505)
 *       and {@code connection: close}. A head must fit {@value #READ_BUFFER_BYTES} bytes (else 431).</li>
 *   <li>A connection waiting for a request head for longer than the idle timeout (60 s) is closed.</li>
 * </ul>
 *
 * <p>One virtual thread per connection over a blocking {@link SocketChannel}, or over a {@link TlsChannel} when
 * started with an {@link SSLContext} (ALPN {@code http/1.1}). Heads are parsed by the codec's
 * {@link RequestHeadParser}; a connection allocates its buffers and parser once, and a keep-alive request allocates
 * nothing beyond what the parser may allocate. Before closing, the server half-closes and reads what the client
 * still sends (for at most {@link #LINGER}), so a client never loses the last response to a reset.
 *
 * <pre>{@code java -cp weft-benchmarks.jar dev.weft.bench.load.OriginServer 127.0.0.1:18080}</pre>
 */
public final class OriginServer implements AutoCloseable {

    /** Largest {@code /bytes/N}. */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    /** How long a connection may wait for its next request head. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** Room for one request head (and the read unit for request bodies). */
    static final int READ_BUFFER_BYTES = 16 * 1024;
    /** How long a closing connection reads what the client still sends before the socket is closed. */
    static final Duration LINGER = Duration.ofSeconds(2);
    static final int LINGER_MAX_BYTES = 256 * 1024;
    static final long HANDSHAKE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    static final int BACKLOG = 1024;

    private static final int PATTERN_PERIOD = 26;
    private static final Http1Limits LIMITS = Http1Limits.DEFAULTS;

    private static final byte[] STATUS_200 = ascii("HTTP/1.1 200 OK\r\n");
    private static final byte[] OK_FIELDS = ascii("content-type: text/plain\r\ncontent-length: 3\r\n");
    private static final byte[] OK_BODY = ascii("ok\n");
    private static final byte[] BYTES_FIELDS = ascii("content-type: application/octet-stream\r\ncontent-length: ");
    private static final byte[] CONNECTION_CLOSE = ascii("connection: close\r\n");
    private static final byte[] CONNECTION_KEEP_ALIVE = ascii("connection: keep-alive\r\n");
    private static final byte[] CRLF = ascii("\r\n");
    private static final byte[] CONTINUE = ascii("HTTP/1.1 100 Continue\r\n\r\n");
    private static final byte[] BYTES_PREFIX = ascii("/bytes/");

    /** Sentinels of {@link Connection#bytesRequested}: not a /bytes/ target; a /bytes/ target with a bad size. */
    private static final long NOT_BYTES = -1;
    private static final long BAD_SIZE = -2;

    private final ServerSocketChannel server;
    private final SSLContext tls;
    private final long idleTimeoutNanos;
    private final ByteBuffer pattern = Pattern.BYTES; // loads the shared body before the first request needs it
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("origin-conn-", 0).factory();
    private final Thread acceptor;
    private final Thread sweeper;
    private volatile boolean closed;

    private OriginServer(ServerSocketChannel server, SSLContext tls, Duration idleTimeout) {
        this.server = server;
        this.tls = tls;
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.acceptor = Thread.ofVirtual().name("origin-accept").start(this::acceptLoop);
        this.sweeper = Thread.ofVirtual().name("origin-idle").start(this::sweepLoop);
    }

    /** Plaintext HTTP/1.1 on {@code bind} (port 0: any free port, see {@link #port()}). */
    public static OriginServer start(InetSocketAddress bind) throws IOException {
        return start(bind, null, IDLE_TIMEOUT);
    }

    /** HTTP/1.1 over TLS with {@code tls}'s key material on {@code bind}; a null {@code tls} means plaintext. */
    public static OriginServer start(InetSocketAddress bind, SSLContext tls) throws IOException {
        return start(bind, tls, IDLE_TIMEOUT);
    }

    static OriginServer start(InetSocketAddress bind, SSLContext tls, Duration idleTimeout) throws IOException {
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idle timeout must be positive: " + idleTimeout);
        }
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, BACKLOG);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return new OriginServer(server, tls, idleTimeout);
    }

    /** The bound port. */
    public int port() {
        return address().getPort();
    }

    /** The bound address. */
    public InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("server closed", e);
        }
    }

    /** Connections accepted so far. */
    public long connectionsAccepted() {
        return accepted.get();
    }

    /** Request heads parsed successfully so far (each gets a response unless the client goes away). */
    public long requestsServed() {
        return requests.sum();
    }

    /** Byte {@code i} of every {@code /bytes/N} body. */
    public static byte patternByte(long i) {
        return (byte) ('a' + (int) (i % PATTERN_PERIOD));
    }

    /** Stops accepting and closes every connection (a response being written is cut short). */
    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        sweeper.interrupt();
        for (Connection c : open) {
            c.abort();
        }
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                if (closed || !server.isOpen()) {
                    return;
                }
                pause(); // out of file descriptors or similar: try again shortly
                continue;
            }
            accepted.incrementAndGet();
            Connection c = new Connection(socket);
            open.add(c);
            if (closed) { // close() may have iterated before the add
                c.abort();
            }
            connectionThreads.newThread(c).start();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes connections past their deadline: idle ones, and closing ones that linger too long. */
    private void sweepLoop() {
        long period = Math.clamp(idleTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
        while (!closed) {
            try {
                TimeUnit.NANOSECONDS.sleep(period);
            } catch (InterruptedException e) {
                return; // close()
            }
            long now = System.nanoTime();
            for (Connection c : open) {
                if (c.waiting && now - c.deadline > 0) {
                    c.abort();
                }
            }
        }
    }

    /** One accepted connection, served by its own virtual thread. */
    private final class Connection implements Runnable {
        private final SocketChannel socket;
        private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES); // read mode between calls
        private final ByteBuffer head = ByteBuffer.allocate(256);           // response head, write mode while built
        private final ByteBuffer body = pattern.duplicate();                 // this connection's view of the pattern
        private final ByteBuffer[] headAndBody = {head, body};
        private final RequestHeadParser parser = new RequestHeadParser(LIMITS);
        private ChunkedDecoder chunked;
        private ByteChannel io;
        private GatheringByteChannel out;

        /** Set while blocked on a deadline the sweeper enforces ({@code deadline} is written first). */
        volatile boolean waiting;
        volatile long deadline;

        Connection(SocketChannel socket) {
            this.socket = socket;
        }

        @Override
        public void run() {
            try {
                socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (tls == null) {
                    io = socket;
                    out = socket;
                } else {
                    TlsChannel channel = TlsChannel.server(socket, serverEngine());
                    io = channel;
                    out = channel;
                    channel.handshake(HANDSHAKE_TIMEOUT_NANOS);
                }
                serve();
            } catch (IOException e) {
                // the client went away, a handshake failed, the idle timeout or close() closed the socket; anything
                // else is a bug and reaches the thread's uncaught-exception handler
            } finally {
                open.remove(this);
                closeQuietly(io != null ? io : socket);
            }
        }

        /** Closes the socket from another thread (no close_notify): wakes the connection's blocked read or write. */
        void abort() {
            closeQuietly(socket);
        }

        private void serve() throws IOException {
            in.limit(0);
            while (!closed) {
                if (!in.hasRemaining()) {
                    in.limit(0); // position 0 too: the whole buffer is free for the next head
                }
                parser.reset();
                int headStart = in.position();
                arm(idleTimeoutNanos);
                try {
                    while (!parser.parse(in)) { // consumed all of in: read more, keeping the head's bytes
                        if (in.limit() == in.capacity()) {
                            if (headStart == 0) {
                                throw Http1Exception.of(Http1Violation.HEADERS_TOO_LARGE);
                            }
                            in.position(headStart).compact().flip().position(in.limit());
                            headStart = 0;
                        }
                        if (!fill()) {
                            return; // closed between requests, or mid-head: nothing to answer
                        }
                    }
                } catch (Http1Exception e) {
                    waiting = false;
                    reject(e.violation());
                    return;
                }
                waiting = false;
                requests.increment();
                RequestHead h = parser.head();
                long size = h.targetForm() == TargetForm.ORIGIN ? bytesRequested(headStart, in.position()) : NOT_BYTES;
                boolean keepAlive = h.keepAlive() && !closed;
                try {
                    if (!skipBody(h)) {
                        return;
                    }
                } catch (Http1Exception e) {
                    reject(e.violation());
                    return;
                }
                if (size == BAD_SIZE) {
                    writeText(400, "Bad Request", "size must be 0.." + MAX_BODY_BYTES + "\n", keepAlive,
                            h.versionMinor() == 0);
                } else {
                    respond(size, h.isHead(), keepAlive, h.versionMinor() == 0);
                }
                if (!keepAlive) {
                    closeGracefully();
                    return;
                }
            }
        }

        /** Reads more bytes after {@code in}'s limit; false at end of stream. */
        private boolean fill() throws IOException {
            int from = in.limit();
            in.limit(in.capacity()).position(from);
            int n = io.read(in);
            in.limit(in.position()).position(from);
            return n >= 0;
        }

        private void arm(long timeoutNanos) {
            deadline = System.nanoTime() + timeoutNanos;
            waiting = true;
        }

        /**
         * The N of an origin-form {@code /bytes/N} target in the head at {@code in[from, to)} (already validated by
         * the parser), {@link #NOT_BYTES} for any other path, {@link #BAD_SIZE} if N is not a size we serve.
         */
        private long bytesRequested(int from, int to) {
            int i = from;
            while (i < to && (in.get(i) == '\r' || in.get(i) == '\n')) {
                i++; // empty lines before the request-line (RFC 9112 section 2.2)
            }
            while (i < to && in.get(i) != ' ') {
                i++; // method
            }
            i++;
            for (byte b : BYTES_PREFIX) {
                if (i >= to || in.get(i++) != b) {
                    return NOT_BYTES;
                }
            }
            long n = 0;
            int digits = 0;
            for (; i < to && in.get(i) >= '0' && in.get(i) <= '9'; i++) {
                if (++digits > 9) {
                    return BAD_SIZE;
                }
                n = n * 10 + (in.get(i) - '0');
            }
            byte end = i < to ? in.get(i) : 0;
            if (digits == 0 || (end != ' ' && end != '?') || n > MAX_BODY_BYTES) {
                return BAD_SIZE;
            }
            return n;
        }

        /** Reads and discards the request body; false if the client closed first. */
        private boolean skipBody(RequestHead h) throws IOException, Http1Exception {
            BodyFraming.Kind kind = BodyFraming.request(h);
            if (kind == BodyFraming.Kind.NONE || (kind == BodyFraming.Kind.CONTENT_LENGTH && h.contentLength() == 0)) {
                return true;
            }
            if (h.expectContinue()) { // RFC 9110 section 10.1.1
                writeHead(CONTINUE);
            }
            if (kind == BodyFraming.Kind.CONTENT_LENGTH) {
                long left = h.contentLength();
                while (true) {
                    int n = (int) Math.min(left, in.remaining());
                    in.position(in.position() + n);
                    left -= n;
                    if (left == 0) {
                        return true;
                    }
                    in.limit(0);
                    if (!fill()) {
                        return false;
                    }
                }
            }
            if (chunked == null) {
                chunked = new ChunkedDecoder(LIMITS);
            }
            chunked.reset();
            while (true) {
                long n = chunked.next(in);
                if (n == ChunkedDecoder.END) {
                    return true;
                }
                if (n > 0) {
                    in.position(in.position() + (int) n);
                } else {
                    in.limit(0);
                    if (!fill()) {
                        return false;
                    }
                }
            }
        }

        private void respond(long size, boolean headOnly, boolean keepAlive, boolean http10) throws IOException {
            head.clear().put(STATUS_200);
            if (size == NOT_BYTES) {
                head.put(OK_FIELDS);
                connectionField(keepAlive, http10);
                head.put(CRLF);
                if (!headOnly) {
                    head.put(OK_BODY);
                }
                writeHead(null);
                return;
            }
            head.put(BYTES_FIELDS);
            putDecimal(head, size);
            head.put(CRLF);
            connectionField(keepAlive, http10);
            head.put(CRLF).flip();
            body.limit(headOnly ? 0 : (int) size).position(0);
            while (head.hasRemaining() || body.hasRemaining()) {
                out.write(headAndBody);
            }
        }

        private void connectionField(boolean keepAlive, boolean http10) {
            if (!keepAlive) {
                head.put(CONNECTION_CLOSE);
            } else if (http10) {
                head.put(CONNECTION_KEEP_ALIVE); // RFC 9112 section 9.3: HTTP/1.0 persists only if both say so
            }
        }

        /** Writes {@code bytes}, or with null the head buffer as built (write mode). */
        private void writeHead(byte[] bytes) throws IOException {
            if (bytes != null) {
                head.clear().put(bytes);
            }
            head.flip();
            while (head.hasRemaining()) {
                io.write(head);
            }
        }

        /** Answers a request the codec rejected, then closes: the stream cannot be trusted past it. */
        private void reject(Http1Violation v) throws IOException {
            String reason = switch (v.status()) {
                case 414 -> "URI Too Long";
                case 431 -> "Request Header Fields Too Large";
                case 501 -> "Not Implemented";
                case 505 -> "HTTP Version Not Supported";
                default -> "Bad Request";
            };
            writeText(v.status(), reason, v.detail() + "\n", false, false);
            closeGracefully();
        }

        private void writeText(int status, String reason, String text, boolean keepAlive, boolean http10)
                throws IOException {
            String response = "HTTP/1.1 " + status + " " + reason + "\r\ncontent-type: text/plain\r\ncontent-length: "
                    + text.length() + "\r\n" + (!keepAlive ? "connection: close\r\n"
                    : http10 ? "connection: keep-alive\r\n" : "") + "\r\n" + text;
            ByteBuffer b = ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                io.write(b);
            }
        }

        /**
         * Half-closes, then reads and drops what the client still sends until it closes too ({@link #LINGER} and
         * {@link #LINGER_MAX_BYTES} at most): closing with unread bytes would reset the connection and could destroy
         * the response in flight (RFC 9112 section 9.6).
         */
        private void closeGracefully() throws IOException {
            if (io instanceof TlsChannel t) {
                t.shutdownOutput();
            } else {
                socket.shutdownOutput();
            }
            arm(Math.min(LINGER.toNanos(), idleTimeoutNanos));
            long read = 0;
            while (read < LINGER_MAX_BYTES) {
                in.clear();
                int n = io.read(in);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            waiting = false;
        }
    }

    private SSLEngine serverEngine() {
        SSLEngine engine = tls.createSSLEngine();
        SSLParameters params = engine.getSSLParameters();
        params.setApplicationProtocols(new String[] {"http/1.1"});
        engine.setSSLParameters(params);
        return engine;
    }

    private static void putDecimal(ByteBuffer b, long value) {
        long divisor = 1;
        while (divisor <= value / 10) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            b.put((byte) ('0' + (value / divisor) % 10));
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with the error
        }
    }

    /** The shared body: {@link #MAX_BODY_BYTES} of the pattern, direct and read-only, made once per JVM. */
    private static final class Pattern {
        static final ByteBuffer BYTES = make();

        private static ByteBuffer make() {
            byte[] row = new byte[PATTERN_PERIOD * 2520]; // whole periods, so every row continues the pattern
            for (int i = 0; i < row.length; i++) {
                row[i] = patternByte(i);
            }
            ByteBuffer b = ByteBuffer.allocateDirect(MAX_BODY_BYTES);
            while (b.hasRemaining()) {
                b.put(row, 0, Math.min(row.length, b.remaining()));
            }
            return b.flip().asReadOnlyBuffer();
        }
    }

    /**
     * {@code [host:]port}: serves until SIGTERM or SIGINT. Prints {@code listening on HOST:PORT} once accepting (with
     * port 0, the port chosen).
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: OriginServer [host:]port");
            System.exit(2);
        }
        InetSocketAddress bind;
        try {
            bind = parseBind(args[0]);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        OriginServer server = start(bind);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "origin-shutdown"));
        System.out.println("listening on " + Addresses.of(server.address()));
        System.out.flush();
        stopped.await();
    }

    /** {@code host:port}, {@code [v6]:port} or a bare port on 127.0.0.1. */
    static InetSocketAddress parseBind(String arg) {
        int colon = arg.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : arg.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(arg.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected [host:]port, got " + arg);
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected [host:]port, got " + arg);
        }
        return new InetSocketAddress(host, port);
    }
}
