package dev.weft.core.filter;

import dev.weft.core.config.HttpFilterConfig;
import dev.weft.core.config.PerFilterConfig;
import dev.weft.core.proxy.ResponseFlag;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener's HTTP filters for one config snapshot, in order. {@link #run} passes a request through them on the
 * request's own thread; a route can disable a filter or give it per-route settings.
 */
public final class FilterChain {
    private static final System.Logger LOG = System.getLogger("weft.filter");
    public static final FilterChain EMPTY = new FilterChain(new String[0], new HttpFilter[0]);

    private final String[] names;
    private final HttpFilter[] filters;

    private FilterChain(String[] names, HttpFilter[] filters) {
        this.names = names;
        this.filters = filters;
    }

    /** Builds every filter of a listener's chain; a factory that fails here fails the start with the filter's name. */
    public static FilterChain build(List<HttpFilterConfig> configs, FilterContext context) {
        if (configs.isEmpty()) {
            return EMPTY;
        }
        List<String> names = new ArrayList<>();
        List<HttpFilter> filters = new ArrayList<>();
        for (HttpFilterConfig c : configs) {
            HttpFilterFactory factory = HttpFilters.factory(c.type());
            if (factory == null) {
                throw new IllegalStateException("http filter " + c.name() + ": unknown type " + c.type());
            }
            try {
                filters.add(factory.create(c.config(), context));
            } catch (RuntimeException e) {
                throw new IllegalStateException("http filter " + c.name() + " of listener " + context.listenerName()
                        + ": " + e.getMessage(), e);
            }
            names.add(c.name());
        }
        return new FilterChain(names.toArray(String[]::new), filters.toArray(HttpFilter[]::new));
    }

    public boolean isEmpty() {
        return filters.length == 0;
    }

    /**
     * Runs the chain: null when every filter let the request continue, or the reply of the first that did not. A
     * filter that throws ends the request with a 500 (counted in the access log as {@code filter_failed:<name>}),
     * never with a silently forwarded request.
     */
    public LocalReply run(FilterRequest request) {
        for (int i = 0; i < filters.length; i++) {
            PerFilterConfig override = request.route() == null ? null : request.route().perFilterConfig(names[i]);
            if (override != null && override.disabled()) {
                filters[i].onSkipped(request);
                continue;
            }
            LocalReply reply;
            try {
                reply = filters[i].onRequest(request, override == null ? null : override.config());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "http filter " + names[i] + " failed", e);
                return LocalReply.text(500, "filter error\n", ResponseFlag.NONE, "filter_failed:" + names[i]);
            }
            if (reply != null) {
                return reply;
            }
        }
        return null;
    }

    /** Filter {@code index} of the chain, in the order of {@link #names()} (for the admin server's explanations). */
    public HttpFilter filter(int index) {
        return filters[index];
    }

    /** The filter names, in order. */
    public List<String> names() {
        return List.of(names);
    }
}
