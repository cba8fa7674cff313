package dev.weft.codec.http2;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static dev.weft.codec.http2.FrameFlags.ACK;
import static dev.weft.codec.http2.FrameFlags.END_HEADERS;
import static dev.weft.codec.http2.FrameFlags.END_STREAM;
import static dev.weft.codec.http2.FrameFlags.PADDED;
import static dev.weft.codec.http2.FrameType.CONTINUATION;
import static dev.weft.codec.http2.FrameType.DATA;
import static dev.weft.codec.http2.FrameType.GOAWAY;
import static dev.weft.codec.http2.FrameType.HEADERS;
import static dev.weft.codec.http2.FrameType.HEADER_LENGTH;
import static dev.weft.codec.http2.FrameType.PING;
import static dev.weft.codec.http2.FrameType.PRIORITY;
import static dev.weft.codec.http2.FrameType.PUSH_PROMISE;
import static dev.weft.codec.http2.FrameType.RST_STREAM;
import static dev.weft.codec.http2.FrameType.SETTINGS;
import static dev.weft.codec.http2.FrameType.WINDOW_UPDATE;

/**
 * Push-style reader of the HTTP/2 frame layer (RFC 9113 sections 3.4, 4 and 6) for one connection: feed it bytes with
 * {@link #read}, which hands every complete frame to a {@link FrameListener} and leaves a partial frame in the buffer.
 *
 * <p>It checks what can be checked on a frame alone, with the error classification of RFC 9113 section 6: the
 * connection preface, SETTINGS first, frame sizes, stream 0 rules, padding, CONTINUATION sequencing, self-dependencies
 * and zero window increments. Stream states, flow control and settings values are the caller's (see
 * {@link StreamStateMachine}, {@link FlowWindow}, {@link Http2Settings}).
 *
 * <p>Field blocks split over HEADERS (or PUSH_PROMISE) and CONTINUATION frames are reassembled in an internal buffer
 * of at most {@code maxHeaderBlockSize} bytes; a block that outgrows it before or with its END_HEADERS frame is a
 * connection error ENHANCE_YOUR_CALM (the "CONTINUATION flood"). A block in a single frame is passed without copying,
 * so it is bounded by the maximum frame size alone. The reader counts nothing but what a caller needs to detect
 * floods of frames that cost nothing to send: {@link #emptyFrameCount()} and {@link #continuationCount()}; limits and
 * statistics are the caller's.
 *
 * <p>In steady state (once the block buffer has grown) reading allocates nothing: listeners get the input buffer
 * itself, narrowed to the payload. Only errors allocate.
 */
public final class FrameReader {
    /** The client connection preface (RFC 9113 section 3.4), which a server reader expects first. */
    public static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    public static final int PREFACE_LENGTH = 24;
    /** The weight of a stream without priority information (RFC 9113 section 5.3.2, RFC 7540 section 5.3.5). */
    public static final int DEFAULT_WEIGHT = 16;

    private static final byte[] PREFACE_BYTES = PREFACE.getBytes(StandardCharsets.US_ASCII);
    private static final int MIN_BLOCK_BUFFER = 1024;
    private static final byte TLS_HANDSHAKE = 0x16;
    private static final int PREFACE_REQUEST_LINE = "PRI * HTTP/2.0".length();
    private static final boolean[] TOKEN = new boolean[256];

