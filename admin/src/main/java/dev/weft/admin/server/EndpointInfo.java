package dev.weft.admin.server;

/** One upstream endpoint of a cluster; {@code address} is {@code host:port}. */
public record EndpointInfo(String address, boolean healthy, int activeRequests, int openConnections,
                           int idleConnections, long successes, long errors) {
}
