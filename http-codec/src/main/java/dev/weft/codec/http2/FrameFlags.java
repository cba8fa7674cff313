package dev.weft.codec.http2;

/**
 * Frame flag bits (RFC 9113 section 6). A flag means something only for the frame types that define it: flags a type
 * does not define are ignored on receipt and left unset when sending (section 4.1).
 */
public final class FrameFlags {
    /** DATA and HEADERS: the last frame the sender sends on this stream. */
    public static final int END_STREAM = 0x1;
    /** SETTINGS and PING: an acknowledgement. Same bit as END_STREAM. */
    public static final int ACK = 0x1;
    /** HEADERS, PUSH_PROMISE and CONTINUATION: the frame ends the field block. */
    public static final int END_HEADERS = 0x4;
    /** DATA, HEADERS and PUSH_PROMISE: a Pad Length octet and padding are present. */
    public static final int PADDED = 0x8;
    /** HEADERS: the Exclusive, Stream Dependency and Weight fields are present. */
    public static final int PRIORITY = 0x20;

    private FrameFlags() {
    }
}
