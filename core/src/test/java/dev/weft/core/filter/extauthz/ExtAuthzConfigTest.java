package dev.weft.core.filter.extauthz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.FilterYaml;
import dev.weft.core.config.WeftConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ext_authz config: what it accepts, its defaults, and every mistake reported at its exact path. */
class ExtAuthzConfigTest {
    private static final String FILTER = "listeners[0].http_filters[0]";

    /** A config whose listener has the one filter {@code filter} (YAML lines indented for a list item's fields). */
    private static String with(String filter, String routeOverride) {
        return FilterYaml.listener("- name: authz\n  type: ext_authz\n" + FilterYaml.indent(filter, 2), "",
                FilterYaml.route("/", routeOverride == null ? "" : "per_filter_config:\n  authz: " + routeOverride),
                "- name: authz\n  endpoints:\n    - {address: 127.0.0.1, port: 9000}");
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml")).problems();
    }

    private static ExtAuthzConfig parsed(String filter) throws ConfigException {
        WeftConfig c = ConfigLoader.parse(with(filter, null), "test.yaml");
        return (ExtAuthzConfig) c.listeners().get(0).httpFilters().get(0).config();
    }

    @Test
    void fullConfigIsRead() throws Exception {
        ExtAuthzConfig c = parsed("""
                http_service:
                  server_uri: {uri: "http://authz:9000", cluster: authz, timeout: 0.5s}
                  path_prefix: /check
                  authorization_request:
                    allowed_headers: [{exact: x-a}, {prefix: x-b-}, {suffix: -c}, {contains: dd},
                                      {safe_regex: {regex: "x-e[0-9]+"}}, {exact: X-F, ignore_case: true}]
                    headers_to_add: [{key: X-Source, value: weft}]
                  authorization_response:
                    allowed_upstream_headers: {patterns: [{exact: x-user}]}
                    allowed_client_headers: [{exact: www-authenticate}]
                failure_mode_allow: true
                failure_mode_allow_header_add: true
                status_on_error: {code: 503}
                with_request_body: {max_request_bytes: 8192, allow_partial_message: true}
                """);
        assertEquals("authz", c.cluster());
        assertEquals(500_000_000L, c.timeoutNanos());
        assertEquals("/check", c.pathPrefix());
        List<NameMatcher> allowed = c.allowedHeaders();
        assertEquals(6, allowed.size());
        assertTrue(NameMatcher.any(allowed, "x-a"));
        assertTrue(NameMatcher.any(allowed, "x-b-1"));
        assertTrue(NameMatcher.any(allowed, "abc-c"));
        assertTrue(NameMatcher.any(allowed, "xddx"));
        assertTrue(NameMatcher.any(allowed, "x-e12"));
        assertFalse(NameMatcher.any(allowed, "x-e12z"), "safe_regex is a full match");
        assertTrue(NameMatcher.any(allowed, "x-f"));
        assertFalse(NameMatcher.any(allowed, "x-b"));
        assertEquals("x-source", c.headersToAdd().get(0)[0]);
        assertTrue(NameMatcher.any(c.upstreamHeaders(), "x-user"));
        assertTrue(c.failureModeAllow());
        assertTrue(c.failureModeAllowHeaderAdd());
        assertEquals(503, c.statusOnError());
        assertEquals(new ExtAuthzConfig.BodySettings(8192, true), c.body());
    }

    @Test
    void documentedExampleIsValid() throws Exception {
        String doc = java.nio.file.Files.readString(java.nio.file.Path.of("../docs/filters/ext_authz.md"));
        int start = doc.indexOf("```yaml\n") + 8;
        WeftConfig c = ConfigLoader.parse(doc.substring(start, doc.indexOf("```", start)), "ext_authz.md");
        ExtAuthzConfig authz = (ExtAuthzConfig) c.listeners().get(0).httpFilters().get(0).config();
        assertEquals("/check", authz.pathPrefix());
        assertEquals(new ExtAuthzConfig.BodySettings(8192, true), authz.body());
    }

