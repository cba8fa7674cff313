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
 * the whole response read into memory up to a limit, everything within one timeout. Runs on the calling request's
 * virtual thread.
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

    /** Why a call failed: no endpoint, connect failure, timeout, a malformed or too large response. */
    public static final class CallException extends IOException {
        public CallException(String message) {
            super(message);
        }
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
        if (cluster == null) {
            throw new CallException("cluster not found");
        }
        Host host = cluster.pick();
        if (host == null) {
            throw new CallException("no healthy upstream in cluster " + cluster.name());
        }
        if (host.pool() == null) {
            throw new CallException("cluster " + cluster.name() + " speaks HTTP/2 only; filter calls use HTTP/1.1");
        }
        UpstreamConnection up;
        try {
            up = host.pool().acquire();
        } catch (UpstreamException e) {
            throw new CallException("cannot connect to " + host + ": " + e.getMessage());
        }
        boolean reusable = false;
        up.arm(timeoutNanos, UpstreamConnection.RESPONSE_TIMEOUT);
        try {
            HeadWriter w = new HeadWriter();
            w.reset();
            w.requestLine(method, pathAndQuery);
            w.field("host", authority == null || authority.isEmpty() ? host.toString() : authority);
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
            if (body != null && body.length > 0) {
                up.transport().write(new ByteBuffer[] {head, ByteBuffer.wrap(body)});
            } else {
                writeFully(up, head);
            }
            Response r = read(up, method, maxResponseBytes);
            reusable = r != null && keepAlive(r);
            return r;
        } catch (IOException e) {
            if (up.firedReason() == UpstreamConnection.RESPONSE_TIMEOUT) {
                throw new CallException("timed out after " + timeoutNanos / 1_000_000 + " ms");
            }
            throw e instanceof CallException ce ? ce : new CallException(String.valueOf(e.getMessage()));
        } catch (Http1Exception e) {
            throw new CallException("invalid response: " + e.getMessage());
        } finally {
            boolean fired = up.firedReason() != 0;
            up.disarm();
            host.pool().release(up, reusable && !fired);
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

    private static boolean keepAlive(Response r) {
        String c = r.header("connection");
        return c == null || !c.toLowerCase(Locale.ROOT).contains("close");
    }

    private static Response read(UpstreamConnection up, String method, int max) throws IOException, Http1Exception {
        ChannelInput in = up.input();
        ResponseHeadParser parser = up.headParser();
        ResponseHead rh;
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
                    throw new CallException("response body of " + left + " bytes is over the limit of " + max);
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
                        throw new CallException("response body is over the limit of " + max + " bytes");
                    }
                    copy(buf, out, (int) n);
                }
            }
            case UNTIL_CLOSE -> {
                while (true) {
                    ByteBuffer buf = in.buffer();
                    if (buf.hasRemaining()) {
                        if (out.size() + buf.remaining() > max) {
                            throw new CallException("response body is over the limit of " + max + " bytes");
                        }
                        copy(buf, out, buf.remaining());
                    }
                    if (in.fill() < 0) {
                        break;
                    }
                }
                headers.add(new String[] {"connection", "close"});
            }
        }
        return new Response(rh.status(), headers, out.toByteArray());
    }
}
