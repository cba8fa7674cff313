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
import java.nio.channels.SocketChannel;

/**
 * Streams one message body from a channel to another without buffering it whole: the bytes already read sit in the
 * source's buffer and are written from there. Chunked bodies are decoded (validated) and re-encoded, so what goes
 * out is always well-formed whatever chunk extensions came in. A failure to write is a {@link SinkException} so that
 * callers can tell which side failed.
 */
final class BodyCopier {
    /** Framing scratch: chunk header ("<16 hex digits>\r\n") and the CRLF after data. */
    private final ByteBuffer chunkHead = ByteBuffer.allocateDirect(24);
    private final ByteBuffer crlf = ByteBuffer.allocateDirect(2);
    private final ByteBuffer[] gather = new ByteBuffer[3];
    private final HeadWriter trailers = new HeadWriter();

    /** A write to the destination failed. */
    static final class SinkException extends IOException {
        SinkException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Reads more into {@code in} under the idle deadline; end of stream is an EOFException. */
    private static void fill(ChannelInput in, Deadline d, long idleNanos, int reason) throws IOException {
        d.arm(idleNanos, reason);
        int n;
        try {
            n = in.fill();
        } finally {
            d.disarm();
        }
        if (n < 0) {
            throw new EOFException("end of stream inside a message body");
        }
    }

    private static void write(SocketChannel out, ByteBuffer b) throws SinkException {
        try {
            Channels.writeFully(out, b);
        } catch (IOException e) {
            throw new SinkException(e);
        }
    }

    private static void write(SocketChannel out, ByteBuffer[] bs) throws SinkException {
        try {
            Channels.writeFully(out, bs);
        } catch (IOException e) {
            throw new SinkException(e);
        }
    }

    /** Copies exactly {@code length} bytes. */
    void copyFixed(ChannelInput in, long length, SocketChannel out, Deadline d, long idleNanos, int reason)
            throws IOException {
        ByteBuffer buf = in.buffer();
        long left = length;
        while (left > 0) {
            if (!buf.hasRemaining()) {
                fill(in, d, idleNanos, reason);
            }
            int k = (int) Math.min(left, buf.remaining());
            int limit = buf.limit();
            buf.limit(buf.position() + k);
            write(out, buf);
            buf.limit(limit);
            left -= k;
        }
    }

    /**
     * Copies a chunked body: re-encoded as chunked with its trailers when {@code reencode}, else only the payload
     * (for an HTTP/1.0 peer, which then reads until close).
     */
    void copyChunked(ChannelInput in, ChunkedDecoder decoder, SocketChannel out, boolean reencode, Deadline d,
                     long idleNanos, int reason) throws IOException, Http1Exception {
        ByteBuffer buf = in.buffer();
        decoder.reset();
        while (true) {
            long n = decoder.next(buf);
            if (n > 0) {
                int limit = buf.limit();
                buf.limit(buf.position() + (int) n);
                if (reencode) {
                    chunkHead.clear();
                    HeadWriter.writeChunkHeader(chunkHead, n);
                    chunkHead.flip();
                    crlf.clear();
                    crlf.put((byte) '\r').put((byte) '\n').flip();
                    gather[0] = chunkHead;
                    gather[1] = buf;
                    gather[2] = crlf;
                    write(out, gather);
                } else {
                    write(out, buf);
                }
                buf.limit(limit);
            } else if (n == ChunkedDecoder.END) {
                if (reencode) {
                    trailers.reset();
                    trailers.lastChunk();
                    decoder.writeTrailers(trailers);
                    trailers.endHead();
                    write(out, trailers.buffer());
                }
                return;
            } else {
                fill(in, d, idleNanos, reason);
            }
        }
    }

    /** Copies until the source ends; chunk-encodes (and ends with the last chunk) when asked. */
    void copyUntilClose(ChannelInput in, SocketChannel out, boolean chunkEncode, Deadline d, long idleNanos,
                        int reason) throws IOException {
        ByteBuffer buf = in.buffer();
        while (true) {
            if (buf.hasRemaining()) {
                if (chunkEncode) {
                    chunkHead.clear();
                    HeadWriter.writeChunkHeader(chunkHead, buf.remaining());
                    chunkHead.flip();
                    crlf.clear();
                    crlf.put((byte) '\r').put((byte) '\n').flip();
                    gather[0] = chunkHead;
                    gather[1] = buf;
                    gather[2] = crlf;
                    write(out, gather);
                } else {
                    write(out, buf);
                }
            }
            d.arm(idleNanos, reason);
            int n;
            try {
                n = in.fill();
            } finally {
                d.disarm();
            }
            if (n < 0) {
                if (d.firedReason() != 0) {
                    throw new EOFException("idle timeout");
                }
                break;
            }
        }
        if (chunkEncode) {
            write(out, ByteBuffer.wrap(new byte[] {'0', '\r', '\n', '\r', '\n'}));
        }
    }
}
