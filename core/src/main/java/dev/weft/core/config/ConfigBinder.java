package dev.weft.core.config;

import dev.weft.core.io.Addresses;
import dev.weft.core.config.ClusterConfig.DiscoveryType;
import dev.weft.core.config.ClusterConfig.LbPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Binds a composed YAML document to a {@link WeftConfig}: the top level, listeners, virtual hosts and clusters
 * ({@link RouteBinder} does routes). Every problem goes to {@link Problems}; the result is only used if there are none.
 */
final class ConfigBinder {
    private static final String[] LISTENER_FIELDS = {"name", "address", "port", "reuse_port", "max_connections",
            "idle_timeout", "request_headers_timeout", "stat_prefix", "http", "virtual_hosts", "access_log", "tls", "codec",
            "http2", "http_filters"};
    static final String[] HTTP2_FIELDS = {"max_concurrent_streams", "initial_stream_window_size",
            "initial_connection_window_size", "max_header_list_size", "max_frame_size", "hpack_table_size",
            "max_resets_per_second", "max_control_frames_per_second", "max_consecutive_empty_frames",
            "stream_idle_timeout"};
    private static final String[] ACCESS_LOG_FIELDS = {"path", "format", "queue_capacity"};
    private static final String[] ADMIN_FIELDS = {"address", "port", "bearer_token", "allowed_paths"};
    private static final String[] VIRTUAL_HOST_FIELDS = {"name", "domains", "routes", "request_headers_to_add",
            "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove", "per_filter_config"};
    private static final String[] HTTP_FIELDS = {"max_request_headers_kb", "max_request_headers_count",
            "server_header", "xff_append", "generate_request_id", "xff_num_trusted_hops", "reject_non_canonical_paths"};
    private static final String[] CLUSTER_FIELDS = {"name", "type", "lb_policy", "connect_timeout",
            "dns_refresh_rate", "max_connections_per_endpoint", "max_pending_requests", "pool_idle_timeout",
            "endpoints", "tls", "http2", "http2_keepalive"};
    private static final String[] HTTP2_KEEPALIVE_FIELDS = {"interval", "timeout"};

    private final NodeReader reader;
    private final TlsBinder tls;

    ConfigBinder(Problems problems, java.nio.file.Path baseDir) {
        this.reader = new NodeReader(problems);
        this.reader.baseDir(baseDir);
        this.tls = new TlsBinder(reader, baseDir);
    }

    /** The config, or null when the document is not even a mapping; meaningful only if no problem was reported. */
    WeftConfig bind(Node root, String sourceName) {
        if (!(root instanceof MappingNode)) {
            reader.problems().add(root, sourceName, "the top level must be a map with listeners and clusters");
            return null;
        }
        YamlMap m = reader.map(root, "", "drain_timeout", "admin", "listeners", "clusters");
        Duration drainTimeout = m.duration("drain_timeout", ConfigDefaults.DRAIN_TIMEOUT);
        YamlMap adminMap = m.has("admin") ? m.map("admin", ADMIN_FIELDS) : null;
        AdminConfig admin = m.has("admin") ? admin(adminMap) : null;
        // Clusters first, so routes can be checked against them; Problems restores document order.
        List<ClusterConfig> clusters = new ArrayList<>();
        Map<String, String> clusterNames = new HashMap<>();
        List<Node> clusterNodes = m.list("clusters");
        for (int i = 0; i < clusterNodes.size(); i++) {
            add(clusters, cluster(clusterNodes.get(i), NodeReader.item(m.path("clusters"), i), clusterNames));
        }
        RouteBinder routes = new RouteBinder(reader, clusterNames.keySet());
        List<ListenerConfig> listeners = new ArrayList<>();
        Map<String, String> listenerNames = new HashMap<>();
        Map<String, String> bindings = new HashMap<>();
        List<Node> listenerNodes = m.requiredList("listeners");
        for (int i = 0; i < listenerNodes.size(); i++) {
            add(listeners, listener(listenerNodes.get(i), NodeReader.item(m.path("listeners"), i), listenerNames,
                    bindings, routes));
        }
        if (admin != null && admin.address() != null && admin.port() != 0 && adminMap != null) {
            // the admin server is never on a data listener
            String binding = Addresses.literal(admin.address()) + ":"
                    + admin.port();
            String first = bindings.get(binding.toLowerCase(Locale.ROOT));
            if (first != null) {
                adminMap.problem("port", binding + " is already used by " + first);
            }
        }
        return new WeftConfig(listeners, clusters, drainTimeout, admin);
    }

