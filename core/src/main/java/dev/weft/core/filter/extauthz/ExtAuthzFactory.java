package dev.weft.core.filter.extauthz;

import dev.weft.core.cluster.Cluster;
import dev.weft.core.config.YamlMap;
import dev.weft.core.filter.FilterBindContext;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads the {@code ext_authz} filter's config, Envoy's {@code envoy.extensions.filters.http.ext_authz.v3.ExtAuthz}
 * with an {@code http_service}, and its per-route {@code ExtAuthzPerRoute}; builds {@link ExtAuthzFilter}.
 */
public final class ExtAuthzFactory implements HttpFilterFactory {
    /** Envoy's default for gRPC services; an HTTP service's {@code server_uri.timeout} is required there. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
    /** The request body bytes a check may hold in memory, per request in flight. */
    static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    /** Envoy's {@code status_on_error} default: Forbidden. */
    static final int DEFAULT_STATUS_ON_ERROR = 403;

    @Override
    public String type() {
        return "ext_authz";
    }

    @Override
    public String[] fields() {
        return new String[] {"http_service", "grpc_service", "failure_mode_allow", "failure_mode_allow_header_add",
                "status_on_error", "with_request_body"};
    }

    @Override
    public Object parse(YamlMap m, FilterBindContext context) {
        if (m.has("grpc_service")) {
            m.problem("grpc_service", "not supported: Weft asks HTTP authorization services (use http_service)");
        }
        YamlMap service = m.require("http_service") ? m.map("http_service", "server_uri", "path_prefix",
                "authorization_request", "authorization_response") : null;
        boolean failureModeAllow = m.bool("failure_mode_allow", false);
        boolean headerAdd = m.bool("failure_mode_allow_header_add", false);
        int statusOnError = statusOnError(m);
        ExtAuthzConfig.BodySettings body = null;
        if (m.has("with_request_body")) {
            YamlMap b = m.map("with_request_body", "max_request_bytes", "allow_partial_message", "pack_as_bytes");
            if (b != null) {
                Integer max = b.requiredInteger("max_request_bytes", 1, MAX_REQUEST_BYTES);
                if (b.bool("pack_as_bytes", false)) {
                    b.problem("pack_as_bytes", "only applies to gRPC services; an HTTP service gets the bytes as is");
                }
                body = new ExtAuthzConfig.BodySettings(max == null ? 1 : max, b.bool("allow_partial_message", false));
            }
        }
        if (service == null) {
            return null;
        }
        String cluster = null;
        long timeout = DEFAULT_TIMEOUT.toNanos();
        if (service.require("server_uri")) {
            YamlMap uri = service.map("server_uri", "uri", "cluster", "timeout");
            if (uri != null) {
                uri.string("uri", null); // accepted as in Envoy, where it does not address the call either
                cluster = uri.requiredString("cluster");
                if (cluster != null && !context.clusterNames().contains(cluster)) {
                    uri.problem("cluster", "unknown cluster '" + cluster + "'");
                }
                Duration t = uri.duration("timeout", DEFAULT_TIMEOUT);
                if (t.isNegative() || t.isZero()) {
                    uri.problem("timeout", "must be greater than 0");
                } else {
                    timeout = t.toNanos();
                }
            }
        }
        String pathPrefix = service.string("path_prefix", "");
        if (!pathPrefix.isEmpty()) {
            String problem = pathPrefixProblem(pathPrefix);
            if (problem != null) {
                service.problem("path_prefix", problem);
            }
        }
        List<NameMatcher> allowed = List.of();
        List<String[]> toAdd = List.of();
        YamlMap request = service.map("authorization_request", "allowed_headers", "headers_to_add");
        if (request != null) {
            allowed = NameMatcher.list(request, "allowed_headers");
            toAdd = headersToAdd(request);
        }
        List<NameMatcher> upstream = List.of();
        List<NameMatcher> append = List.of();
        List<NameMatcher> client = null;
        List<NameMatcher> onSuccess = List.of();
        List<NameMatcher> metadata = List.of();
        YamlMap response = service.map("authorization_response", "allowed_upstream_headers",
                "allowed_upstream_headers_to_append", "allowed_client_headers", "allowed_client_headers_on_success",
                "dynamic_metadata_from_headers");
        if (response != null) {
            upstream = NameMatcher.list(response, "allowed_upstream_headers");
            append = NameMatcher.list(response, "allowed_upstream_headers_to_append");
            if (response.has("allowed_client_headers")) {
                client = NameMatcher.list(response, "allowed_client_headers");
            }
            onSuccess = NameMatcher.list(response, "allowed_client_headers_on_success");
            metadata = NameMatcher.list(response, "dynamic_metadata_from_headers");
        }
        return new ExtAuthzConfig(cluster, timeout, pathPrefix, List.copyOf(allowed), List.copyOf(toAdd),
                List.copyOf(upstream), List.copyOf(append), client == null || client.isEmpty() ? null
                : List.copyOf(client), List.copyOf(onSuccess), List.copyOf(metadata), failureModeAllow, headerAdd,
                statusOnError, body);
    }

