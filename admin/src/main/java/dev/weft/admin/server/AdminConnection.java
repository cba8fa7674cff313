package dev.weft.admin.server;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.Http1Violation;
import dev.weft.codec.http1.RequestHead;
import dev.weft.codec.http1.RequestHeadParser;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * One admin connection, owned by one virtual thread from accept to close: it reads a request head with the codec's
 * strict parser, lets the {@link AdminRouter} decide, discards any (bounded) body, writes the whole response and
 * loops while the connection is kept alive. Only {@link #close()} is called from another thread (server shutdown);
 * it closes the socket, which unblocks the owner's read.
 */
final class AdminConnection implements Runnable {
    private static final System.Logger LOG = System.getLogger(AdminConnection.class.getName());

    /** Bytes read per socket read; the parser copies the head out, so this never grows. */
    private static final int READ_BUFFER_BYTES = 8 * 1024;
    /** From the end of one response to the end of the next head: bounds idle keep-alive and slow heads alike. */
    static final int HEAD_TIMEOUT_MILLIS = 30_000;
    /**
     * Admin POSTs carry no body except the JSON of {@code /authz/explain}; more than this is refused (RFC 9110
     * section 15.5.14: 413).
     */
    static final long MAX_BODY_BYTES = 64 * 1024;
    /**
     * After the last response the client may still be sending (a body refused with 413 unread): closing a socket with
     * unread bytes makes the kernel send a reset, which can destroy the response before the client reads it. So the
     * connection half-closes and reads and drops input for at most this long and this much (nginx's
     * lingering_close).
     */
    static final int LINGER_MILLIS = 2_000;
    static final long LINGER_BYTES = 1L << 20;

    private final Socket socket;
    private final AdminRouter router;
    private final AdminServer server;
    private final RequestHeadParser parser = new RequestHeadParser(Http1Limits.DEFAULTS);
    private final HeadWriter headWriter = new HeadWriter(512);
    private final ByteBuffer in = ByteBuffer.allocate(READ_BUFFER_BYTES).flip(); // read mode, empty
    private InputStream input;
    private OutputStream output;

    AdminConnection(Socket socket, AdminRouter router, AdminServer server) {
        this.socket = socket;
        this.router = router;
        this.server = server;
    }

    @Override
    public void run() {
        try {
            input = socket.getInputStream();
            output = new BufferedOutputStream(socket.getOutputStream(), READ_BUFFER_BYTES);
            serve();
            linger();
        } catch (IOException e) {
            // the peer went away, timed out or the server closed us: nothing to answer
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admin connection from " + socket.getRemoteSocketAddress() + " failed", e);
        } finally {
            close();
            server.released(this);
        }
    }

    /** Closes the socket; safe from any thread, any number of times. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed or reset: nothing left to release
        }
    }

    /** See {@link #LINGER_MILLIS}. Returns at once when the client has closed its side (it usually has). */
    private void linger() throws IOException {
        socket.shutdownOutput();
        long deadline = System.currentTimeMillis() + LINGER_MILLIS;
        long left = LINGER_BYTES;
        byte[] drop = new byte[READ_BUFFER_BYTES];
        while (left > 0) {
            long wait = deadline - System.currentTimeMillis();
            if (wait <= 0) {
                return;
            }
            socket.setSoTimeout((int) wait);
            int n;
            try {
                n = input.read(drop);
            } catch (SocketTimeoutException e) {
                return;
            }
            if (n < 0) {
                return;
            }
            left -= n;
        }
    }

    private void serve() throws IOException {
        while (true) {
            parser.reset();
            try {
                if (!readHead(System.currentTimeMillis() + HEAD_TIMEOUT_MILLIS)) {
                    return; // the client closed between requests (or mid-head: nothing can be answered)
                }
            } catch (Http1Exception e) {
                Http1Violation v = e.violation();
                // the connection must close after a protocol violation: its framing can no longer be trusted
                send(AdminResponse.text(v.status(), v.detail() + "\n").closing(), false);
                return;
            } catch (SocketTimeoutException e) {
                if (parser.bytesBuffered() > 0) {
                    send(AdminResponse.text(408, "request head not received in time\n").closing(), false); // RFC 9110 section 15.5.9
                }
                return;
            }
            RequestHead head = parser.head();
            AdminRequest request = request(head);
            AdminResponse response = respond(head, request);
            boolean close = response.close() || !head.keepAlive();
            send(close ? response.closing() : response, request.isHead());
            if (response.afterSend() != null) {
                response.afterSend().run();
            }
            if (close) {
                return;
            }
        }
    }

    private AdminResponse respond(RequestHead head, AdminRequest request) throws IOException {
        BodyFraming.Kind body = BodyFraming.request(head);
        boolean hasBody = body == BodyFraming.Kind.CHUNKED || head.contentLength() > 0;
        AdminRouter.Decision decision = router.decide(request);
        if (decision.refusal() != null) {
            // the body was not read, so the next request cannot be found: close after answering
            return hasBody ? decision.refusal().closing() : decision.refusal();
        }
        if (hasBody) {
            if (head.contentLength() > MAX_BODY_BYTES) {
                return AdminResponse.text(413, "admin request bodies are limited to " + MAX_BODY_BYTES + " bytes\n")
                        .closing();
            }
            if (head.expectContinue()) {
                writeContinue(); // RFC 9110 section 10.1.1: the request will be processed, send the body
            }
            ByteArrayOutputStream kept = decision.endpoint().access() == AdminEndpoints.Access.QUERY
                    ? new ByteArrayOutputStream((int) Math.max(0, head.contentLength())) : null;
            try {
                if (!readBody(body, head.contentLength(), kept)) {
                    return AdminResponse.text(413, "admin request bodies are limited to " + MAX_BODY_BYTES
                            + " bytes\n").closing();
                }
            } catch (Http1Exception e) {
                return AdminResponse.text(e.violation().status(), e.violation().detail() + "\n").closing();
            }
            if (kept != null) {
                request = request.withBody(kept.toByteArray());
            }
        }
        return router.handle(decision.endpoint(), request);
    }

    private static AdminRequest request(RequestHead head) {
        return new AdminRequest(head.method(), head.path() == null ? "" : head.path(),
                QueryParameters.parse(head.query()), head.host(), head.firstValue("origin"),
                head.firstValue("sec-fetch-site"), head.firstValue("authorization"), head.firstValue("content-type"),
                null);
    }

    /** Feeds the parser until the head is complete; false on end of stream. */
    private boolean readHead(long deadline) throws IOException, Http1Exception {
        while (!parser.parse(in)) {
            if (!fill(deadline)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the request body into {@code kept}, or drops it when null (only {@code /authz/explain} uses one).
     *
     * @return false when the body is longer than {@link #MAX_BODY_BYTES}
     */
    private boolean readBody(BodyFraming.Kind kind, long contentLength, ByteArrayOutputStream kept)
            throws IOException, Http1Exception {
        long deadline = System.currentTimeMillis() + HEAD_TIMEOUT_MILLIS;
        if (kind == BodyFraming.Kind.CONTENT_LENGTH) {
            long left = contentLength;
            while (left > 0) {
                if (!in.hasRemaining() && !fill(deadline)) {
                    throw new EOFException("body ended early");
                }
                int n = (int) Math.min(left, in.remaining());
                keep(kept, n);
                left -= n;
            }
            return true;
        }
        ChunkedDecoder chunks = new ChunkedDecoder(Http1Limits.DEFAULTS);
        long total = 0;
        while (true) {
            long n = chunks.next(in);
            if (n == ChunkedDecoder.END) {
                return true;
            }
            if (n == 0) {
                if (!fill(deadline)) {
                    throw new EOFException("chunked body ended early");
                }
                continue;
            }
            total += n;
            if (total > MAX_BODY_BYTES) {
                return false;
            }
            keep(kept, (int) n);
        }
    }

    /** Consumes {@code n} buffered body bytes, copying them to {@code kept} when it is not null. */
    private void keep(ByteArrayOutputStream kept, int n) {
        if (kept != null) {
            kept.write(in.array(), in.arrayOffset() + in.position(), n);
        }
        in.position(in.position() + n);
    }

    /** Reads more bytes into {@link #in}, keeping unconsumed ones; false on end of stream. */
    private boolean fill(long deadline) throws IOException {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
            throw new SocketTimeoutException("admin request deadline passed");
        }
        socket.setSoTimeout((int) Math.min(left, Integer.MAX_VALUE));
        in.compact();
        try {
            int n = input.read(in.array(), in.arrayOffset() + in.position(), in.remaining());
            if (n < 0) {
                return false;
            }
            in.position(in.position() + n);
            return true;
        } finally {
            in.flip();
        }
    }

    private void writeContinue() throws IOException {
        headWriter.reset();
        headWriter.statusLine(100, null).endHead();
        output.write(headWriter.buffer().array(), 0, headWriter.size());
        output.flush();
    }

    /** Writes the response: the codec writes the head, then the body unless the request was HEAD. */
    private void send(AdminResponse response, boolean headOnly) throws IOException {
        headWriter.reset();
        headWriter.statusLine(response.status(), null)
                .field("content-type", response.contentType())
                .field("content-length", response.body().length) // also for HEAD: RFC 9110 section 9.3.2
                .field("cache-control", "no-store")
                .field("x-content-type-options", "nosniff");
        for (AdminResponse.Header h : response.headers()) {
            headWriter.field(h.name(), h.value());
        }
        if (response.close()) {
            headWriter.field("connection", "close"); // RFC 9112 section 9.6
        }
        headWriter.endHead();
        output.write(headWriter.buffer().array(), 0, headWriter.size());
        if (!headOnly) {
            output.write(response.body());
        }
        output.flush();
    }
}
