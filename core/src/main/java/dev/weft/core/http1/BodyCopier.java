package dev.weft.core.http1;

import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.HeadWriter;
import dev.weft.codec.http1.Http1Exception;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.time.Deadline;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import dev.weft.core.io.Transport;
import java.util.Locale;
import java.util.Set;

/**
 * Streams one message body from a channel to another without buffering it whole: the bytes already read sit in the
 * source's buffer and are written from there. Chunked bodies are decoded (validated) and re-encoded, so what goes
 * out is always well-formed whatever chunk extensions came in. Every blocking read and write is bounded by an idle
 * deadline; a failure to write is a {@link SinkException} so that callers can tell which side failed.
 *
 * <p>Owned by one thread: the connection's thread (response bodies) or the body pump (request bodies).
 */
final class BodyCopier {
    /**
     * Trailer fields never forwarded: framing, routing, hop-by-hop and content-processing fields are not allowed in
     * trailers (RFC 9110 section 6.5.1); a recipient that merged them into the head would be open to smuggling.
     */
    private static final Set<String> FORBIDDEN_TRAILERS = Set.of("content-length", "transfer-encoding", "host",
            "connection", "keep-alive", "proxy-connection", "te", "upgrade", "trailer", "content-type",
            "content-encoding", "content-range", "authorization", "proxy-authorization", "set-cookie", "cookie",
            "expect", "max-forwards", "cache-control", "age", "expires", "date", "location", "retry-after", "vary",
            "www-authenticate", "proxy-authenticate", "if-match", "if-none-match", "if-modified-since",
            "if-unmodified-since", "if-range", "range");

    /**
     * Framing scratch: chunk header ("<16 hex digits>\r\n") and the CRLF after data. Made on the first chunked
     * body, so that connections that never see one (and idle ones) do not carry them.
     */
    private ByteBuffer chunkHead;
    private ByteBuffer crlf;
    private final ByteBuffer[] gather = new ByteBuffer[3];
    private HeadWriter trailers;

    private Deadline readDeadline;
    private long readIdleNanos;
    private int readReason;
    /** Optional: a shorter bound for the next read (the body pump's lingering), Long.MAX_VALUE for none. */
    private java.util.function.LongSupplier readLimit;
    /** Payload bytes written since the last {@link #resetCount()} (framing not included). */
    private long payloadBytes;
    private Deadline writeDeadline;
    private long writeIdleNanos;
    private int writeReason;

    /** A write to the destination failed (or timed out). */
    static final class SinkException extends IOException {
        SinkException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Sets the deadline that bounds each read from the source. */
    BodyCopier reading(Deadline deadline, long idleNanos, int reason) {
        this.readDeadline = deadline;
        this.readIdleNanos = idleNanos;
        this.readReason = reason;
        return this;
    }

    /** Bounds reads further by what {@code limit} returns at each read (re-checked after arming: no lost update). */
    BodyCopier limitingReads(java.util.function.LongSupplier limit) {
        this.readLimit = limit;
        return this;
    }

    void resetCount() {
        payloadBytes = 0;
    }

    long count() {
        return payloadBytes;
    }

    /** Sets the deadline that bounds each write to the destination. */
    BodyCopier writing(Deadline deadline, long idleNanos, int reason) {
        this.writeDeadline = deadline;
        this.writeIdleNanos = idleNanos;
        this.writeReason = reason;
        return this;
    }

    /** Reads more into {@code in} under the read deadline; end of stream is an EOFException. */
    private void fill(ChannelInput in) throws IOException {
        if (read(in) < 0) {
            throw new EOFException("end of stream inside a message body");
        }
    }

    private int read(ChannelInput in) throws IOException {
        readDeadline.arm(readIdleNanos, readReason);
        if (readLimit != null) {
            long limit = readLimit.getAsLong();
            if (limit != Long.MAX_VALUE && (limit < readIdleNanos || readIdleNanos <= 0)) {
                readDeadline.arm(Math.max(limit, 1), readReason);
            }
        }
        try {
            return in.fill();
        } finally {
            readDeadline.disarm();
        }
    }

