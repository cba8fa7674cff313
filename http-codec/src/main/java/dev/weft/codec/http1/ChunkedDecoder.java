package dev.weft.codec.http1;

import java.nio.ByteBuffer;

import static dev.weft.codec.http1.HttpChars.CR;
import static dev.weft.codec.http1.HttpChars.LF;
import static dev.weft.codec.http1.HttpChars.hex;
import static dev.weft.codec.http1.HttpChars.isFieldValue;
import static dev.weft.codec.http1.HttpChars.isToken;
import static dev.weft.codec.http1.HttpChars.isWhitespace;

/**
 * Push-style decoder of the chunked transfer coding (RFC 9112 section 7.1). It consumes the framing and points at
 * the payload in place; it never copies payload bytes.
 *
 * <pre>
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-size   = 1*HEXDIG                       (at most 16 digits, must fit a signed long)
 *   chunk-ext    = *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] )
 *   last-chunk   = 1*("0") [ chunk-ext ] CRLF
 * </pre>
 *
 * Input may be split at any byte. Bare LF and bare CR are rejected everywhere (see {@link Http1Violation}).
 */
public final class ChunkedDecoder {
    /** Returned by {@link #next} once the last chunk and the trailer section are consumed. */
    public static final long END = -1;
    private static final int MAX_SIZE_DIGITS = 16; // RFC 9112 section 7.1: chunk-size must be parsed with overflow checks

    /** Each size-line state lists, in {@link #sizeLine}, the bytes that leave it. */
    private enum State {
        SIZE, EXT_WS, EXT_NAME_START, EXT_NAME, EXT_NAME_WS, EXT_VALUE_START, EXT_TOKEN_VALUE, EXT_QUOTED,
        EXT_QUOTED_PAIR, EXT_AFTER_QUOTED, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILERS, DONE
    }

    private final Http1Limits limits;
    private final TrailerFields trailers = new TrailerFields();
    private final LineReader trailerLines = new LineReader();
    private State state;
    private long size;
    private int sizeDigits;
    private int lineBytes;
    private long remaining;

    public ChunkedDecoder(Http1Limits limits) {
        this.limits = limits;
        reset();
    }

    /** Prepares for the next chunked body. */
    public void reset() {
        state = State.SIZE;
        size = 0;
        sizeDigits = 0;
        lineBytes = 0;
        remaining = 0;
        trailers.clear();
        trailerLines.reset();
    }

    /**
     * Consumes framing bytes from {@code in}.
     *
     * @return {@code n > 0}: n payload bytes start at {@code in.position()} (n &lt;= remaining), and the caller must
     *         consume exactly n before calling again; {@code 0}: all of {@code in} was consumed, feed more;
     *         {@link #END}: the body is complete and {@code in.position()} is just after its final CRLF
     */
    public long next(ByteBuffer in) throws Http1Exception {
        while (true) {
            switch (state) {
                case DATA -> {
                    long n = Math.min(remaining, in.remaining());
                    if (n == 0) {
                        return 0;
                    }
                    remaining -= n;
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                    return n;
                }
                case TRAILERS -> {
                    if (!trailerLine(in)) {
                        return 0;
                    }
                }
                case DONE -> {
                    return END;
                }
                default -> {
                    if (!in.hasRemaining()) {
                        return 0;
                    }
                    int pos = in.position();
                    byte c = in.get(pos);
                    in.position(pos + 1);
                    if (state == State.DATA_CR || state == State.DATA_LF) {
                        afterData(c);
                    } else {
                        sizeLine(c);
                    }
                }
            }
        }
    }

    /** RFC 9112 section 7.1: chunk-data is followed by exactly CRLF. */
    private void afterData(byte c) throws Http1Exception {
        if (state == State.DATA_CR && c == CR) {
            state = State.DATA_LF;
        } else if (state == State.DATA_LF && c == LF) {
            state = State.SIZE;
            size = 0;
            sizeDigits = 0;
            lineBytes = 0;
        } else {
            throw Http1Exception.of(Http1Violation.INVALID_CHUNK_LINE);
        }
    }

