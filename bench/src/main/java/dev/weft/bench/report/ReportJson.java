package dev.weft.bench.report;

import dev.weft.core.json.JsonParser;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code report.json}: a {@link Report} as pretty-printed JSON and back.
 *
 * <p>Every record becomes an object whose members are its components, by their Java names and in declaration order,
 * so the file reads like {@link Report} and a diff of two files lines up. Numbers that were not measured are written
 * as {@code null} when they are doubles ({@code NaN}, and the infinities, which no measurement produces) and kept as
 * {@code -1} when they are counts or bytes. Maps keep their iteration order, except those without a defined one
 * ({@code HashMap}, {@code Map.of}), which are written sorted by key so that the same report gives the same file.
 * Small objects and arrays of plain values (latency percentiles, distribution points, rate fractions) stay on one
 * line.
 *
 * <p>Reading is strict about the structure and lenient about the future: a member that is missing or of the wrong
 * type fails with an {@link IOException} naming the file and the JSON path of the member
 * ({@code perf-reports/0.1.0/report.json: scenarios[2].targets[1].max.requestsPerSecond: expected a number}); members
 * this version does not know are ignored. A {@code null} reads as {@code NaN} for doubles, {@code -1} for integers and
 * {@code null} for strings, objects and arrays.
 */
public final class ReportJson {

    /** The file name inside a report folder. */
    public static final String FILE_NAME = "report.json";

    /** Objects and arrays of plain values at most this long are written on one line. */
    private static final int INLINE_WIDTH = 100;
    private static final String INDENT = "  ";
    /**
     * Reading: the model nests 9 deep ({@code scenarios[].targets[].rates[].distribution[]}), 16 leaves the schema
     * room to grow; numbers as written, so that each member is read as its component's type and a wrong one is
     * quoted; lone surrogates, which the writer escapes; errors with line, column and the offending text.
     */
    private static final JsonParser.Options JSON = new JsonParser.Options(16, JsonParser.Numbers.TEXT,
            JsonParser.Strings.UTF16, JsonParser.Errors.DESCRIPTIVE);

    private ReportJson() {
    }

    // ---------------------------------------------------------------------------------------------------- writing

    /** The report as pretty-printed JSON with a trailing newline. */
    public static String write(Report report) {
        StringBuilder b = new StringBuilder(64 * 1024);
        value(b, report, 0);
        return b.append('\n').toString();
    }

