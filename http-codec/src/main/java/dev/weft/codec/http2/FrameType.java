package dev.weft.codec.http2;

/**
 * Frame type codes (RFC 9113 section 6) and the frame header layout (section 4.1). Types are plain ints because a
 * frame of any other type must be ignored (section 5.5), not rejected: see {@link FrameListener#onUnknownFrame}.
 */
public final class FrameType {
    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    /** Length (24 bits), type, flags, reserved bit and stream id (31 bits). */
    public static final int HEADER_LENGTH = 9;
    /** The largest frame payload a 24-bit length can express, and the largest SETTINGS_MAX_FRAME_SIZE. */
    public static final int MAX_FRAME_SIZE_LIMIT = (1 << 24) - 1;
    /** The initial SETTINGS_MAX_FRAME_SIZE, and its smallest allowed value. */
    public static final int DEFAULT_MAX_FRAME_SIZE = 1 << 14;
    /** The largest stream id and the largest flow-control window, 2^31-1. */
    public static final int MAX_STREAM_ID = Integer.MAX_VALUE;

    private static final String[] NAMES = {"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE",
            "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"};

    private FrameType() {
    }

    /** Whether RFC 9113 defines this type (extension frames, e.g. ALTSVC or ORIGIN, are not known here). */
    public static boolean isKnown(int type) {
        return type >= DATA && type <= CONTINUATION;
    }

    /** The RFC name of a type, or e.g. {@code "type 0xa"} for an extension type; for messages and logs. */
    public static String name(int type) {
        return isKnown(type) ? NAMES[type] : "type 0x" + Integer.toHexString(type);
    }
}
