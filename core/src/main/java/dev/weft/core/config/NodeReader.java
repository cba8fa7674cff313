package dev.weft.core.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Turns YAML nodes into Java values. Every method takes the node and its path; a node of the wrong type or out of
 * range is reported to {@link Problems} and yields null, never an exception, so one load reports every problem.
 * Types follow the YAML 1.2 core schema: {@code 8080} is an integer, {@code "8080"} a string, {@code yes} a string.
 */
final class NodeReader {
    static final String DURATION_MESSAGE = "must be a duration like 5s or 250ms";

    /** {@code <number><unit>}; the number may have a fraction ("0.25s", "1.5m"). The sign is checked separately. */
    private static final Pattern DURATION = Pattern.compile("([-+]?)(\\d+(?:\\.\\d+)?|\\.\\d+)(ms|s|m|h)");
    private static final BigDecimal NANOS_PER_MS = BigDecimal.valueOf(1_000_000L);
    private static final BigDecimal NANOS_PER_S = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal NANOS_PER_M = BigDecimal.valueOf(60_000_000_000L);
    private static final BigDecimal NANOS_PER_H = BigDecimal.valueOf(3_600_000_000_000L);

    private final Problems problems;

    private java.nio.file.Path baseDir;

    /** Sets the directory relative file paths are resolved against (null: the working directory). */
    void baseDir(java.nio.file.Path dir) {
        baseDir = dir;
    }

    java.nio.file.Path baseDir() {
        return baseDir;
    }

    NodeReader(Problems problems) {
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    /** Absent values and explicit nulls ({@code key:}, {@code key: ~}) both mean "not given". */
    static boolean isNull(Node node) {
        return node == null || (node instanceof ScalarNode && Tag.NULL.equals(node.getTag()));
    }

    /** The path of a list item. */
    static String item(String listPath, int index) {
        return listPath + "[" + index + "]";
    }

    String string(Node node, String path) {
        if (node instanceof ScalarNode scalar && Tag.STR.equals(node.getTag())) {
            return scalar.getValue();
        }
        if (node instanceof ScalarNode && Tag.ENV_TAG.equals(node.getTag())) {
            problems.add(node, path, "environment variables are not substituted; quote the value to use it as is");
        } else {
            problems.add(node, path, "must be a string");
        }
        return null;
    }

    /** An integer in {@code min..max}; YAML's 0x / 0o forms are accepted. */
    Integer integer(Node node, String path, int min, int max) {
        if (!(node instanceof ScalarNode scalar) || !Tag.INT.equals(node.getTag())) {
            problems.add(node, path, "must be an integer");
            return null;
        }
        BigInteger value;
        try {
            value = parseInteger(scalar.getValue());
        } catch (NumberFormatException e) { // an explicit !!int tag on a non-number
            problems.add(node, path, "must be an integer");
            return null;
        }
        boolean tooSmall = value.compareTo(BigInteger.valueOf(min)) < 0;
        if (tooSmall || value.compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(node, path, max != Integer.MAX_VALUE ? "must be " + min + ".." + max
                    : tooSmall ? "must be at least " + min : "must be at most " + max);
            return null;
        }
        return value.intValue();
    }

    private static BigInteger parseInteger(String text) {
        if (text.startsWith("0x")) {
            return new BigInteger(text.substring(2), 16);
        }
        if (text.startsWith("0o")) {
            return new BigInteger(text.substring(2), 8);
        }
        return new BigInteger(text.startsWith("+") ? text.substring(1) : text);
    }

    Boolean bool(Node node, String path) {
        if (node instanceof ScalarNode scalar && Tag.BOOL.equals(node.getTag())) {
            return scalar.getValue().equalsIgnoreCase("true");
        }
        problems.add(node, path, "must be true or false");
        return null;
    }

    /** A non-negative duration such as {@code 5s}, {@code 250ms}, {@code 1.5m}, {@code 2h}. */
    Duration duration(Node node, String path) {
        Matcher m = node instanceof ScalarNode scalar && Tag.STR.equals(node.getTag())
                ? DURATION.matcher(scalar.getValue()) : null;
        if (m == null || !m.matches()) {
            problems.add(node, path, DURATION_MESSAGE);
            return null;
        }
        if (m.group(1).equals("-") && new BigDecimal(m.group(2)).signum() != 0) {
            problems.add(node, path, "must not be negative");
            return null;
        }
        BigDecimal unit = switch (m.group(3)) {
            case "ms" -> NANOS_PER_MS;
            case "s" -> NANOS_PER_S;
            case "m" -> NANOS_PER_M;
            default -> NANOS_PER_H;
        };
        BigInteger nanos = new BigDecimal(m.group(2)).multiply(unit).toBigInteger();
        if (nanos.bitLength() > 62) { // ~146 years: far beyond any sensible timeout, and safe to add to nanoTime()
            problems.add(node, path, "is too long");
            return null;
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** One of the constants of {@code type}, case-insensitively ({@code round_robin} is ROUND_ROBIN). */
    <E extends Enum<E>> E oneOf(Node node, String path, Class<E> type) {
        if (node instanceof ScalarNode scalar && Tag.STR.equals(node.getTag())) {
            String wanted = scalar.getValue().toUpperCase(Locale.ROOT);
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equals(wanted)) {
                    return constant;
                }
            }
        }
        problems.add(node, path, "must be one of " + names(type));
        return null;
    }

    static String names(Class<? extends Enum<?>> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }

    /** The items of a sequence, or null (reported) if the node is not one. */
    List<Node> list(Node node, String path) {
        if (node instanceof SequenceNode sequence) {
            return sequence.getValue();
        }
        problems.add(node, path, "must be a list");
        return null;
    }

    /** A mapping whose keys must all be in {@code fields}, or null (reported) if the node is not a mapping. */
    YamlMap map(Node node, String path, String... fields) {
        if (node instanceof MappingNode mapping) {
            return new YamlMap(this, mapping, path, List.of(fields));
        }
        problems.add(node, path.isEmpty() ? "(top level)" : path, "must be a map");
        return null;
    }
}
