package dev.weft.codec.http2;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * The six settings of RFC 9113 section 6.5.2, starting at their initial values. One instance holds one endpoint's
 * settings: the peer's, updated with {@link #apply} from each received SETTINGS frame, or ours, configured with the
 * setters and sent with {@link #writePayload} (or {@link FrameWriter#writeSettings}).
 *
 * <p>Values the RFC defines as unsigned 32-bit are {@code long}s; "no limit" (the initial value of
 * SETTINGS_MAX_CONCURRENT_STREAMS and SETTINGS_MAX_HEADER_LIST_SIZE) is {@link #UNLIMITED}, so that
 * {@code count < settings.maxConcurrentStreams()} needs no special case.
 */
public final class Http2Settings {
    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;

    /** The value of a limit that was never set: larger than any 32-bit value. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    /** Identifier (16 bits) and value (32 bits). */
    public static final int ENTRY_LENGTH = 6;

    public static final long DEFAULT_HEADER_TABLE_SIZE = 4096;
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    public static final int DEFAULT_MAX_FRAME_SIZE = FrameType.DEFAULT_MAX_FRAME_SIZE;

    private static final long MAX_UNSIGNED_INT = 0xFFFF_FFFFL;

    private long headerTableSize;
    private boolean enablePush;
    private long maxConcurrentStreams;
    private int initialWindowSize;
    private int maxFrameSize;
    private long maxHeaderListSize;
    /** Bit {@code id} is set when setting {@code id} was set explicitly: those are what {@link #writePayload} sends. */
    private int explicit;

    /** Settings at their RFC 9113 initial values. */
    public Http2Settings() {
        reset();
    }

    /** Back to the RFC 9113 initial values, none of them explicitly set. */
    public void reset() {
        headerTableSize = DEFAULT_HEADER_TABLE_SIZE;
        enablePush = true;
        maxConcurrentStreams = UNLIMITED;
        initialWindowSize = DEFAULT_INITIAL_WINDOW_SIZE;
        maxFrameSize = DEFAULT_MAX_FRAME_SIZE;
        maxHeaderListSize = UNLIMITED;
        explicit = 0;
    }

    /**
     * Applies a received SETTINGS payload (not an ACK): the entries from {@code payload.position()} to its limit, in
     * order, the last value of a repeated identifier winning (RFC 9113 section 6.5.3). Either all entries are valid and
     * applied, or none is. Unknown identifiers are ignored (section 6.5.2). The buffer's position is not changed.
     *
     * @param peerIsServer the payload comes from a server, which must not enable push (section 6.5.2)
     * @return the change of SETTINGS_INITIAL_WINDOW_SIZE (new minus old, 0 if unchanged): add it to the send window of
     *         every open stream with {@link FlowWindow#applyInitialDelta} (section 6.9.2)
     * @throws Http2Exception a connection error: FRAME_SIZE_ERROR if the length is not a multiple of 6,
     *                        PROTOCOL_ERROR for ENABLE_PUSH other than 0 or 1 (or 1 from a server) and for
     *                        MAX_FRAME_SIZE outside 16384..16777215, FLOW_CONTROL_ERROR for INITIAL_WINDOW_SIZE above
     *                        2^31-1
     */
    public int apply(ByteBuffer payload, boolean peerIsServer) throws Http2Exception {
        int from = payload.position();
        int to = payload.limit();
        if ((to - from) % ENTRY_LENGTH != 0) {
            throw Http2Exception.connection(ErrorCode.FRAME_SIZE_ERROR,
                    "SETTINGS frame length " + (to - from) + ", must be a multiple of 6");
        }
        for (int i = from; i < to; i += ENTRY_LENGTH) {
            validate(payload.getShort(i) & 0xFFFF, payload.getInt(i + 2) & MAX_UNSIGNED_INT, peerIsServer);
        }
        int oldWindow = initialWindowSize;
        for (int i = from; i < to; i += ENTRY_LENGTH) {
            store(payload.getShort(i) & 0xFFFF, payload.getInt(i + 2) & MAX_UNSIGNED_INT);
        }
        return initialWindowSize - oldWindow;
    }

    private static void validate(int id, long value, boolean peerIsServer) throws Http2Exception {
        switch (id) {
            case ENABLE_PUSH -> {
                if (value > 1) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_ENABLE_PUSH " + value + ", must be 0 or 1");
                }
                if (value == 1 && peerIsServer) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_ENABLE_PUSH 1 from a server, only 0 is allowed");
                }
            }
            case INITIAL_WINDOW_SIZE -> {
                if (value > FrameType.MAX_STREAM_ID) {
                    throw Http2Exception.connection(ErrorCode.FLOW_CONTROL_ERROR,
                            "SETTINGS_INITIAL_WINDOW_SIZE " + value + ", must be at most 2147483647");
                }
            }
            case MAX_FRAME_SIZE -> {
                if (value < DEFAULT_MAX_FRAME_SIZE || value > FrameType.MAX_FRAME_SIZE_LIMIT) {
                    throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR,
                            "SETTINGS_MAX_FRAME_SIZE " + value + ", must be within 16384..16777215");
                }
            }
            default -> {
                // HEADER_TABLE_SIZE, MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE: any 32-bit value; unknown: ignored
            }
        }
    }

    private void store(int id, long value) {
        switch (id) {
            case HEADER_TABLE_SIZE -> headerTableSize = value;
            case ENABLE_PUSH -> enablePush = value == 1;
            case MAX_CONCURRENT_STREAMS -> maxConcurrentStreams = value;
            case INITIAL_WINDOW_SIZE -> initialWindowSize = (int) value;
            case MAX_FRAME_SIZE -> maxFrameSize = (int) value;
            case MAX_HEADER_LIST_SIZE -> maxHeaderListSize = value;
            default -> {
                // RFC 9113 section 6.5.2: an endpoint that receives an unknown setting MUST ignore it
            }
        }
    }

    /**
     * Sets one setting by identifier, validated like a received one, and marks it to be sent by {@link #writePayload}.
     *
     * @throws IllegalArgumentException for an unknown identifier or a value the RFC does not allow
     */
    public Http2Settings set(int id, long value) {
        if (id < HEADER_TABLE_SIZE || id > MAX_HEADER_LIST_SIZE) {
            throw new IllegalArgumentException("unknown setting 0x" + Integer.toHexString(id));
        }
        if (value < 0 || value > MAX_UNSIGNED_INT) {
            throw new IllegalArgumentException("setting 0x" + Integer.toHexString(id) + " value " + value
                    + " is not an unsigned 32-bit integer");
        }
        try {
            validate(id, value, false);
        } catch (Http2Exception e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        store(id, value);
        explicit |= 1 << id;
        return this;
    }

    public Http2Settings headerTableSize(long value) {
        return set(HEADER_TABLE_SIZE, value);
    }

    public Http2Settings enablePush(boolean value) {
        return set(ENABLE_PUSH, value ? 1 : 0);
    }

    public Http2Settings maxConcurrentStreams(long value) {
        return set(MAX_CONCURRENT_STREAMS, value);
    }

    public Http2Settings initialWindowSize(int value) {
        return set(INITIAL_WINDOW_SIZE, value);
    }

    public Http2Settings maxFrameSize(int value) {
        return set(MAX_FRAME_SIZE, value);
    }

    public Http2Settings maxHeaderListSize(long value) {
        return set(MAX_HEADER_LIST_SIZE, value);
    }

    /** SETTINGS_HEADER_TABLE_SIZE: the HPACK dynamic table size the sender's decoder allows; default 4096. */
    public long headerTableSize() {
        return headerTableSize;
    }

    /** SETTINGS_ENABLE_PUSH: whether server push is allowed; default true. */
    public boolean enablePush() {
        return enablePush;
    }

    /** SETTINGS_MAX_CONCURRENT_STREAMS: default {@link #UNLIMITED}. */
    public long maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** SETTINGS_INITIAL_WINDOW_SIZE: the initial stream flow-control window; default 65535. */
    public int initialWindowSize() {
        return initialWindowSize;
    }

    /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload the sender accepts; default 16384. */
    public int maxFrameSize() {
        return maxFrameSize;
    }

    /** SETTINGS_MAX_HEADER_LIST_SIZE (advisory): default {@link #UNLIMITED}. */
    public long maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** Bytes {@link #writePayload} writes: 6 per explicitly set setting. */
    public int payloadLength() {
        return Integer.bitCount(explicit) * ENTRY_LENGTH;
    }

    /**
     * Writes the settings set explicitly with the setters (whatever their value), in identifier order, as a SETTINGS
     * payload. Settings never set are left out: the peer assumes their initial values (RFC 9113 section 6.5.2).
     *
     * @throws BufferOverflowException if {@code out} has less than {@link #payloadLength()} bytes left; nothing is
     *                                 written then
     */
    public void writePayload(ByteBuffer out) {
        if (out.remaining() < payloadLength()) {
            throw new BufferOverflowException();
        }
        for (int id = HEADER_TABLE_SIZE; id <= MAX_HEADER_LIST_SIZE; id++) {
            if ((explicit & (1 << id)) != 0) {
                out.putShort((short) id);
                out.putInt((int) get(id));
            }
        }
    }

    /** The value of a setting by identifier (ENABLE_PUSH as 0 or 1). */
    public long get(int id) {
        return switch (id) {
            case HEADER_TABLE_SIZE -> headerTableSize;
            case ENABLE_PUSH -> enablePush ? 1 : 0;
            case MAX_CONCURRENT_STREAMS -> maxConcurrentStreams;
            case INITIAL_WINDOW_SIZE -> initialWindowSize;
            case MAX_FRAME_SIZE -> maxFrameSize;
            case MAX_HEADER_LIST_SIZE -> maxHeaderListSize;
            default -> throw new IllegalArgumentException("unknown setting 0x" + Integer.toHexString(id));
        };
    }

    @Override
    public String toString() {
        return "Http2Settings{headerTableSize=" + headerTableSize + ", enablePush=" + enablePush
                + ", maxConcurrentStreams=" + limit(maxConcurrentStreams) + ", initialWindowSize=" + initialWindowSize
                + ", maxFrameSize=" + maxFrameSize + ", maxHeaderListSize=" + limit(maxHeaderListSize) + "}";
    }

    private static String limit(long value) {
        return value == UNLIMITED ? "unlimited" : Long.toString(value);
    }
}
