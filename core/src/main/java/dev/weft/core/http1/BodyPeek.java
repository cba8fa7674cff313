package dev.weft.core.http1;

import dev.weft.codec.http1.BodyFraming;
import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.RequestHead;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.io.ChannelInput;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * Reads ahead into an HTTP/1.1 request body for a filter ({@link FilterRequest#body}) without consuming it: the raw
 * bytes stay unread in the connection's input buffer, which grows to hold them, so the body pump later forwards the
 * whole body exactly as it would have. A chunked body is decoded from a copy of the buffer's view. One per
 * connection, used by its owner thread only.
 */
final class BodyPeek implements FilterRequest.BodySource {
    /**
     * Chunk framing a read-ahead may hold besides the payload (chunk-size lines, extensions, trailers): a client that
     * needs more to carry {@code max} payload bytes (tiny chunks) gets the payload seen so far, not the whole.
     */
    static final int CHUNK_FRAMING_ALLOWANCE = 16 * 1024;

    private final Http1Connection conn;
    private final ChunkedDecoder decoder;
    private RequestHead head;
    private BodyFraming.Kind kind;

    BodyPeek(Http1Connection conn, Http1Limits limits) {
        this.conn = conn;
        this.decoder = new ChunkedDecoder(limits);
    }

    /** For the request in flight; returns this. */
    BodyPeek request(RequestHead head, BodyFraming.Kind kind) {
        this.head = head;
        this.kind = kind;
        return this;
    }

    @Override
    public FilterRequest.Body read(int max) throws IOException {
        if (head.expectContinue() && head.versionMinor() == 1) {
            conn.sendContinue(); // RFC 9110 section 10.1.1: the client waits for it before it sends the body
        }
        return kind == BodyFraming.Kind.CHUNKED ? chunked(max) : fixed(max);
    }

    private FilterRequest.Body fixed(int max) throws IOException {
        long length = head.contentLength();
        int want = (int) Math.min(length, max);
        ChannelInput in = conn.input();
        in.ensureCapacity(want);
        while (in.buffer().remaining() < want) {
            fill(in);
        }
        byte[] bytes = new byte[want];
        in.buffer().duplicate().get(bytes);
        return new FilterRequest.Body(bytes, length <= max);
    }

    private FilterRequest.Body chunked(int max) throws IOException {
        ChannelInput in = conn.input();
        int cap = (int) Math.min(Integer.MAX_VALUE - 16, (long) max + CHUNK_FRAMING_ALLOWANCE);
        while (true) {
            // decode from the start on each round: fill() compacts the buffer under any view of it
            ByteBuffer view = in.buffer().duplicate();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(max + 1, 8192));
            decoder.reset();
            boolean ended = false;
            try {
                while (out.size() <= max) {
                    long n = decoder.next(view);
                    if (n == ChunkedDecoder.END) {
                        ended = true;
                        break;
                    }
                    if (n == 0) {
                        break;
                    }
                    int keep = (int) Math.min(n, max + 1L - out.size());
                    byte[] b = new byte[keep];
                    view.get(b);
                    out.write(b, 0, keep);
                    view.position(view.position() + (int) (n - keep));
                }
            } catch (Http1Exception e) {
                throw new IOException("malformed chunked request body: " + e.violation().detail());
            }
            byte[] seen = out.toByteArray();
            if (ended || seen.length > max) {
                boolean whole = ended && seen.length <= max;
                return new FilterRequest.Body(whole ? seen : java.util.Arrays.copyOf(seen, max), whole);
            }
            if (in.buffer().remaining() >= cap) {
                return new FilterRequest.Body(seen, false);
            }
            in.ensureCapacity(Math.min(cap, in.buffer().remaining() + ChannelInput.BUFFER_SIZE));
            fill(in);
        }
    }

    /** One read, bounded by the idle timeout like the body pump's reads. */
    private void fill(ChannelInput in) throws IOException {
        int reason = Http1Connection.bodyIdleReason();
        conn.arm(conn.idleNanos(), reason);
        int n;
        try {
            n = in.fill();
        } finally {
            conn.disarm();
        }
        if (n < 0) {
            if (conn.firedReason() == reason) {
                throw new InterruptedIOException("the request body stalled for the idle timeout");
            }
            throw new EOFException("the client closed the connection in the request body");
        }
    }
}
