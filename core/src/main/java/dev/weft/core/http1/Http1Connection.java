package dev.weft.core.http1;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.RequestHead;
import dev.weft.codec.http1.RequestHeadParser;
import dev.weft.core.accesslog.AccessLogEntry;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.cluster.Host;
import dev.weft.core.config.HttpOptions;
import dev.weft.core.config.ListenerConfig;
import dev.weft.core.config.RouteAction;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Addresses;
import dev.weft.core.io.Channels;
import dev.weft.core.io.Transport;
import dev.weft.core.pool.UpstreamConnection;
import dev.weft.core.proxy.RequestContext;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
import dev.weft.core.router.HeaderPlan;
import dev.weft.core.router.Route;
import dev.weft.core.time.Deadline;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * One downstream HTTP/1.1 connection, owned by its virtual thread: reads requests in order (pipelined ones too),
 * routes each, answers locally or proxies it to an upstream, and writes the response before reading the next.
 *
 * <p>A request body is pumped upstream by a second virtual thread while this one reads the response, so an upstream
 * that answers before it has read the whole body (or echoes as it reads) cannot deadlock the exchange. Only
 * {@link #state} and the deadline slot are touched by other threads.
 */
public final class Http1Connection extends Deadline implements Runnable, dev.weft.core.proxy.ServerConnection {
    private static final System.Logger LOG = System.getLogger("weft.http1");

    /** Deadline reasons for this connection's slot. */
    private static final int IDLE = 1;
    private static final int HEADERS = 2;
    private static final int BODY_IDLE = 3;
    private static final int LINGER = 4;
    /** Lingering close bounds: long enough for a client to see the response and stop sending. */
    static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    static final long LINGER_MAX_BYTES = 4L * 1024 * 1024;

    /** Connection states, read by the drain. */
    private static final int WAITING = 0;
    private static final int ACTIVE = 1;

    private static final ByteBuffer CONTINUE_100 =
            ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private final ListenerContext listener;
    private final ListenerConfig config;
    private final HttpOptions options;
    private final Transport channel;
    private final Consumer<? super Http1Connection> onClose;
    private final String remoteIp;
    private final ChannelInput in;
    private final RequestHeadParser parser;
    private final Http1RequestView view = new Http1RequestView();
    private final HeadWriter downHead = new HeadWriter();
    private final HeadWriter upHead = new HeadWriter();
    private final BodyCopier responseCopier = new BodyCopier();
    private final RequestBodyPump pump;
    private final RequestContext ctx = new RequestContext();
    private final WriteDeadline writeDeadline = new WriteDeadline();
    private final AccessLogEntry logEntry = new AccessLogEntry();
    /** "ip:port" of both ends, for the access log. */
    private final String remoteAddress;
    private final String localAddress;
    /** The route of the request in flight, or null. Owner thread only. */
    private Route route;
    /** The request's HTTP filter view; made on first use by a listener with filters. Owner thread only. */
    private dev.weft.core.filter.FilterRequest filterRequest;
    private Http1Headers filterHeaders;
    private BodyPeek bodyPeek;
    private final Http1Limits limits;
    /** A 100 (Continue) went out for the request in flight (a filter read its body first). Owner thread only. */
    private boolean continueSent;
    /** Header mutations of the request in flight: the route's, with the filters' changes in front. */
    private HeaderPlan requestPlan = HeaderPlan.EMPTY;
    private HeaderPlan responsePlan = HeaderPlan.EMPTY;
    /** The filters' response headers alone, for local replies; null when none. */
    private HeaderPlan filterReplyPlan;
    /** The query a filter left for the upstream (it removed a parameter), or null: the request's own. */
    private String filteredQuery;
    private boolean queryFiltered;
    /**
     * How long the last wait for a request took. A busy keep-alive connection keeps its TLS buffers between requests
     * (re-making them per request would cost an allocation and a read each); one whose last wait exceeded
     * {@link #IDLE_RELEASE_NANOS} releases them before it waits again. Owner thread only.
     */
    private long lastWaitNanos;
    private static final long IDLE_RELEASE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    /** When the first byte of the request being read arrived. Owner thread only. */
    private long firstByteNanos;
    private long firstByteMillis;
    private final long idleNanos;
    private final long headersNanos;

    /** Set when the connection closes with request bytes possibly unread. Owner thread only. */
    private boolean linger;
    /** WAITING between requests, ACTIVE while one is in flight; written by the owner, read by the drain. */
    private volatile int state = WAITING;

    public Http1Connection(ListenerContext listener, Transport channel, Consumer<? super Http1Connection> onClose) {
        this(listener, channel, null, onClose);
    }

    /** With {@code initial}: bytes already read from the connection (protocol detection), parsed first. */
    public Http1Connection(ListenerContext listener, Transport channel, ByteBuffer initial,
                           Consumer<? super Http1Connection> onClose) {
        this.listener = listener;
        this.config = listener.config();
        this.options = config.http();
        this.channel = channel;
        this.onClose = onClose;
        this.remoteIp = remoteIp(channel.socket());
        this.remoteAddress = address(channel.socket(), true);
        this.localAddress = address(channel.socket(), false);
        this.in = ChannelInput.pooled(channel);
        if (initial != null && initial.hasRemaining()) {
            ByteBuffer buf = in.buffer();
            buf.compact();
            buf.put(initial);
            buf.flip();
        }
        this.limits = new Http1Limits(Http1Limits.DEFAULT_MAX_REQUEST_LINE_BYTES,
                options.maxRequestHeadersKb() * 1024, options.maxRequestHeadersCount(),
                Http1Limits.DEFAULT_MAX_CHUNK_LINE_BYTES, Http1Limits.DEFAULT_MAX_TRAILER_BYTES);
        this.parser = new RequestHeadParser(limits);
        this.idleNanos = config.idleTimeout().toNanos();
        this.headersNanos = config.requestHeadersTimeout().toNanos();
        this.pump = new RequestBodyPump(in, this, limits);
    }

    private static String address(SocketChannel ch, boolean remote) {
        try {
            InetSocketAddress a = (InetSocketAddress) (remote ? ch.getRemoteAddress() : ch.getLocalAddress());
            return Addresses.of(a);
        } catch (IOException | RuntimeException e) {
            return "-";
        }
    }

    private static String remoteIp(SocketChannel ch) {
        try {
            return ((InetSocketAddress) ch.getRemoteAddress()).getAddress().getHostAddress();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Bounds every write to the client by the idle timeout: a client that stops reading must not hold an upstream
     * connection (or this thread) forever. On expiry the channel is closed; the blocked write fails.
     */
    private final class WriteDeadline extends Deadline {
        @Override
        protected void onExpired(int reason) {
            // the TCP socket: runs on the shared timer thread, which must never block on a TLS close_notify
            Channels.closeQuietly(channel.socket());
        }
    }

    @Override
    public void run() {
        listener.deadlines().register(this);
        listener.deadlines().register(writeDeadline);
        pump.register(listener.deadlines());
        try {
            while (readHead()) {
                boolean keep;
                try {
                    keep = handle();
                } finally {
                    requestEnded();
                }
                if (!keep || listener.draining()) {
                    break;
                }
            }
        } catch (IOException e) {
            // the peer went away or a timeout closed the channel: quiet, the request (if any) is accounted for
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} ended: {1}", remoteIp, e.toString());
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.WARNING, "connection from " + remoteIp + " failed", e);
        } finally {
            if (linger) {
                lingeringClose();
            }
            listener.deadlines().unregister(this);
            listener.deadlines().unregister(writeDeadline);
            pump.unregister(listener.deadlines());
            Channels.closeQuietly(channel);
            in.release(); // the pump has ended (every exchange joins it): this thread is the buffer's last user
            onClose.accept(this);
        }
    }

    /** Ask for a lingering close: the client may still be sending a body that was not read. */
    void lingerOnClose() {
        linger = true;
    }

    /** The body pump already did the lingering: closing now is safe. */
    void lingered() {
        linger = false;
    }

    /**
     * Half-closes and discards what the client still sends, for a bounded time and amount, so that the final
     * response is not destroyed by the reset that closing a socket with unread bytes causes (nginx's lingering_close).
     */
    private void lingeringClose() {
        try {
            shutdownOutputBounded();
        } catch (IOException ignored) {
            return; // the peer is gone: nothing left to protect
        }
        clearFired();
        discardUntil(in, this, System.nanoTime() + LINGER_NANOS, LINGER);
    }

    /**
     * Reads and discards until end of stream, {@code untilNanos} (System.nanoTime()) or {@link #LINGER_MAX_BYTES}:
     * the lingering close, here and in the body pump. The deadline slot {@code d} bounds each read.
     */
    static void discardUntil(ChannelInput in, Deadline d, long untilNanos, int reason) {
        ByteBuffer buf = in.buffer();
        long discarded = 0;
        try {
            while (discarded < LINGER_MAX_BYTES) {
                long left = untilNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                d.arm(left, reason);
                buf.clear().flip();
                int n = in.fill();
                if (n < 0) {
                    break;
                }
                discarded += n;
            }
        } catch (IOException ignored) {
            // the peer is gone: nothing left to protect
        } finally {
            d.disarm();
        }
    }

    /** True while no request is in flight (the drain closes such connections at once). */
    public boolean isIdle() {
        return state == WAITING;
    }

    /** Called by the drain: an idle connection stops waiting for a request; a busy one closes after its response. */
    public void closeIfIdle() {
        if (state == WAITING) {
            shutdownInput();
        }
    }

    /** Closes the connection at once (end of the drain timeout). */
    public void abort() {
        // the TCP socket, not the transport: a TLS close would try a close_notify, and this must not block
        Channels.closeQuietly(channel.socket());
    }

    @Override
    protected void onExpired(int reason) {
        // a blocked read returns end-of-stream; the owner then looks at firedReason() and can still answer (408)
        shutdownInput();
    }

    private void shutdownInput() {
        try {
            channel.shutdownInput();
        } catch (IOException ignored) {
            // already closed
        }
    }

    // ---- request head ------------------------------------------------------------------------------------------

    /** Reads the next request head; false when the connection should close (the reason is handled here). */
    private boolean readHead() throws IOException {
        state = WAITING;
        parser.reset();
        clearFired();
        boolean started = false;
        try {
            while (true) {
                ByteBuffer buf = in.buffer(); // fillIdle() may have replaced it
                if (buf.hasRemaining()) {
                    if (!started) {
                        started = true;
                        firstByteNanos = System.nanoTime();
                        firstByteMillis = System.currentTimeMillis();
                        state = ACTIVE;
                        arm(headersNanos, HEADERS);
                    }
                    if (parser.parse(buf)) {
                        disarm();
                        return true;
                    }
                }
                boolean idleWait = false;
                if (!started && !buf.hasRemaining()) {
                    arm(idleNanos, IDLE);
                    if (lastWaitNanos > IDLE_RELEASE_NANOS) {
                        // a connection that tends to sit idle gives its buffers back while it waits
                        channel.idle();
                        idleWait = true;
                    }
                }
                long waitStart = started ? 0 : System.nanoTime();
                int n = idleWait ? in.fillIdle() : in.fill();
                if (!started) {
                    lastWaitNanos = System.nanoTime() - waitStart;
                }
                if (n < 0) {
                    disarm();
                    if (started && firedReason() == HEADERS) {
                        ctx.reset(firstByteNanos, firstByteMillis); // the request began with its first byte
                        localReply(408, "request timeout\n", false, false, ResponseFlag.NONE, "request_headers_timeout");
                        listener.httpStats().headTimeout();
                        logIncomplete();
                    }
                    return false;
                }
            }
        } catch (Http1Exception e) {
            disarm();
            ctx.reset(firstByteNanos, firstByteMillis);
            ctx.flag(ResponseFlag.DPE);
            String detail = e.violation().detail();
            localReply(e.violation().status(), "bad request: " + detail + "\n", false, false, ResponseFlag.DPE, detail);
            listener.httpStats().protocolError(e.violation().status());
            logIncomplete();
            return false;
        }
    }

    // ---- one request -------------------------------------------------------------------------------------------

    /** Handles the parsed request; returns whether the connection stays open for the next one. */
    private boolean handle() throws IOException {
        RequestHead head = parser.head();
        ctx.reset(System.nanoTime());
        route = null;
        filterReplyPlan = null;
        continueSent = false;
        queryFiltered = false;
        filteredQuery = null;
        listener.httpStats().requestStarted();
        view.wrap(head);
        if (listener.accessLogged()) {
            ctx.request(head.method(), head.host(), head.target(), head.versionMinor() == 0 ? "HTTP/1.0" : "HTTP/1.1",
                    head.firstValue("user-agent"), head.firstValue("x-forwarded-for"));
        }
        BodyFraming.Kind bodyKind = BodyFraming.request(head);
        boolean hasBody = bodyKind == BodyFraming.Kind.CHUNKED
                || bodyKind == BodyFraming.Kind.CONTENT_LENGTH && head.contentLength() > 0;

        if (head.isConnect()) {
            return localReply(501, "CONNECT is not supported\n", false, head.isHead(), ResponseFlag.NONE,
                    "connect_not_supported");
        }
        dev.weft.core.filter.FilterChain filters = listener.filters();
        String pathProblem = filters.isEmpty() || !options.rejectNonCanonicalPaths() ? null
                : dev.weft.core.router.PathForm.problem(head.path());
        if (pathProblem != null) {
            // policies match one spelling of a path; another would reach the upstream unchecked (PathForm)
            return localReply(400, "bad request: " + pathProblem + "\n", !hasBody && head.keepAlive(), head.isHead(),
                    ResponseFlag.NONE, dev.weft.core.router.PathForm.DETAIL);
        }
        Route route = listener.router().route(view);
        this.route = route;
        requestPlan = route == null ? HeaderPlan.EMPTY : route.requestHeaders();
        responsePlan = route == null ? HeaderPlan.EMPTY : route.responseHeaders();
        if (!filters.isEmpty()) {
            dev.weft.core.filter.LocalReply denied = runFilters(filters, head, route, hasBody ? bodyKind : null);
            if (denied != null) {
                return filterReply(denied, head, hasBody);
            }
        }
        if (route == null) {
            return localReply(404, ResponseFlag.NR.body() + "\n", !hasBody && head.keepAlive(), head.isHead(),
                    ResponseFlag.NR, "route_not_found");
        }
        ctx.routeName(route.displayName());
        RouteAction action = route.action();
        if (action instanceof RouteAction.DirectResponse d) {
            ByteBuffer reply = LocalReplies.build(downHead, d.status(), d.contentType(), d.body(), null,
                    options.serverHeader(), keepAlive(head, hasBody), http10KeepAlive(head), head.isHead(),
                    responsePlan);
            ctx.status(d.status());
            writeDown(reply);
            ctx.completed(true);
            ctx.addBytesSent(head.isHead() ? 0 : d.body().length());
            return keepAliveOrLinger(head, hasBody);
        }
        if (action instanceof RouteAction.Redirect r) {
            String location = Redirects.location(r, route, head, view.host().isEmpty() ? localAddress : view.host());
            ByteBuffer reply = LocalReplies.build(downHead, r.responseCode(), null, "", location,
                    options.serverHeader(), keepAlive(head, hasBody), http10KeepAlive(head), head.isHead(),
                    responsePlan);
            ctx.status(r.responseCode());
            writeDown(reply);
            ctx.completed(true);
            return keepAliveOrLinger(head, hasBody);
        }
        return forward((RouteAction.Forward) action, route, head, bodyKind, hasBody);
    }

    /** Passes the request through the listener's filters; null to go on, or the reply of the filter that ended it. */
    private dev.weft.core.filter.LocalReply runFilters(dev.weft.core.filter.FilterChain filters, RequestHead head,
                                                      Route route, BodyFraming.Kind bodyKind) {
        if (filterRequest == null) {
            filterRequest = new dev.weft.core.filter.FilterRequest();
            filterHeaders = new Http1Headers();
            bodyPeek = new BodyPeek(this, limits);
        }
        dev.weft.core.filter.FilterRequest fr = filterRequest;
        fr.reset(filterHeaders.wrap(head), head.method(), channel.secure() ? "https" : "http", head.host(),
                view.host(), head.path(), head.query(), head.versionMinor() == 0 ? "HTTP/1.0" : "HTTP/1.1", channel,
                socketAddress(true), socketAddress(false), options.xffNumTrustedHops(), route);
        if (bodyKind != null) {
            fr.bodySource(bodyPeek.request(head, bodyKind));
        }
        dev.weft.core.filter.LocalReply reply = filters.run(fr);
        ctx.policy(fr.decision(), fr.metadata());
        if (fr.queryChanged()) {
            queryFiltered = true;
            filteredQuery = fr.query();
            ctx.path(filteredQuery == null ? head.path() : head.path() + "?" + filteredQuery);
        }
        dev.weft.core.filter.FilterPlans plans = dev.weft.core.filter.FilterPlans.of(fr, requestPlan, responsePlan);
        requestPlan = plans.request();
        responsePlan = plans.response();
        filterReplyPlan = plans.reply();
        return reply;
    }

    private java.net.InetSocketAddress socketAddress(boolean remote) {
        try {
            return (java.net.InetSocketAddress) (remote ? channel.socket().getRemoteAddress()
                    : channel.socket().getLocalAddress());
        } catch (IOException e) {
            return null;
        }
    }

    /** Sends the reply a filter ended the request with. */
    private boolean filterReply(dev.weft.core.filter.LocalReply r, RequestHead head, boolean hasBody)
            throws IOException {
        ctx.flag(r.flag());
        ctx.status(r.status());
        ctx.detail(r.detail());
        List<String[]> adds = new java.util.ArrayList<>(r.headers());
        adds.addAll(filterRequest.responseHeadersAdded());
        ByteBuffer reply = LocalReplies.build(downHead, r.status(), r.contentType(), r.body(), null,
                options.serverHeader(), keepAlive(head, hasBody), http10KeepAlive(head), head.isHead(),
                HeaderPlan.EMPTY.with(List.of(), filterRequest.responseHeadersSet(), adds));
        writeDown(reply);
        ctx.completed(true);
        ctx.addBytesSent(head.isHead() ? 0 : r.body().length());
        return keepAliveOrLinger(head, hasBody);
    }

    /** The request's upstream header mutations (route and filters). */
    HeaderPlan requestPlan() {
        return requestPlan;
    }

    /** The response's header mutations (route and filters). */
    HeaderPlan responsePlan() {
        return responsePlan;
    }

    private boolean keepAlive(RequestHead head, boolean hasBody) {
        return head.keepAlive() && !hasBody && !listener.draining();
    }

    /** {@link #keepAlive}; when false, the close lingers (a request body may be unread). */
    private boolean keepAliveOrLinger(RequestHead head, boolean hasBody) {
        boolean keep = keepAlive(head, hasBody);
        if (!keep) {
            linger = true;
        }
        return keep;
    }

    /** Half-closes our side, bounded like a write: over TLS it writes a close_notify the client may not read. */
    void shutdownOutputBounded() throws IOException {
        writeDeadline.arm(idleNanos, 1);
        try {
            channel.shutdownOutput();
        } finally {
            writeDeadline.disarm();
        }
    }

    /** Writes to the client, bounded by the idle timeout. */
    void writeDown(ByteBuffer b) throws IOException {
        writeDeadline.arm(idleNanos, 1);
        try {
            Channels.writeFully(channel, b);
        } finally {
            writeDeadline.disarm();
        }
    }

    /** Writes to the client, bounded by the idle timeout. */
    void writeDown(ByteBuffer[] bs) throws IOException {
        writeDeadline.arm(idleNanos, 1);
        try {
            Channels.writeFully(channel, bs);
        } finally {
            writeDeadline.disarm();
        }
    }

    Deadline writeDeadline() {
        return writeDeadline;
    }

    private static boolean http10KeepAlive(RequestHead head) {
        return head.versionMinor() == 0 && head.keepAlive();
    }

    /** Sends a local reply; returns whether the connection may stay open. */
    private boolean localReply(int status, String body, boolean keepAlive, boolean isHead, ResponseFlag flag,
                               String detail) {
        boolean keep = keepAlive && !listener.draining();
        if (!keep) {
            linger = true;
        }
        ctx.flag(flag);
        ctx.status(status);
        ctx.detail(detail);
        RequestHead head = parser.head();
        boolean http10KeepAlive = keep && head != null && head.versionMinor() == 0;
        ByteBuffer reply = LocalReplies.build(downHead, status, "text/plain; charset=utf-8", body, null,
                options.serverHeader(), keep, http10KeepAlive, isHead, filterReplyPlan);
        try {
            writeDown(reply);
        } catch (IOException e) {
            ctx.flag(ResponseFlag.DC);
            return false;
        }
        ctx.completed(true);
        ctx.addBytesSent(isHead ? 0 : body.length());
        return keep;
    }

    /** Records the stats and the access log line of the request that just ended. */
    private void requestEnded() {
        long duration = System.nanoTime() - ctx.startNanos();
        listener.httpStats().requestEnded(ctx.status(), ctx.flag(), ctx.completed(), duration);
        if (route != null && route.stats() != null) {
            route.stats().requestEnded(duration);
        }
        if (listener.accessLogged()) {
            log(duration);
        }
    }

    /** The access log line of a request refused before its head was complete (malformed or too slow). */
    private void logIncomplete() {
        if (listener.accessLogged()) {
            log(System.nanoTime() - ctx.startNanos());
        }
    }

    private void log(long durationNanos) {
        AccessLogEntry e = logEntry;
        ctx.fill(e, durationNanos, remoteAddress, localAddress, channel);
        listener.log(e);
    }

    // ---- forwarding --------------------------------------------------------------------------------------------

    private boolean forward(RouteAction.Forward fwd, Route route, RequestHead head, BodyFraming.Kind bodyKind,
                            boolean hasBody) throws IOException {
        Cluster cluster = listener.cluster(fwd.cluster());
        ctx.clusterName(fwd.cluster());
        Host host = cluster == null ? null : cluster.pick();
        if (host == null) {
            return localReply(503, ResponseFlag.UH.body() + "\n", !hasBody && head.keepAlive(), head.isHead(),
                    ResponseFlag.UH, "no_healthy_upstream");
        }
        ctx.upstreamHost(host.toString());
        host.requestStarted();
        try {
            if (host.http2Pool() != null) {
                return forwardHttp2(fwd, route, head, bodyKind, hasBody, host, cluster);
            }
            writeUpstreamHead(fwd, route, head, bodyKind, host);
            for (int attempt = 0; ; attempt++) {
                UpstreamConnection up;
                try {
                    up = host.pool().acquire(attempt > 0);
                } catch (UpstreamException e) {
                    return localReply(e.status(), e.flag().body() + "\n", !hasBody && head.keepAlive(),
                            head.isHead(), e.flag(), e.getMessage());
                }
                Exchange ex = new Exchange(this, up, fwd, route, head, bodyKind, hasBody, attempt == 0,
                        cluster.stats());
                Exchange.Outcome outcome = ex.run();
                if (outcome == Exchange.Outcome.RETRY && attempt == 0) {
                    cluster.stats().rqRetry.increment();
                    continue; // a stale keep-alive connection: once more on a fresh one
                }
                return outcome == Exchange.Outcome.KEEP_ALIVE;
            }
        } finally {
            host.requestFinished();
            host.outcome(ctx.flag() != ResponseFlag.NONE || ctx.status() >= 500 || ctx.status() == 0);
        }
    }

    /** To a cluster with {@code http2: true}: the request as one stream on a shared HTTP/2 connection. */
    private boolean forwardHttp2(RouteAction.Forward fwd, Route route, RequestHead head, BodyFraming.Kind bodyKind,
                                 boolean hasBody, Host host, Cluster cluster) throws IOException {
        dev.weft.core.pool.H2ClientConnection c;
        try {
            c = host.http2Pool().acquire();
        } catch (UpstreamException e) {
            return localReply(e.status(), e.flag().body() + "\n", !hasBody && head.keepAlive(), head.isHead(),
                    e.flag(), e.getMessage());
        }
        String authority = fwd.hostRewrite() != null ? fwd.hostRewrite() : head.host();
        if (authority == null || authority.isEmpty()) {
            authority = host.toString();
        }
        java.util.List<String[]> extra = new java.util.ArrayList<>();
        String xff = null;
        String requestId = null;
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            if (head.nameIs(i, "x-forwarded-for")) {
                xff = xff == null ? head.value(i) : xff + ", " + head.value(i);
            } else if (head.nameIs(i, "x-request-id") && requestId == null) {
                requestId = head.value(i);
            }
        }
        if (options.xffAppend()) {
            extra.add(new String[] {"x-forwarded-for", xff == null ? remoteIp : xff + ", " + remoteIp});
        } else if (xff != null) {
            extra.add(new String[] {"x-forwarded-for", xff});
        }
        extra.add(new String[] {"x-forwarded-proto", channel.secure() ? "https" : "http"});
        if (requestId == null && options.generateRequestId()) {
            requestId = requestId();
        }
        if (requestId != null) {
            ctx.requestId(requestId);
            extra.add(new String[] {"x-request-id", requestId});
        }
        java.util.List<String[]> h2 = H2UpstreamExchange.headers(head, upstreamTarget(fwd, route, head), authority,
                cluster.config().tls() != null, requestPlan, extra);
        boolean keep = new H2UpstreamExchange(this).run(c, h2, head, bodyKind, hasBody, fwd, route, cluster.stats());
        if (!keep) {
            linger = true;
        }
        return keep;
    }

    /** Builds the request head sent upstream into {@link #upHead}. */
    private void writeUpstreamHead(RouteAction.Forward fwd, Route route, RequestHead head, BodyFraming.Kind bodyKind,
                                   Host upstream) {
        HeadWriter w = upHead;
        HeaderPlan plan = requestPlan;
        w.reset();
        w.requestLine(head.method(), upstreamTarget(fwd, route, head));
        String xff = null;
        boolean hasRequestId = false;
        for (int i = 0, n = head.fieldCount(); i < n; i++) {
            if (head.isHopByHop(i) || head.isFraming(i) || head.nameIs(i, "host") || head.nameIs(i, "expect")
                    || head.nameIs(i, "x-forwarded-proto")) {
                continue;
            }
            if (!plan.isEmpty() && plan.skips(head, i)) {
                continue;
            }
            if (head.nameIs(i, "x-forwarded-for")) {
                xff = xff == null ? head.value(i) : xff + ", " + head.value(i);
                continue;
            }
            if (head.nameIs(i, "x-request-id")) {
                hasRequestId = true;
                ctx.requestId(head.value(i));
            }
            head.copyField(i, w);
        }
        String host = fwd.hostRewrite() != null ? fwd.hostRewrite() : head.host();
        if (host == null || host.isEmpty()) {
            host = upstream.toString(); // an HTTP/1.0 request without Host: HTTP/1.1 upstream needs one
        }
        w.field("host", host);
        if (options.xffAppend()) {
            w.field("x-forwarded-for", xff == null ? remoteIp : xff + ", " + remoteIp);
        } else if (xff != null) {
            w.field("x-forwarded-for", xff);
        }
        w.field("x-forwarded-proto", channel.secure() ? "https" : "http");
        if (!hasRequestId && options.generateRequestId()) {
            String id = requestId();
            ctx.requestId(id);
            w.field("x-request-id", id);
        }
        // framing is regenerated, never copied: one canonical Content-Length or chunked
        if (bodyKind == BodyFraming.Kind.CHUNKED) {
            w.field("transfer-encoding", "chunked");
        } else if (bodyKind == BodyFraming.Kind.CONTENT_LENGTH) {
            w.field("content-length", head.contentLength());
        }
        if (!plan.isEmpty()) {
            plan.writeAdds(w, head);
        }
        w.endHead();
    }

    private String upstreamTarget(RouteAction.Forward fwd, Route route, RequestHead head) {
        String path = head.path();
        if (path == null || "*".equals(path)) {
            return head.target();
        }
        if (fwd.prefixRewrite() != null) {
            String prefix = route.match().path();
            path = fwd.prefixRewrite() + path.substring(Math.min(prefix.length(), path.length()));
            if (path.isEmpty()) {
                path = "/";
            }
        }
        String q = queryFiltered ? filteredQuery : head.query();
        return q == null ? path : path + "?" + q;
    }

    private static String requestId() {
        return RequestContext.newRequestId();
    }

    // ---- accessors for Exchange and RequestBodyPump (same package) ---------------------------------------------

    Transport channel() {
        return channel;
    }

    ChannelInput input() {
        return in;
    }

    HeadWriter downHead() {
        return downHead;
    }

    HeadWriter upHead() {
        return upHead;
    }

    BodyCopier responseCopier() {
        return responseCopier;
    }

    RequestBodyPump pump() {
        return pump;
    }

    RequestContext context() {
        return ctx;
    }

    HttpOptions options() {
        return options;
    }

    long idleNanos() {
        return idleNanos;
    }

    boolean draining() {
        return listener.draining();
    }

    boolean sendLocalReply(int status, String body, boolean keepAlive, boolean isHead, ResponseFlag flag,
                           String detail) {
        return localReply(status, body, keepAlive, isHead, flag, detail);
    }

    /** Sends 100 (Continue) once per request, whoever asks first: a filter reading the body, or the exchange. */
    void sendContinue() throws IOException {
        if (!continueSent) {
            continueSent = true;
            writeDown(CONTINUE_100.duplicate());
        }
    }

    static int bodyIdleReason() {
        return BODY_IDLE;
    }

    static boolean isReset(IOException e) {
        return e instanceof SocketException && String.valueOf(e.getMessage()).contains("reset");
    }

    static boolean isClosed(IOException e) {
        return e instanceof EOFException || e instanceof ClosedChannelException;
    }
}
