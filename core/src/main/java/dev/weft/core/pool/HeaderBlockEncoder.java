package dev.weft.core.pool;

import dev.weft.codec.hpack.HpackEncoder;
import dev.weft.codec.http2.FrameWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * HPACK-encodes a header list and frames it as HEADERS + CONTINUATION, for both ends of Weft's HTTP/2 connections
 * (downstream responses, upstream requests). Not thread-safe: the caller holds its connection's write lock, since
 * header blocks must reach the wire in the order they were encoded. Authorization and cookie fields are sent as
 * never-indexed literals by the encoder's own policy.
 */
public final class HeaderBlockEncoder {

    /** Writes out whatever the caller has buffered, to make room. */
    @FunctionalInterface
    public interface Flush {
        void flush() throws IOException;
    }

    private final HpackEncoder encoder = new HpackEncoder(4096);
    private final long maxBlockBytes;
    private ByteBuffer block = ByteBuffer.allocate(4096);
    private ByteBuffer frames = ByteBuffer.allocateDirect(4096 + 64);

    /** @param maxBlockBytes a header list whose worst-case encoding exceeds this is refused */
    public HeaderBlockEncoder(long maxBlockBytes) {
        this.maxBlockBytes = maxBlockBytes;
    }

    /** The peer's SETTINGS_HEADER_TABLE_SIZE. */
    public void setPeerMaxTableSize(long size) {
        encoder.setPeerMaxTableSize((int) Math.min(Integer.MAX_VALUE, size));
    }

    /**
     * Encodes {@code headers} and appends the frames to {@code out} (flushing it first when they would not fit), or,
     * for a block larger than {@code out} can ever hold, returns a flipped buffer of frames the caller writes itself
     * (after what {@code out} held). Returns null when the frames are in {@code out}.
     */
    public ByteBuffer encode(ByteBuffer out, Flush flush, int streamId, List<String[]> headers, boolean endStream,
                             int maxFrameSize) throws IOException {
        // sized for the worst case first: an encode that overflowed half-way would already have changed the HPACK
        // dynamic table (and sent a table size update) without the peer ever seeing it
        long worst = HpackEncoder.MAX_BLOCK_PREFIX_SIZE;
        for (String[] f : headers) {
            worst += HpackEncoder.maxEncodedSize(f[0].length(), f[1].length());
        }
        if (worst > maxBlockBytes) {
            throw new IOException("header block too large: up to " + worst + " bytes");
        }
        if (block.capacity() < worst) {
            block = ByteBuffer.allocate((int) worst);
        }
        block.clear();
        encoder.beginBlock(block);
        for (String[] f : headers) {
            encoder.encodeField(block, f[0], f[1], false);
        }
        block.flip();
        int need = FrameWriter.fieldBlockFramesLength(block.remaining(), 0, maxFrameSize);
        if (out.remaining() < need) {
            flush.flush();
        }
        if (out.remaining() >= need) {
            FrameWriter.writeHeaders(out, streamId, block, endStream, maxFrameSize);
            return null;
        }
        if (frames.capacity() < need) {
            frames = ByteBuffer.allocateDirect(need);
        }
        frames.clear();
        FrameWriter.writeHeaders(frames, streamId, block, endStream, maxFrameSize);
        return frames.flip();
    }
}
