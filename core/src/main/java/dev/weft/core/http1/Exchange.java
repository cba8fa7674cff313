package dev.weft.core.http1;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.RequestHead;
import dev.weft.codec.http1.ResponseHead;
import dev.weft.codec.http1.ResponseHeadParser;
import dev.weft.core.config.RouteAction;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.pool.UpstreamConnection;
import dev.weft.core.proxy.RequestContext;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.router.HeaderPlan;
import dev.weft.core.router.Route;
import dev.weft.core.stats.ClusterStats;

import java.io.IOException;
import java.nio.ByteBuffer;
import dev.weft.core.io.Transport;

/**
 * One request proxied over one borrowed upstream connection: send the head, pump the body, read the response head,
 * stream the response body down, and give the connection back (or close it). Runs on the downstream connection's
 * thread; the body pump is the only other thread involved.
 */
final class Exchange {
    enum Outcome {
        /** Done; the downstream connection may carry the next request. */
        KEEP_ALIVE,
        /** Done; close the downstream connection. */
        CLOSE,
        /** A reused upstream connection turned out stale before any response byte: try once more, fresh. */
        RETRY
    }

    private final Http1Connection conn;
    private final UpstreamConnection up;
    private final RouteAction.Forward fwd;
    private final Route route;
    private final RequestHead head;
    private final BodyFraming.Kind bodyKind;
    private final boolean hasBody;
    private final RequestContext ctx;
    private final ByteBuffer[] headAndBody = new ByteBuffer[2];
    /** How long a response head waits for a body pump that is about to finish (it races the upstream's answer). */
    private static final long PUMP_SETTLE_MILLIS = 20;
    private final boolean allowRetry;
    private final ClusterStats stats;

    Exchange(Http1Connection conn, UpstreamConnection up, RouteAction.Forward fwd, Route route, RequestHead head,
             BodyFraming.Kind bodyKind, boolean hasBody, boolean allowRetry, ClusterStats stats) {
        this.allowRetry = allowRetry;
        this.stats = stats;
        this.conn = conn;
        this.up = up;
        this.fwd = fwd;
        this.route = route;
        this.head = head;
        this.bodyKind = bodyKind;
        this.hasBody = hasBody;
        this.ctx = conn.context();
    }

    Outcome run() {
        long start = System.nanoTime();
        stats.rqTotal.increment();
        stats.rqActive.increment();
        ctx.upstreamStarted(start);
        try {
            Outcome outcome = exchange();
            if (ctx.completed() && ctx.upstreamServiceTimeMicros() >= 0) { // an upstream response, not a local one
                stats.rqTime.recordNanos(System.nanoTime() - start);
            }
            return outcome;
        } finally {
            finishPump();
            stats.rqActive.decrement();
            if (hasBody) {
                ctx.addBytesReceived(conn.pump().bytesForwarded());
            }
        }
    }

    /** Every exchange ends with its pump ended: it must not touch the client's buffer once the next request starts. */
    private void finishPump() {
        RequestBodyPump pump = conn.pump();
        if (!pump.stopped()) {
            pump.join();
            return;
        }
        // the response (or the local reply) is out: end our side so the client stops sending, let the pump linger
        try {
            conn.shutdownOutputBounded();
        } catch (IOException ignored) {
            // already closed
        }
        pump.join();
        conn.lingered();
    }