    private AdminConfig admin(YamlMap m) {
        if (m == null) {
            return null;
        }
        String address = m.has("address") ? address(m, "address", true) : ConfigDefaults.ADMIN_ADDRESS;
        int port = m.integer("port", ConfigDefaults.ADMIN_PORT, 0, 65535);
        String token = m.string("bearer_token", null);
        if (token != null && (token.length() < 16 || !Syntax.isHeaderValue(token) || token.contains(" "))) {
            m.problem("bearer_token", "must be at least 16 characters, without spaces or control characters");
        }
        List<String> allowed = new ArrayList<>();
        List<Node> paths = m.list("allowed_paths");
        for (int i = 0; i < paths.size(); i++) {
            String itemPath = NodeReader.item(m.path("allowed_paths"), i);
            String p = reader.string(paths.get(i), itemPath);
            if (p != null && !p.startsWith("/")) {
                reader.problems().add(paths.get(i), itemPath, "must start with '/'");
            } else if (p != null) {
                allowed.add(p);
            }
        }
        return new AdminConfig(address, port, token, allowed);
    }

    private AccessLogConfig accessLog(Node node, String path) {
        YamlMap m = reader.map(node, path, ACCESS_LOG_FIELDS);
        if (m == null) {
            return null;
        }
        String file = m.string("path", ConfigDefaults.ACCESS_LOG_PATH);
        if (file != null && file.isEmpty()) {
            m.problem("path", "must not be empty");
        }
        String format = m.string("format", null);
        if (format != null) {
            String problem = AccessLogFormats.check(format);
            if (problem != null) {
                m.problem("format", problem);
            }
        }
        int capacity = m.integer("queue_capacity", ConfigDefaults.ACCESS_LOG_QUEUE_CAPACITY, 1, 1 << 20);
        return new AccessLogConfig(file, format, capacity);
    }

    private static <T> void add(List<T> list, T item) {
        if (item != null) {
            list.add(item);
        }
    }

    /**
     * A required name, unique among {@code seen} (name to the path of its first use), which it is added to. Given
     * names are recorded even when invalid, so references to them do not produce a second, misleading problem.
     */
    private static String uniqueName(YamlMap m, boolean restricted, Map<String, String> seen) {
        String name = m.requiredString("name");
        if (name == null) {
            return null;
        }
        if (restricted && !Syntax.NAME.matcher(name).matches()) {
            m.problem("name", Syntax.NAME_MESSAGE);
        } else if (name.isEmpty()) {
            m.problem("name", "must not be empty");
        }
        String first = seen.putIfAbsent(name, m.path());
        if (first != null) {
            m.problem("name", "duplicate name '" + name + "' (first defined at " + first + ")");
        }
        return name;
    }

    private ListenerConfig listener(Node node, String path, Map<String, String> names, Map<String, String> bindings,
                                    RouteBinder routes) {
        YamlMap m = reader.map(node, path, LISTENER_FIELDS);
        if (m == null) {
            return null;
        }
        String name = uniqueName(m, true, names);
        String address = m.has("address") ? address(m, "address", false) : ConfigDefaults.LISTENER_ADDRESS;
        Integer port = m.requiredInteger("port", 0, 65535);
        if (address != null && port != null && port != 0) { // port 0 binds a fresh ephemeral port every time
            String binding = Addresses.literal(address) + ":" + port;
            String first = bindings.putIfAbsent(binding.toLowerCase(Locale.ROOT), path);
            if (first != null) {
                m.problem("port", binding + " is already used by " + first);
            }
        }
        boolean reusePort = m.bool("reuse_port", ConfigDefaults.REUSE_PORT);
        int maxConnections = m.integer("max_connections", ConfigDefaults.MAX_CONNECTIONS, 1, Integer.MAX_VALUE);
        Duration idleTimeout = m.duration("idle_timeout", ConfigDefaults.IDLE_TIMEOUT);
        Duration headersTimeout = m.duration("request_headers_timeout", ConfigDefaults.REQUEST_HEADERS_TIMEOUT);
        String statPrefix = m.string("stat_prefix", name);
        if (m.has("stat_prefix") && statPrefix != null && !Syntax.NAME.matcher(statPrefix).matches()) {
            m.problem("stat_prefix", Syntax.NAME_MESSAGE);
        }
        HttpOptions http = m.has("http") ? http(m.map("http", HTTP_FIELDS)) : ConfigDefaults.HTTP;
        List<HttpFilterConfig> filters = FilterBinder.chain(m, name, routes.clusterNames());
        routes.filters(filters);
        List<VirtualHostConfig> virtualHosts = new ArrayList<>();
        Map<String, String> hostNames = new HashMap<>();
        Map<String, String> domains = new HashMap<>();
        List<Node> hostNodes = m.requiredList("virtual_hosts");
        for (int i = 0; i < hostNodes.size(); i++) {
            add(virtualHosts, virtualHost(hostNodes.get(i), NodeReader.item(m.path("virtual_hosts"), i), hostNames,
                    domains, routes));
        }
        List<AccessLogConfig> accessLogs = new ArrayList<>();
        List<Node> logNodes = m.list("access_log");
        for (int i = 0; i < logNodes.size(); i++) {
            add(accessLogs, accessLog(logNodes.get(i), NodeReader.item(m.path("access_log"), i)));
        }
        ListenerConfig.Codec codec = ListenerConfig.Codec.AUTO;
        String codecName = m.string("codec", "auto");
        switch (codecName == null ? "auto" : codecName) {
            case "auto" -> codec = ListenerConfig.Codec.AUTO;
            case "http1" -> codec = ListenerConfig.Codec.HTTP1;
            case "http2" -> codec = ListenerConfig.Codec.HTTP2;
            default -> m.problem("codec", "must be one of auto, http1, http2");
        }
        Http2Options http2 = m.has("http2") ? http2(m.map("http2", HTTP2_FIELDS)) : Http2Options.DEFAULTS;
        TlsConfig.Downstream tls = m.has("tls") ? this.tls.downstream(m.map("tls", TlsBinder.DOWNSTREAM_FIELDS)) : null;
        if (tls != null) {
            tls = withAlpn(tls, codec, m);
        }
        return new ListenerConfig(name, address, port == null ? 0 : port, reusePort, maxConnections, idleTimeout,
                headersTimeout, statPrefix, http, virtualHosts, accessLogs, tls, codec, http2, filters);
    }

