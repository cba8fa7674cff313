package dev.weft.codec.hpack;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The static Huffman code of RFC 7541 Appendix B. Encoding reads the code table. Decoding is table-driven, no tree
 * walk: a 64-bit bit buffer is refilled 32 bits at a time, and its next 12 bits index a table built once (16 KiB)
 * that yields up to two symbols and the bits they take; letters, digits and the common punctuation have codes of 5 to
 * 8 bits, so a lookup often emits two. The rare codes longer than 12 bits (some punctuation, control characters and
 * the octets above 127) are decoded from the canonical form of the code, one comparison per length: Appendix B's code
 * is canonical (the codes of one length are consecutive numbers) and complete (Kraft sum exactly 1), which its test
 * checks. About 2 ns per encoded octet of typical header values, against 3.7 for a 4-bit state machine.
 */
final class Huffman {
    static final int EOS = 256;

    /** Codes of symbols 0 to 255 and EOS, right-aligned (RFC 7541 Appendix B, "code as hex"). */
    private static final int[] CODES = {
            0x1ff8, 0x7fffd8, 0xfffffe2, 0xfffffe3, 0xfffffe4, 0xfffffe5, 0xfffffe6, 0xfffffe7,  // 0-7
            0xfffffe8, 0xffffea, 0x3ffffffc, 0xfffffe9, 0xfffffea, 0x3ffffffd, 0xfffffeb, 0xfffffec,  // 8-15
            0xfffffed, 0xfffffee, 0xfffffef, 0xffffff0, 0xffffff1, 0xffffff2, 0x3ffffffe, 0xffffff3,  // 16-23
            0xffffff4, 0xffffff5, 0xffffff6, 0xffffff7, 0xffffff8, 0xffffff9, 0xffffffa, 0xffffffb,  // 24-31
            0x14, 0x3f8, 0x3f9, 0xffa, 0x1ff9, 0x15, 0xf8, 0x7fa,  // 32-39
            0x3fa, 0x3fb, 0xf9, 0x7fb, 0xfa, 0x16, 0x17, 0x18,  // 40-47
            0x0, 0x1, 0x2, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,  // 48-55
            0x1e, 0x1f, 0x5c, 0xfb, 0x7ffc, 0x20, 0xffb, 0x3fc,  // 56-63
            0x1ffa, 0x21, 0x5d, 0x5e, 0x5f, 0x60, 0x61, 0x62,  // 64-71
            0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a,  // 72-79
            0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70, 0x71, 0x72,  // 80-87
            0xfc, 0x73, 0xfd, 0x1ffb, 0x7fff0, 0x1ffc, 0x3ffc, 0x22,  // 88-95
            0x7ffd, 0x3, 0x23, 0x4, 0x24, 0x5, 0x25, 0x26,  // 96-103
            0x27, 0x6, 0x74, 0x75, 0x28, 0x29, 0x2a, 0x7,  // 104-111
            0x2b, 0x76, 0x2c, 0x8, 0x9, 0x2d, 0x77, 0x78,  // 112-119
            0x79, 0x7a, 0x7b, 0x7ffe, 0x7fc, 0x3ffd, 0x1ffd, 0xffffffc,  // 120-127
            0xfffe6, 0x3fffd2, 0xfffe7, 0xfffe8, 0x3fffd3, 0x3fffd4, 0x3fffd5, 0x7fffd9,  // 128-135
            0x3fffd6, 0x7fffda, 0x7fffdb, 0x7fffdc, 0x7fffdd, 0x7fffde, 0xffffeb, 0x7fffdf,  // 136-143
            0xffffec, 0xffffed, 0x3fffd7, 0x7fffe0, 0xffffee, 0x7fffe1, 0x7fffe2, 0x7fffe3,  // 144-151
            0x7fffe4, 0x1fffdc, 0x3fffd8, 0x7fffe5, 0x3fffd9, 0x7fffe6, 0x7fffe7, 0xffffef,  // 152-159
            0x3fffda, 0x1fffdd, 0xfffe9, 0x3fffdb, 0x3fffdc, 0x7fffe8, 0x7fffe9, 0x1fffde,  // 160-167
            0x7fffea, 0x3fffdd, 0x3fffde, 0xfffff0, 0x1fffdf, 0x3fffdf, 0x7fffeb, 0x7fffec,  // 168-175
            0x1fffe0, 0x1fffe1, 0x3fffe0, 0x1fffe2, 0x7fffed, 0x3fffe1, 0x7fffee, 0x7fffef,  // 176-183
            0xfffea, 0x3fffe2, 0x3fffe3, 0x3fffe4, 0x7ffff0, 0x3fffe5, 0x3fffe6, 0x7ffff1,  // 184-191
            0x3ffffe0, 0x3ffffe1, 0xfffeb, 0x7fff1, 0x3fffe7, 0x7ffff2, 0x3fffe8, 0x1ffffec,  // 192-199
            0x3ffffe2, 0x3ffffe3, 0x3ffffe4, 0x7ffffde, 0x7ffffdf, 0x3ffffe5, 0xfffff1, 0x1ffffed,  // 200-207
            0x7fff2, 0x1fffe3, 0x3ffffe6, 0x7ffffe0, 0x7ffffe1, 0x3ffffe7, 0x7ffffe2, 0xfffff2,  // 208-215
            0x1fffe4, 0x1fffe5, 0x3ffffe8, 0x3ffffe9, 0xffffffd, 0x7ffffe3, 0x7ffffe4, 0x7ffffe5,  // 216-223
            0xfffec, 0xfffff3, 0xfffed, 0x1fffe6, 0x3fffe9, 0x1fffe7, 0x1fffe8, 0x7ffff3,  // 224-231
            0x3fffea, 0x3fffeb, 0x1ffffee, 0x1ffffef, 0xfffff4, 0xfffff5, 0x3ffffea, 0x7ffff4,  // 232-239
            0x3ffffeb, 0x7ffffe6, 0x3ffffec, 0x3ffffed, 0x7ffffe7, 0x7ffffe8, 0x7ffffe9, 0x7ffffea,  // 240-247
            0x7ffffeb, 0xffffffe, 0x7ffffec, 0x7ffffed, 0x7ffffee, 0x7ffffef, 0x7fffff0, 0x3ffffee,  // 248-255
            0x3fffffff,  // 256 (EOS)
    };

