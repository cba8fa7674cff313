package dev.weft.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A named group of upstream endpoints and how to reach them.
 *
 * @param name                      unique
 * @param type                      how endpoints are discovered
 * @param lbPolicy                  how an endpoint is picked per request
 * @param connectTimeout            TCP connect timeout (default 5s)
 * @param dnsRefreshRate            re-resolution interval for STRICT_DNS (default 5s)
 * @param endpoints                 at least one
 * @param maxConnectionsPerEndpoint pool size per endpoint (default 1024)
 * @param maxPendingRequests        requests that may wait for a pooled connection, per endpoint; beyond it: 503 UO
 *                                  (default 1024)
 * @param poolIdleTimeout           an idle pooled connection is closed after this (default 60s); an HTTP/2
 *                                  connection once it has carried no stream that long (with GOAWAY)
 * @param tls                       TLS origination, or null for plain TCP
 * @param http2                     speak HTTP/2 to the endpoints (ALPN h2 with TLS, prior knowledge without):
 *                                  a few shared connections, one stream per request
 * @param http2Keepalive            PINGs on each HTTP/2 connection to find dead ones, or null for none
 */
public record ClusterConfig(
        String name,
        DiscoveryType type,
        LbPolicy lbPolicy,
        Duration connectTimeout,
        Duration dnsRefreshRate,
        List<EndpointConfig> endpoints,
        int maxConnectionsPerEndpoint,
        int maxPendingRequests,
        Duration poolIdleTimeout,
        TlsConfig.Upstream tls,
        boolean http2,
        Http2Keepalive http2Keepalive) {
    public ClusterConfig {
        endpoints = List.copyOf(endpoints);
    }

    /** An HTTP/1.1 cluster. */
    public ClusterConfig(String name, DiscoveryType type, LbPolicy lbPolicy, Duration connectTimeout,
                         Duration dnsRefreshRate, List<EndpointConfig> endpoints, int maxConnectionsPerEndpoint,
                         int maxPendingRequests, Duration poolIdleTimeout, TlsConfig.Upstream tls) {
        this(name, type, lbPolicy, connectTimeout, dnsRefreshRate, endpoints, maxConnectionsPerEndpoint,
                maxPendingRequests, poolIdleTimeout, tls, false, null);
    }

    /**
     * Envoy's {@code connection_keepalive} for upstream HTTP/2 connections: a PING every {@code interval}; one not
     * acknowledged within {@code timeout} closes the connection (its streams fail, new ones go to a fresh connection).
     */
    public record Http2Keepalive(Duration interval, Duration timeout) {
    }

    /** Envoy's cluster discovery types that Weft supports. */
    public enum DiscoveryType { STATIC, STRICT_DNS }

    /** Envoy's lb_policy names. */
    public enum LbPolicy { ROUND_ROBIN, LEAST_REQUEST, RANDOM }
}