    /**
     * The ALPN list of a TLS listener: by default what its codec speaks (auto: h2 then http/1.1); an explicit list
     * must not offer a protocol the codec refuses.
     */
    private static TlsConfig.Downstream withAlpn(TlsConfig.Downstream tls, ListenerConfig.Codec codec, YamlMap m) {
        List<String> alpn = tls.alpn();
        if (alpn.isEmpty()) {
            alpn = switch (codec) {
                case AUTO -> List.of("h2", "http/1.1");
                case HTTP1 -> List.of("http/1.1");
                case HTTP2 -> List.of("h2");
            };
        } else {
            for (String a : alpn) {
                if (a.equals("h2") && codec == ListenerConfig.Codec.HTTP1
                        || a.equals("http/1.1") && codec == ListenerConfig.Codec.HTTP2) {
                    m.problem("tls", "alpn offers " + a + " but codec is " + codec.name().toLowerCase(Locale.ROOT));
                }
            }
        }
        return new TlsConfig.Downstream(tls.certificates(), tls.caFile(), tls.requireClientCertificate(),
                tls.allowedClientSans(), alpn, tls.minVersion(), tls.maxVersion(), tls.cipherSuites(),
                tls.handshakeTimeout());
    }

    private static Http2Options http2(YamlMap m) {
        Http2Options d = Http2Options.DEFAULTS;
        if (m == null) {
            return d;
        }
        int streams = m.integer("max_concurrent_streams", d.maxConcurrentStreams(), 1, 10_000);
        int streamWindow = m.integer("initial_stream_window_size", d.initialStreamWindowSize(), 65_535,
                16 * 1024 * 1024);
        int connWindow = m.integer("initial_connection_window_size", d.initialConnectionWindowSize(), 65_535,
                256 * 1024 * 1024);
        int headerList = m.integer("max_header_list_size", d.maxHeaderListSize(), 1024, 1024 * 1024);
        int frame = m.integer("max_frame_size", d.maxFrameSize(), 16_384, 16_777_215);
        int table = m.integer("hpack_table_size", d.hpackTableSize(), 0, 65_536);
        int resets = m.integer("max_resets_per_second", d.maxResetsPerSecond(), 1, 1_000_000);
        int control = m.integer("max_control_frames_per_second", d.maxControlFramesPerSecond(), 1, 1_000_000);
        int empty = m.integer("max_consecutive_empty_frames", d.maxConsecutiveEmptyFrames(), 0, 1000);
        Duration idle = m.duration("stream_idle_timeout", d.streamIdleTimeout());
        if (idle != null && (idle.isZero() || idle.isNegative())) {
            m.problem("stream_idle_timeout", "must be greater than 0");
            idle = d.streamIdleTimeout();
        }
        return new Http2Options(streams, streamWindow, connWindow, headerList, frame, table, resets, control, empty,
                idle);
    }

