package dev.weft.core.http1;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.RequestHead;
import dev.weft.core.config.RouteAction;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.pool.H2ClientConnection;
import dev.weft.core.proxy.RequestContext;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
import dev.weft.core.router.HeaderPlan;
import dev.weft.core.router.Route;
import dev.weft.core.stats.ClusterStats;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An HTTP/1.1 request proxied to an HTTP/2 upstream (a cluster with {@code http2: true}): the request head becomes a
 * HEADERS frame (pseudo-headers from the request line and Host), the body DATA frames, and the response comes back as
 * an HTTP/1.1 response with a Content-Length when the upstream gave one, else chunked (with the upstream's trailers)
 * for HTTP/1.1 clients and until close for HTTP/1.0 ones. Runs on the downstream connection's thread: the body is sent
 * before the response is read.
 */
final class H2UpstreamExchange {
    private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "trailer", "host", "expect", "x-forwarded-proto", "content-length");
    private static final Set<String> FORBIDDEN_TRAILERS = Set.of("content-length", "transfer-encoding", "host",
            "content-type", "authorization", "set-cookie", "te", "trailer", "connection", "keep-alive");

    private final Http1Connection conn;
    private final RequestContext ctx;

    H2UpstreamExchange(Http1Connection conn) {
        this.conn = conn;
        this.ctx = conn.context();
    }

    /**
     * Proxies one request; returns whether the downstream connection stays open.
     *
     * @param c       a connection with a stream reserved for this request ({@link dev.weft.core.pool.Http2Pool#acquire})
     * @param headers the upstream request as HTTP/2 fields (see {@link #headers})
     */
    boolean run(H2ClientConnection c, List<String[]> headers, RequestHead head, BodyFraming.Kind bodyKind,
                boolean hasBody, RouteAction.Forward fwd, Route route, ClusterStats stats) throws IOException {
        long start = System.nanoTime();
        stats.rqTotal.increment();
        stats.rqActive.increment();
        ctx.upstreamStarted(start);
        H2ClientConnection.Stream us;
        try {
            try {
                try {
                    us = c.open(headers, !hasBody);
                } catch (IOException e) {
                    // the connection went away (GOAWAY, close) between acquire and open: once more on another one
                    try {
                        c = c.pool().acquire();
                    } catch (UpstreamException u) {
                        throw e;
                    }
                    us = c.open(headers, !hasBody);
                }
            } catch (IOException e) {
                return conn.sendLocalReply(ResponseFlag.UC.status(), ResponseFlag.UC.body() + "\n", !hasBody
                        && head.keepAlive(), head.isHead(), ResponseFlag.UC, "upstream_closed_before_response_started");
            }
            Holder h = new Holder(us);
            try {
                return exchange(h, c, headers, head, bodyKind, hasBody, fwd, route, stats, start);
            } finally {
                h.stream.cancel(); // a no-op after done(); else (an exception on the way) the stream is reset
            }
        } finally {
            stats.rqActive.decrement();
        }
    }

    /** The current stream of the exchange (replaced when a refused stream is retried). */
    private static final class Holder {
        H2ClientConnection.Stream stream;

        Holder(H2ClientConnection.Stream stream) {
            this.stream = stream;
        }
    }

    private boolean exchange(Holder h, H2ClientConnection c, List<String[]> headers, RequestHead head,
                             BodyFraming.Kind bodyKind, boolean hasBody, RouteAction.Forward fwd, Route route,
                             ClusterStats stats, long start) throws IOException {
        H2ClientConnection.Stream us = h.stream;
        try {
            if (hasBody) {
                if (head.expectContinue() && head.versionMinor() == 1) {
                    conn.sendContinue();
                }
                sendBody(us, head, bodyKind);
            }
        } catch (Http1Exception e) {
            us.cancel();
            ctx.flag(ResponseFlag.DPE);
            conn.sendLocalReply(e.violation().status(), "bad request: " + e.violation().detail() + "\n", false,
                    false, ResponseFlag.DPE, e.violation().detail());
            return false;
        } catch (IOException e) {
            us.cancel();
            ctx.flag(ResponseFlag.DC);
            return false;
        }
        long timeout = fwd.timeout().isZero() ? Long.MAX_VALUE : fwd.timeout().toNanos();
        List<String[]> rh = null;
        try {
            // a stream the upstream refused unprocessed (REFUSED_STREAM, or above the last stream id of a GOAWAY) is
            // retried on another stream, when no request body went with it
            for (int retries = 0; rh == null; retries++) {
                try {
                    rh = us.awaitHead(timeout);
                } catch (H2ClientConnection.UpstreamTimeoutException e) {
                    throw e;
                } catch (IOException e) {
                    if (hasBody || retries >= 2 || !us.retryable()) {
                        throw e;
                    }
                    us.cancel();
                    H2ClientConnection next;
                    try {
                        next = c.pool().acquire();
                    } catch (UpstreamException u) {
                        throw e;
                    }
                    us = next.open(headers, true);
                    h.stream = us;
                    stats.rqRetry.increment();
                }
            }
        } catch (H2ClientConnection.UpstreamTimeoutException e) {
            us.cancel();
            stats.rqTimeout.increment();
            return conn.sendLocalReply(504, ResponseFlag.UT.body() + "\n", head.keepAlive(), head.isHead(),
                    ResponseFlag.UT, "upstream_response_timeout");
        } catch (IOException e) {
            us.cancel();
            ResponseFlag flag = e.getMessage() != null && e.getMessage().contains("reset") ? ResponseFlag.UR
                    : ResponseFlag.UC;
            return conn.sendLocalReply(flag.status(), flag.body() + "\n", head.keepAlive(), head.isHead(), flag,
                    flag == ResponseFlag.UR ? "upstream_reset_before_response_started"
                            : "upstream_closed_before_response_started");
        }
        List<String[]> response = rh;
        int status = Integer.parseInt(response.get(0)[1]);
        ctx.status(status);
        ctx.upstreamHeadArrived(System.nanoTime());
        stats.responseStatus(status);
        boolean client11 = head.versionMinor() == 1;
        boolean keep = head.keepAlive() && !conn.draining();
        long length = -1;
        for (String[] f : rh) {
            if (f[0].equals("content-length")) {
                try {
                    length = Long.parseLong(f[1]);
                } catch (NumberFormatException ignored) {
                    length = -1;
                }
            }
        }
        boolean noBody = head.isHead() || status == 204 || status == 304 || status < 200;
        boolean chunked = !noBody && length < 0 && client11;
        if (!noBody && length < 0 && !client11) {
            keep = false; // an HTTP/1.0 client reads the body until close
        }
        HeadWriter w = conn.downHead();
        HeaderPlan plan = conn.responsePlan();
        w.reset();
        w.statusLine(status, null);
        for (String[] f : rh) {
            if (f[0].startsWith(":") || f[0].equals("content-length") || f[0].equals("connection")
                    || f[0].equals("transfer-encoding") || !plan.isEmpty() && plan.removes(f[0])) {
                continue;
            }
            w.field(f[0], f[1]);
        }
        if (length >= 0 && (!noBody || head.isHead())) {
            w.field("content-length", length);
        } else if (chunked) {
            w.field("transfer-encoding", "chunked");
        }
        if (!keep) {
            w.field("connection", "close");
        } else if (!client11) {
            w.field("connection", "keep-alive");
        }
        if (!plan.isEmpty()) {
            plan.writeAdds(w::field, n -> response.stream().anyMatch(f -> f[0].equals(n)) && !plan.removes(n));
        }
        w.endHead();
        long sent = 0;
        try {
            conn.writeDown(w.buffer());
            ByteBuffer chunk;
            ByteBuffer chunkHead = ByteBuffer.allocate(20);
            while ((chunk = us.next(conn.idleNanos())) != null) {
                int n = chunk.remaining();
                if (noBody) {
                    us.consumed(n);
                    continue;
                }
                if (chunked && n > 0) {
                    chunkHead.clear();
                    HeadWriter.writeChunkHeader(chunkHead, n);
                    chunkHead.flip();
                    conn.writeDown(chunkHead);
                }
                conn.writeDown(chunk);
                if (chunked && n > 0) {
                    chunkHead.clear();
                    HeadWriter.writeChunkEnd(chunkHead);
                    chunkHead.flip();
                    conn.writeDown(chunkHead);
                }
                us.consumed(n);
                sent += n;
            }
            if (chunked) {
                HeadWriter t = new HeadWriter();
                t.lastChunk();
                for (String[] f : us.trailers()) {
                    if (!FORBIDDEN_TRAILERS.contains(f[0])) {
                        t.field(f[0], f[1]);
                    }
                }
                t.endHead();
                conn.writeDown(t.buffer());
            }
        } catch (IOException e) {
            us.cancel();
            ctx.flag(ResponseFlag.UC);
            ctx.addBytesSent(sent);
            return false;
        }
        us.done();
        ctx.addBytesSent(sent);
        ctx.completed(true);
        stats.rqTime.recordNanos(System.nanoTime() - start);
        return keep;
    }

    /** The downstream request body (Content-Length or chunked) as DATA frames, then END_STREAM (or trailers). */
    private void sendBody(H2ClientConnection.Stream us, RequestHead head, BodyFraming.Kind kind)
            throws IOException, Http1Exception {
        ChannelInput in = conn.input();
        long idle = conn.idleNanos();
        if (kind == BodyFraming.Kind.CONTENT_LENGTH) {
            long left = head.contentLength();
            while (left > 0) {
                ByteBuffer buf = in.buffer();
                if (!buf.hasRemaining()) {
                    if (in.fill() < 0) {
                        throw new EOFException("client closed inside the request body");
                    }
                    continue;
                }
                int n = (int) Math.min(left, buf.remaining());
                int limit = buf.limit();
                buf.limit(buf.position() + n);
                try {
                    us.write(buf, false, idle);
                } finally {
                    buf.limit(limit);
                }
                ctx.addBytesReceived(n);
                left -= n;
            }
            us.end(null);
            return;
        }
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        decoder.reset();
        while (true) {
            ByteBuffer buf = in.buffer();
            long n = decoder.next(buf);
            if (n > 0) {
                int limit = buf.limit();
                buf.limit(buf.position() + (int) n);
                try {
                    us.write(buf, false, idle);
                } finally {
                    buf.limit(limit);
                }
                ctx.addBytesReceived(n);
            } else if (n == ChunkedDecoder.END) {
                List<String[]> trailers = new ArrayList<>();
                for (int i = 0; i < decoder.trailerCount(); i++) {
                    String name = decoder.trailerName(i).toLowerCase(Locale.ROOT);
                    if (!FORBIDDEN_TRAILERS.contains(name)) {
                        trailers.add(new String[] {name, decoder.trailerValue(i)});
                    }
                }
                us.end(trailers);
                return;
            } else if (in.fill() < 0) {
                throw new EOFException("client closed inside the chunked request body");
            }
        }
    }

    /** The HTTP/2 request head for an HTTP/1.1 request. */
    static List<String[]> headers(RequestHead head, String target, String authority, boolean tls, HeaderPlan plan,
                                  List<String[]> extra) {
        List<String[]> h = new ArrayList<>(head.fieldCount() + 8);
        h.add(new String[] {":method", head.method()});
        h.add(new String[] {":scheme", tls ? "https" : "http"});
        h.add(new String[] {":authority", authority});
        h.add(new String[] {":path", target});
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            String name = head.name(i).toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name) || head.isHopByHop(i) || name.equals("x-forwarded-for")
                    || name.equals("x-request-id") || !plan.isEmpty() && plan.skips(head, i)) {
                continue;
            }
            h.add(new String[] {name, head.value(i)});
        }
        if (head.contentLength() >= 0 && !head.chunked()) {
            h.add(new String[] {"content-length", Long.toString(head.contentLength())});
        }
        h.addAll(extra);
        if (!plan.isEmpty()) {
            plan.writeAdds((n, v) -> h.add(new String[] {n.toLowerCase(Locale.ROOT), v}),
                    n -> head.indexOf(n, 0) >= 0);
        }
        return h;
    }

    static UpstreamException unsupported() {
        return new UpstreamException(ResponseFlag.UF, "no HTTP/2 connection");
    }
}
