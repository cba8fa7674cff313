package dev.weft.core.json;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Weft's one JSON parser: a strict RFC 8259 reader into plain values, bounded so that input from the network can be
 * parsed before anything about it is trusted. Objects become unmodifiable insertion-ordered {@link Map}s, arrays
 * unmodifiable {@link List}s, strings {@link String}s, {@code true} / {@code false} {@link Boolean}s, {@code null}
 * null, and numbers {@link Long} / {@link Double} or {@link NumberText} as the {@link Options} say.
 *
 * <p>Always refused: duplicate member names (RFC 8259 section 4 leaves what they mean to each reader, RFC 7515
 * section 5.2 allows refusing them, and a reader that keeps the last while another keeps the first is how claims get
 * smuggled), nesting
 * deeper than {@link Options#maxDepth()}, numbers longer than {@link #MAX_NUMBER_CHARS}, unescaped control
 * characters in strings, a byte order mark, and anything after the value. {@link #parse(byte[], Options)} also
 * refuses invalid UTF-8. {@link Options#UNTRUSTED} is the default; the other settings are for documents Weft wrote
 * itself or an operator typed.
 */
public final class JsonParser {

    /** The deepest nesting a caller may allow: the parser recurses once per level, and 256 levels fit any stack. */
    public static final int MAX_DEPTH_LIMIT = 256;
    /** The nesting {@link Options#UNTRUSTED} allows: deeper than any document Weft reads (claims nest 8 at most). */
    public static final int DEFAULT_MAX_DEPTH = 32;
    /** A longer number is no timestamp, key size or measurement anyone writes; it only costs conversion time. */
    public static final int MAX_NUMBER_CHARS = 40;

    /** The digits of {@link Long#MAX_VALUE} and {@link Long#MIN_VALUE}: 19 digits that sort after them do not fit. */
    private static final String LONG_MAX_DIGITS = "9223372036854775807";
    private static final String LONG_MIN_DIGITS = "9223372036854775808";

    /** How numbers are returned. */
    public enum Numbers {
        /**
         * A {@link Long} for an integer that fits, else a {@link Double} (an infinity past its range): for code that
         * reads claims and keys.
         */
        LONG_OR_DOUBLE,
        /** A {@link NumberText}, the literal as written: for a reader that decides each member's type itself. */
        TEXT
    }

    /** Which strings are accepted. */
    public enum Strings {
        /** Unicode text only: a surrogate left unpaired (raw or by a {@code \}{@code u} escape) is refused. */
        UNICODE,
        /** Any Java string: escaped lone surrogates are kept, so that a writer that escapes them round-trips. */
        UTF16
    }

    /** What an error message may say. */
    public enum Errors {
        /** Where, as {@code "... at offset 12"}, never a character of the input (it may be part of a secret). */
        OPAQUE,
        /** {@code "line 3, column 7: unexpected 'x', expected ..."}: for a document whose author reads the error. */
        DESCRIPTIVE
    }

    /**
     * How one text is read.
     *
     * @param maxDepth objects and arrays nested at most this deep, 1 to {@link #MAX_DEPTH_LIMIT}
     */
    public record Options(int maxDepth, Numbers numbers, Strings strings, Errors errors) {
        /** The default, for anything from the network: numbers as Long or Double, Unicode only, opaque errors. */
        public static final Options UNTRUSTED = untrusted(DEFAULT_MAX_DEPTH);

        public Options {
            if (maxDepth < 1 || maxDepth > MAX_DEPTH_LIMIT) {
                throw new IllegalArgumentException("maxDepth " + maxDepth + " is not in 1.." + MAX_DEPTH_LIMIT);
            }
            Objects.requireNonNull(numbers, "numbers");
            Objects.requireNonNull(strings, "strings");
            Objects.requireNonNull(errors, "errors");
        }

        /** {@link #UNTRUSTED} with the caller's nesting limit. */
        public static Options untrusted(int maxDepth) {
            return new Options(maxDepth, Numbers.LONG_OR_DOUBLE, Strings.UNICODE, Errors.OPAQUE);
        }
    }

    /** A JSON number literal, kept as written ({@link Numbers#TEXT}). */
    public record NumberText(String text) {
    }

    /** Why a text is not acceptable JSON, worded as its {@link Errors} allow. Stackless: garbage is routine input. */
    public static final class SyntaxException extends Exception {
        SyntaxException(String message) {
            super(message, null, false, false);
        }
    }

    private final String text;
    private final Options options;
    private int pos;

    private JsonParser(String text, Options options) {
        this.text = text;
        this.options = options;
    }

    /** Parses one value that makes up the whole text (surrounding whitespace allowed), as {@link Options#UNTRUSTED}. */
    public static Object parse(String text) throws SyntaxException {
        return parse(text, Options.UNTRUSTED);
    }

    /** Parses one value that makes up the whole text (surrounding whitespace allowed). */
    public static Object parse(String text, Options options) throws SyntaxException {
        JsonParser p = new JsonParser(text, options);
        p.skipWhitespace();
        Object value = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describe() + " after the JSON value");
        }
        return value;
    }

    /** Parses UTF-8 bytes (RFC 8259 section 8.1) into one value, as {@link #parse(String, Options)}. */
    public static Object parse(byte[] utf8, Options options) throws SyntaxException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder(); // reports malformed input, never replaces it
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length); // UTF-8 never decodes to more chars than it has bytes
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw new SyntaxException("invalid UTF-8 at byte " + in.position());
        }
        return parse(out.flip().toString(), options);
    }

    // ---------------------------------------------------------------------------------------------------- values

    private Object value(int depth) throws SyntaxException {
        if (pos >= text.length()) {
            throw error("unexpected end of input, expected a value");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || isDigit(c)) {
                    yield number();
                }
                throw error("unexpected " + describe() + ", expected a value");
            }
        };
    }

    private Map<String, Object> object(int depth) throws SyntaxException {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(map);
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("unexpected " + describe() + ", expected a member name in double quotes");
            }
            int nameAt = pos;
            String name = string();
            if (map.containsKey(name)) {
                pos = nameAt;
                throw error("duplicate member" + shown(" \"" + name + "\""));
            }
            skipWhitespace();
            if (peek() != ':') {
                throw error("unexpected " + describe() + ", expected ':'");
            }
            pos++;
            skipWhitespace();
            map.put(name, value(depth));
            skipWhitespace();
            char c = peek();
            if (c == '}') {
                pos++;
                return Collections.unmodifiableMap(map);
            }
            if (c != ',') {
                throw error("unexpected " + describe() + ", expected ',' or '}'");
            }
            pos++;
        }
    }

    private List<Object> array(int depth) throws SyntaxException {
        checkDepth(depth);
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            skipWhitespace();
            list.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ']') {
                pos++;
                return Collections.unmodifiableList(list);
            }
            if (c != ',') {
                throw error("unexpected " + describe() + ", expected ',' or ']'");
            }
            pos++;
        }
    }

    private void checkDepth(int depth) throws SyntaxException {
        if (depth > options.maxDepth()) {
            throw error("nested deeper than " + options.maxDepth() + " levels");
        }
    }

    private String string() throws SyntaxException {
        int quoteAt = pos++;
        int start = pos;
        while (pos < text.length()) { // fast path: no escapes
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return checkSurrogates(text.substring(start, pos - 1), quoteAt);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw controlCharacter(c);
            }
            pos++;
        }
        StringBuilder b = new StringBuilder(text.length() - start).append(text, start, pos);
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return checkSurrogates(b.toString(), quoteAt);
            }
            if (c < 0x20) {
                throw controlCharacter(c);
            }
            if (c != '\\') {
                b.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                break;
            }
            char e = text.charAt(pos + 1);
            switch (e) {
                case '"' -> b.append('"');
                case '\\' -> b.append('\\');
                case '/' -> b.append('/');
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> b.append(hex4());
                default -> throw error("invalid escape" + shown(" \\" + e));
            }
            pos += 2;
        }
        pos = text.length();
        throw error("unterminated string");
    }

    /** The four hex digits of the {@code \}{@code u} escape at {@code pos}, which stays at the backslash. */
    private char hex4() throws SyntaxException {
        if (pos + 6 > text.length()) {
            throw error("incomplete \\u escape");
        }
        int code = 0;
        for (int k = pos + 2; k < pos + 6; k++) {
            int d = Character.digit(text.charAt(k), 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            code = code << 4 | d;
        }
        pos += 4;
        return (char) code;
    }

    private SyntaxException controlCharacter(char c) {
        return error("unescaped control character" + shown(String.format(" U+%04X", (int) c)) + " in a string");
    }

    /** RFC 8259 section 8.2: escapes can spell a lone surrogate, which is no Unicode text. */
    private String checkSurrogates(String s, int quoteAt) throws SyntaxException {
        if (options.strings() == Strings.UTF16) {
            return s;
        }
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            if (Character.isHighSurrogate(c) && k + 1 < s.length() && Character.isLowSurrogate(s.charAt(k + 1))) {
                k++;
            } else if (Character.isSurrogate(c)) {
                pos = quoteAt;
                throw error("unpaired surrogate in a string");
            }
        }
        return s;
    }

    /** RFC 8259 section 6: {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}. */
    private Object number() throws SyntaxException {
        int start = pos;
        boolean negative = peek() == '-';
        if (negative) {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            digits();
        } else {
            throw error("invalid number: digit expected after '-'");
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("invalid number: digit expected after '.'");
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("invalid number: digit expected in the exponent");
            }
            digits();
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            pos = start;
            throw error("number longer than " + MAX_NUMBER_CHARS + " characters");
        }
        String literal = text.substring(start, pos);
        if (options.numbers() == Numbers.TEXT) {
            return new NumberText(literal);
        }
        if (integer && fitsLong(literal, negative)) {
            return Long.parseLong(literal);
        }
        return Double.parseDouble(literal);
    }

    /** Whether an integer literal is in the long range, decided without parsing it (no exception per number). */
    private static boolean fitsLong(String literal, boolean negative) {
        int digits = literal.length() - (negative ? 1 : 0);
        if (digits != LONG_MAX_DIGITS.length()) {
            return digits < LONG_MAX_DIGITS.length();
        }
        String limit = negative ? LONG_MIN_DIGITS : LONG_MAX_DIGITS;
        return literal.substring(negative ? 1 : 0).compareTo(limit) <= 0; // same length: text order is number order
    }

    private void digits() {
        while (isDigit(peek())) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private Object literal(String word, Object value) throws SyntaxException {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected " + describe() + ", expected a value");
        }
        pos += word.length();
        return value;
    }

    /** The current character, or NUL at the end (never valid where a character is expected). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    /** RFC 8259 section 2: space, tab, LF and CR only. A byte order mark is no whitespace, and is refused. */
    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    // ---------------------------------------------------------------------------------------------------- errors

    /** The character at {@code pos} as an error names it: itself only when errors may show the input. */
    private String describe() {
        if (pos >= text.length()) {
            return "end of input";
        }
        if (options.errors() == Errors.OPAQUE) {
            return "character";
        }
        char c = text.charAt(pos);
        return c < 0x20 || c > 0x7e ? String.format("character U+%04X", (int) c) : "'" + c + "'";
    }

    /** {@code detail} (which shows part of the input) in a descriptive error, nothing in an opaque one. */
    private String shown(String detail) {
        return options.errors() == Errors.DESCRIPTIVE ? detail : "";
    }

    private SyntaxException error(String message) {
        if (options.errors() == Errors.OPAQUE) {
            return new SyntaxException(message + " at offset " + pos);
        }
        int line = 1;
        int column = 1;
        for (int i = 0; i < pos && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new SyntaxException("line " + line + ", column " + column + ": " + message);
    }
}