    /**
     * An IP literal ({@code [::1]} is stored as {@code ::1}) or, unless {@code ipOnly}, a host name; null if bad.
     */
    private static String address(YamlMap m, String field, boolean ipOnly) {
        String given = m.string(field, null);
        if (given == null) {
            return null;
        }
        String address = Syntax.stripBrackets(given);
        if (Syntax.isIpLiteral(address)) {
            return address;
        }
        if (ipOnly) {
            m.problem(field, "must be an IPv4 or IPv6 address (a STATIC cluster does not resolve names; "
                    + "use type STRICT_DNS for a host name)");
            return null;
        }
        if (!Syntax.isHostName(address)) {
            m.problem(field, "must be an IP address or a host name");
            return null;
        }
        return address;
    }

    private static HttpOptions http(YamlMap m) {
        if (m == null) {
            return ConfigDefaults.HTTP;
        }
        HttpOptions d = ConfigDefaults.HTTP;
        int headersKb = m.integer("max_request_headers_kb", d.maxRequestHeadersKb(), 1,
                ConfigDefaults.MAX_REQUEST_HEADERS_KB_LIMIT);
        int headersCount = m.integer("max_request_headers_count", d.maxRequestHeadersCount(), 1,
                ConfigDefaults.MAX_REQUEST_HEADERS_COUNT_LIMIT);
        String server = m.string("server_header", d.serverHeader());
        if (server != null && (server.isEmpty() || !Syntax.isHeaderValue(server))) {
            m.problem("server_header", "must be a non-empty header value without CR, LF or NUL");
        }
        boolean xffAppend = m.bool("xff_append", d.xffAppend());
        boolean requestId = m.bool("generate_request_id", d.generateRequestId());
        int trustedHops = m.integer("xff_num_trusted_hops", d.xffNumTrustedHops(), 0, 64);
        boolean rejectPaths = m.bool("reject_non_canonical_paths", d.rejectNonCanonicalPaths());
        return new HttpOptions(headersKb, headersCount, server, xffAppend, requestId, trustedHops, rejectPaths);
    }

    /** {@code domains}: lower-cased domain to the path where the listener first uses it. */
    private VirtualHostConfig virtualHost(Node node, String path, Map<String, String> names,
                                          Map<String, String> domains, RouteBinder routes) {
        YamlMap m = reader.map(node, path, VIRTUAL_HOST_FIELDS);
        if (m == null) {
            return null;
        }
        String name = uniqueName(m, false, names);
        List<String> hostDomains = new ArrayList<>();
        List<Node> domainNodes = m.requiredList("domains");
        for (int i = 0; i < domainNodes.size(); i++) {
            String itemPath = NodeReader.item(m.path("domains"), i);
            String domain = reader.string(domainNodes.get(i), itemPath);
            if (domain == null) {
                continue;
            }
            domain = domain.toLowerCase(Locale.ROOT);
            if (!Syntax.isDomain(domain)) {
                reader.problems().add(domainNodes.get(i), itemPath, "invalid domain '" + domain
                        + "': must be an exact host, *.suffix, prefix.* or * (without a port)");
                continue;
            }
            String first = domains.putIfAbsent(domain, itemPath);
            if (first != null) {
                reader.problems().add(domainNodes.get(i), itemPath,
                        "duplicate domain '" + domain + "' (first used at " + first + ")");
                continue;
            }
            hostDomains.add(domain);
        }
        HeaderMutations headers = routes.headerMutations(m);
        List<RouteConfig> hostRoutes = new ArrayList<>();
        List<Node> routeNodes = m.requiredList("routes");
        for (int i = 0; i < routeNodes.size(); i++) {
            add(hostRoutes, routes.route(routeNodes.get(i), NodeReader.item(m.path("routes"), i)));
        }
        return new VirtualHostConfig(name, hostDomains, hostRoutes, headers, routes.perFilterConfig(m));
    }