    private void write(Transport out, ByteBuffer b) throws SinkException {
        writeDeadline.arm(writeIdleNanos, writeReason);
        try {
            Channels.writeFully(out, b);
        } catch (IOException e) {
            throw new SinkException(e);
        } finally {
            writeDeadline.disarm();
        }
    }

    private void write(Transport out, ByteBuffer[] bs) throws SinkException {
        writeDeadline.arm(writeIdleNanos, writeReason);
        try {
            Channels.writeFully(out, bs);
        } catch (IOException e) {
            throw new SinkException(e);
        } finally {
            writeDeadline.disarm();
        }
    }

    /** Writes one chunk: header, the next {@code n} bytes of {@code data}, CRLF, in one gathering write. */
    private void writeChunk(Transport out, ByteBuffer data) throws SinkException {
        if (chunkHead == null) {
            chunkHead = ByteBuffer.allocateDirect(24);
            crlf = ByteBuffer.allocateDirect(2);
        }
        chunkHead.clear();
        HeadWriter.writeChunkHeader(chunkHead, data.remaining());
        chunkHead.flip();
        crlf.clear();
        crlf.put((byte) '\r').put((byte) '\n').flip();
        gather[0] = chunkHead;
        gather[1] = data;
        gather[2] = crlf;
        try {
            write(out, gather);
        } finally {
            gather[1] = null;
        }
    }

    /** Copies exactly {@code length} bytes. */
    void copyFixed(ChannelInput in, long length, Transport out) throws IOException {
        ByteBuffer buf = in.buffer();
        long left = length;
        while (left > 0) {
            if (!buf.hasRemaining()) {
                fill(in);
            }
            int k = (int) Math.min(left, buf.remaining());
            int limit = buf.limit();
            buf.limit(buf.position() + k);
            try {
                write(out, buf);
            } finally {
                buf.limit(limit);
            }
            left -= k;
            payloadBytes += k;
        }
    }

    /**
     * Copies a chunked body: re-encoded as chunked with its (allowed) trailers when {@code reencode}, else only the
     * payload (for an HTTP/1.0 peer, which then reads until close).
     */
    void copyChunked(ChannelInput in, ChunkedDecoder decoder, Transport out, boolean reencode)
            throws IOException, Http1Exception {
        ByteBuffer buf = in.buffer();
        decoder.reset();
        while (true) {
            long n = decoder.next(buf);
            if (n > 0) {
                int limit = buf.limit();
                buf.limit(buf.position() + (int) n);
                try {
                    if (reencode) {
                        writeChunk(out, buf);
                    } else {
                        write(out, buf);
                    }
                } finally {
                    buf.limit(limit);
                }
                payloadBytes += n;
            } else if (n == ChunkedDecoder.END) {
                if (reencode) {
                    if (trailers == null) {
                        trailers = new HeadWriter();
                    }
                    trailers.reset();
                    trailers.lastChunk();
                    for (int i = 0, c = decoder.trailerCount(); i < c; i++) {
                        String name = decoder.trailerName(i);
                        if (!FORBIDDEN_TRAILERS.contains(name.toLowerCase(Locale.ROOT))) {
                            trailers.field(name, decoder.trailerValue(i));
                        }
                    }
                    trailers.endHead();
                    write(out, trailers.buffer());
                }
                return;
            } else {
                fill(in);
            }
        }
    }

    /** Copies until the source ends; chunk-encodes (and ends with the last chunk) when asked. */
    void copyUntilClose(ChannelInput in, Transport out, boolean chunkEncode) throws IOException {
        ByteBuffer buf = in.buffer();
        while (true) {
            if (buf.hasRemaining()) {
                payloadBytes += buf.remaining();
                if (chunkEncode) {
                    writeChunk(out, buf);
                } else {
                    write(out, buf);
                }
            }
            int n = read(in);
            if (n < 0) {
                if (readDeadline.firedReason() != 0) {
                    throw new EOFException("idle timeout");
                }
                break;
            }
        }
        if (chunkEncode) {
            write(out, ByteBuffer.wrap(LAST_CHUNK).asReadOnlyBuffer());
        }
    }

    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};
}