    private Outcome exchange() {
        RequestBodyPump pump = conn.pump();
        long timeoutNanos = fwd.timeout().toNanos();
        // 1. the request head (and, without a body, the response timer)
        try {
            up.arm(conn.idleNanos(), UpstreamConnection.IDLE);
            Channels.writeFully(up.transport(), conn.upHead().buffer());
            up.disarm();
        } catch (IOException e) {
            up.disarm();
            return failBeforeResponse(e, false, false, false);
        }
        boolean pumping = false;
        if (hasBody) {
            // RFC 9110 section 15.2: no 1xx to an HTTP/1.0 client
            if (head.expectContinue() && head.versionMinor() == 1) {
                try {
                    conn.sendContinue();
                } catch (IOException e) {
                    ctx.flag(ResponseFlag.DC);
                    up.pool().release(up, false);
                    return Outcome.CLOSE;
                }
            }
            pump.start(up, bodyKind, head.contentLength(), timeoutNanos);
            pumping = true;
        } else {
            up.arm(timeoutNanos, UpstreamConnection.RESPONSE_TIMEOUT);
            // Let the other connections run before trying the read: under load the response has usually arrived by
            // then, which saves a read that would fail with EAGAIN, a poller registration and a park / unpark per
            // request (measured: +10-15% requests/s per core, no change in p99; see perf-reports). With nothing
            // else runnable this returns at once.
            Thread.yield();
        }

        // 2. the response head, skipping 1xx (100-continue was answered here, the upstream never saw Expect)
        ResponseHeadParser parser = up.headParser();
        ChannelInput uin = up.input();
        ByteBuffer ubuf = uin.buffer();
        try {
            up.readResponseHead();
            if (pumping) {
                pump.headArrived(); // from here on only this thread arms the upstream's slot
            }
        } catch (IOException e) {
            up.disarm();
            // decide who failed first, before stopping the pump makes its side fail too
            boolean downstreamFailed = pumping && pump.sourceFailed(); // set before the pump closes the upstream
            if (pumping) {
                stopPump(pump);
            }
            return failBeforeResponse(e, up.responseBytesSeen(), pumping, downstreamFailed);
        } catch (Http1Exception e) {
            up.disarm();
            if (pumping) {
                stopPump(pump);
            }
            up.pool().release(up, false);
            return reply(ResponseFlag.UPE, "upstream_invalid_response:" + e.violation().detail(), pumping);
        }
        up.disarm();

        // 3. the response head downstream
        ResponseHead rh = parser.head();
        BodyFraming.Kind rk = BodyFraming.response(head.method(), rh);
        boolean client11 = head.versionMinor() == 1;
        boolean clientKeep = head.keepAlive() && !conn.draining();
        boolean chunkDown = false;
        if (rk == BodyFraming.Kind.CHUNKED || rk == BodyFraming.Kind.UNTIL_CLOSE) {
            if (client11) {
                chunkDown = true;
            } else {
                clientKeep = false; // an HTTP/1.0 client reads such a body until close
            }
        }
        if (pumping && !pump.join(PUMP_SETTLE_MILLIS)) {
            // the upstream answers before the request body is through (an early 413, say): the rest of the body
            // will not be read, so this connection cannot carry another request; say so now, as Envoy does
            clientKeep = false;
        } else if (pumping && !pump.succeeded()) {
            clientKeep = false;
        }
        String codings = rk == BodyFraming.Kind.NONE || rk == BodyFraming.Kind.CONTENT_LENGTH
                ? null : extraCodings(rh);
        if (codings != null && !chunkDown) {
            // an HTTP/1.0 client cannot be told about a transfer coding such as gzip (RFC 9112 section 6.1)
            abortAfterHead(pump, pumping);
            return reply(ResponseFlag.UPE, "upstream_transfer_coding_for_http10", pumping);
        }
        ctx.status(rh.status());
        ctx.upstreamHeadArrived(System.nanoTime());
        stats.responseStatus(rh.status());
        writeResponseHead(rh, rk, chunkDown, clientKeep, client11, codings);
        Transport down = conn.channel();
        BodyCopier copier = conn.responseCopier();
        copier.resetCount();
        copier
                .reading(up, conn.idleNanos(), UpstreamConnection.IDLE)
                .writing(conn.writeDeadline(), conn.idleNanos(), 1);
        try {
            switch (rk) {
                case NONE -> writeDown(conn.downHead().buffer());
                case CONTENT_LENGTH -> {
                    // head and the body bytes already read go out in one write
                    ByteBuffer headBuf = conn.downHead().buffer();
                    long len = rh.contentLength();
                    int now = (int) Math.min(len, ubuf.remaining());
                    int limit = ubuf.limit();
                    ubuf.limit(ubuf.position() + now);
                    headAndBody[0] = headBuf;
                    headAndBody[1] = ubuf;
                    try {
                        conn.writeDown(headAndBody);
                    } catch (IOException e) {
                        throw new BodyCopier.SinkException(e);
                    } finally {
                        ubuf.limit(limit);
                        headAndBody[1] = null;
                    }
                    ctx.addBytesSent(now);
                    copier.copyFixed(uin, len - now, down);
                }
                case CHUNKED -> {
                    writeDown(conn.downHead().buffer());
                    copier.copyChunked(uin, up.chunked(), down, chunkDown);
                }
                case UNTIL_CLOSE -> {
                    writeDown(conn.downHead().buffer());
                    copier.copyUntilClose(uin, down, chunkDown);
                }
            }
        } catch (BodyCopier.SinkException e) {
            ctx.flag(ResponseFlag.DC);
            abortAfterHead(pump, pumping);
            return Outcome.CLOSE;
        } catch (IOException | Http1Exception e) {
            // the upstream failed mid-body: the client cannot be told except by closing
            ctx.flag(e instanceof Http1Exception ? ResponseFlag.UPE : ResponseFlag.UC);
            abortAfterHead(pump, pumping);
            return Outcome.CLOSE;
        }

        ctx.addBytesSent(copier.count());
        ctx.completed(true);

        // 4. finish: both directions complete?
        boolean requestComplete = true;
        if (pumping) {
            if (!pump.isDone()) {
                // the upstream answered before reading the whole body: stop sending, the stream is unusable
                stopPump(pump);
                requestComplete = false;
            } else {
                pump.join();
                requestComplete = pump.succeeded();
            }
        }
        boolean upstreamReusable = requestComplete && rh.keepAlive() && !parser.framingAmbiguous()
                && rk != BodyFraming.Kind.UNTIL_CLOSE;
        up.pool().release(up, upstreamReusable);
        if (!requestComplete) {
            conn.lingerOnClose();
        }
        return clientKeep && requestComplete ? Outcome.KEEP_ALIVE : Outcome.CLOSE;
    }