    private ClusterConfig cluster(Node node, String path, Map<String, String> names) {
        YamlMap m = reader.map(node, path, CLUSTER_FIELDS);
        if (m == null) {
            return null;
        }
        String name = uniqueName(m, true, names);
        // null when given but invalid: endpoint addresses are then only checked as "IP or host name"
        DiscoveryType type = m.has("type") ? reader.oneOf(m.value("type"), m.path("type"), DiscoveryType.class)
                : ConfigDefaults.CLUSTER_TYPE;
        LbPolicy lbPolicy = m.oneOf("lb_policy", LbPolicy.class, ConfigDefaults.LB_POLICY);
        Duration connectTimeout = m.duration("connect_timeout", ConfigDefaults.CONNECT_TIMEOUT);
        if (connectTimeout.isZero()) {
            m.problem("connect_timeout", "must be greater than 0");
        }
        Duration dnsRefreshRate = m.duration("dns_refresh_rate", ConfigDefaults.DNS_REFRESH_RATE);
        if (dnsRefreshRate.compareTo(ConfigDefaults.MIN_DNS_REFRESH_RATE) < 0) {
            m.problem("dns_refresh_rate", "must be at least 100ms");
        }
        int maxConnections = m.integer("max_connections_per_endpoint", ConfigDefaults.MAX_CONNECTIONS_PER_ENDPOINT,
                1, Integer.MAX_VALUE);
        int maxPending = m.integer("max_pending_requests", ConfigDefaults.MAX_PENDING_REQUESTS, 0, Integer.MAX_VALUE);
        Duration poolIdleTimeout = m.duration("pool_idle_timeout", ConfigDefaults.POOL_IDLE_TIMEOUT);
        List<EndpointConfig> endpoints = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        List<Node> endpointNodes = m.requiredList("endpoints");
        for (int i = 0; i < endpointNodes.size(); i++) {
            String itemPath = NodeReader.item(m.path("endpoints"), i);
            YamlMap e = reader.map(endpointNodes.get(i), itemPath, "address", "port");
            if (e == null) {
                continue;
            }
            String address = e.require("address") ? address(e, "address", type == DiscoveryType.STATIC) : null;
            Integer port = e.requiredInteger("port", 1, 65535);
            if (address != null && port != null) {
                String key = Addresses.literal(address) + ":" + port;
                String first = seen.putIfAbsent(key.toLowerCase(Locale.ROOT), itemPath);
                if (first != null) {
                    e.problem("duplicate endpoint " + key + " (first at " + first + ")");
                }
                endpoints.add(new EndpointConfig(address, port));
            }
        }
        boolean http2 = m.bool("http2", false);
        TlsConfig.Upstream tls = m.has("tls") ? this.tls.upstream(m.map("tls", TlsBinder.UPSTREAM_FIELDS)) : null;
        if (tls != null) {
            List<String> alpn = tls.alpn();
            if (alpn.isEmpty()) {
                alpn = List.of(http2 ? "h2" : "http/1.1");
            } else if (alpn.contains("h2") != http2 || alpn.size() != 1) {
                m.problem("tls", "alpn must be [" + (http2 ? "h2" : "http/1.1") + "] for a cluster with http2: "
                        + http2);
            }
            tls = new TlsConfig.Upstream(tls.sni(), tls.caFile(), tls.expectedSans(), tls.certFile(),
                    tls.keyFile(), alpn, tls.minVersion(), tls.maxVersion(), tls.cipherSuites());
        }
        ClusterConfig.Http2Keepalive keepalive = http2Keepalive(m, http2);
        return new ClusterConfig(name, type == null ? ConfigDefaults.CLUSTER_TYPE : type, lbPolicy, connectTimeout,
                dnsRefreshRate, endpoints, maxConnections, maxPending, poolIdleTimeout, tls, http2, keepalive);
    }

    /** {@code http2_keepalive: {interval, timeout}}: both required and positive, on an HTTP/2 cluster only. */
    private ClusterConfig.Http2Keepalive http2Keepalive(YamlMap cluster, boolean http2) {
        YamlMap k = cluster.map("http2_keepalive", HTTP2_KEEPALIVE_FIELDS);
        if (k == null) {
            return null;
        }
        if (!http2) {
            cluster.problem("http2_keepalive", "needs http2: true (PINGs are HTTP/2 frames)");
        }
        Duration interval = k.require("interval") ? k.duration("interval", null) : null;
        Duration timeout = k.require("timeout") ? k.duration("timeout", null) : null;
        if (interval != null && !interval.isPositive()) {
            k.problem("interval", "must be greater than 0");
            interval = null;
        }
        if (timeout != null && !timeout.isPositive()) {
            k.problem("timeout", "must be greater than 0");
            timeout = null;
        }
        return interval == null || timeout == null ? null : new ClusterConfig.Http2Keepalive(interval, timeout);
    }

    /** True for an empty document: no node at all, or a lone null ({@code ~}). */
    static boolean isEmpty(Node root) {
        return root == null || (root instanceof ScalarNode && Tag.NULL.equals(root.getTag()));
    }
}
