package dev.weft.codec.http2;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static dev.weft.codec.http2.FrameType.HEADER_LENGTH;

/**
 * Writes HTTP/2 frames (RFC 9113 section 6) into a {@code ByteBuffer}, without allocation. Every method checks first
 * that the whole output fits and throws {@link BufferOverflowException} otherwise, having written nothing; on success
 * the buffer's position is just after the last frame written. Source buffers (data, field blocks, debug data) are
 * consumed like {@link ByteBuffer#put(ByteBuffer)} consumes them: their position moves to their limit.
 *
 * <p>Arguments that no frame could carry (a DATA frame on stream 0, a weight of 0, an increment above 2^31-1...) are
 * programming errors and throw {@link IllegalArgumentException}. Respecting the peer's settings is the caller's job:
 * DATA payloads must fit the peer's SETTINGS_MAX_FRAME_SIZE and its flow-control windows.
 */
public final class FrameWriter {
    private static final byte[] PREFACE = FrameReader.PREFACE.getBytes(StandardCharsets.US_ASCII);
    private static final int PRIORITY_LENGTH = 5;

    private FrameWriter() {
    }

    /** The 24-byte client connection preface (RFC 9113 section 3.4); a client sends its SETTINGS right after it. */
    public static void writePreface(ByteBuffer out) {
        fit(out, PREFACE.length);
        out.put(PREFACE);
    }