    private void writeDown(ByteBuffer b) throws BodyCopier.SinkException {
        try {
            conn.writeDown(b);
        } catch (IOException e) {
            throw new BodyCopier.SinkException(e);
        }
    }

    /**
     * The transfer codings of a response other than its final chunked ("gzip" of "gzip, chunked"), or null. They are
     * hop-by-hop but describe the bytes: when Weft re-chunks the body it must keep them (RFC 9112 section 6.1).
     */
    private static String extraCodings(ResponseHead rh) {
        StringBuilder b = null;
        for (int i = rh.indexOf("transfer-encoding", 0); i >= 0; i = rh.indexOf("transfer-encoding", i + 1)) {
            for (String part : rh.value(i).split(",")) {
                String coding = part.trim();
                if (coding.isEmpty() || coding.equalsIgnoreCase("chunked")) {
                    continue;
                }
                if (b == null) {
                    b = new StringBuilder();
                } else {
                    b.append(", ");
                }
                b.append(coding);
            }
        }
        return b == null ? null : b.toString();
    }

    private void writeResponseHead(ResponseHead rh, BodyFraming.Kind rk, boolean chunkDown, boolean clientKeep,
                                   boolean client11, String codings) {
        HeadWriter w = conn.downHead();
        HeaderPlan plan = conn.responsePlan();
        w.reset();
        w.statusLine(rh.status(), rh.reason());
        for (int i = 0, n = rh.fieldCount(); i < n; i++) {
            if (rh.isHopByHop(i) || rh.isFraming(i)) {
                continue;
            }
            if (!plan.isEmpty() && plan.skips(rh, i)) {
                continue;
            }
            rh.copyField(i, w);
        }
        // framing is regenerated, never copied: one canonical Content-Length or chunked
        if (chunkDown) {
            w.field("transfer-encoding", codings == null ? "chunked" : codings + ", chunked");
        } else if (rk == BodyFraming.Kind.CONTENT_LENGTH
                || rk == BodyFraming.Kind.NONE && head.isHead() && rh.contentLength() >= 0 && rh.status() >= 200
                && rh.status() != 204 && rh.status() != 304) {
            w.field("content-length", rh.contentLength()); // a HEAD response keeps the length of the would-be body
        }
        if (!clientKeep) {
            w.field("connection", "close");
        } else if (!client11) {
            w.field("connection", "keep-alive");
        }
        if (!plan.isEmpty()) {
            plan.writeAdds(w, rh);
        }
        w.endHead();
    }

