package dev.weft.codec.http1;

import java.nio.ByteBuffer;

import static dev.weft.codec.http1.HttpChars.CR;
import static dev.weft.codec.http1.HttpChars.LF;

/**
 * Splits a byte stream into CRLF-terminated lines and copies each line, without its CRLF, into a
 * {@link MessageHead}'s byte store. Input may be split at any byte: the only state carried between calls is whether
 * the last byte was a CR. Every byte consumed counts against the caller's limit, terminators included.
 */
final class LineReader {
    private boolean afterCr;
    private int lineStart;
    private int start;
    private int consumed;

    void reset() {
        afterCr = false;
        lineStart = 0;
        start = 0;
        consumed = 0;
    }

    /** Bytes consumed since {@link #reset()}, CRs and LFs included. */
    int consumed() {
        return consumed;
    }

    /** Start, in the store's bytes, of the line most recently returned by {@link #next}. */
    int start() {
        return start;
    }

    /**
     * Consumes bytes up to and including the next LF.
     *
     * @return the end (exclusive) in {@code store.bytes} of the completed line, which begins at {@link #start()};
     *         -1 when {@code in} ran out first (all of it consumed)
     * @throws Http1Exception {@code overLimit} once more than {@code limit} bytes were consumed since reset
     */
    int next(ByteBuffer in, MessageHead store, int limit, Http1Violation overLimit) throws Http1Exception {
        int pos = in.position();
        int end = in.limit();
        int n = store.size;
        store.ensureCapacity(n + Math.max(0, Math.min(end - pos, limit - consumed)));
        byte[] bytes = store.bytes;
        byte[] array = in.hasArray() ? in.array() : null;
        int offset = array != null ? in.arrayOffset() : 0;
        while (pos < end) {
            byte c = array != null ? array[offset + pos++] : in.get(pos++); // heap buffers skip get()'s checks
            if (++consumed > limit) {
                throw Http1Exception.of(overLimit);
            }
            if (afterCr) {
                if (c != LF) {
                    throw Http1Exception.of(Http1Violation.BARE_CR); // RFC 9112 section 2.2: a bare CR is invalid
                }
                afterCr = false;
                in.position(pos);
                store.size = n;
                start = lineStart;
                lineStart = n;
                return n;
            }
            if (c == CR) {
                afterCr = true;
            } else if (c == LF) {
                throw Http1Exception.of(Http1Violation.BARE_LF); // RFC 9112 section 2.2: Weft does not accept a bare LF
            } else {
                bytes[n++] = c;
            }
        }
        in.position(pos);
        store.size = n;
        return -1;
    }
}