    @Test
    void defaultsAreEnvoys() throws Exception {
        ExtAuthzConfig c = parsed("http_service: {server_uri: {cluster: authz}}");
        assertEquals(200_000_000L, c.timeoutNanos());
        assertEquals("", c.pathPrefix());
        assertEquals(403, c.statusOnError());
        assertFalse(c.failureModeAllow());
        assertFalse(c.failureModeAllowHeaderAdd());
        assertNull(c.clientHeaders(), "every header but host and framing goes to the client");
        assertNull(c.body());
    }

    @Test
    void unknownClusterIsReportedAtItsPath() {
        assertEquals(List.of(FILTER + ".http_service.server_uri.cluster: unknown cluster 'nope'"),
                problems(with("http_service: {server_uri: {cluster: nope, timeout: 1s}}", null)));
    }

    @Test
    void badTimeoutsAreReportedAtTheirPath() {
        assertEquals(List.of(FILTER + ".http_service.server_uri.timeout: must be a duration like 5s or 250ms"),
                problems(with("http_service: {server_uri: {cluster: authz, timeout: fast}}", null)));
        assertEquals(List.of(FILTER + ".http_service.server_uri.timeout: must be greater than 0"),
                problems(with("http_service: {server_uri: {cluster: authz, timeout: 0s}}", null)));
    }

    @Test
    void missingServiceAndServerAreRequired() {
        assertEquals(List.of(FILTER + ".http_service: is required"), problems(with("failure_mode_allow: true", null)));
        assertEquals(List.of(FILTER + ".http_service.server_uri: is required"),
                problems(with("http_service: {path_prefix: /x}", null)));
        assertEquals(List.of(FILTER + ".http_service.server_uri.cluster: is required"),
                problems(with("http_service: {server_uri: {timeout: 1s}}", null)));
    }

    @Test
    void grpcServiceIsRefusedWithAReason() {
        assertEquals(List.of(FILTER + ".grpc_service: not supported: Weft asks HTTP authorization services (use "
                        + "http_service)"),
                problems(with("grpc_service: {envoy_grpc: {cluster_name: authz}}\n"
                        + "http_service: {server_uri: {cluster: authz}}", null)));
    }

    @Test
    void matcherMistakesAreReportedPerItem() {
        String base = "http_service:\n  server_uri: {cluster: authz}\n  authorization_request:\n    allowed_headers: ";
        String p = FILTER + ".http_service.authorization_request.allowed_headers";
        assertEquals(List.of(p + "[1].exact: header names are compared in lower case: write 'authorization' or set "
                + "ignore_case: true"), problems(with(base + "[{exact: x-a}, {exact: Authorization}]", null)));
        assertEquals(List.of(p + "[0].prefix: only one of exact, prefix, suffix, contains, safe_regex may be given"),
                problems(with(base + "[{exact: x-a, prefix: x-}]", null)));
        assertEquals(List.of(p + "[0]: needs one of exact, prefix, suffix, contains, safe_regex"),
                problems(with(base + "[{ignore_case: true}]", null)));
        assertEquals(List.of(p + "[0].safe_regex: invalid regex: Unclosed group near index 3"),
                problems(with(base + "[{safe_regex: \"(x-\"}]", null)));
        assertEquals(List.of(p + "[0].prefix: must not be empty"), problems(with(base + "[{prefix: \"\"}]", null)));
        assertEquals(List.of(p + "[0]: needs one of exact, prefix, suffix, contains, safe_regex",
                p + "[0].regex: unknown field"), problems(with(base + "[{regex: x}]", null)));
        assertEquals(List.of(p + ".patterns[0].exact: must be a string"),
                problems(with(base + "{patterns: [{exact: [x]}]}", null)));
    }