    /**
     * A frame header (RFC 9113 section 4.1) with the reserved bit clear; the caller writes the {@code length} payload
     * bytes after it.
     */
    public static void writeFrameHeader(ByteBuffer out, int length, int type, int flags, int streamId) {
        if (length < 0 || length > FrameType.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("frame length " + length + " outside 0..16777215");
        }
        if ((type & ~0xFF) != 0 || (flags & ~0xFF) != 0) {
            throw new IllegalArgumentException("frame type " + type + " or flags " + flags + " outside 0..255");
        }
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id " + streamId + " is negative");
        }
        fit(out, HEADER_LENGTH);
        header(out, length, type, flags, streamId);
    }

    /** A DATA frame (RFC 9113 section 6.1) carrying all of {@code data}, without padding. */
    public static void writeData(ByteBuffer out, int streamId, ByteBuffer data, boolean endStream) {
        requireStream(streamId);
        int length = data.remaining();
        checkLength(length);
        fit(out, HEADER_LENGTH + length);
        header(out, length, FrameType.DATA, endStream ? FrameFlags.END_STREAM : 0, streamId);
        out.put(data);
    }

    /**
     * A padded DATA frame: the PADDED flag, a Pad Length octet, all of {@code data}, then {@code padLength} zero
     * bytes. The whole payload, {@code 1 + data.remaining() + padLength}, counts against flow control.
     *
     * @param padLength 0 to 255
     */
    public static void writeData(ByteBuffer out, int streamId, ByteBuffer data, boolean endStream, int padLength) {
        requireStream(streamId);
        if (padLength < 0 || padLength > 255) {
            throw new IllegalArgumentException("pad length " + padLength + " outside 0..255");
        }
        int length = 1 + data.remaining() + padLength;
        checkLength(length);
        fit(out, HEADER_LENGTH + length);
        header(out, length, FrameType.DATA, FrameFlags.PADDED | (endStream ? FrameFlags.END_STREAM : 0), streamId);
        out.put((byte) padLength);
        out.put(data);
        zeros(out, padLength);
    }

    /**
     * A field block as a HEADERS frame followed by as many CONTINUATION frames as {@code maxFrameSize} requires (RFC
     * 9113 sections 6.2 and 6.10), END_HEADERS on the last one.
     *
     * @param maxFrameSize the peer's SETTINGS_MAX_FRAME_SIZE
     */
    public static void writeHeaders(ByteBuffer out, int streamId, ByteBuffer headerBlock, boolean endStream,
                                    int maxFrameSize) {
        requireStream(streamId);
        checkMaxFrameSize(maxFrameSize);
        fit(out, fieldBlockFramesLength(headerBlock.remaining(), 0, maxFrameSize));
        fieldBlock(out, FrameType.HEADERS, endStream ? FrameFlags.END_STREAM : 0, streamId, 0, headerBlock,
                maxFrameSize, -1, false, 0);
    }

    /**
     * Like {@link #writeHeaders(ByteBuffer, int, ByteBuffer, boolean, int)}, with the PRIORITY flag and fields of the
     * deprecated priority scheme (RFC 9113 section 5.3.2) on the HEADERS frame.
     *
     * @param weight 1 to 256
     */
    public static void writeHeaders(ByteBuffer out, int streamId, ByteBuffer headerBlock, boolean endStream,
                                    int maxFrameSize, int streamDependency, boolean exclusive, int weight) {
        requireStream(streamId);
        checkMaxFrameSize(maxFrameSize);
        checkPriority(streamId, streamDependency, weight);
        fit(out, fieldBlockFramesLength(headerBlock.remaining(), PRIORITY_LENGTH, maxFrameSize));
        fieldBlock(out, FrameType.HEADERS, (endStream ? FrameFlags.END_STREAM : 0) | FrameFlags.PRIORITY, streamId,
                PRIORITY_LENGTH, headerBlock, maxFrameSize, streamDependency, exclusive, weight);
    }

    /**
     * A PUSH_PROMISE frame followed by as many CONTINUATION frames as {@code maxFrameSize} requires (RFC 9113
     * sections 6.6 and 6.10).
     *
     * @param streamId         the associated (client-initiated) stream
     * @param promisedStreamId the stream reserved by the promise
     */
    public static void writePushPromise(ByteBuffer out, int streamId, int promisedStreamId, ByteBuffer headerBlock,
                                        int maxFrameSize) {
        requireStream(streamId);
        requireStream(promisedStreamId);
        checkMaxFrameSize(maxFrameSize);
        fit(out, fieldBlockFramesLength(headerBlock.remaining(), 4, maxFrameSize));
        fieldBlock(out, FrameType.PUSH_PROMISE, 0, streamId, 4, headerBlock, maxFrameSize, promisedStreamId, false, 0);
    }

    /**
     * Bytes written for a field block of {@code blockLength} bytes split by {@code maxFrameSize}, with
     * {@code fixedLength} bytes of fixed fields in the first frame (0 for HEADERS, 5 with priority, 4 for
     * PUSH_PROMISE).
     */
    public static int fieldBlockFramesLength(int blockLength, int fixedLength, int maxFrameSize) {
        int firstFragment = Math.min(blockLength, maxFrameSize - fixedLength);
        long rest = blockLength - firstFragment;
        long continuations = (rest + maxFrameSize - 1) / maxFrameSize;
        long total = (long) HEADER_LENGTH * (1 + continuations) + fixedLength + blockLength;
        return (int) Math.min(Integer.MAX_VALUE, total);
    }

    private static void fieldBlock(ByteBuffer out, int type, int flags, int streamId, int fixedLength,
                                   ByteBuffer block, int maxFrameSize, int word, boolean exclusive, int weight) {
        int fragment = Math.min(block.remaining(), maxFrameSize - fixedLength);
        boolean last = fragment == block.remaining();
        header(out, fixedLength + fragment, type, flags | (last ? FrameFlags.END_HEADERS : 0), streamId);
        if (type == FrameType.PUSH_PROMISE) {
            out.putInt(word);
        } else if (fixedLength == PRIORITY_LENGTH) {
            out.putInt(exclusive ? word | 0x8000_0000 : word);
            out.put((byte) (weight - 1));
        }
        putSome(out, block, fragment);
        while (block.hasRemaining()) {
            fragment = Math.min(block.remaining(), maxFrameSize);
            last = fragment == block.remaining();
            header(out, fragment, FrameType.CONTINUATION, last ? FrameFlags.END_HEADERS : 0, streamId);
            putSome(out, block, fragment);
        }
    }

    /** A PRIORITY frame (RFC 9113 section 6.3); {@code weight} is 1 to 256. */
    public static void writePriority(ByteBuffer out, int streamId, int streamDependency, boolean exclusive,
                                     int weight) {
        requireStream(streamId);
        checkPriority(streamId, streamDependency, weight);
        fit(out, HEADER_LENGTH + PRIORITY_LENGTH);
        header(out, PRIORITY_LENGTH, FrameType.PRIORITY, 0, streamId);
        out.putInt(exclusive ? streamDependency | 0x8000_0000 : streamDependency);
        out.put((byte) (weight - 1));
    }

    /** A RST_STREAM frame (RFC 9113 section 6.4). */
    public static void writeRstStream(ByteBuffer out, int streamId, ErrorCode error) {
        requireStream(streamId);
        fit(out, HEADER_LENGTH + 4);
        header(out, 4, FrameType.RST_STREAM, 0, streamId);
        out.putInt(error.code());
    }

    /** A SETTINGS frame (RFC 9113 section 6.5) with the explicitly set entries of {@code settings}. */
    public static void writeSettings(ByteBuffer out, Http2Settings settings) {
        int length = settings.payloadLength();
        fit(out, HEADER_LENGTH + length);
        header(out, length, FrameType.SETTINGS, 0, 0);
        settings.writePayload(out);
    }

    /** An empty SETTINGS frame with the ACK flag (RFC 9113 section 6.5.3). */
    public static void writeSettingsAck(ByteBuffer out) {
        fit(out, HEADER_LENGTH);
        header(out, 0, FrameType.SETTINGS, FrameFlags.ACK, 0);
    }

    /** A PING frame (RFC 9113 section 6.7); answer a received PING with the same {@code opaque} and {@code ack}. */
    public static void writePing(ByteBuffer out, boolean ack, long opaque) {
        fit(out, HEADER_LENGTH + 8);
        header(out, 8, FrameType.PING, ack ? FrameFlags.ACK : 0, 0);
        out.putLong(opaque);
    }

    /**
     * A GOAWAY frame (RFC 9113 section 6.8).
     *
     * @param debugData diagnostic bytes, consumed; null for none
     */
    public static void writeGoAway(ByteBuffer out, int lastStreamId, ErrorCode error, ByteBuffer debugData) {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("last stream id " + lastStreamId + " is negative");
        }
        int debug = debugData == null ? 0 : debugData.remaining();
        int length = 8 + debug;
        checkLength(length);
        fit(out, HEADER_LENGTH + length);
        header(out, length, FrameType.GOAWAY, 0, 0);
        out.putInt(lastStreamId);
        out.putInt(error.code());
        if (debugData != null) {
            out.put(debugData);
        }
    }

    /** A WINDOW_UPDATE frame (RFC 9113 section 6.9); stream 0 is the connection window. */
    public static void writeWindowUpdate(ByteBuffer out, int streamId, int increment) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id " + streamId + " is negative");
        }
        if (increment <= 0) {
            throw new IllegalArgumentException("window increment " + increment + " outside 1..2147483647");
        }
        fit(out, HEADER_LENGTH + 4);
        header(out, 4, FrameType.WINDOW_UPDATE, 0, streamId);
        out.putInt(increment);
    }

    private static void header(ByteBuffer out, int length, int type, int flags, int streamId) {
        out.put((byte) (length >>> 16));
        out.put((byte) (length >>> 8));
        out.put((byte) length);
        out.put((byte) type);
        out.put((byte) flags);
        out.putInt(streamId);
    }

    private static void putSome(ByteBuffer out, ByteBuffer src, int length) {
        int at = src.position();
        out.put(out.position(), src, at, length);
        out.position(out.position() + length);
        src.position(at + length);
    }

    private static void zeros(ByteBuffer out, int count) {
        for (int i = 0; i < count; i++) {
            out.put((byte) 0);
        }
    }

    private static void fit(ByteBuffer out, int bytes) {
        if (out.remaining() < bytes) {
            throw new BufferOverflowException();
        }
    }

    private static void requireStream(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id " + streamId + " must be positive for this frame");
        }
    }

    private static void checkLength(int length) {
        if (length > FrameType.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("frame length " + length + " exceeds 16777215");
        }
    }

    private static void checkMaxFrameSize(int maxFrameSize) {
        if (maxFrameSize < FrameType.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > FrameType.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize + " outside 16384..16777215");
        }
    }

    private static void checkPriority(int streamId, int streamDependency, int weight) {
        if (streamDependency < 0 || streamDependency == streamId) {
            throw new IllegalArgumentException("stream " + streamId + " cannot depend on " + streamDependency);
        }
        if (weight < 1 || weight > 256) {
            throw new IllegalArgumentException("weight " + weight + " outside 1..256");
        }
    }
}
