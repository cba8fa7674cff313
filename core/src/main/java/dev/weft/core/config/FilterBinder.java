package dev.weft.core.config;

import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.HttpFilterFactory;
import dev.weft.core.filter.HttpFilters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Binds a listener's {@code http_filters} chain and the {@code per_filter_config} overrides of its virtual hosts and
 * routes, handing each filter's own fields to its {@link HttpFilterFactory}.
 */
final class FilterBinder {
    private FilterBinder() {
    }

    static List<HttpFilterConfig> chain(YamlMap listener, String listenerName, Set<String> clusterNames) {
        List<HttpFilterConfig> out = new ArrayList<>();
        List<Node> items = listener.list("http_filters");
        Map<String, String> names = new HashMap<>();
        FilterBindContext context = context(listenerName, clusterNames);
        for (int i = 0; i < items.size(); i++) {
            String path = listener.itemPath("http_filters", i);
            YamlMap any = listener.anyMapAt(items.get(i), path);
            if (any == null) {
                continue;
            }
            String name = any.requiredString("name");
            if (name == null) {
                continue;
            }
            if (!Syntax.NAME.matcher(name).matches()) {
                any.problem("name", Syntax.NAME_MESSAGE);
                continue;
            }
            String type = any.string("type", name);
            HttpFilterFactory factory = type == null ? null : HttpFilters.factory(type);
            if (factory == null) {
                any.problem(any.has("type") ? "type" : "name", "unknown filter type '" + type + "'; known: "
                        + HttpFilters.types() + (any.has("type") ? "" : " (or give its type in 'type')"));
                continue;
            }
            String first = names.putIfAbsent(name, path);
            if (first != null) {
                any.problem("name", "duplicate filter name '" + name + "' (first defined at " + first + ")");
                continue;
            }
            List<String> fields = new ArrayList<>(Arrays.asList(factory.fields()));
            fields.add("name");
            fields.add("type");
            YamlMap m = listener.mapAt(items.get(i), path, fields.toArray(String[]::new));
            if (m == null) {
                continue;
            }
            out.add(new HttpFilterConfig(name, type, factory.parse(m, context)));
        }
        return out;
    }

    static Map<String, PerFilterConfig> perFilterConfig(YamlMap owner, List<HttpFilterConfig> chain,
                                                        Set<String> clusterNames) {
        YamlMap all = owner.anyMap("per_filter_config");
        if (all == null) {
            return Map.of();
        }
        Map<String, PerFilterConfig> out = new LinkedHashMap<>();
        for (String name : all.keys()) {
            HttpFilterConfig filter = null;
            for (HttpFilterConfig f : chain) {
                if (f.name().equals(name)) {
                    filter = f;
                }
            }
            if (filter == null) {
                all.problem(name, "no filter named '" + name + "' in this listener's http_filters"
                        + (chain.isEmpty() ? " (it has none)" : " (" + String.join(", ",
                        chain.stream().map(HttpFilterConfig::name).toList()) + ")"));
                continue;
            }
            HttpFilterFactory factory = HttpFilters.factory(filter.type());
            List<String> fields = new ArrayList<>(Arrays.asList(factory.perRouteFields()));
            fields.add("disabled");
            YamlMap m = all.map(name, fields.toArray(String[]::new));
            if (m == null) {
                continue;
            }
            boolean disabled = m.bool("disabled", false);
            if (disabled) {
                if (m.keys().size() > 1) {
                    m.problem("disabled", "a disabled filter takes no other settings");
                }
                out.put(name, PerFilterConfig.DISABLED);
            } else if (m.keys().isEmpty() || m.keys().equals(Set.of("disabled"))) {
                out.put(name, new PerFilterConfig(false, null));
            } else {
                out.put(name, new PerFilterConfig(false, factory.parsePerRoute(m, filter.config(),
                        context(owner.path(), clusterNames))));
            }
        }
        return out;
    }

    private static FilterBindContext context(String listenerName, Set<String> clusterNames) {
        return new FilterBindContext() {
            @Override
            public Set<String> clusterNames() {
                return clusterNames;
            }

            @Override
            public String listenerName() {
                return listenerName;
            }
        };
    }
}