    @Test
    void headersToAddMustBeValidAndNotFraming() {
        String base = "http_service:\n  server_uri: {cluster: authz}\n  authorization_request:\n    headers_to_add: ";
        String p = FILTER + ".http_service.authorization_request.headers_to_add";
        assertEquals(List.of(p + "[0].key: must be a valid header name (RFC 9110 token)"),
                problems(with(base + "[{key: \"bad name\", value: x}]", null)));
        assertEquals(List.of(p + "[0].key: 'content-length' is managed by the proxy and cannot be added"),
                problems(with(base + "[{key: Content-Length, value: \"1\"}]", null)));
        assertEquals(List.of(p + "[0].value: must not contain CR, LF or NUL"),
                problems(with(base + "[{key: x-a, value: \"a\\r\\nb: c\"}]", null)));
        assertEquals(List.of(p + "[0].key: is required"), problems(with(base + "[{value: x}]", null)));
    }

    @Test
    void pathPrefixAndStatusOnErrorAreChecked() {
        assertEquals(List.of(FILTER + ".http_service.path_prefix: must start with '/'"),
                problems(with("http_service: {server_uri: {cluster: authz}, path_prefix: check}", null)));
        assertEquals(List.of(FILTER + ".http_service.path_prefix: must not end with '/' (the request's path, which "
                        + "starts with '/', follows it)"),
                problems(with("http_service: {server_uri: {cluster: authz}, path_prefix: /check/}", null)));
        assertEquals(List.of(FILTER + ".http_service.path_prefix: must be a path: no spaces, control characters, "
                        + "'?' or '#'"),
                problems(with("http_service: {server_uri: {cluster: authz}, path_prefix: /a?b}", null)));
        assertEquals(List.of(FILTER + ".status_on_error: must be 400..599"),
                problems(with("http_service: {server_uri: {cluster: authz}}\nstatus_on_error: 99", null)));
        assertEquals(List.of(FILTER + ".status_on_error: must be 400..599"),
                problems(with("http_service: {server_uri: {cluster: authz}}\nstatus_on_error: 200", null)));
        assertEquals(List.of(FILTER + ".status_on_error.code: must be 400..599"),
                problems(with("http_service: {server_uri: {cluster: authz}}\nstatus_on_error: {code: 600}", null)));
    }

    @Test
    void requestBodySettingsAreChecked() {
        String base = "http_service: {server_uri: {cluster: authz}}\nwith_request_body: ";
        assertEquals(List.of(FILTER + ".with_request_body.max_request_bytes: is required"),
                problems(with(base + "{allow_partial_message: true}", null)));
        assertEquals(List.of(FILTER + ".with_request_body.max_request_bytes: must be 1..16777216"),
                problems(with(base + "{max_request_bytes: 0}", null)));
        assertEquals(List.of(FILTER + ".with_request_body.max_request_bytes: must be 1..16777216"),
                problems(with(base + "{max_request_bytes: 16777217}", null)));
        assertEquals(List.of(FILTER + ".with_request_body.pack_as_bytes: only applies to gRPC services; an HTTP "
                        + "service gets the bytes as is"),
                problems(with(base + "{max_request_bytes: 10, pack_as_bytes: true}", null)));
    }

    @Test
    void perRouteSettings() throws Exception {
        String filter = "http_service: {server_uri: {cluster: authz}}";
        String route = "listeners[0].virtual_hosts[0].routes[0].per_filter_config.authz";
        WeftConfig c = ConfigLoader.parse(with(filter, "{check_settings: {disable_request_body_check: true}}"),
                "test.yaml");
        assertEquals(new ExtAuthzConfig.PerRoute(true), c.listeners().get(0).virtualHosts().get(0).routes().get(0)
                .perFilterConfig().get("authz").config());
        ConfigLoader.parse(with(filter, "{disabled: true}"), "test.yaml");
        assertEquals(List.of(route + ".check_settings.context_extensions: only reaches gRPC authorization services "
                        + "(Envoy's HTTP service does not send it either)"),
                problems(with(filter, "{check_settings: {context_extensions: {a: b}}}")));
        assertEquals(List.of(route + ".bogus: unknown field"), problems(with(filter, "{bogus: 1}")));
        assertEquals(List.of(route + ".disabled: a disabled filter takes no other settings"),
                problems(with(filter, "{disabled: true, check_settings: {}}")));
    }
}
