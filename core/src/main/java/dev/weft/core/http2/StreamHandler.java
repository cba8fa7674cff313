package dev.weft.core.http2;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.ResponseHead;
import dev.weft.codec.http1.ResponseHeadParser;
import dev.weft.codec.http2.ErrorCode;
import dev.weft.core.accesslog.AccessLogEntry;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.cluster.Host;
import dev.weft.core.config.RouteAction;
import dev.weft.core.http1.Redirects;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.pool.H2ClientConnection;
import dev.weft.core.pool.UpstreamConnection;
import dev.weft.core.proxy.RequestContext;
import dev.weft.core.proxy.ResponseFlag;
import dev.weft.core.proxy.UpstreamException;
import dev.weft.core.router.HeaderPlan;
import dev.weft.core.router.RequestView;
import dev.weft.core.router.Route;
import dev.weft.core.router.Router;
import dev.weft.core.stats.ClusterStats;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTP/2 request on its own virtual thread: route it like an HTTP/1.1 request (same router, same actions), and
 * proxy it to an HTTP/1.1 upstream from the cluster's keep-alive pool. The request body is pumped upstream by a second
 * virtual thread while this one reads the response, so an upstream may answer before the body is through; the
 * response streams back as DATA frames as the client's windows allow.
 */
final class StreamHandler implements Runnable {

