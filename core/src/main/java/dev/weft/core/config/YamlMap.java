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
final class YamlMap {
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
            if (!fields.contains(name)) {
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

    String path() {
        return path;
    }

    MappingNode node() {
        return node;
    }

    String path(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    /** The field is given with a non-null value. */
    boolean has(String field) {
        return values.containsKey(field);
    }

    /** The value node of a field, or null when not given. */
    Node value(String field) {
        return values.get(field);
    }

    /** Reports a problem with a given field's value. */
    void problem(String field, String message) {
        problems().add(values.get(field), path(field), message);
    }

    /** Reports a problem with this mapping as a whole. */
    void problem(String message) {
        problems().add(node, path, message);
    }

    /** True if given; otherwise reports {@code <path>.<field>: is required}. */
    boolean require(String field) {
        if (has(field)) {
            return true;
        }
        problems().add(node, path(field), "is required");
        return false;
    }

    String string(String field, String defaultValue) {
        return has(field) ? reader.string(value(field), path(field)) : defaultValue;
    }

    String requiredString(String field) {
        return require(field) ? reader.string(value(field), path(field)) : null;
    }

    int integer(String field, int defaultValue, int min, int max) {
        if (!has(field)) {
            return defaultValue;
        }
        Integer value = reader.integer(value(field), path(field), min, max);
        return value == null ? defaultValue : value;
    }

    /** The value, or null if missing (reported) or bad (reported). */
    Integer requiredInteger(String field, int min, int max) {
        return require(field) ? reader.integer(value(field), path(field), min, max) : null;
    }

    boolean bool(String field, boolean defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        Boolean value = reader.bool(value(field), path(field));
        return value == null ? defaultValue : value;
    }

    Duration duration(String field, Duration defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        Duration value = reader.duration(value(field), path(field));
        return value == null ? defaultValue : value;
    }

    <E extends Enum<E>> E oneOf(String field, Class<E> type, E defaultValue) {
        if (!has(field)) {
            return defaultValue;
        }
        E value = reader.oneOf(value(field), path(field), type);
        return value == null ? defaultValue : value;
    }

    /** The items of an optional list; empty when not given or not a list (reported). */
    List<Node> list(String field) {
        if (!has(field)) {
            return List.of();
        }
        List<Node> items = reader.list(value(field), path(field));
        return items == null ? List.of() : items;
    }

    /** The items of a list that must be given and not empty; empty when it is not (reported). */
    List<Node> requiredList(String field) {
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
    YamlMap map(String field, String... fields) {
        return has(field) ? reader.map(value(field), path(field), fields) : null;
    }
}
