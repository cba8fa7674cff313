package dev.weft.codec.hpack;

/**
 * A header block that cannot be decoded. {@link Kind#COMPRESSION} is a connection error for the caller (HTTP/2 GOAWAY
 * with COMPRESSION_ERROR, RFC 9113 section 4.3): the dynamic table may be out of step with the peer's. {@link
 * Kind#HEADER_LIST_TOO_LARGE} is a stream-level problem: the whole block was still decoded, so the dynamic table is in
 * step and the connection can go on (RFC 9113 section 10.5.1: refuse the stream, e.g. 431 or RST_STREAM).
 * Stackless: hostile input costs no stack walk.
 */
public final class HpackException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What the caller must do about the error. */
    public enum Kind {
        /** A decoding error (RFC 7541): connection error COMPRESSION_ERROR. */
        COMPRESSION,
        /** The decoded header list is above SETTINGS_MAX_HEADER_LIST_SIZE: a stream error, the table is in step. */
        HEADER_LIST_TOO_LARGE
    }

    private final transient Kind kind;

    public HpackException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    static HpackException compression(String message) {
        return new HpackException(Kind.COMPRESSION, message);
    }

    public Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return "HpackException(" + kind + "): " + getMessage();
    }
}
