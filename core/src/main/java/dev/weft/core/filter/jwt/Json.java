package dev.weft.core.filter.jwt;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict, bounded JSON parser (RFC 8259) for JOSE headers, JWT claims and JWK sets, which come from the network and
 * are parsed before anything about them is trusted. Objects become unmodifiable insertion-ordered maps, arrays
 * unmodifiable lists, numbers {@link Long} when they are integers that fit, else {@link Double}; {@code null} stays
 * null. Refused: invalid UTF-8, duplicate member names (RFC 7515 section 5.2 allows refusing them, and a parser that
 * keeps "the last one" while another keeps the first is how claims get smuggled), nesting deeper than the caller's
 * limit, numbers longer than {@link #MAX_NUMBER_CHARS}, control characters in strings, unpaired surrogates, and
 * anything after the top-level value.
 */
final class Json {
    /** A number of more characters is no timestamp or key size anyone sends; it only costs parsing time. */
    static final int MAX_NUMBER_CHARS = 40;

    /** Why a text is not acceptable JSON; the message says where, never what (it may be part of a secret). */
    static final class JsonException extends Exception {
        JsonException(String message, int at) {
            super(message + " at offset " + at, null, false, false);
        }
    }

    private final String s;
    private final int maxDepth;
    private int i;

    private Json(String s, int maxDepth) {
        this.s = s;
        this.maxDepth = maxDepth;
    }

    /** Parses UTF-8 bytes into one JSON value, nested at most {@code maxDepth} objects and arrays deep. */
    static Object parse(byte[] utf8, int maxDepth) throws JsonException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new JsonException("invalid UTF-8", 0);
        }
        return parse(text, maxDepth);
    }

    static Object parse(String text, int maxDepth) throws JsonException {
        Json p = new Json(text, maxDepth);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.i != text.length()) {
            throw new JsonException("unexpected text after the value", p.i);
        }
        return v;
    }

    private Object value(int depth) throws JsonException {
        if (i >= s.length()) {
            throw new JsonException("unexpected end", i);
        }
        char c = s.charAt(i);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw new JsonException("unexpected character", i);
            }
        };
    }

    private Map<String, Object> object(int depth) throws JsonException {
        if (depth > maxDepth) {
            throw new JsonException("nested deeper than " + maxDepth, i);
        }
        i++; // '{'
        Map<String, Object> m = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            i++;
            return Collections.unmodifiableMap(m);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw new JsonException("expected a member name", i);
            }
            int at = i;
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value(depth);
            if (m.containsKey(name)) {
                throw new JsonException("duplicate member name", at);
            }
            m.put(name, v);
            skipSpace();
            char c = peek();
            i++;
            if (c == '}') {
                return Collections.unmodifiableMap(m);
            }
            if (c != ',') {
                throw new JsonException("expected ',' or '}'", i - 1);
            }
        }
    }

    private List<Object> array(int depth) throws JsonException {
        if (depth > maxDepth) {
            throw new JsonException("nested deeper than " + maxDepth, i);
        }
        i++; // '['
        List<Object> list = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            i++;
            return Collections.unmodifiableList(list);
        }
        while (true) {
            skipSpace();
            list.add(value(depth));
            skipSpace();
            char c = peek();
            i++;
            if (c == ']') {
                return Collections.unmodifiableList(list);
            }
            if (c != ',') {
                throw new JsonException("expected ',' or ']'", i - 1);
            }
        }
    }

    private String string() throws JsonException {
        i++; // opening quote
        int start = i;
        // fast path: no escapes
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '"') {
                String v = s.substring(start, i);
                i++;
                return checkSurrogates(v, start);
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw new JsonException("control character in a string", i);
            }
            i++;
        }
        StringBuilder b = new StringBuilder(s.length() - start).append(s, start, i);
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') {
                return checkSurrogates(b.toString(), start);
            }
            if (c < 0x20) {
                throw new JsonException("control character in a string", i - 1);
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            if (i >= s.length()) {
                break;
            }
            char e = s.charAt(i++);
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
                default -> throw new JsonException("invalid escape", i - 1);
            }
        }
        throw new JsonException("unterminated string", start - 1);
    }

    private char hex4() throws JsonException {
        if (i + 4 > s.length()) {
            throw new JsonException("truncated \\u escape", i);
        }
        int v = 0;
        for (int k = 0; k < 4; k++) {
            int d = Character.digit(s.charAt(i + k), 16);
            if (d < 0) {
                throw new JsonException("invalid \\u escape", i);
            }
            v = v << 4 | d;
        }
        i += 4;
        return (char) v;
    }

    /** Escapes can produce lone surrogates, which are not Unicode text (RFC 8259 section 8.2). */
    private static String checkSurrogates(String v, int at) throws JsonException {
        for (int k = 0; k < v.length(); k++) {
            char c = v.charAt(k);
            if (Character.isHighSurrogate(c)) {
                if (k + 1 >= v.length() || !Character.isLowSurrogate(v.charAt(k + 1))) {
                    throw new JsonException("unpaired surrogate", at);
                }
                k++;
            } else if (Character.isLowSurrogate(c)) {
                throw new JsonException("unpaired surrogate", at);
            }
        }
        return v;
    }

    private Object number() throws JsonException {
        int start = i;
        if (peek() == '-') {
            i++;
        }
        if (peek() == '0') {
            i++;
        } else if (peek() >= '1' && peek() <= '9') {
            digits();
        } else {
            throw new JsonException("invalid number", start);
        }
        boolean integer = true;
        if (peek() == '.') {
            integer = false;
            i++;
            if (!(peek() >= '0' && peek() <= '9')) {
                throw new JsonException("invalid number", start);
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integer = false;
            i++;
            if (peek() == '+' || peek() == '-') {
                i++;
            }
            if (!(peek() >= '0' && peek() <= '9')) {
                throw new JsonException("invalid number", start);
            }
            digits();
        }
        if (i - start > MAX_NUMBER_CHARS) {
            throw new JsonException("number too long", start);
        }
        String text = s.substring(start, i);
        if (integer && i - start <= 19) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                // beyond the long range: a double below
            }
        }
        return Double.parseDouble(text);
    }

    private void digits() {
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            i++;
        }
    }

    private Object literal(String word, Object v) throws JsonException {
        if (!s.startsWith(word, i)) {
            throw new JsonException("invalid literal", i);
        }
        i += word.length();
        return v;
    }

    private void expect(char c) throws JsonException {
        if (peek() != c) {
            throw new JsonException("expected '" + c + "'", i);
        }
        i++;
    }

    /** The current character, or NUL at the end (never valid where a character is expected). */
    private char peek() {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private void skipSpace() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            i++;
        }
    }
}
