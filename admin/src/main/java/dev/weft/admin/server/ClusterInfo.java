package dev.weft.admin.server;

import java.util.List;

/** One upstream cluster and its endpoints, as {@code /clusters} shows them. */
public record ClusterInfo(String name, List<EndpointInfo> endpoints) {
    public ClusterInfo {
        endpoints = List.copyOf(endpoints);
    }
}