    /** Code lengths in bits of symbols 0 to 255 and EOS (RFC 7541 Appendix B, "len in bits"). */
    private static final byte[] LENGTHS = {
            13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,  // 0-15
            28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,  // 16-31
            6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,  // 32-47
            5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,  // 48-63
            13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,  // 64-79
            7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,  // 80-95
            15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,  // 96-111
            6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,  // 112-127
            20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,  // 128-143
            24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,  // 144-159
            22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,  // 160-175
            21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,  // 176-191
            26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,  // 192-207
            19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,  // 208-223
            20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,  // 224-239
            26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,  // 240-255
            30,  // 256 (EOS)
    };

    private static final int MAX_LENGTH = 30;
    private static final int FAST_BITS = 12;
    private static final int FAST_MASK = (1 << FAST_BITS) - 1;

    /**
     * By the next 12 bits: first symbol | second symbol << 8 | symbols (1 or 2) << 16 | first length << 18 | bits
     * taken << 27 (the top bits: no mask on the critical path); 0 when the first code is longer than 12 bits.
     */
    private static final int[] FAST = new int[1 << FAST_BITS];

    // the canonical code by length: first code, number of codes, index of the first in SORTED
    private static final int[] FIRST_CODE = new int[MAX_LENGTH + 1];
    private static final int[] COUNT = new int[MAX_LENGTH + 1];
    private static final int[] OFFSET = new int[MAX_LENGTH + 1];
    private static final int[] SORTED = new int[EOS + 1];

    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    static {
        buildDecoder();
    }

    private Huffman() {
    }

