package dev.weft.admin.server;

/**
 * A minimal streaming JSON writer for the admin reports (RFC 8259): objects, arrays, strings, numbers, booleans.
 * Commas are inserted automatically; names and strings are escaped, including {@code <}, {@code >} and {@code &}
 * so that a report can never close a {@code <script>} element it is embedded in. Public so that the data plane can
 * render the JSON its {@link AdminViews} return (authorization denials and explanations) the same way.
 */
public final class Json {
    private static final int MAX_DEPTH = 32; // the reports nest 4 deep; a bound keeps a bug from growing the stack array
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final StringBuilder out = new StringBuilder(256);
    private final boolean[] needsComma = new boolean[MAX_DEPTH];
    private int depth;

    public Json beginObject() {
        value();
        out.append('{');
        push();
        return this;
    }

    public Json endObject() {
        depth--;
        out.append('}');
        return this;
    }

    public Json beginArray() {
        value();
        out.append('[');
        push();
        return this;
    }

    public Json endArray() {
        depth--;
        out.append(']');
        return this;
    }

    /** Writes a member name; the next call writes its value. */
    public Json name(String name) {
        value();
        string(name);
        out.append(':');
        needsComma[depth] = false; // the value that follows belongs to this name
        return this;
    }

    public Json value(String s) {
        value();
        if (s == null) {
            out.append("null");
        } else {
            string(s);
        }
        return this;
    }

    public Json value(long n) {
        value();
        out.append(n);
        return this;
    }

    public Json value(boolean b) {
        value();
        out.append(b);
        return this;
    }

    /** A finite double as a JSON number; NaN and infinities (not representable, RFC 8259 section 6) become null. */
    public Json value(double d) {
        value();
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            out.append("null");
        } else if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            out.append((long) d);
        } else {
            out.append(d);
        }
        return this;
    }

    /** Inserts an already serialized JSON value verbatim (e.g. the config dump from the views). */
    public Json raw(String json) {
        value();
        out.append(json);
        return this;
    }

    public Json field(String name, String value) {
        return name(name).value(value);
    }

    public Json field(String name, long value) {
        return name(name).value(value);
    }

    public Json field(String name, double value) {
        return name(name).value(value);
    }

    public Json field(String name, boolean value) {
        return name(name).value(value);
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** A JSON string literal for {@code s}, quotes included. */
    public static String quote(String s) {
        Json j = new Json();
        j.string(s);
        return j.out.toString();
    }

    private void push() {
        if (++depth >= MAX_DEPTH) {
            throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
        }
        needsComma[depth] = false;
    }

    private void value() {
        if (needsComma[depth]) {
            out.append(',');
        }
        needsComma[depth] = true;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // RFC 8259 section 7: control characters must be escaped; <, >, & and the JS line separators
                    // are escaped too so the text is safe inside HTML and JavaScript
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
