package dev.weft.core.router;

import dev.weft.admin.stats.StatsStore;
import dev.weft.core.config.VirtualHostConfig;

import java.util.List;

/** A virtual host with its compiled routes. Immutable; part of a config snapshot. */
public final class VirtualHost {
    private final VirtualHostConfig config;
    private final List<Route> routes;

    VirtualHost(VirtualHostConfig config, StatsStore stats) {
        this.config = config;
        this.routes = config.routes().stream().map(r -> new Route(r, this, stats)).toList();
    }

    public VirtualHostConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    /** The first route whose match holds, or null. */
    Route match(RequestView request) {
        for (Route r : routes) {
            if (r.matches(request)) {
                return r;
            }
        }
        return null;
    }
}
