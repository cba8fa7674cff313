package dev.weft.codec.http2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Byte-level fixture builders: frames are spelled out field by field, never produced by the code under test. */
final class Bytes {
    static final byte[] PREFACE = ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    /** An empty SETTINGS frame: the shortest valid first frame. */
    static final byte[] EMPTY_SETTINGS = frame(FrameType.SETTINGS, 0, 0);

    private Bytes() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Concatenates byte arrays, strings (ISO-8859-1) and single bytes given as Integers. */
    static byte[] cat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            if (part instanceof byte[] b) {
                out.writeBytes(b);
            } else if (part instanceof String s) {
                out.writeBytes(ascii(s));
            } else if (part instanceof Integer i) {
                out.write(i);
            } else {
                throw new IllegalArgumentException(String.valueOf(part));
            }
        }
        return out.toByteArray();
    }

    static byte[] u32(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    static byte[] u16(int v) {
        return new byte[] {(byte) (v >>> 8), (byte) v};
    }

    static byte[] zeros(int n) {
        return new byte[n];
    }

    static byte[] filled(int n, char c) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, (byte) c);
        return b;
    }

    /** A frame whose length field is the payload's length. */
    static byte[] frame(int type, int flags, int streamId, Object... payload) {
        byte[] p = cat(payload);
        return frameWithLength(p.length, type, flags, streamId, p);
    }

    /** A frame header with an arbitrary length field, followed by {@code payload} (which may be shorter). */
    static byte[] frameWithLength(int length, int type, int flags, int streamId, byte[] payload) {
        return cat(new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type,
                (byte) flags}, u32(streamId), payload);
    }

    /** One SETTINGS entry. */
    static byte[] setting(int id, long value) {
        return cat(u16(id), u32(value));
    }

    /** What a server reader needs before other frames: the preface and an empty SETTINGS. */
    static byte[] clientStart(Object... frames) {
        return cat(PREFACE, EMPTY_SETTINGS, cat(frames));
    }

    /** What a client reader needs before other frames: an empty SETTINGS. */
    static byte[] serverStart(Object... frames) {
        return cat(EMPTY_SETTINGS, cat(frames));
    }

    static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x", x & 0xFF));
        }
        return s.toString();
    }

    static byte[] unhex(String hex) {
        String h = hex.replace(" ", "");
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    /** The remaining bytes of a buffer, printable ASCII as is and others as \xNN; does not move its position. */
    static String show(ByteBuffer b) {
        StringBuilder s = new StringBuilder();
        for (int i = b.position(); i < b.limit(); i++) {
            int c = b.get(i) & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '\\') {
                s.append((char) c);
            } else {
                s.append(String.format("\\x%02x", c));
            }
        }
        return s.toString();
    }

    static byte[] written(ByteBuffer out) {
        byte[] b = new byte[out.position()];
        out.duplicate().flip().get(b);
        return b;
    }
}
