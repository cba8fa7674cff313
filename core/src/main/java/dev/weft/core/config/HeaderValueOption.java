package dev.weft.core.config;

/**
 * A header to add, with Envoy's append semantics.
 *
 * @param key    header name, lower case
 * @param value  header value (no CR, LF or NUL)
 * @param action what to do when the header already exists
 */
public record HeaderValueOption(String key, String value, AppendAction action) {
    /** Envoy's {@code append_action} values. */
    public enum AppendAction {
        /** Add another field even when one exists (the default): "add". */
        APPEND_IF_EXISTS_OR_ADD,
        /** Replace every existing field of that name: "set". */
        OVERWRITE_IF_EXISTS_OR_ADD,
        /** Add only when no field of that name exists. */
        ADD_IF_ABSENT
    }
}
