package dev.weft.core.config;

import java.time.Duration;
import java.util.List;

/**
 * A downstream listener: where to accept, how many connections, and how its HTTP requests are routed.
 *
 * @param name                  unique name; also the default stat prefix
 * @param address               IP literal or host name to bind (default 127.0.0.1)
 * @param port                  0..65535; 0 binds an ephemeral port (tests)
 * @param reusePort             set SO_REUSEPORT so several processes can share the port
 * @param maxConnections        accepted connections beyond this are closed at once
 * @param idleTimeout           a downstream connection with no request in flight for this long is closed; ZERO disables
 * @param requestHeadersTimeout the whole request head must arrive within this; ZERO disables
 * @param statPrefix            the {@code http.<stat_prefix>.} part of stat names
 * @param http                  HTTP/1.1 codec options
 * @param virtualHosts          matched by Host in order of specificity (exact, suffix wildcard, prefix wildcard, '*')
 * @param accessLogs            where each request of this listener is logged (none by default)
 * @param tls                   TLS termination, or null for plain TCP
 * @param codec                 which HTTP versions the listener speaks (Envoy's codec_type)
 * @param http2                 HTTP/2 settings and limits
 * @param httpFilters           the HTTP filter chain every request of this listener passes, in order
 */
public record ListenerConfig(
        String name,
        String address,
        int port,
        boolean reusePort,
        int maxConnections,
        Duration idleTimeout,
        Duration requestHeadersTimeout,
        String statPrefix,
        HttpOptions http,
        List<VirtualHostConfig> virtualHosts,
        List<AccessLogConfig> accessLogs,
        TlsConfig.Downstream tls,
        Codec codec,
        Http2Options http2,
        List<HttpFilterConfig> httpFilters) {

    /** Envoy's codec_type. */
    public enum Codec {
        /** TLS: h2 or http/1.1 by ALPN; plaintext: HTTP/2 with prior knowledge (h2c) detected by its preface. */
        AUTO,
        /** HTTP/1.1 only. */
        HTTP1,
        /** HTTP/2 only: ALPN h2 over TLS, prior knowledge in plaintext. */
        HTTP2
    }

    public ListenerConfig {
        virtualHosts = List.copyOf(virtualHosts);
        accessLogs = List.copyOf(accessLogs);
        httpFilters = httpFilters == null ? List.of() : List.copyOf(httpFilters);
    }

    public ListenerConfig(String name, String address, int port, boolean reusePort, int maxConnections,
                          Duration idleTimeout, Duration requestHeadersTimeout, String statPrefix, HttpOptions http,
                          List<VirtualHostConfig> virtualHosts, List<AccessLogConfig> accessLogs,
                          TlsConfig.Downstream tls, Codec codec, Http2Options http2) {
        this(name, address, port, reusePort, maxConnections, idleTimeout, requestHeadersTimeout, statPrefix, http,
                virtualHosts, accessLogs, tls, codec, http2, List.of());
    }
}
