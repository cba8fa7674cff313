package dev.weft.core.filter;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.ResponseHead;
import dev.weft.codec.http1.ResponseHeadParser;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.cluster.Host;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.pool.UpstreamConnection;
import dev.weft.core.proxy.UpstreamException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A blocking HTTP/1.1 call from a filter to a cluster (an external authorization server, a JWKS endpoint): one
 * request on a keep-alive connection borrowed from the cluster's pool (its TLS, connect timeout and stats included),
 * the whole response read into memory up to a limit, within one timeout. Runs on the calling request's virtual thread.
 *
 * <p>The timeout runs from the call's start: the time spent borrowing (or opening) a connection counts against it,
 * and the rest bounds the exchange. Opening a connection itself is bounded by the cluster's {@code connect_timeout}
 * (a call whose connection came after its own timeout fails as a timeout at once). A reused keep-alive connection
 * that the server closed while it was idle fails before any response byte; such a call is sent once more on a fresh
 * connection, as a browser or Envoy's pool would, since the server never saw it.
 */
public final class UpstreamCall {
    private UpstreamCall() {
    }

    /** A response: status, header fields (lower-case names) and the whole body. */
    public record Response(int status, List<String[]> headers, byte[] body) {
        /** The first value of a header, or null. */
        public String header(String lowerName) {
            for (String[] h : headers) {
                if (h[0].equals(lowerName)) {
                    return h[1];
                }
            }
            return null;
        }
    }

    /** What kind of failure ended a call, for stats and logs. */
    public enum Failure {
        /** The cluster is unknown, has no endpoint, or speaks HTTP/2 only. */
        NO_UPSTREAM,
        /** The connection could not be opened (refused, connect timeout, TLS handshake) or the pool overflowed. */
        CONNECT,
        /** The call's timeout elapsed. */
        TIMEOUT,
        /** The connection closed or was reset before the whole response arrived. */
        CLOSED,
        /** The response was not valid HTTP/1.1, or its body was over the limit. */
        INVALID_RESPONSE
    }

    /** Why a call failed: no endpoint, connect failure, timeout, a malformed or too large response. */
    public static class CallException extends IOException {
        private final Failure failure;

        public CallException(String message) {
            this(Failure.CLOSED, message);
        }

        public CallException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    /** The connection ended before the first response byte: on a reused connection, the call may be sent again. */
    private static final class NoResponse extends CallException {
        NoResponse(String message) {
            super(Failure.CLOSED, message);
        }
    }

    /** A response with whether its connection may carry another request. */
    private record Exchanged(Response response, boolean keepAlive) {
    }

    /**
     * Sends one request and reads its response.
     *
     * @param headers          lower-case name / value pairs; {@code host} and framing are added here
     * @param body             the request body, or null for none
     * @param timeoutNanos     for the whole call, from borrowing a connection to the response's last byte
     * @param maxResponseBytes a larger response body fails the call
     */
    public static Response call(Cluster cluster, String method, String pathAndQuery, String authority,
                                List<String[]> headers, byte[] body, long timeoutNanos, int maxResponseBytes)
            throws CallException {
        long start = System.nanoTime();
        if (cluster == null) {
            throw new CallException(Failure.NO_UPSTREAM, "cluster not found");
        }
        Host host = cluster.pick();
        if (host == null) {
            throw new CallException(Failure.NO_UPSTREAM, "no healthy upstream in cluster " + cluster.name());
        }
        if (host.pool() == null) {
            throw new CallException(Failure.NO_UPSTREAM,
                    "cluster " + cluster.name() + " speaks HTTP/2 only; filter calls use HTTP/1.1");
        }
        ByteBuffer head = head(method, pathAndQuery, authority == null || authority.isEmpty() ? host.toString()
                : authority, headers, body);
        for (boolean fresh = false; ; fresh = true) {
            UpstreamConnection up;
            try {
                up = host.pool().acquire(fresh);
            } catch (UpstreamException e) {
                throw new CallException(Failure.CONNECT, "cannot connect to " + host + ": " + e.getMessage());
            }
            boolean reused = up.reused();
            long left = timeoutNanos - (System.nanoTime() - start);
            if (left <= 0) {
                host.pool().release(up, true); // nothing was sent on it
                throw timedOut(timeoutNanos);
            }
            try {
                return exchange(up, method, head.duplicate(), body, left, timeoutNanos, maxResponseBytes);
            } catch (NoResponse e) {
                if (fresh || !reused) {
                    throw e;
                }
                // the server closed this idle keep-alive connection before it read the request: send it again
            }
        }
    }

    private static CallException timedOut(long timeoutNanos) {
        return new CallException(Failure.TIMEOUT, "timed out after " + timeoutNanos / 1_000_000 + " ms");
    }

    private static ByteBuffer head(String method, String pathAndQuery, String authority, List<String[]> headers,
                                   byte[] body) {
        HeadWriter w = new HeadWriter();
        w.reset();
        w.requestLine(method, pathAndQuery);
        w.field("host", authority);
        for (String[] h : headers) {
            String n = h[0].toLowerCase(Locale.ROOT);
            if (n.equals("host") || n.equals("content-length") || n.equals("transfer-encoding")
                    || n.equals("connection")) {
                continue;
            }
            w.field(n, h[1]);
        }
        if (body != null) {
            w.field("content-length", body.length);
        }
        w.endHead();
        ByteBuffer head = w.buffer();
        ByteBuffer copy = ByteBuffer.allocate(head.remaining()); // the writer's buffer is reused by its next head
        copy.put(head).flip();
        return copy;
    }

