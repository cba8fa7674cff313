package dev.weft.codec.http2;

import java.nio.ByteBuffer;

/**
 * Receives the frames {@link FrameReader#read} parses, each validated per RFC 9113 section 6 (sizes, stream 0 rules,
 * padding) but not against stream state, flow control or settings, which are the connection's job (see
 * {@link StreamStateMachine}, {@link FlowWindow}, {@link Http2Settings}).
 *
 * <p><b>Buffers are borrowed.</b> A {@code ByteBuffer} argument is only valid during the call: it is either the
 * reader's input buffer with its position and limit narrowed to the payload, or the reader's internal header block
 * buffer. A listener may read it (and move its position) but must not keep it, modify its content, or change its
 * limit or mark; the reader restores position and limit after the call. Copy what you keep.
 *
 * <p>Any method may throw {@link Http2Exception}: {@link FrameReader#read} passes it on. A stream error thrown from a
 * listener leaves the reader usable, with the frame consumed.
 */
public interface FrameListener {

    /**
     * A DATA frame (RFC 9113 section 6.1), never on stream 0.
     *
     * @param data                 the data, padding removed; may be empty
     * @param flowControlledLength the whole frame payload including the Pad Length octet and padding: what counts
     *                             against the stream and connection flow-control windows (section 6.9)
     */
    void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream) throws Http2Exception;

    /**
     * A complete field block from HEADERS and any CONTINUATION frames (sections 6.2 and 6.10), padding and priority
     * fields removed, never on stream 0. The block must be HPACK-decoded now, whatever the stream's state, to keep the
     * decoder in sync (section 4.3).
     *
     * @param streamDependency the dependency of the deprecated priority scheme (section 5.3.2), or -1 without the
     *                         PRIORITY flag; never {@code streamId} (that is a stream error, see
     *                         {@link #onDiscardedHeaders})
     * @param weight           1 to 256 (the wire value plus one); 16 without the PRIORITY flag
     */
    void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int streamDependency, boolean exclusive,
                   int weight) throws Http2Exception;

    /**
     * A complete field block that must be HPACK-decoded to keep the decoder in sync (RFC 9113 section 4.3) and then
     * discarded, because its HEADERS frame carries a stream error: a stream dependency on itself.
     * {@link FrameReader#read} throws that stream error (PROTOCOL_ERROR) right after this call; the caller resets the
     * stream. The stream id still counts as used (section 5.1.1).
     */
    void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) throws Http2Exception;

    /** A PRIORITY frame (section 6.3): valid in any stream state, including idle; never a self-dependency. */
    void onPriority(int streamId, int streamDependency, boolean exclusive, int weight) throws Http2Exception;

    /**
     * A RST_STREAM frame (section 6.4), never on stream 0.
     *
     * @param errorCode the unsigned 32-bit code as received; see {@link ErrorCode#of(long)}
     */
    void onRstStream(int streamId, long errorCode) throws Http2Exception;

    /**
     * A SETTINGS frame (section 6.5). Apply a non-ACK payload with {@link Http2Settings#apply} and acknowledge it with
     * {@link FrameWriter#writeSettingsAck}; an ACK acknowledges our last SETTINGS (then call
     * {@link FrameReader#setMaxFrameSize} if we changed SETTINGS_MAX_FRAME_SIZE).
     *
     * @param payload the entries, a multiple of 6 bytes; empty for an ACK
     */
    void onSettings(boolean ack, ByteBuffer payload) throws Http2Exception;

    /**
     * A PUSH_PROMISE field block (sections 6.6 and 6.10), received by a client only (a server reader rejects the frame
     * as a connection PROTOCOL_ERROR). A client that disabled push must treat it as a connection PROTOCOL_ERROR
     * itself, after decoding the block.
     *
     * @param streamId         the associated stream, never 0
     * @param promisedStreamId the reserved stream, reserved bit cleared; validating it is the caller's job
     */
    void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) throws Http2Exception;

    /** A PING frame (section 6.7): answer a non-ACK with the same {@code opaque} and the ACK flag. */
    void onPing(boolean ack, long opaque) throws Http2Exception;

    /**
     * A GOAWAY frame (section 6.8).
     *
     * @param errorCode the unsigned 32-bit code as received; see {@link ErrorCode#of(long)}
     * @param debugData opaque diagnostic bytes, possibly empty; never interpret them
     */
    void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) throws Http2Exception;

    /**
     * A WINDOW_UPDATE frame (section 6.9) with an increment of 1 to 2^31-1; {@code streamId} 0 is the connection
     * window. Apply it with {@link FlowWindow#increment}.
     */
    void onWindowUpdate(int streamId, int increment) throws Http2Exception;

    /**
     * A frame of a type RFC 9113 does not define (section 5.5: it must be ignored), outside a field block. Ignored by
     * default.
     */
    default void onUnknownFrame(int type, int streamId, int flags, ByteBuffer payload) throws Http2Exception {
    }
}