    /** Ends a request whose response head never came: a retry, a local reply, or a quiet close. */
    private Outcome failBeforeResponse(IOException e, boolean anyBytes, boolean pumping, boolean downstreamFailed) {
        RequestBodyPump pump = conn.pump();
        boolean reused = up.reused(); // before release() counts this request
        if (downstreamFailed) {
            up.pool().release(up, false);
            Exception f = pump.failure();
            if (f instanceof Http1Exception he) {
                ctx.flag(ResponseFlag.DPE);
                conn.sendLocalReply(he.violation().status(), "bad request: " + he.violation().detail() + "\n",
                        false, false, ResponseFlag.DPE, he.violation().detail());
            } else if (conn.firedReason() == Http1Connection.bodyIdleReason()) {
                conn.sendLocalReply(408, "request timeout\n", false, false, ResponseFlag.NONE,
                        "request_body_timeout");
            } else {
                ctx.flag(ResponseFlag.DC);
            }
            return Outcome.CLOSE;
        }
        boolean timedOut = up.firedReason() == UpstreamConnection.RESPONSE_TIMEOUT
                || pumping && pump.writeTimedOut(); // the upstream stopped reading the body
        up.pool().release(up, false);
        if (timedOut) {
            stats.rqTimeout.increment();
            return reply(ResponseFlag.UT, "upstream_response_timeout", pumping);
        }
        // RFC 9110 section 9.2.2: a proxy MUST NOT automatically retry a non-idempotent request
        if (allowRetry && !anyBytes && reused && !pumping && idempotent(head.method())) {
            return Outcome.RETRY;
        }
        ResponseFlag flag = Http1Connection.isReset(e) ? ResponseFlag.UR : ResponseFlag.UC;
        return reply(flag, flag == ResponseFlag.UR ? "upstream_reset_before_response_started"
                : "upstream_closed_before_response_started", pumping);
    }

    /** RFC 9110 section 9.2.2. */
    private static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    private Outcome reply(ResponseFlag flag, String detail, boolean pumping) {
        boolean keep = !pumping && head.keepAlive();
        boolean kept = conn.sendLocalReply(flag.status(), flag.body() + "\n", keep, head.isHead(), flag, detail);
        return kept ? Outcome.KEEP_ALIVE : Outcome.CLOSE;
    }

    /**
     * Stops a running body pump: the upstream is closed and the pump turns into the lingering close (it reads and
     * discards what the client still sends, bounded). The exchange waits for it in {@link #finishPump()}, after the
     * response or local reply went out, so the client is never kept waiting for it.
     */
    private void stopPump(RequestBodyPump pump) {
        if (!pump.isDone()) {
            pump.stop();
        }
        conn.lingerOnClose();
    }

    private void abortAfterHead(RequestBodyPump pump, boolean pumping) {
        up.disarm();
        Channels.closeQuietly(up.channel());
        if (pumping) {
            stopPump(pump);
        }
        up.pool().release(up, false);
    }
}
