package dev.weft.core.config;

import java.time.Duration;
import java.util.List;

/**
 * One immutable configuration snapshot: everything the data plane needs to serve. Built only by {@link ConfigLoader},
 * which has validated every field and every cross reference, so holders never re-check.
 *
 * @param listeners    the listeners, names unique
 * @param clusters     the clusters, names unique
 * @param drainTimeout how long in-flight requests may run after SIGTERM / SIGINT before the process exits
 * @param admin        the admin server, or null when the config has no {@code admin} block
 */
public record WeftConfig(List<ListenerConfig> listeners, List<ClusterConfig> clusters, Duration drainTimeout,
                         AdminConfig admin) {
    public WeftConfig {
        listeners = List.copyOf(listeners);
        clusters = List.copyOf(clusters);
    }

    /** The cluster with this name, or null. */
    public ClusterConfig cluster(String name) {
        for (ClusterConfig c : clusters) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }
}
