package dev.weft.core.filter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The filter types this process knows: every {@link HttpFilterFactory} on the class path, by type name. */
public final class HttpFilters {
    private static final Map<String, HttpFilterFactory> FACTORIES = load();

    private HttpFilters() {
    }

    private static Map<String, HttpFilterFactory> load() {
        Map<String, HttpFilterFactory> m = new LinkedHashMap<>();
        for (HttpFilterFactory f : ServiceLoader.load(HttpFilterFactory.class, HttpFilters.class.getClassLoader())) {
            m.putIfAbsent(f.type(), f);
        }
        return Map.copyOf(m);
    }

    /** The factory of this type, or null. */
    public static HttpFilterFactory factory(String type) {
        return FACTORIES.get(type);
    }

    /** The known type names, sorted, for error messages. */
    public static String types() {
        return String.join(", ", new java.util.TreeSet<>(FACTORIES.keySet()));
    }
}