    private void sizeLine(byte c) throws Http1Exception {
        if (state == State.SIZE_LF) {
            if (c != LF) {
                throw Http1Exception.of(Http1Violation.BARE_CR); // RFC 9112 section 2.2
            }
            if (size == 0) {
                state = State.TRAILERS;
            } else {
                remaining = size;
                state = State.DATA;
            }
            return;
        }
        if (c == LF) {
            throw Http1Exception.of(Http1Violation.BARE_LF); // RFC 9112 section 2.2: Weft does not accept a bare LF
        }
        if (c != CR && ++lineBytes > limits.maxChunkLineBytes()) {
            throw Http1Exception.of(Http1Violation.CHUNK_EXTENSION_TOO_LONG); // RFC 9112 section 7.1.1: limit chunk-ext
        }
        state = switch (state) {
            case SIZE -> sizeDigit(c);
            case EXT_WS -> c == ';' ? State.EXT_NAME_START : whitespace(c, State.EXT_WS);
            case EXT_NAME_START -> isToken(c) ? State.EXT_NAME : whitespace(c, State.EXT_NAME_START);
            case EXT_NAME -> isToken(c) ? State.EXT_NAME : afterName(c);
            case EXT_NAME_WS -> c == ';' ? State.EXT_NAME_START
                    : c == '=' ? State.EXT_VALUE_START : whitespace(c, State.EXT_NAME_WS);
            case EXT_VALUE_START -> c == '"' ? State.EXT_QUOTED
                    : isToken(c) ? State.EXT_TOKEN_VALUE : whitespace(c, State.EXT_VALUE_START);
            case EXT_TOKEN_VALUE -> isToken(c) ? State.EXT_TOKEN_VALUE : afterValue(c);
            case EXT_QUOTED -> quoted(c);
            case EXT_QUOTED_PAIR -> c != CR && isFieldValue(c) ? State.EXT_QUOTED : invalidLine();
            case EXT_AFTER_QUOTED -> afterValue(c);
            default -> throw new IllegalStateException(state.name());
        };
    }

    private State sizeDigit(byte c) throws Http1Exception {
        int digit = hex(c);
        if (digit >= 0) {
            if (++sizeDigits > MAX_SIZE_DIGITS || size > (Long.MAX_VALUE >>> 4)) {
                throw Http1Exception.of(Http1Violation.INVALID_CHUNK_SIZE); // RFC 9112 section 7.1: overflow
            }
            size = (size << 4) | digit;
            return State.SIZE;
        }
        if (sizeDigits == 0) {
            throw Http1Exception.of(Http1Violation.INVALID_CHUNK_SIZE); // RFC 9112 section 7.1: chunk-size = 1*HEXDIG
        }
        if (c == CR) {
            return State.SIZE_LF;
        }
        if (c == ';') {
            return State.EXT_NAME_START;
        }
        if (isWhitespace(c)) {
            return State.EXT_WS; // BWS before ";"
        }
        throw Http1Exception.of(Http1Violation.INVALID_CHUNK_SIZE);
    }

    private static State afterName(byte c) throws Http1Exception {
        return switch (c) {
            case ';' -> State.EXT_NAME_START;
            case '=' -> State.EXT_VALUE_START;
            case CR -> State.SIZE_LF;
            case ' ', '\t' -> State.EXT_NAME_WS;
            default -> invalidLine();
        };
    }

    private static State afterValue(byte c) throws Http1Exception {
        return switch (c) {
            case ';' -> State.EXT_NAME_START;
            case CR -> State.SIZE_LF;
            case ' ', '\t' -> State.EXT_WS;
            default -> invalidLine();
        };
    }

    /** qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text (RFC 9110 section 5.6.4). */
    private static State quoted(byte c) throws Http1Exception {
        if (c == '"') {
            return State.EXT_AFTER_QUOTED;
        }
        if (c == '\\') {
            return State.EXT_QUOTED_PAIR;
        }
        return c != CR && isFieldValue(c) ? State.EXT_QUOTED : invalidLine();
    }

    private static State whitespace(byte c, State stay) throws Http1Exception {
        return isWhitespace(c) ? stay : invalidLine();
    }

    private static State invalidLine() throws Http1Exception {
        throw Http1Exception.of(Http1Violation.INVALID_CHUNK_LINE); // RFC 9112 section 7.1.1: chunk-ext grammar
    }

    private boolean trailerLine(ByteBuffer in) throws Http1Exception {
        // RFC 9110 section 6.5: the trailer section is bounded like a header section; the body has begun, so 400
        int end = trailerLines.next(in, trailers, limits.maxTrailerBytes(), Http1Violation.TRAILERS_TOO_LARGE);
        if (end < 0) {
            return false;
        }
        int start = trailerLines.start();
        if (start == end) {
            state = State.DONE;
        } else {
            trailers.addField(start, end, limits.maxHeaderCount(), Http1Violation.TRAILERS_TOO_LARGE);
        }
        return true;
    }

    public int trailerCount() {
        return trailers.fieldCount();
    }

    public String trailerName(int i) {
        return trailers.name(i);
    }

    public String trailerValue(int i) {
        return trailers.value(i);
    }

    /** Appends every trailer field to {@code out} (call {@link HeadWriter#lastChunk()} before, endHead() after). */
    public void writeTrailers(HeadWriter out) {
        for (int i = 0; i < trailers.fieldCount(); i++) {
            trailers.copyField(i, out);
        }
    }
}