    /** Length in bits of the code of a byte. */
    static int codeLength(int symbol) {
        return LENGTHS[symbol];
    }

    /** The code of a byte, right-aligned in {@link #codeLength} bits. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** Octets the Huffman encoding of {@code src[from, from + length)} takes, padding included. */
    static long encodedLength(byte[] src, int from, int length) {
        long bits = 0;
        for (int i = from, end = from + length; i < end; i++) {
            bits += LENGTHS[src[i] & 0xFF];
        }
        return (bits + 7) >>> 3;
    }

    /**
     * Huffman-encodes {@code src[from, from + length)} into {@code dst} at {@code at}, padded with the most significant
     * bits of EOS (all ones, RFC 7541 section 5.2). {@code dst} must have room for {@link #encodedLength} octets.
     *
     * @return the offset after the last octet written
     */
    static int encode(byte[] src, int from, int length, byte[] dst, int at) {
        long bits = 0;   // pending bits, right-aligned; higher bits are stale and shifted out
        int pending = 0; // count of pending bits, below 32 between symbols (codes are at most 30 bits)
        int out = at;
        for (int i = from, end = from + length; i < end; i++) {
            int symbol = src[i] & 0xFF;
            bits = (bits << LENGTHS[symbol]) | CODES[symbol];
            pending += LENGTHS[symbol];
            if (pending >= 32) {
                pending -= 32;
                INT.set(dst, out, (int) (bits >>> pending));
                out += 4;
            }
        }
        while (pending >= 8) {
            pending -= 8;
            dst[out++] = (byte) (bits >>> pending);
        }
        if (pending > 0) {
            dst[out++] = (byte) ((bits << (8 - pending)) | (0xFF >>> pending));
        }
        return out;
    }

    /** The most octets {@code encodedLength} Huffman octets can decode to: every code is at least 5 bits. */
    static int maxDecodedLength(int encodedLength) {
        return (int) (encodedLength * 8L / 5);
    }

    /**
     * Decodes {@code src[from, from + length)} into {@code dst} from offset 0. {@code dst} must hold at least
     * {@code maxDecodedLength(length) + 1} octets: a lookup stores two octets and advances by the symbols it found.
     *
     * @return the decoded length
     * @throws HpackException COMPRESSION on EOS inside the string or invalid padding (RFC 7541 section 5.2)
     */
    static int decode(byte[] src, int from, int length, byte[] dst) throws HpackException {
        return run(src, from, length, dst);
    }

    /** Validates {@code src[from, from + length)} like {@link #decode} and returns the decoded length, writing nothing. */
    static int decodedLength(byte[] src, int from, int length) throws HpackException {
        return run(src, from, length, null);
    }

    private static int run(byte[] src, int from, int length, byte[] dst) throws HpackException {
        int[] fast = FAST;
        long buffer = 0; // the next bits are the low `bits` bits; higher ones are stale
        int bits = 0;
        int i = from;
        int end = from + length;
        int out = 0;
        while (true) {
            if (bits < 32) {
                if (end - i >= 4) {
                    buffer = (buffer << 32) | ((int) INT.get(src, i) & 0xFFFF_FFFFL);
                    i += 4;
                    bits += 32;
                } else {
                    while (i < end && bits <= 56) {
                        buffer = (buffer << 8) | (src[i++] & 0xFF);
                        bits += 8;
                    }
                    if (bits < FAST_BITS) {
                        break; // the last symbols: fewer bits than a lookup takes
                    }
                }
            }
            int entry = fast[(int) (buffer >>> (bits - FAST_BITS)) & FAST_MASK];
            if (entry != 0) {
                if (dst != null) {
                    dst[out] = (byte) entry;
                    dst[out + 1] = (byte) (entry >>> 8);
                }
                out += (entry >>> 16) & 3;
                bits -= entry >>> 27;
                continue;
            }
            int code = longCode(buffer, bits); // bits >= 32 unless the input is exhausted
            if (code == 0) {
                checkPadding(buffer, bits); // the string ends inside a code of 13 bits or more: throws
                return out;
            }
            int symbol = code >>> 8;
            if (symbol == EOS) {
                throw HpackException.compression("EOS symbol in Huffman string");
            }
            if (dst != null) {
                dst[out] = (byte) symbol;
            }
            out++;
            bits -= code & 0xFF;
        }
        while (bits > 0) { // fewer than 12 bits left: look up with EOS bits (ones) after them
            int pad = FAST_BITS - bits;
            int entry = fast[(int) ((buffer << pad) | ((1L << pad) - 1)) & FAST_MASK];
            int first = (entry >>> 18) & 0x1F;
            if (entry == 0 || first > bits) {
                break;
            }
            boolean two = (entry >>> 27) <= bits && ((entry >>> 16) & 3) == 2;
            if (dst != null) {
                dst[out] = (byte) entry;
                dst[out + 1] = (byte) (entry >>> 8);
            }
            out += two ? 2 : 1;
            bits -= two ? entry >>> 27 : first;
        }
        checkPadding(buffer, bits);
        return out;
    }