    static {
        for (int c = 0; c < 128; c++) {
            TOKEN[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0; // RFC 9110 section 5.6.2
        }
    }

    private final boolean server;
    private final int maxHeaderBlockSize;
    private int maxFrameSize;
    private boolean prefacePending;
    private boolean firstFrame = true;
    private boolean failed;
    private long emptyFrames;

    // the field block being reassembled; blockStreamId is 0 when none is open
    private int blockStreamId;
    private int blockType;
    private boolean blockEndStream;
    private int blockDependency;
    private boolean blockExclusive;
    private int blockWeight;
    private int blockPromisedStreamId;
    private int continuations;
    private byte[] block = new byte[0];
    private ByteBuffer blockView = ByteBuffer.wrap(block);
    private int blockLength;

    /**
     * @param server             true for the server side of a connection: the client connection preface must come
     *                           first, and PUSH_PROMISE is a connection error
     * @param maxFrameSize       the largest frame payload accepted, our SETTINGS_MAX_FRAME_SIZE as the peer knows it:
     *                           16384 until our SETTINGS with a larger value is acknowledged (see
     *                           {@link #setMaxFrameSize})
     * @param maxHeaderBlockSize the largest field block reassembled from CONTINUATION frames
     */
    public FrameReader(boolean server, int maxFrameSize, int maxHeaderBlockSize) {
        checkMaxFrameSize(maxFrameSize);
        if (maxHeaderBlockSize <= 0) {
            throw new IllegalArgumentException("maxHeaderBlockSize must be positive, got " + maxHeaderBlockSize);
        }
        this.server = server;
        this.maxFrameSize = maxFrameSize;
        this.maxHeaderBlockSize = maxHeaderBlockSize;
        this.prefacePending = server;
    }

    /**
     * Changes the largest accepted frame payload, once the peer has acknowledged our SETTINGS_MAX_FRAME_SIZE (RFC 9113
     * section 6.5.3: the value applies from the SETTINGS ACK on).
     *
     * @throws IllegalArgumentException outside 16384..16777215
     */
    public void setMaxFrameSize(int maxFrameSize) {
        checkMaxFrameSize(maxFrameSize);
        this.maxFrameSize = maxFrameSize;
    }

    /** The largest accepted frame payload: the input buffer must hold at least 9 more bytes than this. */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * DATA frames with no data and no END_STREAM, and HEADERS, PUSH_PROMISE or CONTINUATION frames with an empty
     * field block fragment, received so far on this connection. They cost the peer nothing and carry nothing, so a
     * caller limits how many it tolerates (the "empty frames" flood, CVE-2019-9518).
     */
    public long emptyFrameCount() {
        return emptyFrames;
    }

    /** CONTINUATION frames received so far for the field block still open; 0 when no block is open. */
    public int continuationCount() {
        return continuations;
    }

    /** The stream whose field block awaits CONTINUATION frames, or 0 when no block is open. */
    public int openFieldBlockStreamId() {
        return blockStreamId;
    }

    /**
     * Reads every complete frame in {@code in}, in order, calling {@code listener} for each; a frame inside a field
     * block (a HEADERS or PUSH_PROMISE without END_HEADERS, or a CONTINUATION) is only delivered with the block's last
     * frame. On return {@code in.position()} is at the start of the first incomplete frame (or at the limit): the
     * caller compacts and refills the buffer, which must be able to hold {@code 9 + maxFrameSize()} bytes.
     *
     * <p>A stream error (from the reader or the listener) is thrown with the offending frame consumed: reset the
     * stream and call {@code read} again. After a connection error the reader is unusable.
     *
     * @throws Http2Exception a connection or stream error, see {@link Http2Exception#isConnectionError()}
     * @throws IllegalStateException if a connection error was thrown before
     */
    public void read(ByteBuffer in, FrameListener listener) throws Http2Exception {
        if (failed) {
            throw new IllegalStateException("the frame reader failed with a connection error");
        }
        try {
            readFrames(in, listener);
        } catch (Http2Exception e) {
            failed = e.isConnectionError();
            throw e;
        }
    }

    private void readFrames(ByteBuffer in, FrameListener listener) throws Http2Exception {
        while (true) {
            if (prefacePending && !readPreface(in)) {
                return;
            }
            int pos = in.position();
            int limit = in.limit();
            if (limit - pos < HEADER_LENGTH) {
                return;
            }
            int length = (in.get(pos) & 0xFF) << 16 | (in.get(pos + 1) & 0xFF) << 8 | in.get(pos + 2) & 0xFF;
            int type = in.get(pos + 3) & 0xFF;
            int flags = in.get(pos + 4) & 0xFF;
            int streamId = in.getInt(pos + 5) & 0x7FFF_FFFF; // RFC 9113 section 4.1: the reserved bit is ignored
            checkHeader(in, pos, length, type, flags, streamId);
            int start = pos + HEADER_LENGTH;
            int end = start + length;
            if (end > limit) {
                return;
            }
            firstFrame = false;
            try {
                in.limit(end);
                frame(in, start, end, type, flags, streamId, listener);
            } finally {
                in.limit(limit);
                in.position(end);
            }
        }
    }

    /** The checks that need only the frame header, made before the payload has arrived; no state changes. */
    private void checkHeader(ByteBuffer in, int pos, int length, int type, int flags, int streamId)
            throws Http2Exception {
        if (firstFrame && (type != SETTINGS || (flags & ACK) != 0)) {
            throw firstFrameNotSettings(in, pos, type, flags);
        }
        if (length > maxFrameSize) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR, FrameType.name(type) + " frame length "
                    + length + " exceeds the maximum frame size " + maxFrameSize);
        }
        if (blockStreamId != 0) {
            if (type != CONTINUATION) { // RFC 9113 section 6.2, including unknown frame types (section 5.5)
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, FrameType.name(type) + " frame on stream "
                        + streamId + " inside the field block of stream " + blockStreamId + ", expected CONTINUATION");
            }
            if (streamId != blockStreamId) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "CONTINUATION frame on stream " + streamId
                        + " inside the field block of stream " + blockStreamId);
            }
        }
        switch (type) {
            case DATA -> {
                requireStream(type, streamId);
                requireLength(type, length, (flags & PADDED) != 0 ? 1 : 0, "with the PADDED flag");
            }
            case HEADERS -> {
                requireStream(type, streamId);
                int min = ((flags & PADDED) != 0 ? 1 : 0) + ((flags & FrameFlags.PRIORITY) != 0 ? 5 : 0);
                requireLength(type, length, min, (flags & PADDED) != 0 && min > 1 ? "with the PADDED and PRIORITY flags"
                        : min == 1 ? "with the PADDED flag" : "with the PRIORITY flag");
            }
            case PRIORITY -> requireStream(type, streamId); // a wrong length is a stream error, checked later
            case RST_STREAM -> {
                requireStream(type, streamId);
                requireExactLength(type, length, 4);
            }
            case SETTINGS -> {
                requireConnection(type, streamId);
                if ((flags & ACK) != 0 && length != 0) {
                    throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                            "SETTINGS ACK frame length " + length + ", must be 0");
                }
                if (length % Http2Settings.ENTRY_LENGTH != 0) {
                    throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                            "SETTINGS frame length " + length + ", must be a multiple of 6");
                }
            }
            case PUSH_PROMISE -> {
                if (server) { // RFC 9113 section 8.4: a client cannot push
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                            "PUSH_PROMISE frame on stream " + streamId + " from a client");
                }
                requireStream(type, streamId);
                requireLength(type, length, (flags & PADDED) != 0 ? 5 : 4,
                        (flags & PADDED) != 0 ? "with the PADDED flag" : "for the promised stream id");
            }
            case PING -> {
                requireConnection(type, streamId);
                requireExactLength(type, length, 8);
            }
            case GOAWAY -> {
                requireConnection(type, streamId);
                if (length < 8) {
                    throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                            "GOAWAY frame length " + length + ", must be at least 8");
                }
            }
            case WINDOW_UPDATE -> requireExactLength(type, length, 4);
            case CONTINUATION -> {
                requireStream(type, streamId);
                if (blockStreamId == 0) { // RFC 9113 section 6.10
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "CONTINUATION frame on stream "
                            + streamId + " without a preceding HEADERS or PUSH_PROMISE");
                }
            }
            default -> {
                // RFC 9113 section 5.5: unknown frame types are ignored
            }
        }
    }

    private Http2Exception firstFrameNotSettings(ByteBuffer in, int pos, int type, int flags) {
        String expected = server ? "the first frame after the connection preface must be SETTINGS"
                : "the first frame from the server must be SETTINGS";
        if (!server && startsWith(in, pos, "HTTP/1.")) {
            return Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    expected + ", got what looks like an HTTP/1.1 response");
        }
        String got = type == SETTINGS && (flags & ACK) != 0 ? "a SETTINGS ACK" : FrameType.name(type);
        return Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, expected + ", got " + got);
    }

    private static void requireStream(int type, int streamId) throws Http2Exception {
        if (streamId == 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, FrameType.name(type) + " frame on stream 0");
        }
    }

    private static void requireConnection(int type, int streamId) throws Http2Exception {
        if (streamId != 0) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    FrameType.name(type) + " frame on stream " + streamId + ", must be on stream 0");
        }
    }

    private static void requireExactLength(int type, int length, int expected) throws Http2Exception {
        if (length != expected) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    FrameType.name(type) + " frame length " + length + ", must be " + expected);
        }
    }

    private static void requireLength(int type, int length, int min, String why) throws Http2Exception {
        if (length < min) { // RFC 9113 section 4.2: too small to contain mandatory frame data
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    FrameType.name(type) + " frame length " + length + ", must be at least " + min + " " + why);
        }
    }

    /** One complete frame; {@code in.limit()} is {@code end}, the caller restores limit and position. */
    private void frame(ByteBuffer in, int start, int end, int type, int flags, int streamId, FrameListener listener)
            throws Http2Exception {
        switch (type) {
            case DATA -> data(in, start, end, flags, streamId, listener);
            case HEADERS -> headers(in, start, end, flags, streamId, listener);
            case PRIORITY -> priority(in, start, end, streamId, listener);
            case RST_STREAM -> listener.onRstStream(streamId, in.getInt(start) & 0xFFFF_FFFFL);
            case SETTINGS -> listener.onSettings((flags & ACK) != 0, in.position(start));
            case PUSH_PROMISE -> pushPromise(in, start, end, flags, streamId, listener);
            case PING -> listener.onPing((flags & ACK) != 0, in.getLong(start));
            case GOAWAY -> listener.onGoAway(in.getInt(start) & 0x7FFF_FFFF, in.getInt(start + 4) & 0xFFFF_FFFFL,
                    in.position(start + 8));
            case WINDOW_UPDATE -> windowUpdate(in, start, streamId, listener);
            case CONTINUATION -> continuation(in, start, end, flags, listener);
            default -> listener.onUnknownFrame(type, streamId, flags, in.position(start));
        }
    }

    private void data(ByteBuffer in, int start, int end, int flags, int streamId, FrameListener listener)
            throws Http2Exception {
        int from = start;
        int to = end;
        if ((flags & PADDED) != 0) {
            from++;
            to -= padLength(in, start, end - from, DATA);
        }
        boolean endStream = (flags & END_STREAM) != 0;
        if (from == to && !endStream) {
            emptyFrames++;
        }
        in.limit(to).position(from);
        listener.onData(streamId, in, end - start, endStream);
    }

    /** RFC 9113 sections 6.1, 6.2, 6.6: padding that exceeds what is left of the payload is a PROTOCOL_ERROR. */
    private static int padLength(ByteBuffer in, int at, int left, int type) throws Http2Exception {
        int pad = in.get(at) & 0xFF;
        if (pad > left) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, FrameType.name(type) + " frame pad length "
                    + pad + " exceeds the " + left + " payload bytes after the fixed fields");
        }
        return pad;
    }

    private void headers(ByteBuffer in, int start, int end, int flags, int streamId, FrameListener listener)
            throws Http2Exception {
        int from = start;
        int pad = 0;
        if ((flags & PADDED) != 0) {
            from++;
        }
        int dependency = -1;
        boolean exclusive = false;
        int weight = DEFAULT_WEIGHT;
        if ((flags & FrameFlags.PRIORITY) != 0) {
            int word = in.getInt(from);
            exclusive = word < 0;
            dependency = word & 0x7FFF_FFFF;
            weight = (in.get(from + 4) & 0xFF) + 1;
            from += 5;
        }
        if ((flags & PADDED) != 0) {
            pad = padLength(in, start, end - from, HEADERS);
        }
        int to = end - pad;
        if (from == to) {
            emptyFrames++;
        }
        boolean endStream = (flags & END_STREAM) != 0;
        if ((flags & END_HEADERS) != 0) {
            in.limit(to).position(from);
            deliverHeaders(streamId, in, endStream, dependency, exclusive, weight, listener);
        } else {
            openBlock(HEADERS, streamId, endStream, dependency, exclusive, weight, 0);
            append(in, from, to);
        }
    }

    private static void deliverHeaders(int streamId, ByteBuffer block, boolean endStream, int dependency,
                                       boolean exclusive, int weight, FrameListener listener) throws Http2Exception {
        if (dependency == streamId) { // RFC 9113 section 5.3.1 (RFC 7540 section 5.3.1): a stream error
            listener.onDiscardedHeaders(streamId, block);
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "HEADERS frame on stream " + streamId + " depends on itself");
        }
        listener.onHeaders(streamId, block, endStream, dependency, exclusive, weight);
    }

    private static void priority(ByteBuffer in, int start, int end, int streamId, FrameListener listener)
            throws Http2Exception {
        if (end - start != 5) { // RFC 9113 section 6.3: a stream error
            throw Http2Exception.stream(streamId, ErrorCode.FRAME_SIZE_ERROR,
                    "PRIORITY frame length " + (end - start) + ", must be 5");
        }
        int word = in.getInt(start);
        int dependency = word & 0x7FFF_FFFF;
        if (dependency == streamId) {
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "PRIORITY frame on stream " + streamId + " depends on itself");
        }
        listener.onPriority(streamId, dependency, word < 0, (in.get(start + 4) & 0xFF) + 1);
    }

    private void pushPromise(ByteBuffer in, int start, int end, int flags, int streamId, FrameListener listener)
            throws Http2Exception {
        int from = (flags & PADDED) != 0 ? start + 1 : start;
        int promised = in.getInt(from) & 0x7FFF_FFFF;
        from += 4;
        int to = end;
        if ((flags & PADDED) != 0) {
            to -= padLength(in, start, end - from, PUSH_PROMISE);
        }
        if (from == to) {
            emptyFrames++;
        }
        if ((flags & END_HEADERS) != 0) {
            in.limit(to).position(from);
            listener.onPushPromise(streamId, promised, in);
        } else {
            openBlock(PUSH_PROMISE, streamId, false, -1, false, DEFAULT_WEIGHT, promised);
            append(in, from, to);
        }
    }

    private static void windowUpdate(ByteBuffer in, int start, int streamId, FrameListener listener)
            throws Http2Exception {
        int increment = in.getInt(start) & 0x7FFF_FFFF;
        if (increment == 0) { // RFC 9113 section 6.9
            if (streamId == 0) {
                throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                        "WINDOW_UPDATE frame with increment 0 on the connection");
            }
            throw Http2Exception.stream(streamId, ErrorCode.PROTOCOL_ERROR,
                    "WINDOW_UPDATE frame with increment 0 on stream " + streamId);
        }
        listener.onWindowUpdate(streamId, increment);
    }

    private void continuation(ByteBuffer in, int start, int end, int flags, FrameListener listener)
            throws Http2Exception {
        continuations++;
        if (start == end) {
            emptyFrames++;
        }
        append(in, start, end);
        if ((flags & END_HEADERS) == 0) {
            return;
        }
        int streamId = blockStreamId;
        blockStreamId = 0;
        continuations = 0;
        ByteBuffer block = blockView.limit(blockLength).position(0);
        if (blockType == PUSH_PROMISE) {
            listener.onPushPromise(streamId, blockPromisedStreamId, block);
        } else {
            deliverHeaders(streamId, block, blockEndStream, blockDependency, blockExclusive, blockWeight, listener);
        }
    }

    private void openBlock(int type, int streamId, boolean endStream, int dependency, boolean exclusive, int weight,
                           int promisedStreamId) {
        blockType = type;
        blockStreamId = streamId;
        blockEndStream = endStream;
        blockDependency = dependency;
        blockExclusive = exclusive;
        blockWeight = weight;
        blockPromisedStreamId = promisedStreamId;
        blockLength = 0;
        continuations = 0;
    }

    private void append(ByteBuffer in, int from, int to) throws Http2Exception {
        int length = to - from;
        if (length > maxHeaderBlockSize - blockLength) {
            throw Http2Exception.connection(ErrorCode.ENHANCE_YOUR_CALM, "field block on stream " + blockStreamId
                    + " exceeds " + maxHeaderBlockSize + " bytes after " + continuations + " CONTINUATION frames");
        }
        int needed = blockLength + length;
        if (needed > block.length) {
            int capacity = Math.max(needed, (int) Math.min(maxHeaderBlockSize,
                    Math.max((long) MIN_BLOCK_BUFFER, 2L * block.length)));
            byte[] grown = new byte[capacity];
            System.arraycopy(block, 0, grown, 0, blockLength);
            block = grown;
            blockView = ByteBuffer.wrap(grown);
        }
        in.get(from, block, blockLength, length);
        blockLength = needed;
    }

    /** RFC 9113 section 3.4: the exact 24 bytes, checked as they arrive so that an HTTP/1.1 client fails at once. */
    private boolean readPreface(ByteBuffer in) throws Http2Exception {
        int pos = in.position();
        int available = Math.min(in.remaining(), PREFACE_LENGTH);
        for (int i = 0; i < available; i++) {
            if (in.get(pos + i) != PREFACE_BYTES[i]) {
                Http2Exception e = prefaceMismatch(in, pos, i, available);
                if (e == null) {
                    return false;
                }
                throw e;
            }
        }
        if (available < PREFACE_LENGTH) {
            return false;
        }
        in.position(pos + PREFACE_LENGTH);
        prefacePending = false;
        return true;
    }

    /**
     * Names what the client sent instead of the preface. The verdict depends on the bytes only, never on how they were
     * split: "an HTTP/1.1 request" needs the method's token and the space after it, so while only token bytes have
     * arrived the reader waits (returns null). A difference after {@code "PRI * HTTP/2.0"} is a damaged preface.
     */
    private static Http2Exception prefaceMismatch(ByteBuffer in, int pos, int mismatch, int available) {
        if (in.get(pos) == TLS_HANDSHAKE) {
            return Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "invalid connection preface: looks like a TLS handshake on a cleartext HTTP/2 port");
        }
        if (mismatch >= PREFACE_REQUEST_LINE) {
            return Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "invalid connection preface: byte " + mismatch + " differs");
        }
        int method = 0;
        while (method < available && TOKEN[in.get(pos + method) & 0xFF]) {
            method++;
        }
        if (method == available && available < PREFACE_LENGTH) {
            return null;
        }
        if (method > 0 && method < available && in.get(pos + method) == ' ') {
            return Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                    "invalid connection preface: looks like an HTTP/1.1 request, not HTTP/2 with prior knowledge");
        }
        return Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                "invalid connection preface: byte " + mismatch + " differs");
    }

    private static boolean startsWith(ByteBuffer in, int pos, String prefix) {
        if (in.limit() - pos < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (in.get(pos + i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static void checkMaxFrameSize(int maxFrameSize) {
        if (maxFrameSize < FrameType.DEFAULT_MAX_FRAME_SIZE || maxFrameSize > FrameType.MAX_FRAME_SIZE_LIMIT) {
            throw new IllegalArgumentException("maxFrameSize " + maxFrameSize + " outside 16384..16777215");
        }
    }
}