    /** One request and its response on a borrowed connection, which goes back to the pool (or is closed) after. */
    private static Response exchange(UpstreamConnection up, String method, ByteBuffer head, byte[] body,
                                     long leftNanos, long timeoutNanos, int maxResponseBytes) throws CallException {
        boolean reusable = false;
        up.arm(leftNanos, UpstreamConnection.RESPONSE_TIMEOUT);
        try {
            try {
                if (body != null && body.length > 0) {
                    Channels.writeFully(up.transport(), new ByteBuffer[] {head, ByteBuffer.wrap(body)});
                } else {
                    writeFully(up, head);
                }
            } catch (IOException e) {
                throw new NoResponse("cannot send the request: " + e.getMessage());
            }
            Exchanged r = read(up, method, maxResponseBytes);
            reusable = r.keepAlive();
            return r.response();
        } catch (IOException e) {
            if (up.firedReason() == UpstreamConnection.RESPONSE_TIMEOUT) {
                throw timedOut(timeoutNanos);
            }
            throw e instanceof CallException ce ? ce : new CallException(Failure.CLOSED, String.valueOf(e.getMessage()));
        } catch (Http1Exception e) {
            throw new CallException(Failure.INVALID_RESPONSE, "invalid response: " + e.getMessage());
        } finally {
            boolean fired = up.firedReason() != 0;
            up.disarm();
            up.pool().release(up, reusable && !fired);
        }
    }

    private static void writeFully(UpstreamConnection up, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            up.transport().write(b);
        }
    }

    /** Moves n bytes of {@code buf} (heap or direct) into {@code out}. */
    private static void copy(ByteBuffer buf, ByteArrayOutputStream out, int n) {
        byte[] b = new byte[n];
        buf.get(b);
        out.write(b, 0, n);
    }

    private static Exchanged read(UpstreamConnection up, String method, int max) throws IOException, Http1Exception {
        ChannelInput in = up.input();
        ResponseHeadParser parser = up.headParser();
        ResponseHead rh;
        if (!in.buffer().hasRemaining()) {
            int n;
            try {
                n = in.fill();
            } catch (IOException e) {
                throw new NoResponse("connection failed before the response: " + e.getMessage());
            }
            if (n < 0) {
                throw new NoResponse("connection closed before the response");
            }
        }
        while (true) {
            parser.reset();
            ByteBuffer buf = in.buffer();
            while (!parser.parse(buf)) {
                if (in.fill() < 0) {
                    throw new CallException("connection closed before the response head");
                }
                buf = in.buffer();
            }
            rh = parser.head();
            if (!rh.isInformational()) {
                break;
            }
        }
        List<String[]> headers = new ArrayList<>(rh.fieldCount());
        for (int i = 0, n = rh.fieldCount(); i < n; i++) {
            headers.add(new String[] {rh.name(i).toLowerCase(Locale.ROOT), rh.value(i)});
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BodyFraming.Kind kind = BodyFraming.response(method, rh);
        switch (kind) {
            case NONE -> {
            }
            case CONTENT_LENGTH -> {
                long left = rh.contentLength();
                if (left > max) {
                    throw new CallException(Failure.INVALID_RESPONSE, "response body of " + left + " bytes is over the limit of " + max);
                }
                while (left > 0) {
                    ByteBuffer buf = in.buffer();
                    if (!buf.hasRemaining() && in.fill() < 0) {
                        throw new CallException("connection closed in the response body");
                    }
                    buf = in.buffer();
                    int n = (int) Math.min(left, buf.remaining());
                    copy(buf, out, n);
                    left -= n;
                }
            }
            case CHUNKED -> {
                ChunkedDecoder d = up.chunked();
                d.reset();
                while (true) {
                    ByteBuffer buf = in.buffer();
                    long n = d.next(buf);
                    if (n == ChunkedDecoder.END) {
                        break;
                    }
                    if (n == 0) {
                        if (in.fill() < 0) {
                            throw new CallException("connection closed in the response body");
                        }
                        continue;
                    }
                    if (out.size() + n > max) {
                        throw new CallException(Failure.INVALID_RESPONSE, "response body is over the limit of " + max + " bytes");
                    }
                    copy(buf, out, (int) n);
                }
            }
            case UNTIL_CLOSE -> {
                while (true) {
                    ByteBuffer buf = in.buffer();
                    if (buf.hasRemaining()) {
                        if (out.size() + buf.remaining() > max) {
                            throw new CallException(Failure.INVALID_RESPONSE, "response body is over the limit of " + max + " bytes");
                        }
                        copy(buf, out, buf.remaining());
                    }
                    if (in.fill() < 0) {
                        break;
                    }
                }
            }
        }
        // RFC 9112 section 9.3: HTTP/1.0 keeps the connection only when asked; an ambiguous framing never does
        boolean keepAlive = kind != BodyFraming.Kind.UNTIL_CLOSE && rh.keepAlive();
        return new Exchanged(new Response(rh.status(), headers, out.toByteArray()), keepAlive);
    }
}