    private static void value(StringBuilder b, Object v, int level) {
        if (isPlain(v)) {
            plain(b, v);
            return;
        }
        String inline = inline(v);
        if (inline != null && inline.length() <= INLINE_WIDTH) {
            b.append(inline);
            return;
        }
        if (v instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                b.append(first ? "\n" : ",\n");
                first = false;
                b.append(INDENT.repeat(level + 1));
                value(b, o, level + 1);
            }
            b.append('\n').append(INDENT.repeat(level)).append(']');
        } else {
            b.append('{');
            boolean first = true;
            for (Map.Entry<String, Object> e : members(v).entrySet()) {
                b.append(first ? "\n" : ",\n");
                first = false;
                b.append(INDENT.repeat(level + 1));
                string(b, e.getKey());
                b.append(": ");
                value(b, e.getValue(), level + 1);
            }
            b.append('\n').append(INDENT.repeat(level)).append('}');
        }
    }

    /** The one-line form of an object or array made only of plain values (empty ones included), else null. */
    private static String inline(Object v) {
        StringBuilder b = new StringBuilder();
        if (v instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!isPlain(o)) {
                    return null;
                }
                b.append(first ? "" : ", ");
                first = false;
                plain(b, o);
            }
            return b.append(']').toString();
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<String, Object> e : members(v).entrySet()) {
            if (!isPlain(e.getValue())) {
                return null;
            }
            b.append(first ? "" : ", ");
            first = false;
            string(b, e.getKey());
            b.append(": ");
            plain(b, e.getValue());
        }
        return b.append('}').toString();
    }

    private static boolean isPlain(Object v) {
        return v == null || v instanceof String || v instanceof java.lang.Number || v instanceof Boolean;
    }

    private static void plain(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Double d) {
            b.append(number(d));
        } else if (v instanceof Float f) {
            b.append(number(f.doubleValue()));
        } else {
            b.append(v); // Integer, Long, Boolean
        }
    }

    /** Shortest text that reads back as the same double; integral values without ".0"; NaN and infinities null. */
    static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "null";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15 && !(d == 0 && 1 / d < 0)) {
            return Long.toString((long) d);
        }
        return Double.toString(d); // "1.0E-4" is valid JSON
    }

    /** The members of a record (components in order) or a map (entries in order). */
    private static Map<String, Object> members(Object v) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (v instanceof Map<?, ?> m) {
            if (unordered(m)) {
                new TreeMap<>(m).forEach((k, x) -> out.put(String.valueOf(k), x));
            } else {
                m.forEach((k, x) -> out.put(String.valueOf(k), x));
            }
        } else if (v.getClass().isRecord()) {
            for (RecordComponent rc : v.getClass().getRecordComponents()) {
                try {
                    out.put(rc.getName(), rc.getAccessor().invoke(v));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read " + rc, e);
                }
            }
        } else {
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
        return out;
    }

    /** Maps whose iteration order changes from run to run ({@code HashMap}, {@code Map.of}). */
    private static boolean unordered(Map<?, ?> m) {
        return (m instanceof HashMap && !(m instanceof LinkedHashMap))
                || m.getClass().getName().startsWith("java.util.ImmutableCollections$");
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029
                            || (Character.isSurrogate(c) && !wellFormedSurrogate(s, i))) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    /** True when the surrogate at {@code i} is half of a proper pair (a lone one cannot be written as UTF-8). */
    private static boolean wellFormedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    // ---------------------------------------------------------------------------------------------------- reading

    /**
     * Reads {@code report.json} from a report folder, or the file itself.
     *
     * @throws IOException naming the file: when it does not exist, is not UTF-8 or not JSON (with line and column),
     *                     or a member is missing or of the wrong type (with its JSON path)
     */
    public static Report read(Path reportJsonOrFolder) throws IOException {
        Path file = Files.isDirectory(reportJsonOrFolder) ? reportJsonOrFolder.resolve(FILE_NAME) : reportJsonOrFolder;
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IOException(file == reportJsonOrFolder
                    ? reportJsonOrFolder + ": no such file or folder"
                    : reportJsonOrFolder + ": no " + FILE_NAME + " there", e);
        } catch (IOException e) {
            throw new IOException(file + ": cannot read: " + e, e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1); // RFC 8259 section 8.1: a parser MAY ignore the byte order mark an editor adds
        }
        return parse(text, file.toString());
    }

    /**
     * Parses report JSON text; {@code source} names it in error messages.
     *
     * @throws IOException as {@link #read(Path)}
     */
    public static Report parse(String json, String source) throws IOException {
        Object tree;
        try {
            tree = JsonParser.parse(json, JSON);
        } catch (JsonParser.SyntaxException e) {
            throw new IOException(source + ": " + e.getMessage(), e);
        }
        if (tree instanceof Map<?, ?> root && root.get("schema") instanceof JsonParser.NumberText n) {
            // say "newer" rather than listing whatever the new schema renamed
            if (Double.parseDouble(n.text()) != Report.SCHEMA) {
                throw new IOException(source + ": schema: " + n.text() + " is not supported; this reader knows schema "
                        + Report.SCHEMA);
            }
        }
        try {
            return (Report) bind(tree, Report.class, "");
        } catch (BindException e) {
            throw new IOException(source + ": " + e.getMessage());
        }
    }

    /** A member that does not fit the model, with its JSON path. */
    private static final class BindException extends Exception {
        BindException(String path, String message) {
            super((path.isEmpty() ? "(top level)" : path) + ": " + message);
        }
    }

    private static Object bind(Object v, Type type, String path) throws BindException {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (raw == double.class || raw == Double.class) {
            if (v == null) {
                return Double.NaN;
            }
            if (v instanceof JsonParser.NumberText n) {
                return Double.parseDouble(n.text());
            }
            throw new BindException(path, "expected a number, got " + kind(v));
        }
        if (raw == long.class || raw == int.class) {
            if (v == null) {
                return raw == long.class ? (Object) (-1L) : (Object) (-1);
            }
            if (!(v instanceof JsonParser.NumberText n)) {
                throw new BindException(path, "expected an integer, got " + kind(v));
            }
            try {
                long l = Long.parseLong(n.text());
                if (raw == int.class) {
                    return Math.toIntExact(l);
                }
                return l;
            } catch (ArithmeticException e) {
                throw new BindException(path, "expected an integer of 32 bits, got " + n.text());
            } catch (NumberFormatException e) {
                boolean integral = n.text().chars().allMatch(c -> c == '-' || Character.isDigit(c));
                throw new BindException(path, "expected an integer" + (integral ? " of 64 bits" : "") + ", got "
                        + n.text());
            }
        }
        if (raw == boolean.class) {
            if (v instanceof Boolean bool) {
                return bool;
            }
            throw new BindException(path, "expected true or false, got " + kind(v));
        }
        if (v == null) {
            return null;
        }
        if (raw == String.class) {
            if (v instanceof String s) {
                return s;
            }
            throw new BindException(path, "expected a string, got " + kind(v));
        }
        if (raw == List.class) {
            if (!(v instanceof List<?> list)) {
                throw new BindException(path, "expected an array, got " + kind(v));
            }
            Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                out.add(bind(list.get(i), element, path + "[" + i + "]"));
            }
            return Collections.unmodifiableList(out);
        }
        if (raw == Map.class) {
            if (!(v instanceof Map<?, ?> map)) {
                throw new BindException(path, "expected an object, got " + kind(v));
            }
            Type element = ((ParameterizedType) type).getActualTypeArguments()[1];
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                String key = (String) e.getKey();
                out.put(key, bind(e.getValue(), element, member(path, key)));
            }
            return Collections.unmodifiableMap(out);
        }
        if (raw.isRecord()) {
            if (!(v instanceof Map<?, ?> map)) {
                throw new BindException(path, "expected an object, got " + kind(v));
            }
            RecordComponent[] components = raw.getRecordComponents();
            Object[] args = new Object[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                RecordComponent rc = components[i];
                String at = member(path, rc.getName());
                if (!map.containsKey(rc.getName())) {
                    throw new BindException(at, "missing");
                }
                args[i] = bind(map.get(rc.getName()), rc.getGenericType(), at);
                types[i] = rc.getType();
            }
            try {
                Constructor<?> c = raw.getDeclaredConstructor(types);
                return c.newInstance(args);
            } catch (ReflectiveOperationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new BindException(path, "invalid: " + cause.getMessage());
            }
        }
        throw new IllegalStateException("no JSON binding for " + type);
    }

    private static String member(String path, String name) {
        boolean simple = !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))
                && name.chars().allMatch(Character::isJavaIdentifierPart);
        if (simple) {
            return path.isEmpty() ? name : path + "." + name;
        }
        StringBuilder b = new StringBuilder(path).append('[');
        string(b, name);
        return b.append(']').toString();
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            StringBuilder b = new StringBuilder("the string ");
            string(b, s.length() > 40 ? s.substring(0, 40) + "..." : s);
            return b.toString();
        }
        if (v instanceof JsonParser.NumberText n) {
            return "the number " + n.text();
        }
        if (v instanceof Boolean bool) {
            return bool.toString();
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        return "an object";
    }
}
