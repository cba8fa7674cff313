package dev.weft.core.filter.rbac;

import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;

/** Makes {@code rbac} filters: Envoy's {@code envoy.filters.http.rbac} with its config field names. */
public final class RbacFilterFactory implements HttpFilterFactory {
    public static final String TYPE = "rbac";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String[] fields() {
        return RbacConfigReader.FILTER_FIELDS.clone();
    }

    @Override
    public Object parse(YamlMap config, FilterBindContext context) {
        return RbacConfigReader.filter(config, config.string("name", TYPE));
    }

    @Override
    public String[] perRouteFields() {
        return RbacConfigReader.PER_ROUTE_FIELDS.clone();
    }

    @Override
    public Object parsePerRoute(YamlMap config, Object listenerConfig, FilterBindContext context) {
        String name = listenerConfig instanceof RbacConfig c ? c.filterName() : TYPE;
        return RbacConfigReader.perRoute(config, name);
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        return new RbacFilter((RbacConfig) config, context);
    }
}
