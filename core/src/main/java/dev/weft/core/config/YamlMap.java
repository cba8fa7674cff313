package dev.weft.core.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * One YAML mapping of the config, at a known path, with a fixed set of field names. Unknown and repeated fields are
 * reported when it is built; the typed getters report a missing required field or a bad value and return the default
 * (or null), so a caller can read every field and let {@link Problems} decide whether the result is used.
 */
public final class YamlMap {
    private final NodeReader reader;
    private final MappingNode node;
    private final String path;
    /** Known fields in document order; a field given as null ({@code key:} or {@code key: ~}) is left out. */
    private final Map<String, Node> values = new LinkedHashMap<>();

    YamlMap(NodeReader reader, MappingNode node, String path, List<String> fields) {
        this.reader = reader;
        this.node = node;
        this.path = path;
        Map<String, Node> seen = new LinkedHashMap<>();
        for (NodeTuple tuple : node.getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode key) || Tag.NULL.equals(keyNode.getTag())) {
                problems().add(keyNode, path.isEmpty() ? "(top level)" : path, "field names must be strings");
                continue;
            }
            String name = key.getValue();
            if (fields != null && !fields.contains(name)) {
                problems().add(keyNode, path(name), "unknown field");
            } else if (seen.containsKey(name)) {
                problems().add(keyNode, path(name), "duplicate field");
            } else {
                seen.put(name, keyNode);
                if (!NodeReader.isNull(tuple.getValueNode())) {
                    values.put(name, tuple.getValueNode());
                }
            }
        }
    }

    NodeReader reader() {
        return reader;
    }

    Problems problems() {
        return reader.problems();
    }

    public String path() {
        return path;
    }

    public MappingNode node() {
        return node;
    }

    public String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The field is given with a non-null value. */
    public boolean has(String field) {
        return values.containsKey(field);
    }

    /** The value node of a field, or null when not given. */
    public Node value(String field) {
        return values.get(field);
    }

    /** Reports a problem with a given field's value. */
    public void problem(String field, String message) {
        problems().add(values.get(field), path(field), message);
    }

    /** Reports a problem with this mapping as a whole. */
    public void problem(String message) {
        problems().add(node, path, message);
    }

    /** True if given; otherwise reports {@code <path>.<field>: is required}. */
    public boolean require(String field) {
        if (has(field)) {
            return true;
        }
        problems().add(node, path(field), "is required");
        return false;
    }

    public String string(String field, String defaultValue) {
        return has(field) ? reader.string(value(field), path(field)) : defaultValue;
    }

    public String requiredString(String field) {
        return require(field) ? reader.string(value(field), path(field)) : null;
    }

    public int integer(String field, int defaultValue, int min, int max) {
        if (!has(field)) {
            return defaultValue;
        }
        Integer value = reader.integer(value(field), path(field), min, max);
        return value == null ? defaultValue : value;
    }

    /** The value, or null if missing (reported) or bad (reported). */
    public Integer requiredInteger(String field, int min, int max) {
        return require(field) ? reader.integer(value(field), path(field), min, max) : null;
    }

    public boolean bool(String field, boolean defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        Boolean value = reader.bool(value(field), path(field));
        return value == null ? defaultValue : value;
    }

    public Duration duration(String field, Duration defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        Duration value = reader.duration(value(field), path(field));
        return value == null ? defaultValue : value;
    }

    public <E extends Enum<E>> E oneOf(String field, Class<E> type, E defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        E value = reader.oneOf(value(field), path(field), type);
        return value == null ? defaultValue : value;
    }

    /** The items of an optional list; empty when not given or not a list (reported). */
    public List<Node> list(String field) {
        if (!has(field)) {
            return List.of();
        }
        List<Node> items = reader.list(value(field), path(field));
        return items == null ? List.of() : items;
    }

    /** The items of a list that must be given and not empty; empty when it is not (reported). */
    public List<Node> requiredList(String field) {
        if (!require(field)) {
            return List.of();
        }
        List<Node> items = reader.list(value(field), path(field));
        if (items != null && items.isEmpty()) {
            problem(field, "must not be empty");
        }
        return items == null ? List.of() : items;
    }

    /** A nested mapping, or null when not given or not a mapping (reported). */
    public YamlMap map(String field, String... fields) {
        return has(field) ? reader.map(value(field), path(field), fields) : null;
    }

    /** The given field names, in document order (for maps whose keys are names, e.g. RBAC policies). */
    public java.util.Set<String> keys() {
        return java.util.Collections.unmodifiableSet(values.keySet());
    }

    /** A nested mapping whose keys are free (names chosen by the user), or null when not given or not a map. */
    public YamlMap anyMap(String field) {
        if (!has(field)) {
            return null;
        }
        if (value(field) instanceof MappingNode mapping) {
            return new YamlMap(reader, mapping, path(field), null);
        }
        problem(field, "must be a map");
        return null;
    }

    /** The items of an optional list of maps with these fields; items that are not maps are reported and left out. */
    public List<YamlMap> maps(String field, String... fields) {
        List<YamlMap> out = new java.util.ArrayList<>();
        List<Node> items = list(field);
        for (int i = 0; i < items.size(); i++) {
            YamlMap m = reader.map(items.get(i), NodeReader.item(path(field), i), fields);
            if (m != null) {
                out.add(m);
            }
        }
        return out;
    }

    /** A value of this map (given by {@link #value}) read as a map with these fields, or null (reported). */
    public YamlMap mapAt(Node node, String nodePath, String... fields) {
        return reader.map(node, nodePath, fields);
    }

    /** A free-keyed map at {@code node}, or null (reported). */
    public YamlMap anyMapAt(Node node, String nodePath) {
        if (node instanceof MappingNode mapping) {
            return new YamlMap(reader, mapping, nodePath, null);
        }
        problems().add(node, nodePath, "must be a map");
        return null;
    }

    /** A scalar at {@code node} as a string, or null (reported). */
    public String stringAt(Node node, String nodePath) {
        return reader.string(node, nodePath);
    }

    /** Reports a problem at {@code nodePath} (a path below this map), e.g. an item of a list. */
    public void problemAt(Node node, String nodePath, String message) {
        problems().add(node == null ? this.node : node, nodePath, message);
    }

    /** An optional list of strings; empty when not given. Non-strings are reported. */
    public List<String> strings(String field) {
        List<String> out = new java.util.ArrayList<>();
        List<Node> items = list(field);
        for (int i = 0; i < items.size(); i++) {
            String v = reader.string(items.get(i), NodeReader.item(path(field), i));
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The path of item {@code i} of list {@code field}. */
    public String itemPath(String field, int i) {
        return NodeReader.item(path(field), i);
    }

    /** Any numeric value (integer or decimal) in [min, max], or the default. */
    public double number(String field, double defaultValue, double min, double max) {
        if (!has(field)) {
            return defaultValue;
        }
        String text = reader.string(value(field), path(field));
        if (text == null) {
            return defaultValue;
        }
        try {
            double d = Double.parseDouble(text);
            if (!(d >= min && d <= max)) {
                problem(field, "must be between " + min + " and " + max);
                return defaultValue;
            }
            return d;
        } catch (NumberFormatException e) {
            problem(field, "must be a number");
            return defaultValue;
        }
    }

    /** The directory relative file paths in the config are resolved against, or null (config given inline). */
    public java.nio.file.Path baseDir() {
        return reader.baseDir();
    }
}