    /** Fields that are connection-specific in HTTP/1.1 and never forwarded (RFC 9113 section 8.2.2). */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "trailer", "proxy-authenticate", "proxy-authorization");
    /**
     * Trailer fields never forwarded, either way: framing, routing, hop-by-hop, authentication and content-processing
     * fields are not allowed in trailers (RFC 9110 section 6.5.1). The same list as the HTTP/1.1 path (BodyCopier).
     */
    private static final Set<String> FORBIDDEN_TRAILERS = Set.of("content-length", "transfer-encoding", "host",
            "connection", "keep-alive", "proxy-connection", "te", "upgrade", "trailer", "content-type",
            "content-encoding", "content-range", "authorization", "proxy-authorization", "set-cookie", "cookie",
            "expect", "max-forwards", "cache-control", "age", "expires", "date", "location", "retry-after", "vary",
            "www-authenticate", "proxy-authenticate", "if-match", "if-none-match", "if-modified-since",
            "if-unmodified-since", "if-range", "range");

    /*
     * Early responses: the response is ready while the client is still sending its request body (the upstream answered
     * without reading it all, or a local reply). Some clients never finish such a transfer when the response ends
     * first: curl 7.88 (curl issue 10433, fixed in curl 8) stops uploading for good once response DATA arrives on a
     * stream it still uploads on, and hangs as well after a HEADERS frame with END_STREAM that comes before its upload
     * got going; a RST_STREAM NO_ERROR after the response (RFC 9113 section 8.1, what nginx and h2o send) is a "stream
     * error" to it when it comes at once and a hang when it comes later; more WINDOW_UPDATEs do not help. HEADERS
     * without END_STREAM do not stall it. So an early response that is small and complete goes out as a server that
     * answers after the request would send it: the stream first turns to draining (the connection reads and drops the
     * rest of the body and gives its windows back), then HEADERS without END_STREAM, and once the request body has
     * ended the body (up to HOLD_MAX_BYTES, kept meanwhile) with END_STREAM. The wait is bounded in time and in bytes
     * dropped (LINGER_*); then the response ends regardless. A client that sent "expect: 100-continue" is not kept
     * waiting. An upstream response is held only once it is complete: until then the request body still goes
     * upstream, which may be reading it; a chunked one that is not complete in what was read stops being held before
     * the next read from the upstream (it may be a stream), as does one larger than HOLD_MAX_BYTES.
     */
    static final int HOLD_MAX_BYTES = 16 * 1024;
    static final long LINGER_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(2);
    static final long LINGER_MAX_BYTES = 4L * 1024 * 1024;

    private final Http2Connection conn;
    private final H2Stream s;
    private final RequestFields.Request req;
    private final RequestContext ctx = new RequestContext();
    private Route route;
    /** Header mutations of this request: the route's, with the filters' changes in front. */
    private HeaderPlan requestPlan = HeaderPlan.EMPTY;
    private HeaderPlan responsePlan = HeaderPlan.EMPTY;
    /** The filters' response headers alone, for local replies; null when none. */
    private HeaderPlan filterReplyPlan;
    private String path;
    private String query;
    /** The request body pump of the current exchange, if one runs. */
    private BodyPump pump;
    /** An early upstream response is being kept back: its head, its body so far, its trailers once complete. */
    private boolean holding;
    private List<String[]> heldHead;
    private ByteBuffer held;
    private List<String[]> heldTrailers;

    StreamHandler(Http2Connection conn, H2Stream s) {
        this.conn = conn;
        this.s = s;
        this.req = s.request;
    }

    @Override
    public void run() {
        ctx.reset(System.nanoTime());
        conn.listener.httpStats().requestStarted();
        try {
            String p = req.path();
            int q = p == null ? -1 : p.indexOf('?');
            path = q < 0 ? p : p.substring(0, q);
            query = q < 0 ? null : p.substring(q + 1);
            if (conn.listener.accessLogged()) {
                ctx.request(req.method(), req.authority(), p, "HTTP/2", req.first("user-agent"),
                        req.first("x-forwarded-for"));
            }
            handle();
        } catch (H2Stream.ResetException e) {
            ctx.flag(ResponseFlag.DC);
        } catch (Http2Connection.StreamIdleException e) {
            ctx.flag(ResponseFlag.SI);
            conn.sendReset(s.id, ErrorCode.CANCEL);
        } catch (IOException e) {
            // the connection is gone or the client stopped reading
            if (!s.responseComplete) {
                ctx.flag(ResponseFlag.DC);
            }
        } catch (RuntimeException | Error e) {
            System.getLogger("weft.http2").log(System.Logger.Level.WARNING, "stream " + s.id + " failed", e);
            conn.sendReset(s.id, ErrorCode.INTERNAL_ERROR);
        } finally {
            requestEnded();
            conn.streamEnded(s);
        }
    }

    private void handle() throws IOException {
        if ("CONNECT".equals(req.method())) {
            localReply(501, "CONNECT is not supported\n", ResponseFlag.NONE, "connect_not_supported", null);
            return;
        }
        dev.weft.core.filter.FilterChain filters = conn.listener.filters();
        String pathProblem = filters.isEmpty() || !conn.listener.config().http().rejectNonCanonicalPaths() ? null
                : dev.weft.core.router.PathForm.problem(path);
        if (pathProblem != null) {
            // policies match one spelling of a path; another would reach the upstream unchecked (PathForm)
            localReply(400, "bad request: " + pathProblem + "\n", ResponseFlag.NONE,
                    dev.weft.core.router.PathForm.DETAIL, null);
            return;
        }
        View view = new View();
        Route r = conn.listener.router().route(view);
        route = r;
        requestPlan = r == null ? HeaderPlan.EMPTY : r.requestHeaders();
        responsePlan = r == null ? HeaderPlan.EMPTY : r.responseHeaders();
        if (!filters.isEmpty() && runFilters(filters, view, r)) {
            return;
        }
        if (r == null) {
            localReply(404, ResponseFlag.NR.body() + "\n", ResponseFlag.NR, "route_not_found", null);
            return;
        }
        ctx.routeName(r.displayName());
        RouteAction action = r.action();
        if (action instanceof RouteAction.DirectResponse d) {
            List<String[]> h = new ArrayList<>();
            h.add(new String[] {":status", Integer.toString(d.status())});
            if (!d.body().isEmpty()) {
                h.add(new String[] {"content-type", d.contentType()});
            }
            h.add(new String[] {"content-length", Integer.toString(d.body().getBytes(StandardCharsets.UTF_8).length)});
            addResponsePlan(h, responsePlan);
            respond(d.status(), h, d.body());
            return;
        }
        if (action instanceof RouteAction.Redirect red) {
            String host = Router.normalizeHost(req.authority());
            String location = Redirects.location(red, r, req.authority(), path, query,
                    host == null || host.isEmpty() ? conn.localAddress : host);
            List<String[]> h = new ArrayList<>();
            h.add(new String[] {":status", Integer.toString(red.responseCode())});
            h.add(new String[] {"location", location});
            h.add(new String[] {"content-length", "0"});
            addResponsePlan(h, responsePlan);
            respond(red.responseCode(), h, "");
            return;
        }
        forward((RouteAction.Forward) action, r);
    }

    /** Runs the listener's filters; true when one of them answered the request. */
    private boolean runFilters(dev.weft.core.filter.FilterChain filters, View view, Route r) throws IOException {
        dev.weft.core.filter.FilterRequest fr = new dev.weft.core.filter.FilterRequest();
        java.net.InetSocketAddress remote = null;
        java.net.InetSocketAddress local = null;
        try {
            remote = (java.net.InetSocketAddress) conn.channel.socket().getRemoteAddress();
            local = (java.net.InetSocketAddress) conn.channel.socket().getLocalAddress();
        } catch (IOException e) {
            // closed under us: the filters see no addresses, the stream ends anyway
        }
        fr.reset(dev.weft.core.filter.FilterRequest.of(req.fields()), req.method(),
                req.scheme() == null ? (conn.channel.secure() ? "https" : "http") : req.scheme(), req.authority(),
                view.host, path, query, "HTTP/2", conn.channel, remote, local,
                conn.listener.config().http().xffNumTrustedHops(), r);
        if (!(s.inputEnded() && s.noQueuedInput())) {
            fr.bodySource(max -> s.peek(max, conn.streamIdleNanos()));
        }
        dev.weft.core.filter.LocalReply reply = filters.run(fr);
        ctx.policy(fr.decision(), fr.metadata());
        if (fr.queryChanged()) {
            query = fr.query(); // a filter removed a parameter (e.g. a checked access token) from the upstream's view
            ctx.path(query == null ? path : path + "?" + query);
        }
        dev.weft.core.filter.FilterPlans plans = dev.weft.core.filter.FilterPlans.of(fr, requestPlan, responsePlan);
        requestPlan = plans.request();
        responsePlan = plans.response();
        filterReplyPlan = plans.reply();
        if (reply == null) {
            return false;
        }
        ctx.flag(reply.flag());
        ctx.detail(reply.detail());
        byte[] body = reply.body().getBytes(StandardCharsets.UTF_8);
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {":status", Integer.toString(reply.status())});
        if (body.length > 0) {
            h.add(new String[] {"content-type", reply.contentType()});
        }
        h.add(new String[] {"content-length", Integer.toString(body.length)});
        if (conn.listener.config().http().serverHeader() != null) {
            h.add(new String[] {"server", conn.listener.config().http().serverHeader()});
        }
        for (String[] f : reply.headers()) {
            h.add(new String[] {f[0].toLowerCase(Locale.ROOT), f[1]});
        }
        for (String[] f : fr.responseHeadersSet()) {
            h.add(f);
        }
        for (String[] f : fr.responseHeadersAdded()) {
            h.add(f);
        }
        respond(reply.status(), h, reply.body());
        return true;
    }

    /** The router's view of this request. */
    private final class View implements RequestView {
        private final String host = Router.normalizeHost(req.authority() == null ? "" : req.authority());

        @Override
        public String method() {
            return req.method();
        }

        @Override
        public String host() {
            return host;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public String query() {
            return query;
        }

        @Override
        public String header(String lowerName) {
            return req.joined(lowerName);
        }
    }

    // ---- local replies ------------------------------------------------------------------------------------------------

    private void localReply(int status, String body, ResponseFlag flag, String detail, HeaderPlan plan)
            throws IOException {
        if (flag != ResponseFlag.NONE) {
            ctx.flag(flag);
        }
        ctx.detail(detail);
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {":status", Integer.toString(status)});
        h.add(new String[] {"content-type", "text/plain"});
        h.add(new String[] {"content-length", Integer.toString(body.length())});
        if (conn.listener.config().http().serverHeader() != null) {
            h.add(new String[] {"server", conn.listener.config().http().serverHeader()});
        }
        if (plan != null) {
            addResponsePlan(h, plan);
        } else if (filterReplyPlan != null) {
            addResponsePlan(h, filterReplyPlan);
        }
        respond(status, h, body);
    }

    private void respond(int status, List<String[]> headers, String body) throws IOException {
        ctx.status(status);
        boolean noBody = body.isEmpty() || "HEAD".equals(req.method());
        if (mayHold()) {
            // an early local reply (see HOLD_MAX_BYTES): draining first, then the head, the body once the request ended
            stopPump();
            drainRequestBody();
            conn.sendHeaders(s, headers, false);
            awaitRequestEnd();
            byte[] b = noBody ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (b.length == 0) {
                conn.endStream(s);
            } else {
                conn.sendData(s, ByteBuffer.wrap(b), true);
            }
            ctx.addBytesSent(b.length);
            ctx.completed(true);
            return;
        }
        conn.sendHeaders(s, headers, noBody);
        if (!noBody) {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            conn.sendData(s, ByteBuffer.wrap(b), true);
            ctx.addBytesSent(b.length);
        }
        ctx.completed(true);
    }

    private static void addResponsePlan(List<String[]> h, HeaderPlan plan) {
        if (plan.isEmpty()) {
            return;
        }
        h.removeIf(f -> !f[0].startsWith(":") && plan.removes(f[0]));
        plan.writeAdds((n, v) -> h.add(new String[] {n.toLowerCase(Locale.ROOT), v}),
                n -> h.stream().anyMatch(f -> f[0].equals(n)));
    }

    // ---- forwarding ---------------------------------------------------------------------------------------------------

    private void forward(RouteAction.Forward fwd, Route r) throws IOException {
        Cluster cluster = conn.listener.cluster(fwd.cluster());
        ctx.clusterName(fwd.cluster());
        Host host = cluster == null ? null : cluster.pick();
        if (host == null) {
            localReply(503, ResponseFlag.UH.body() + "\n", ResponseFlag.UH, "no_healthy_upstream", null);
            return;
        }
        ctx.upstreamHost(host.toString());
        host.requestStarted();
        try {
            if (host.http2Pool() != null) {
                forwardH2(fwd, r, host, cluster);
                return;
            }
            ByteBuffer head = upstreamHead(fwd, r, host);
            boolean hasBody = !s.inputEnded() || req.contentLength() > 0 || !s.noQueuedInput();
            for (int attempt = 0; ; attempt++) {
                UpstreamConnection up;
                try {
                    up = host.pool().acquire(attempt > 0);
                } catch (UpstreamException e) {
                    localReply(e.status(), e.flag().body() + "\n", e.flag(), e.getMessage(), null);
                    return;
                }
                head.rewind();
                if (exchange(fwd, r, up, head, hasBody, attempt == 0, cluster.stats())) {
                    return;
                }
                cluster.stats().rqRetry.increment(); // a stale keep-alive connection: once more on a fresh one
            }
        } finally {
            host.requestFinished();
            host.outcome(ctx.flag() != ResponseFlag.NONE || ctx.status() >= 500 || ctx.status() == 0);
        }
    }

    /** HTTP/2 to an HTTP/2 upstream: one stream on a shared connection; trailers (gRPC status) pass through. */
    private void forwardH2(RouteAction.Forward fwd, Route r, Host host, Cluster cluster) throws IOException {
        ClusterStats stats = cluster.stats();
        List<String[]> h = upstreamH2Head(fwd, r, host, cluster.config().tls() != null);
        H2ClientConnection c; // holds a reserved stream slot until open() (or its failure) takes it
        try {
            c = host.http2Pool().acquire();
        } catch (UpstreamException e) {
            localReply(e.status(), e.flag().body() + "\n", e.flag(), e.getMessage(), null);
            return;
        }
        long start = System.nanoTime();
        stats.rqTotal.increment();
        stats.rqActive.increment();
        ctx.upstreamStarted(start);
        boolean bodyless = s.inputEnded() && s.noQueuedInput();
        H2ClientConnection.Stream us;
        try {
            us = c.open(h, bodyless);
        } catch (IOException e) {
            stats.rqActive.decrement();
            localReply(ResponseFlag.UC.status(), ResponseFlag.UC.body() + "\n", ResponseFlag.UC,
                    "upstream_closed_before_response_started", null);
            return;
        }
        s.onReset = us::cancel;
        Thread pump = null;
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        try {
            if (!bodyless) {
                // never interrupted: an interrupt during a write would close the shared upstream connection
                pump = Thread.ofVirtual().start(() -> {
                    long idle = conn.streamIdleNanos();
                    long slice = Math.min(idle, 100_000_000L);
                    try {
                        long waited = 0;
                        while (!stop.get()) {
                            ByteBuffer chunk;
                            try {
                                chunk = s.take(slice);
                            } catch (java.io.InterruptedIOException e) {
                                waited += slice;
                                if (waited >= idle) {
                                    requestBodyStalled(); // cancels the upstream stream (onReset)
                                    return;
                                }
                                continue;
                            }
                            waited = 0;
                            if (chunk == null) {
                                us.end(s.trailers());
                                return;
                            }
                            int n = chunk.remaining();
                            try {
                                us.write(chunk, false, idle);
                                ctx.addBytesReceived(n);
                            } finally {
                                conn.consumed(s, n);
                            }
                        }
                    } catch (IOException e) {
                        us.cancel();
                    }
                });
            }
            long timeout = fwd.timeout().isZero() ? Long.MAX_VALUE : fwd.timeout().toNanos();
            List<String[]> head;
            try {
                head = us.awaitHead(timeout);
            } catch (H2ClientConnection.UpstreamTimeoutException e) {
                us.cancel();
                stats.rqTimeout.increment();
                localReply(504, ResponseFlag.UT.body() + "\n", ResponseFlag.UT, "upstream_response_timeout", null);
                return;
            } catch (IOException e) {
                s.checkReset();
                ResponseFlag flag = e.getMessage() != null && e.getMessage().contains("reset") ? ResponseFlag.UR
                        : ResponseFlag.UC;
                localReply(flag.status(), flag.body() + "\n", flag, flag == ResponseFlag.UR
                        ? "upstream_reset_before_response_started" : "upstream_closed_before_response_started", null);
                return;
            }
            int status = Integer.parseInt(head.get(0)[1]);
            ctx.status(status);
            ctx.upstreamHeadArrived(System.nanoTime());
            stats.responseStatus(status);
            List<String[]> out = new ArrayList<>(head.size() + 2);
            HeaderPlan plan = responsePlan;
            for (String[] f : head) {
                if (!f[0].startsWith(":") && (HOP_BY_HOP.contains(f[0]) || !plan.isEmpty() && plan.removes(f[0]))) {
                    continue;
                }
                out.add(f);
            }
            if (!plan.isEmpty()) {
                plan.writeAdds((n, v) -> out.add(new String[] {n.toLowerCase(Locale.ROOT), v}),
                        n -> head.stream().anyMatch(f -> f[0].equals(n)) && !plan.removes(n));
            }
            if (us.ended() && us.trailers().isEmpty()) {
                conn.sendHeaders(s, out, true); // a head-only response (gRPC trailers-only included)
            } else {
                conn.sendHeaders(s, out, false);
                long sent = 0;
                try {
                    ByteBuffer chunk;
                    while ((chunk = us.next(conn.idleNanos())) != null) {
                        int n = chunk.remaining();
                        conn.sendData(s, chunk, false);
                        us.consumed(n);
                        sent += n;
                    }
                } catch (H2Stream.ResetException | Http2Connection.StreamIdleException e) {
                    us.cancel();
                    throw e;
                } catch (IOException e) {
                    us.cancel();
                    s.checkReset(); // the client reset or the request body stalled: not the upstream's failure
                    ctx.flag(ResponseFlag.UC);
                    conn.sendReset(s.id, ErrorCode.INTERNAL_ERROR);
                    return;
                }
                List<String[]> trailers = us.trailers();
                if (trailers.isEmpty()) {
                    conn.endStream(s);
                } else {
                    conn.sendHeaders(s, trailers, true);
                }
                ctx.addBytesSent(sent);
            }
            ctx.completed(true);
            stats.rqTime.recordNanos(System.nanoTime() - start);
            us.done();
        } finally {
            s.onReset = null;
            stop.set(true);
            stats.rqActive.decrement();
        }
    }

    /** The request head for an HTTP/2 upstream: pseudo-headers, then the fields (te: trailers kept for gRPC). */
    private List<String[]> upstreamH2Head(RouteAction.Forward fwd, Route r, Host upstream, boolean tls) {
        HeaderPlan plan = requestPlan;
        String target = path == null ? "/" : path;
        if (fwd.prefixRewrite() != null) {
            String prefix = r.match().path();
            target = fwd.prefixRewrite() + target.substring(Math.min(prefix.length(), target.length()));
            if (target.isEmpty()) {
                target = "/";
            }
        }
        String authority = fwd.hostRewrite() != null ? fwd.hostRewrite() : req.authority();
        List<String[]> h = new ArrayList<>();
        h.add(new String[] {":method", req.method()});
        h.add(new String[] {":scheme", tls ? "https" : "http"});
        h.add(new String[] {":authority", authority == null || authority.isEmpty() ? upstream.toString() : authority});
        h.add(new String[] {":path", query == null ? target : target + "?" + query});
        String xff = null;
        boolean hasRequestId = false;
        for (String[] f : req.fields()) {
            String n = f[0];
            if (n.equals("te")) {
                h.add(f); // only "trailers" gets past the validator; gRPC needs it
                continue;
            }
            if (HOP_BY_HOP.contains(n) || n.equals("host") || n.equals("x-forwarded-proto")) {
                continue;
            }
            if (!plan.isEmpty() && plan.removes(n)) {
                continue;
            }
            if (n.equals("x-forwarded-for")) {
                xff = xff == null ? f[1] : xff + ", " + f[1];
                continue;
            }
            if (n.equals("x-request-id")) {
                hasRequestId = true;
                ctx.requestId(f[1]);
            }
            h.add(f);
        }
        var options = conn.listener.config().http();
        if (options.xffAppend()) {
            h.add(new String[] {"x-forwarded-for", xff == null ? conn.remoteIp : xff + ", " + conn.remoteIp});
        } else if (xff != null) {
            h.add(new String[] {"x-forwarded-for", xff});
        }
        h.add(new String[] {"x-forwarded-proto", conn.channel.secure() ? "https" : "http"});
        if (!hasRequestId && options.generateRequestId()) {
            String id = requestId();
            ctx.requestId(id);
            h.add(new String[] {"x-request-id", id});
        }
        if (!plan.isEmpty()) {
            plan.writeAdds((n, v) -> h.add(new String[] {n.toLowerCase(Locale.ROOT), v}), n -> req.first(n) != null);
        }
        return h;
    }

    /** The HTTP/1.1 request head for the upstream. */
    private ByteBuffer upstreamHead(RouteAction.Forward fwd, Route r, Host upstream) {
        HeadWriter w = new HeadWriter();
        HeaderPlan plan = requestPlan;
        String target = path;
        if (fwd.prefixRewrite() != null && target != null) {
            String prefix = r.match().path();
            target = fwd.prefixRewrite() + target.substring(Math.min(prefix.length(), target.length()));
            if (target.isEmpty()) {
                target = "/";
            }
        }
        if (target == null) {
            target = "/";
        }
        w.requestLine(req.method(), query == null ? target : target + "?" + query);
        String xff = null;
        boolean hasRequestId = false;
        String cookie = null;
        for (String[] f : req.fields()) {
            String n = f[0];
            if (HOP_BY_HOP.contains(n) || n.equals("host") || n.equals("content-length") || n.equals("expect")
                    || n.equals("x-forwarded-proto")) {
                continue;
            }
            if (!plan.isEmpty() && plan.removes(n)) {
                continue;
            }
            if (n.equals("cookie")) {
                cookie = cookie == null ? f[1] : cookie + "; " + f[1]; // RFC 9113 section 8.2.3
                continue;
            }
            if (n.equals("x-forwarded-for")) {
                xff = xff == null ? f[1] : xff + ", " + f[1];
                continue;
            }
            if (n.equals("x-request-id")) {
                hasRequestId = true;
                ctx.requestId(f[1]);
            }
            w.field(n, f[1]);
        }
        if (cookie != null) {
            w.field("cookie", cookie);
        }
        String authority = fwd.hostRewrite() != null ? fwd.hostRewrite() : req.authority();
        w.field("host", authority == null || authority.isEmpty() ? upstream.toString() : authority);
        var options = conn.listener.config().http();
        if (options.xffAppend()) {
            w.field("x-forwarded-for", xff == null ? conn.remoteIp : xff + ", " + conn.remoteIp);
        } else if (xff != null) {
            w.field("x-forwarded-for", xff);
        }
        w.field("x-forwarded-proto", conn.channel.secure() ? "https" : "http");
        if (!hasRequestId && options.generateRequestId()) {
            String id = requestId();
            ctx.requestId(id);
            w.field("x-request-id", id);
        }
        if (req.contentLength() >= 0) {
            w.field("content-length", req.contentLength());
        } else if (!s.inputEnded() || !s.noQueuedInput()) {
            w.field("transfer-encoding", "chunked");
        }
        if (!plan.isEmpty()) {
            plan.writeAdds(w::field, n -> req.first(n) != null);
        }
        w.endHead();
        return w.buffer(); // this stream's own writer: no copy needed, and a retry rewinds it
    }

    /** One attempt; false to retry on a fresh connection (a stale keep-alive one failed before any response). */
    private boolean exchange(RouteAction.Forward fwd, Route r, UpstreamConnection up, ByteBuffer head,
                             boolean hasBody, boolean allowRetry, ClusterStats stats) throws IOException {
        long start = System.nanoTime();
        stats.rqTotal.increment();
        stats.rqActive.increment();
        ctx.upstreamStarted(start);
        s.onReset = () -> Channels.closeQuietly(up.channel());
        pump = null;
        holding = false;
        heldHead = null;
        held = null;
        heldTrailers = null;
        try {
            checkReset(up);
            try {
                up.arm(conn.idleNanos(), UpstreamConnection.IDLE);
                Channels.writeFully(up.transport(), head);
            } catch (IOException e) {
                return failBeforeResponse(up, e, false, allowRetry && !hasBody, stats);
            } finally {
                up.disarm();
            }
            if (hasBody) {
                pump = new BodyPump(up, req.contentLength() < 0);
                pump.thread = Thread.ofVirtual().unstarted(pump);
                pump.thread.start();
            }
            up.arm(fwd.timeout().toNanos(), UpstreamConnection.RESPONSE_TIMEOUT);
            ResponseHeadParser parser = up.headParser();
            ChannelInput uin = up.input();
            ByteBuffer ubuf = uin.buffer();
            try {
                up.readResponseHead();
            } catch (IOException e) {
                checkReset(up);
                return failBeforeResponse(up, e, up.responseBytesSeen(), allowRetry && !hasBody, stats);
            } catch (Http1Exception e) {
                up.pool().release(up, false);
                localReply(502, ResponseFlag.UPE.body() + "\n", ResponseFlag.UPE,
                        "upstream_invalid_response:" + e.violation().detail(), null);
                return true;
            } finally {
                up.disarm();
            }

            ResponseHead rh = parser.head();
            BodyFraming.Kind rk = BodyFraming.response(req.method(), rh);
            ctx.status(rh.status());
            ctx.upstreamHeadArrived(System.nanoTime());
            stats.responseStatus(rh.status());
            List<String[]> h = new ArrayList<>(rh.fieldCount() + 2);
            h.add(new String[] {":status", Integer.toString(rh.status())});
            HeaderPlan plan = responsePlan;
            for (int i = 0, n = rh.fieldCount(); i < n; i++) {
                if (rh.isHopByHop(i) || rh.nameIs(i, "transfer-encoding") || rh.nameIs(i, "content-length")
                        || rh.nameIs(i, "keep-alive") || rh.nameIs(i, "proxy-connection")) {
                    continue;
                }
                if (!plan.isEmpty() && plan.skips(rh, i)) {
                    continue;
                }
                h.add(new String[] {rh.name(i).toLowerCase(Locale.ROOT), rh.value(i)});
            }
            if (rk == BodyFraming.Kind.CONTENT_LENGTH || "HEAD".equals(req.method()) && rh.contentLength() >= 0) {
                h.add(new String[] {"content-length", Long.toString(rh.contentLength())});
            }
            if (!plan.isEmpty()) {
                plan.writeAdds((n, v) -> h.add(new String[] {n.toLowerCase(Locale.ROOT), v}),
                        n -> rh.indexOf(n, 0) >= 0 && !plan.removes(n));
            }
            boolean noBody = rk == BodyFraming.Kind.NONE
                    || rk == BodyFraming.Kind.CONTENT_LENGTH && rh.contentLength() == 0;
            // an early response that is small (no body, a length that fits, or chunked up to what fits) is kept back
            // until it is complete, then sent as HOLD_MAX_BYTES describes; a body read until close is never held
            holding = mayHold() && (noBody || rk == BodyFraming.Kind.CHUNKED
                    || rk == BodyFraming.Kind.CONTENT_LENGTH && rh.contentLength() <= HOLD_MAX_BYTES);
            if (holding) {
                heldHead = h;
            } else {
                conn.sendHeaders(s, h, noBody);
            }
            long sent = 0;
            boolean reusable;
            up.arm(conn.idleNanos(), UpstreamConnection.IDLE);
            try {
                switch (rk) {
                    case NONE -> { }
                    case CONTENT_LENGTH -> sent = copyFixed(uin, rh.contentLength());
                    case CHUNKED -> sent = copyChunked(uin, up.chunked());
                    case UNTIL_CLOSE -> sent = copyUntilClose(uin);
                }
            } catch (H2Stream.ResetException | Http2Connection.StreamIdleException e) {
                holding = false;
                Channels.closeQuietly(up.channel());
                up.pool().release(up, false);
                throw e;
            } catch (IOException | Http1Exception e) {
                // the upstream failed mid-body: the client learns it from a reset
                holding = false;
                Channels.closeQuietly(up.channel());
                up.pool().release(up, false);
                s.checkReset(); // the client reset or the request body stalled: not the upstream's failure
                ctx.flag(e instanceof Http1Exception ? ResponseFlag.UPE : ResponseFlag.UC);
                conn.sendReset(s.id, ErrorCode.INTERNAL_ERROR);
                return true;
            } finally {
                up.disarm();
            }
            ctx.addBytesSent(sent);
            ctx.completed(true);
            stats.rqTime.recordNanos(System.nanoTime() - start);
            boolean requestComplete = pump == null || pump.finish();
            reusable = requestComplete && rh.keepAlive() && !parser.framingAmbiguous()
                    && rk != BodyFraming.Kind.UNTIL_CLOSE;
            up.pool().release(up, reusable);
            if (holding) {
                finishHeld();
            }
            return true;
        } finally {
            s.onReset = null;
            stopPump();
            stats.rqActive.decrement();
        }
    }

    /**
     * {@link H2Stream#checkReset}, giving the borrowed upstream connection back (closed) before it throws: the client
     * reset the stream, or its request body stalled (the pump closed the connection already).
     */
    private void checkReset(UpstreamConnection up) throws IOException {
        if (s.isReset()) {
            up.pool().release(up, false);
            s.checkReset();
        }
    }

    /**
     * The request body stalled for stream_idle_timeout (seen by a body pump): counted, the upstream exchange aborted,
     * and the handler resets the stream with flag SI when it next checks the stream.
     */
    private void requestBodyStalled() {
        if (s.timeOutIdle()) {
            conn.h2stats.streamIdleTimeout.increment();
        }
    }

    private boolean failBeforeResponse(UpstreamConnection up, IOException e, boolean anyBytes, boolean mayRetry,
                                       ClusterStats stats) throws IOException {
        boolean reused = up.reused();
        boolean timedOut = up.firedReason() == UpstreamConnection.RESPONSE_TIMEOUT;
        up.pool().release(up, false);
        if (timedOut) {
            stats.rqTimeout.increment();
            localReply(504, ResponseFlag.UT.body() + "\n", ResponseFlag.UT, "upstream_response_timeout", null);
            return true;
        }
        if (mayRetry && !anyBytes && reused && idempotent(req.method())) {
            return false;
        }
        boolean reset = e.getMessage() != null && e.getMessage().contains("reset");
        ResponseFlag flag = reset ? ResponseFlag.UR : ResponseFlag.UC;
        localReply(flag.status(), flag.body() + "\n", flag, reset ? "upstream_reset_before_response_started"
                : "upstream_closed_before_response_started", null);
        return true;
    }

    private static boolean idempotent(String method) {
        return switch (method) {
            case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
            default -> false;
        };
    }

    // ---- response body ------------------------------------------------------------------------------------------------

    private long copyFixed(ChannelInput uin, long length) throws IOException {
        long left = length;
        while (left > 0) {
            ByteBuffer buf = uin.buffer();
            if (!buf.hasRemaining()) {
                if (uin.fill() < 0) {
                    throw new EOFException("upstream closed " + left + " bytes before the end of the body");
                }
                continue;
            }
            int n = (int) Math.min(left, buf.remaining());
            int limit = buf.limit();
            buf.limit(buf.position() + n);
            try {
                data(buf, left == n);
            } finally {
                buf.limit(limit);
            }
            left -= n;
        }
        return length;
    }

    private long copyChunked(ChannelInput uin, ChunkedDecoder decoder) throws IOException, Http1Exception {
        decoder.reset();
        long total = 0;
        while (true) {
            ByteBuffer buf = uin.buffer();
            long n = decoder.next(buf);
            if (n > 0) {
                int limit = buf.limit();
                buf.limit(buf.position() + (int) n);
                try {
                    data(buf, false);
                } finally {
                    buf.limit(limit);
                }
                total += n;
            } else if (n == ChunkedDecoder.END) {
                List<String[]> trailers = new ArrayList<>();
                for (int i = 0, c = decoder.trailerCount(); i < c; i++) {
                    String name = decoder.trailerName(i).toLowerCase(Locale.ROOT);
                    if (!FORBIDDEN_TRAILERS.contains(name)) {
                        trailers.add(new String[] {name, decoder.trailerValue(i)});
                    }
                }
                if (holding) {
                    heldTrailers = trailers; // complete: sent by finishHeld
                } else if (trailers.isEmpty()) {
                    conn.endStream(s);
                } else {
                    conn.sendHeaders(s, trailers, true);
                }
                return total;
            } else {
                if (holding && held != null && held.position() > 0) {
                    releaseHold(); // a chunked body may be a stream: what came is not kept back while more is awaited
                }
                if (uin.fill() < 0) {
                    throw new EOFException("upstream closed inside a chunked body");
                }
            }
        }
    }

    private long copyUntilClose(ChannelInput uin) throws IOException {
        long total = 0;
        while (true) {
            ByteBuffer buf = uin.buffer();
            if (!buf.hasRemaining()) {
                if (uin.fill() < 0) {
                    conn.endStream(s);
                    return total;
                }
                continue;
            }
            total += buf.remaining();
            conn.sendData(s, buf, false);
        }
    }

    // ---- early responses ----------------------------------------------------------------------------------------------

    /**
     * Whether a response that is about to be complete should keep its body back: the client is still sending the
     * request body, and did not ask to be told before it sends (expect: 100-continue).
     */
    private boolean mayHold() {
        return !s.inputEnded() && req.first("expect") == null;
    }

    /** Response body bytes out: sent, or kept back while {@link #holding} and they fit. */
    private void data(ByteBuffer buf, boolean last) throws IOException {
        if (holding) {
            if (held == null) {
                held = ByteBuffer.allocate(HOLD_MAX_BYTES);
            }
            if (buf.remaining() <= held.remaining()) {
                held.put(buf);
                return; // the end of the body is seen by finishHeld
            }
            releaseHold();
        }
        conn.sendData(s, buf, last);
    }

    /** Stops holding an upstream response that is not complete: its head and what was kept go out, the rest streams. */
    private void releaseHold() throws IOException {
        if (!holding) {
            return;
        }
        holding = false;
        conn.sendHeaders(s, heldHead, false);
        heldHead = null;
        ByteBuffer b = held;
        held = null;
        if (b != null && b.position() > 0) {
            b.flip();
            conn.sendData(s, b, false);
        }
    }

    /** The held upstream response is complete: send it as HOLD_MAX_BYTES describes. */
    private void finishHeld() throws IOException {
        holding = false;
        ByteBuffer b = held == null ? ByteBuffer.allocate(0) : held.flip();
        List<String[]> trailers = heldTrailers == null ? List.of() : heldTrailers;
        List<String[]> head = heldHead;
        heldHead = null;
        held = null;
        heldTrailers = null;
        stopPump();
        drainRequestBody();
        conn.sendHeaders(s, head, false);
        awaitRequestEnd();
        if (!trailers.isEmpty()) {
            if (b.hasRemaining()) {
                conn.sendData(s, b, false);
            }
            conn.sendHeaders(s, trailers, true);
        } else if (b.hasRemaining()) {
            conn.sendData(s, b, true);
        } else {
            conn.endStream(s);
        }
    }

    /**
     * Turns the stream to draining ({@link H2Stream#discard}): the connection reads and drops the rest of the request
     * body and gives its windows back, up to {@link #LINGER_MAX_BYTES}. Dropped, not taken: a client that ends its
     * body short once it sees the response head (curl does on a 3xx or 4xx) is not malformed for it. No pump may run.
     */
    private void drainRequestBody() {
        int queued = s.discard(LINGER_MAX_BYTES);
        if (queued > 0) {
            conn.consumed(s, queued);
        }
    }

    /** Waits, at most {@link #LINGER_NANOS}, until the draining stream's request body ended (or was reset). */
    private void awaitRequestEnd() throws IOException {
        s.awaitDrained(LINGER_NANOS);
        s.checkReset();
    }

    /** Stops the request body pump, if one runs, and waits (bounded) for it. */
    private void stopPump() {
        BodyPump p = pump;
        if (p != null) {
            p.stop();
        }
    }

    // ---- request body -------------------------------------------------------------------------------------------------

    /**
     * Copies the stream's DATA to the upstream (chunk-encoded when the length is unknown) on its own thread.
     *
     * <p>{@link #stop} interrupts the pump to end a blocked wait for DATA or write to the upstream. The interrupt must
     * never reach a write to the client's connection, which the pump also does when it gives the windows back: an
     * interrupted write to a channel closes the channel (ClosedByInterruptException), that is the client's whole
     * HTTP/2 connection with every stream on it. So the window credit runs with the interrupt cleared and shielded
     * ({@link #credit}), and the pump checks for a stop after it.
     */
    private final class BodyPump implements Runnable {
        private final UpstreamConnection up;
        private final boolean chunked;
        private final ByteBuffer chunkHead = ByteBuffer.allocate(20);
        volatile Thread thread;
        private volatile boolean done;
        private volatile boolean succeeded;
        private final java.util.concurrent.locks.ReentrantLock gate = new java.util.concurrent.locks.ReentrantLock();
        /** Guarded by gate. */
        private boolean stopping;
        /** Guarded by gate: the pump writes to the client's connection and must not be interrupted. */
        private boolean crediting;

        BodyPump(UpstreamConnection up, boolean chunked) {
            this.up = up;
            this.chunked = chunked;
        }

        @Override
        public void run() {
            int taken = 0; // bytes taken from the stream and not yet given back to its windows
            try {
                long streamIdle = conn.streamIdleNanos();
                while (true) {
                    if (stopping()) {
                        throw new java.io.InterruptedIOException("request body pump stopped");
                    }
                    ByteBuffer chunk;
                    try {
                        chunk = s.take(streamIdle);
                    } catch (java.io.InterruptedIOException e) {
                        if (!stopping()) {
                            requestBodyStalled(); // closes the upstream connection (onReset)
                        }
                        throw e;
                    }
                    if (chunk == null) {
                        break;
                    }
                    int n = chunk.remaining();
                    taken = n;
                    if (chunked && n > 0) {
                        chunkHead.clear();
                        HeadWriter.writeChunkHeader(chunkHead, n);
                        chunkHead.flip();
                        Channels.writeFully(up.transport(), chunkHead);
                    }
                    Channels.writeFully(up.transport(), chunk);
                    if (chunked && n > 0) {
                        chunkHead.clear();
                        HeadWriter.writeChunkEnd(chunkHead);
                        chunkHead.flip();
                        Channels.writeFully(up.transport(), chunkHead);
                    }
                    ctx.addBytesReceived(n);
                    taken = 0;
                    credit(n);
                }
                if (chunked) {
                    HeadWriter t = new HeadWriter();
                    t.lastChunk();
                    for (String[] f : s.trailers()) {
                        if (!FORBIDDEN_TRAILERS.contains(f[0])) {
                            t.field(f[0], f[1]);
                        }
                    }
                    t.endHead();
                    Channels.writeFully(up.transport(), t.buffer());
                }
                succeeded = true;
            } catch (IOException e) {
                if (!s.isReset()) {
                    // the body stalled or the upstream stopped taking it: end the exchange
                    Channels.closeQuietly(up.channel());
                }
            } finally {
                if (taken > 0) {
                    // a chunk taken but not forwarded (stopped, or the upstream went away): its bytes still count
                    // against the connection's window, which every other stream shares; give them back
                    credit(taken);
                }
                done = true;
            }
        }

        /** Gives {@code n} bytes back to the stream's and connection's windows, shielded from {@link #stop}. */
        private void credit(int n) {
            gate.lock();
            try {
                crediting = true;
            } finally {
                gate.unlock();
            }
            Thread.interrupted(); // a stop's interrupt was meant for the wait or the upstream, not for this write
            try {
                conn.consumed(s, n);
            } finally {
                gate.lock();
                try {
                    crediting = false;
                } finally {
                    gate.unlock();
                }
            }
        }

        private boolean stopping() {
            gate.lock();
            try {
                return stopping;
            } finally {
                gate.unlock();
            }
        }

        /** Waits for the body to be through; true when all of it went upstream. */
        boolean finish() {
            Thread t = thread;
            if (t != null && !done) {
                try {
                    t.join(java.time.Duration.ofMillis(20));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return done && succeeded;
        }

        void stop() {
            Thread t = thread;
            if (t != null && !done) {
                gate.lock();
                try {
                    stopping = true;
                    if (!crediting) {
                        t.interrupt(); // else the pump sees stopping once its credit is written
                    }
                } finally {
                    gate.unlock();
                }
                try {
                    t.join(java.time.Duration.ofSeconds(1));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    // ---- accounting ---------------------------------------------------------------------------------------------------

    private void requestEnded() {
        long duration = System.nanoTime() - ctx.startNanos();
        conn.listener.httpStats().requestEnded(ctx.status(), ctx.flag(), ctx.completed(), duration);
        if (route != null && route.stats() != null) {
            route.stats().requestEnded(duration);
        }
        if (conn.listener.accessLogged()) {
            AccessLogEntry e = new AccessLogEntry();
            ctx.fill(e, duration, conn.remoteAddress, conn.localAddress, conn.channel);
            conn.listener.log(e);
        }
    }

    private static String requestId() {
        return RequestContext.newRequestId();
    }
}
