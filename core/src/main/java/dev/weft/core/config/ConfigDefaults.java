package dev.weft.core.config;

import java.time.Duration;

/**
 * The value of every optional config field that is not given. {@link ConfigLoader} applies them; tests and tools
 * that build records by hand use them so they agree with a loaded config. README.md (Configuration reference) lists the same.
 */
public final class ConfigDefaults {
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    public static final String ADMIN_ADDRESS = "127.0.0.1";
    public static final int ADMIN_PORT = 9901;
    public static final String ACCESS_LOG_PATH = "/dev/stdout";
    public static final int ACCESS_LOG_QUEUE_CAPACITY = 16_384;

    public static final String LISTENER_ADDRESS = "127.0.0.1";
    public static final boolean REUSE_PORT = false;
    public static final int MAX_CONNECTIONS = 10_000;
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(300);
    public static final Duration REQUEST_HEADERS_TIMEOUT = Duration.ofSeconds(10);

    /** Envoy's defaults: 60 KiB and 100 fields. */
    public static final HttpOptions HTTP = new HttpOptions(60, 100, "weft", true, true);
    /** Envoy's upper bound for max_request_headers_kb. */
    public static final int MAX_REQUEST_HEADERS_KB_LIMIT = 8192;
    public static final int MAX_REQUEST_HEADERS_COUNT_LIMIT = 10_000;

    public static final boolean CASE_SENSITIVE = true;
    public static final Duration ROUTE_TIMEOUT = Duration.ofSeconds(15);
    public static final String DIRECT_RESPONSE_BODY = "";
    public static final String DIRECT_RESPONSE_CONTENT_TYPE = "text/plain; charset=utf-8";
    public static final int REDIRECT_RESPONSE_CODE = 301;
    public static final HeaderValueOption.AppendAction APPEND_ACTION =
            HeaderValueOption.AppendAction.APPEND_IF_EXISTS_OR_ADD;

    public static final ClusterConfig.DiscoveryType CLUSTER_TYPE = ClusterConfig.DiscoveryType.STATIC;
    public static final ClusterConfig.LbPolicy LB_POLICY = ClusterConfig.LbPolicy.ROUND_ROBIN;
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DNS_REFRESH_RATE = Duration.ofSeconds(5);
    /** Re-resolving more often than this only loads the resolver. */
    public static final Duration MIN_DNS_REFRESH_RATE = Duration.ofMillis(100);
    public static final int MAX_CONNECTIONS_PER_ENDPOINT = 1024;
    public static final int MAX_PENDING_REQUESTS = 1024;
    public static final Duration POOL_IDLE_TIMEOUT = Duration.ofSeconds(60);

    private ConfigDefaults() {
    }
}
