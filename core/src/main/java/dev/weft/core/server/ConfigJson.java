package dev.weft.core.server;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The effective config as JSON for {@code /config_dump}: every record component by its snake_case name, durations as
 * Envoy writes them ("5s", "0.250s"), secrets redacted. Generic over the config records so that a new field shows up
 * without anyone remembering to add it here.
 */
final class ConfigJson {
    /** Components whose values are never shown. */
    private static final java.util.Set<String> SECRETS = java.util.Set.of("bearerToken");

    private ConfigJson() {
    }

    static String of(Object config) {
        StringBuilder b = new StringBuilder(4096);
        write(b, config);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Duration d) {
            string(b, d.toNanos() % 1_000_000_000L == 0 ? d.toSeconds() + "s"
                    : String.format(Locale.ROOT, "%.3fs", d.toNanos() / 1e9));
        } else if (v instanceof Enum<?> e) {
            string(b, e.name());
        } else if (v instanceof Pattern p) {
            string(b, p.pattern());
        } else if (v instanceof Collection<?> c) {
            b.append('[');
            boolean first = true;
            for (Object o : c) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                write(b, o);
            }
            b.append(']');
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(b, String.valueOf(e.getKey()));
                b.append(':');
                write(b, e.getValue());
            }
            b.append('}');
        } else if (v.getClass().isRecord()) {
            b.append('{');
            boolean first = true;
            if (v.getClass().getInterfaces().length > 0 && v.getClass().getEnclosingClass() != null) {
                // a sealed action: say which one ("route", "direct_response", "redirect")
                string(b, "type");
                b.append(':');
                string(b, snake(v.getClass().getSimpleName()));
                first = false;
            }
            for (RecordComponent rc : v.getClass().getRecordComponents()) {
                Object value;
                try {
                    value = rc.getAccessor().invoke(v);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                if (!first) {
                    b.append(',');
                }
                first = false;
                string(b, snake(rc.getName()));
                b.append(':');
                if (SECRETS.contains(rc.getName()) && value != null) {
                    string(b, "[redacted]");
                } else {
                    write(b, value);
                }
            }
            b.append('}');
        } else {
            string(b, v.toString());
        }
    }

    static String snake(String camel) {
        StringBuilder b = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    b.append('_');
                }
                b.append(Character.toLowerCase(c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
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
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