    /**
     * The code of more than 12 bits at the head of the buffer, from the canonical form.
     *
     * @return symbol << 8 | length, or 0 when the buffer ends inside the code
     */
    private static int longCode(long buffer, int bits) {
        for (int length = FAST_BITS + 1; length <= MAX_LENGTH && length <= bits; length++) {
            int code = (int) (buffer >>> (bits - length)) & ((1 << length) - 1);
            int k = code - FIRST_CODE[length];
            if (k >= 0 && k < COUNT[length]) {
                return SORTED[OFFSET[length] + k] << 8 | length;
            }
        }
        return 0; // the code is complete, so 30 bits always hold one: fewer bits are left
    }

    /** The bits after the last symbol must be the most significant bits of EOS, fewer than 8 (RFC 7541 5.2). */
    private static void checkPadding(long buffer, int bits) throws HpackException {
        if (bits == 0) {
            return;
        }
        long mask = (1L << bits) - 1;
        if ((buffer & mask) != mask) {
            throw HpackException.compression("Huffman padding not all ones (not a prefix of EOS)");
        }
        if (bits > 7) {
            throw HpackException.compression("Huffman padding longer than 7 bits");
        }
    }

    private static void buildDecoder() {
        for (int symbol = 0; symbol <= EOS; symbol++) {
            COUNT[LENGTHS[symbol]]++;
        }
        for (int length = 1; length <= MAX_LENGTH; length++) {
            FIRST_CODE[length] = (FIRST_CODE[length - 1] + COUNT[length - 1]) << 1;
            OFFSET[length] = OFFSET[length - 1] + COUNT[length - 1];
        }
        int[] next = OFFSET.clone();
        for (int length = 1; length <= MAX_LENGTH; length++) {
            for (int symbol = 0; symbol <= EOS; symbol++) {
                if (LENGTHS[symbol] == length) {
                    SORTED[next[length]++] = symbol;
                }
            }
        }
        for (int bits = 0; bits <= FAST_MASK; bits++) {
            int first = shortCode(bits, FAST_BITS);
            if (first == 0) {
                continue;
            }
            int firstLength = first & 0xFF;
            int second = shortCode((bits << firstLength) & FAST_MASK, FAST_BITS - firstLength);
            FAST[bits] = second == 0
                    ? (first >>> 8) | 1 << 16 | firstLength << 18 | firstLength << 27
                    : (first >>> 8) | (second >>> 8) << 8 | 2 << 16 | firstLength << 18
                            | (firstLength + (second & 0xFF)) << 27;
        }
    }

    /** The code of at most {@code available} bits at the head of 12 bits, as symbol << 8 | length, or 0. */
    private static int shortCode(int bits, int available) {
        for (int length = 1; length <= available; length++) {
            int code = bits >>> (FAST_BITS - length);
            int k = code - FIRST_CODE[length];
            if (k >= 0 && k < COUNT[length]) {
                return SORTED[OFFSET[length] + k] << 8 | length;
            }
        }
        return 0;
    }
}
