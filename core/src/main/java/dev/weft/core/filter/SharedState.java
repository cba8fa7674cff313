package dev.weft.core.filter;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Process-wide state of filters, one instance per type (the ring of recent authorization denials, JWKS caches): made
 * on first use, then shared by every listener and read by the admin server. Thread-safe.
 */
public final class SharedState {
    private final ConcurrentHashMap<Class<?>, Object> values = new ConcurrentHashMap<>();

    public <T> T get(Class<T> type, Supplier<T> make) {
        return type.cast(values.computeIfAbsent(type, t -> make.get()));
    }

    /** The instance of {@code type} if one was made, else null. */
    public <T> T find(Class<T> type) {
        return type.cast(values.get(type));
    }
}
