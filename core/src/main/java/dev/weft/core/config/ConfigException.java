package dev.weft.core.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found in it, each as {@code path: message}
 * (for example {@code clusters[1].endpoints[0].port: must be 1..65535}), in document order.
 */
public final class ConfigException extends Exception {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem, one line each, in document order. */
    public List<String> problems() {
        return problems;
    }
}