    /** {@code status_on_error: 503}, or Envoy's {@code HttpStatus} form {@code {code: 503}}. */
    private static int statusOnError(YamlMap m) {
        if (!m.has("status_on_error")) {
            return DEFAULT_STATUS_ON_ERROR;
        }
        if (m.value("status_on_error") instanceof MappingNode) {
            YamlMap s = m.map("status_on_error", "code");
            Integer code = s == null ? null : s.requiredInteger("code", 400, 599); // a refusal, never a success
            return code == null ? DEFAULT_STATUS_ON_ERROR : code;
        }
        return m.integer("status_on_error", DEFAULT_STATUS_ON_ERROR, 400, 599); // a refusal, never a success
    }

    /** The prefix goes in front of the request target as is: a path without query, spaces or a trailing slash. */
    private static String pathPrefixProblem(String prefix) {
        if (!prefix.startsWith("/")) {
            return "must start with '/'";
        }
        if (prefix.endsWith("/")) {
            return "must not end with '/' (the request's path, which starts with '/', follows it)";
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '?' || c == '#') {
                return "must be a path: no spaces, control characters, '?' or '#'";
            }
        }
        return null;
    }

    /** Envoy's {@code HeaderValue} list: {@code [{key: x-source, value: weft}]}, set on every check request. */
    private static List<String[]> headersToAdd(YamlMap request) {
        List<String[]> out = new ArrayList<>();
        List<Node> items = request.list("headers_to_add");
        for (int i = 0; i < items.size(); i++) {
            YamlMap h = request.mapAt(items.get(i), request.itemPath("headers_to_add", i), "key", "value");
            if (h == null) {
                continue;
            }
            String key = h.requiredString("key");
            String value = h.string("value", "");
            if (key == null || value == null) {
                continue;
            }
            String lower = key.toLowerCase(Locale.ROOT);
            if (!dev.weft.core.filter.HttpTokens.isToken(lower)) {
                h.problem("key", "must be a valid header name (RFC 9110 token)");
            } else if (CheckRequest.NOT_FORWARDED.contains(lower)) {
                h.problem("key", "'" + lower + "' is managed by the proxy and cannot be added");
            } else if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                h.problem("value", "must not contain CR, LF or NUL"); // RFC 9110 section 5.5
            } else {
                out.add(new String[] {lower, value});
            }
        }
        return out;
    }

    @Override
    public String[] perRouteFields() {
        return new String[] {"check_settings"};
    }

    @Override
    public Object parsePerRoute(YamlMap m, Object listenerConfig, FilterBindContext context) {
        YamlMap settings = m.map("check_settings", "context_extensions", "disable_request_body_check");
        if (settings == null) {
            return null;
        }
        if (settings.has("context_extensions")) {
            settings.problem("context_extensions", "only reaches gRPC authorization services (Envoy's HTTP service "
                    + "does not send it either)");
        }
        return new ExtAuthzConfig.PerRoute(settings.bool("disable_request_body_check", false));
    }

    @Override
    public HttpFilter create(Object config, FilterContext context) {
        ExtAuthzConfig c = (ExtAuthzConfig) config;
        Cluster cluster = context.cluster(c.cluster());
        if (cluster == null) {
            throw new IllegalStateException("cluster " + c.cluster() + " not found");
        }
        if (cluster.config().http2()) {
            throw new IllegalStateException("cluster " + c.cluster() + " speaks HTTP/2; the authorization call "
                    + "uses HTTP/1.1");
        }
        return new ExtAuthzFilter(c, cluster, ExtAuthzStats.of(context));
    }
}
