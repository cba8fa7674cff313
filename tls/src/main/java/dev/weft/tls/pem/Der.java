package dev.weft.tls.pem;

import java.io.ByteArrayOutputStream;

/**
 * The few DER (X.690) pieces PEM key loading needs: read a TLV, write SEQUENCE / INTEGER / OCTET STRING, print an OID.
 *
 * <pre>
 *   +-----+----------------------------+-----------+
 *   | tag | length                     | value     |
 *   +-----+----------------------------+-----------+
 *   1 byte  0x00-0x7f: short form          length bytes
 *           0x81-0x84: 1-4 length bytes follow (long form); 0x80 (indefinite) is not DER
 * </pre>
 */
final class Der {
    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    static final int CONTEXT_0 = 0xa0;

    private static final int MAX_LENGTH_BYTES = 4; // X.690 8.1.3.5 allows more, but no key is 4 GiB

    private Der() {}

    /** A malformed DER structure; callers turn it into a {@link PemException} naming the file. */
    static final class DerException extends Exception {
        private static final long serialVersionUID = 1L;

        DerException(String message) {
            super(message);
        }
    }

    /** One tag-length-value inside {@code buf}: the value is {@code buf[valueStart, valueEnd)}. */
    record Tlv(int tag, byte[] buf, int start, int valueStart, int valueEnd) {
        byte[] value() {
            return java.util.Arrays.copyOfRange(buf, valueStart, valueEnd);
        }

        byte[] encoded() {
            return java.util.Arrays.copyOfRange(buf, start, valueEnd);
        }

        Reader contents() {
            return new Reader(buf, valueStart, valueEnd);
        }
    }

    /** Reads consecutive TLVs from a byte range. */
    static final class Reader {
        private final byte[] buf;
        private final int end;
        private int pos;

        Reader(byte[] buf) {
            this(buf, 0, buf.length);
        }

        Reader(byte[] buf, int from, int to) {
            this.buf = buf;
            this.pos = from;
            this.end = to;
        }

        boolean hasMore() {
            return pos < end;
        }

        Tlv next() throws DerException {
            int start = pos;
            if (end - pos < 2) {
                throw new DerException("truncated DER at offset " + pos);
            }
            int tag = buf[pos++] & 0xff;
            if ((tag & 0x1f) == 0x1f) {
                throw new DerException("high tag numbers are not used in keys (offset " + start + ")");
            }
            int first = buf[pos++] & 0xff;
            long length;
            if (first < 0x80) {
                length = first;
            } else {
                int count = first & 0x7f;
                if (count == 0) {
                    throw new DerException("indefinite length is not DER (offset " + start + ")");
                }
                if (count > MAX_LENGTH_BYTES || end - pos < count) {
                    throw new DerException("bad length at offset " + start);
                }
                length = 0;
                for (int i = 0; i < count; i++) {
                    length = (length << 8) | (buf[pos++] & 0xff);
                }
            }
            if (length > end - pos) {
                throw new DerException("length " + length + " runs past the end at offset " + start);
            }
            int valueStart = pos;
            pos += (int) length;
            return new Tlv(tag, buf, start, valueStart, pos);
        }

        Tlv next(int expectedTag, String what) throws DerException {
            Tlv tlv = next();
            if (tlv.tag() != expectedTag) {
                throw new DerException(String.format("expected %s (tag 0x%02x), found tag 0x%02x", what, expectedTag,
                        tlv.tag()));
            }
            return tlv;
        }
    }

    /** A whole buffer that must be exactly one TLV with the expected tag. */
    static Tlv single(byte[] der, int expectedTag, String what) throws DerException {
        Reader reader = new Reader(der);
        Tlv tlv = reader.next(expectedTag, what);
        if (reader.hasMore()) {
            throw new DerException("trailing bytes after " + what);
        }
        return tlv;
    }

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int length = value.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... encodedParts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] part : encodedParts) {
            body.writeBytes(part);
        }
        return tlv(SEQUENCE, body.toByteArray());
    }

    /** A small non-negative INTEGER (versions only). */
    static byte[] smallInteger(int value) {
        if (value < 0 || value > 127) {
            throw new IllegalArgumentException("only 0..127: " + value);
        }
        return tlv(INTEGER, new byte[] {(byte) value});
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    static byte[] nullValue() {
        return new byte[] {NULL, 0};
    }

    /** The value of a one-byte INTEGER, or -1 when it is longer (versions are always small). */
    static int smallIntegerValue(Tlv tlv) {
        return tlv.valueEnd() - tlv.valueStart() == 1 ? tlv.buf()[tlv.valueStart()] : -1;
    }

    /** X.690 8.19: first byte is 40 * arc1 + arc2, then base-128 arcs with the high bit as continuation. */
    static String oidToString(byte[] value) throws DerException {
        if (value.length == 0) {
            throw new DerException("empty OID");
        }
        StringBuilder out = new StringBuilder();
        long arc = 0;
        boolean first = true;
        for (int i = 0; i < value.length; i++) {
            arc = (arc << 7) | (value[i] & 0x7f);
            if (arc > (Long.MAX_VALUE >> 7)) {
                throw new DerException("OID arc too large");
            }
            if ((value[i] & 0x80) == 0) {
                if (first) {
                    int top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
                    out.append(top).append('.').append(arc - 40L * top);
                    first = false;
                } else {
                    out.append('.').append(arc);
                }
                arc = 0;
            } else if (i == value.length - 1) {
                throw new DerException("truncated OID");
            }
        }
        return out.toString();
    }
}
