package dev.weft.core.config;

import static dev.weft.core.config.ConfigTesting.MINIMAL;
import static dev.weft.core.config.ConfigTesting.ROUTE;
import static dev.weft.core.config.ConfigTesting.problems;
import static dev.weft.core.config.ConfigTesting.resource;
import static dev.weft.core.config.ConfigTesting.withRoute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invalid configs: every problem is reported at once, with its path, in document order, and nothing throws else. */
class ConfigErrorsTest {

    @Test
    void reportsEveryMistakeOfAFileAtOnceInDocumentOrder() {
        assertEquals(List.of(
                "drain_timeout: must be a duration like 5s or 250ms",
                "listeners[0].port: must be an integer",
                "listeners[0].bogus: unknown field",
                "listeners[0].virtual_hosts[0].domains[1]: invalid domain 'a*b.example.com': must be an exact host, "
                        + "*.suffix, prefix.* or * (without a port)",
                "listeners[0].virtual_hosts[0].routes[0].match.prefix: must start with '/'",
                "listeners[0].virtual_hosts[0].routes[1].match.safe_regex: invalid regex: Unclosed group near index 10",
                "listeners[0].virtual_hosts[0].routes[1].direct_response.status: must be 200..599",
                "listeners[0].virtual_hosts[0].routes[2].route.cluster: unknown cluster 'foo'",
                "listeners[0].virtual_hosts[0].routes[2].route.timeout: must not be negative",
                "listeners[0].virtual_hosts[0].routes[3].route.prefix_rewrite: only allowed when the route matches "
                        + "on prefix",
                "listeners[0].virtual_hosts[0].routes[3].request_headers_to_add[0].key: 'connection' is a hop-by-hop "
                        + "header and cannot be added or removed",
                "listeners[1].name: duplicate name 'main' (first defined at listeners[0])",
                "listeners[1].idle_timeout: must be a duration like 5s or 250ms",
                "listeners[1].virtual_hosts: must not be empty",
                "clusters[0].lb_policy: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM",
                "clusters[0].endpoints[0].address: must be an IPv4 or IPv6 address (a STATIC cluster does not "
                        + "resolve names; use type STRICT_DNS for a host name)",
                "clusters[1].connect_timeout: must be greater than 0",
                "clusters[1].endpoints[0].port: must be 1..65535",
                "clusters[1].endpoints[1]: must be a map"),
                problems(resource("many-mistakes.yaml")));
    }

    @Test
    void exceptionMessageIsEveryProblemOnItsOwnLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> ConfigLoader.parse("listeners: []\nbogus: 1\n", "x.yaml"));
        assertEquals(List.of("listeners: must not be empty", "bogus: unknown field"), e.problems());
        assertEquals("listeners: must not be empty\nbogus: unknown field", e.getMessage());
    }

    @Test
    void unknownFieldsAtEveryLevel() {
        assertEquals(List.of(
                "typo: unknown field",
                "listeners[0].adress: unknown field",
                "listeners[0].http.max_headers: unknown field",
                "listeners[0].virtual_hosts[0].domains: is required",
                "listeners[0].virtual_hosts[0].domain: unknown field",
                "listeners[0].virtual_hosts[0].routes[0].match.regex: unknown field",
                "listeners[0].virtual_hosts[0].routes[0].match.headers[0].value: unknown field",
                "listeners[0].virtual_hosts[0].routes[0].match.query_parameters[0]: one of exact, prefix, suffix, "
                        + "safe_regex, present is required",
                "listeners[0].virtual_hosts[0].routes[0].match.query_parameters[0].contains: unknown field",
                "listeners[0].virtual_hosts[0].routes[0].route.retries: unknown field",
                "listeners[0].virtual_hosts[0].routes[0].request_headers_to_add[0].append: unknown field",
                "listeners[0].virtual_hosts[0].routes[1].direct_response.headers: unknown field",
                "listeners[0].virtual_hosts[0].routes[2].redirect.scheme_redirect: unknown field",
                "listeners[0].virtual_hosts[0].routes[3].unknown_action: unknown field",
                "clusters[0].health_checks: unknown field",
                "clusters[0].endpoints[0].weight: unknown field"),
                problems("""
                        typo: 1
                        listeners:
                          - name: main
                            adress: 127.0.0.1
                            port: 10000
                            http: {max_headers: 10}
                            virtual_hosts:
                              - name: default
                                domain: ["*"]
                                routes:
                                  - match:
                                      prefix: /
                                      regex: x
                                      headers: [{name: a, exact: b, value: c}]
                                      query_parameters: [{name: q, contains: x}]
                                    route: {cluster: backend, retries: 3}
                                    request_headers_to_add: [{key: a, value: b, append: true}]
                                  - match: {prefix: /}
                                    direct_response: {status: 200, headers: []}
                                  - match: {prefix: /}
                                    redirect: {https_redirect: true, scheme_redirect: https}
                                  - match: {prefix: /}
                                    unknown_action: {}
                                    direct_response: {status: 200}
                        clusters:
                          - name: backend
                            health_checks: []
                            endpoints: [{address: 127.0.0.1, port: 80, weight: 1}]
                        """));
    }

    @Test
    void duplicateNamesDomainsFieldsAndBindings() {
        assertEquals(List.of(
                "listeners[0].virtual_hosts[1].name: duplicate name 'web' (first defined at "
                        + "listeners[0].virtual_hosts[0])",
                "listeners[0].virtual_hosts[1].domains[0]: duplicate domain 'a.example.com' (first used at "
                        + "listeners[0].virtual_hosts[0].domains[1])",
                "listeners[0].virtual_hosts[1].domains[1]: duplicate domain '*' (first used at "
                        + "listeners[0].virtual_hosts[0].domains[0])",
                "listeners[1].name: duplicate name 'main' (first defined at listeners[0])",
                "listeners[1].port: 127.0.0.1:10000 is already used by listeners[0]",
                "listeners[1].port: duplicate field",
                "clusters[0].endpoints[1]: duplicate endpoint 127.0.0.1:8080 (first at clusters[0].endpoints[0])",
                "clusters[1].name: duplicate name 'backend' (first defined at clusters[0])"),
                problems("""
                        listeners:
                          - name: main
                            port: 10000
                            virtual_hosts:
                              - name: web
                                domains: ["*", a.example.com]
                                routes: [{match: {prefix: /}, route: {cluster: backend}}]
                              - name: web
                                domains: [A.example.com, "*"]
                                routes: [{match: {prefix: /}, route: {cluster: backend}}]
                          - name: main
                            address: 127.0.0.1
                            port: 10000
                            port: 10001
                            virtual_hosts:
                              - {name: web, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: backend}}]}
                        clusters:
                          - name: backend
                            endpoints: [{address: 127.0.0.1, port: 8080}, {address: 127.0.0.1, port: 8080}]
                          - name: backend
                            endpoints: [{address: 127.0.0.1, port: 8081}]
                        """));
    }

    @Test
    void badCrossReferencesAreReportedOncePerReference() {
        String yaml = withRoute("{match: {prefix: /}, route: {cluster: Backend}}") + """
                  - name: "bad name"
                    endpoints: [{address: 127.0.0.1, port: 8080}]
                """;
        String withBadNameReference = yaml.replace("cluster: Backend", "cluster: bad name");
        assertEquals(List.of(ROUTE + ".route.cluster: unknown cluster 'Backend'",
                "clusters[1].name: must match [A-Za-z0-9_.-]+"), problems(yaml));
        assertEquals(List.of("clusters[1].name: must match [A-Za-z0-9_.-]+"), problems(withBadNameReference),
                "a reference to a given but invalid name is not a second problem");
    }

    @Test
    void clustersBeforeListenersStillReportInDocumentOrder() {
        assertEquals(List.of("clusters[0].endpoints[0].port: must be 1..65535",
                        "listeners[0].virtual_hosts[0].routes[0].route.cluster: unknown cluster 'nope'"),
                problems("""
                        clusters:
                          - {name: backend, endpoints: [{address: 127.0.0.1, port: 0}]}
                        listeners:
                          - name: main
                            port: 10000
                            virtual_hosts:
                              - {name: a, domains: ["*"], routes: [{match: {prefix: /}, route: {cluster: nope}}]}
                        """));
    }

    @Test
    void badRegexesIncludeTheRegexError() {
        assertEquals(List.of(ROUTE + ".match.safe_regex: invalid regex: Dangling meta character '*' near index 0"),
                problems(withRoute("{match: {safe_regex: \"*x\"}, route: {cluster: backend}}")));
        assertEquals(List.of(ROUTE + ".match.headers[0].safe_regex: invalid regex: Unclosed character class near "
                        + "index 2"),
                problems(withRoute("{match: {prefix: /, headers: [{name: a, safe_regex: \"[ab\"}]}, "
                        + "route: {cluster: backend}}")));
        assertEquals(List.of(ROUTE + ".match.safe_regex.regex: is required",
                        ROUTE + ".match.safe_regex.re: unknown field"),
                problems(withRoute("{match: {safe_regex: {re: x}}, route: {cluster: backend}}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "5.5", "5 s", "5S", "5sec", "s", "1d", "PT5S", "true", "[5s]", "\"\"", "5s5ms"})
    void rejectsMalformedDurations(String value) {
        assertEquals(List.of("drain_timeout: must be a duration like 5s or 250ms"),
                problems("drain_timeout: " + value + "\n" + MINIMAL));
    }

    @Test
    void rejectsNegativeAndOutOfRangeDurations() {
        assertEquals(List.of("drain_timeout: must not be negative"), problems("drain_timeout: -1s\n" + MINIMAL));
        assertEquals(List.of("drain_timeout: is too long"), problems("drain_timeout: 999999999h\n" + MINIMAL));
        String cluster = MINIMAL.replace("  - name: backend\n",
                "  - name: backend\n    dns_refresh_rate: 99ms\n    connect_timeout: 0ms\n");
        assertEquals(List.of("clusters[0].dns_refresh_rate: must be at least 100ms",
                "clusters[0].connect_timeout: must be greater than 0"), problems(cluster));
    }

    @Test
    void http2KeepaliveProblemsNameTheirField() {
        java.util.function.Function<String, String> cluster = lines -> MINIMAL.replace("  - name: backend\n",
                "  - name: backend\n" + lines.indent(4));
        assertEquals(List.of("clusters[0].http2_keepalive.interval: is required",
                        "clusters[0].http2_keepalive.timeout: must be greater than 0"),
                problems(cluster.apply("http2: true\nhttp2_keepalive: {timeout: 0s}")));
        assertEquals(List.of("clusters[0].http2_keepalive.timeout: is required",
                        "clusters[0].http2_keepalive.interval: must be a duration like 5s or 250ms"),
                problems(cluster.apply("http2: true\nhttp2_keepalive: {interval: 30}")));
        assertEquals(List.of("clusters[0].http2_keepalive.jitter: unknown field"),
                problems(cluster.apply("http2: true\nhttp2_keepalive: {interval: 30s, timeout: 5s, jitter: 1s}")));
        assertEquals(List.of("clusters[0].http2_keepalive: needs http2: true (PINGs are HTTP/2 frames)"),
                problems(cluster.apply("http2_keepalive: {interval: 30s, timeout: 5s}")));
        assertEquals(List.of("clusters[0].http2_keepalive: must be a map"),
                problems(cluster.apply("http2: true\nhttp2_keepalive: 30s")));
    }

    @Test
    void typeMismatchesNameTheExpectedType() {
        assertEquals(List.of(
                "listeners[0].port: must be an integer",
                "listeners[0].reuse_port: must be true or false",
                "listeners[0].max_connections: must be an integer",
                "listeners[0].stat_prefix: must be a string",
                "listeners[0].http: must be a map",
                "listeners[0].virtual_hosts[0].domains: must be a list",
                "listeners[0].virtual_hosts[0].routes[0].match.methods[0]: must be a string",
                "listeners[0].virtual_hosts[0].routes[0].match.headers: must be a list",
                "listeners[0].virtual_hosts[0].routes[0].route: must be a map",
                "listeners[0].virtual_hosts[0].routes[1]: must be a map",
                "clusters: must be a list"),
                problems("""
                        listeners:
                          - name: main
                            port: 80.5
                            reuse_port: yes
                            max_connections: "10"
                            stat_prefix: 7
                            http: [max_request_headers_kb]
                            virtual_hosts:
                              - name: a
                                domains: "*"
                                routes:
                                  - match: {prefix: /, methods: [[GET]], headers: {name: a}}
                                    route: backend
                                  - just a string
                        clusters: {name: backend}
                        """));
    }

    @Test
    void rangesOfIntegers() {
        assertEquals(List.of(
                        "listeners[0].port: must be 0..65535",
                        "listeners[0].max_connections: must be at least 1",
                        "listeners[0].http.max_request_headers_kb: must be 1..8192",
                        "listeners[0].http.max_request_headers_count: must be 1..10000",
                        "clusters[0].max_connections_per_endpoint: must be at most 2147483647",
                        "clusters[0].max_pending_requests: must be at least 0"),
                problems(MINIMAL.replace("    port: 10000\n", """
                                    port: 65536
                                    max_connections: 0
                                    http: {max_request_headers_kb: 8193, max_request_headers_count: 0}
                                """)
                        .replace("  - name: backend\n", """
                                  - name: backend
                                    max_connections_per_endpoint: 2147483648
                                    max_pending_requests: -1
                                """)));
    }

    @Test
    void exactlyOneOfPathAndActionAndMatcher() {
        assertEquals(List.of(ROUTE + ".match: one of prefix, path, safe_regex is required"),
                problems(withRoute("{match: {case_sensitive: false}, route: {cluster: backend}}")));
        assertEquals(List.of(ROUTE + ".match: only one of prefix, path, safe_regex is allowed, found prefix and path"),
                problems(withRoute("{match: {prefix: /, path: /a}, route: {cluster: backend}}")));
        assertEquals(List.of(ROUTE + ": one of route, direct_response, redirect is required"),
                problems(withRoute("{match: {prefix: /}}")));
        assertEquals(List.of(ROUTE + ".match: is required",
                        ROUTE + ": only one of route, direct_response, redirect is allowed, found route and redirect"),
                problems(withRoute("{route: {cluster: backend}, redirect: {https_redirect: true}}")));
        assertEquals(List.of(ROUTE + ".match.headers[0]: only one of exact, prefix, suffix, safe_regex, present is "
                        + "allowed, found exact and present"),
                problems(withRoute("{match: {prefix: /, headers: [{name: a, exact: b, present: true}]}, "
                        + "route: {cluster: backend}}")));
    }

    @Test
    void matchRules() {
        assertEquals(List.of(
                        ROUTE + ".match.path: must start with '/'",
                        ROUTE + ".match.methods[0]: must be an HTTP method name (RFC 9110 token)",
                        ROUTE + ".match.methods[2]: duplicate method 'GET'",
                        ROUTE + ".match.headers[0].name: must be a valid header name (RFC 9110 token)",
                        ROUTE + ".match.headers[1].present: must be true (use invert_match: true to require absence)",
                        ROUTE + ".match.headers[2].prefix: must not be empty",
                        ROUTE + ".match.query_parameters[0].name: is required",
                        ROUTE + ".match.query_parameters[1].name: must not be empty"),
                problems(withRoute("""
                        {match: {path: health, methods: ["GE T", get, GET],
                                     headers: [{name: ":authority", exact: x}, {name: a, present: false},
                                               {name: b, prefix: ""}],
                                     query_parameters: [{exact: x}, {name: "", present: true}]},
                                  route: {cluster: backend}}""")));
    }

    @Test
    void actionRules() {
        assertEquals(List.of(
                        ROUTE + ".redirect.port_redirect: must be 1..65535",
                        ROUTE + ".redirect.path_redirect: must start with '/'",
                        ROUTE + ".redirect.response_code: " + RouteBinder.REDIRECT_CODE_MESSAGE),
                problems(withRoute("{match: {prefix: /}, redirect: {port_redirect: 0, path_redirect: new, "
                        + "response_code: 300}}")));
        assertEquals(List.of(ROUTE + ".redirect.prefix_rewrite: not allowed together with path_redirect",
                        ROUTE + ".redirect.host_redirect: must be a host name or an IP address"),
                problems(withRoute("{match: {prefix: /}, redirect: {path_redirect: /b, prefix_rewrite: /a, "
                        + "host_redirect: \"bad host\"}}")));
        assertEquals(List.of(ROUTE + ".redirect: must change the URL: set https_redirect, host_redirect, "
                        + "port_redirect, path_redirect, prefix_rewrite or strip_query (a redirect to the same URL "
                        + "loops)"),
                problems(withRoute("{match: {prefix: /}, redirect: {response_code: 302}}")));
        assertEquals(List.of(ROUTE + ".direct_response.status: is required",
                        ROUTE + ".direct_response.content_type: must be a non-empty header value without CR, LF or "
                                + "NUL"),
                problems(withRoute("{match: {prefix: /}, direct_response: {body: x, content_type: \"a\\nb\"}}")));
        assertEquals(List.of(ROUTE + ".route.cluster: is required",
                        ROUTE + ".route.host_rewrite_literal: must be a host, optionally with :port, without spaces"),
                problems(withRoute("{match: {prefix: /}, route: {host_rewrite_literal: \"a b\"}}")));
    }

    @Test
    void headerMutationRules() {
        String path = "listeners[0].virtual_hosts[0].";
        assertEquals(List.of(
                        path + "request_headers_to_add[0].key: must not be a pseudo-header",
                        path + "request_headers_to_add[1].key: must be a valid header name (RFC 9110 token)",
                        path + "request_headers_to_add[2].value: must not contain CR, LF or NUL",
                        path + "request_headers_to_add[3].append_action: must be one of APPEND_IF_EXISTS_OR_ADD, "
                                + "OVERWRITE_IF_EXISTS_OR_ADD, ADD_IF_ABSENT",
                        path + "request_headers_to_add[4].value: is required",
                        path + "request_headers_to_remove[0]: 'host' is managed by the proxy and cannot be added or "
                                + "removed",
                        path + "request_headers_to_remove[1]: 'transfer-encoding' is a hop-by-hop header and cannot be "
                                + "added or removed",
                        path + "response_headers_to_add[0].key: 'content-length' is managed by the proxy and cannot be "
                                + "added or removed",
                        path + "response_headers_to_remove[0]: must be a string"),
                problems(MINIMAL.replace("        domains: [\"*\"]\n", """
                                domains: ["*"]
                                request_headers_to_add:
                                  - {key: ":path", value: /}
                                  - {key: "x y", value: a}
                                  - {key: x, value: "a\\r\\nb: c"}
                                  - {key: x, value: a, append_action: SET}
                                  - {key: x}
                                request_headers_to_remove: [Host, Transfer-Encoding]
                                response_headers_to_add: [{key: Content-Length, value: "0"}]
                                response_headers_to_remove: [{x: y}]
                        """)));
    }

    @Test
    void addressRules() {
        assertEquals(List.of(
                        "listeners[0].address: must be an IP address or a host name",
                        "clusters[0].endpoints[0].address: must be an IPv4 or IPv6 address (a STATIC cluster does not "
                                + "resolve names; use type STRICT_DNS for a host name)",
                        "clusters[0].endpoints[1].address: is required",
                        "clusters[0].endpoints[2].port: is required",
                        "clusters[1].endpoints[0].address: must be an IP address or a host name",
                        "clusters[2].endpoints: must not be empty",
                        "clusters[3].endpoints: is required"),
                problems("""
                        listeners:
                          - {name: main, address: 256.0.0.1, port: 80, virtual_hosts: [{name: a, domains: ["*"],
                             routes: [{match: {prefix: /}, direct_response: {status: 200}}]}]}
                        clusters:
                          - name: a
                            endpoints: [{address: 10.0.0.1.2, port: 1}, {port: 1}, {address: "::1"}]
                          - name: b
                            type: STRICT_DNS
                            endpoints: [{address: "-bad-.example", port: 1}]
                          - name: c
                            endpoints: []
                          - name: d
                        """));
    }

    @Test
    void yamlSyntaxErrorsCarryLineAndColumn() {
        assertEquals(List.of("bad.yaml:3:13: mapping values are not allowed here"),
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                        "listeners:\n  - name: main\n    port: 80: 81\n", "bad.yaml")).problems());
        assertEquals(List.of("bad.yaml:2:9: expected ',' or ']', but got : (while parsing a flow sequence at line 1, "
                        + "column 12)"),
                assertThrows(ConfigException.class, () -> ConfigLoader.parse(
                        "listeners: [a\nclusters: []\n", "bad.yaml")).problems());
    }

    @Test
    void emptyAndOddDocuments() {
        for (String empty : List.of("", "# only a comment\n", "~\n", "---\n")) {
            assertEquals(List.of("test.yaml: the document is empty"), problems(empty), empty);
        }
        assertEquals(List.of("test.yaml: the top level must be a map with listeners and clusters"),
                problems("- listeners\n"));
        assertEquals(List.of("listeners: is required"), problems("clusters: []\n"));
        assertEquals(List.of("test.yaml:2:1: but found another document (expected a single document in the stream "
                + "at line 1, column 1)"), problems("a: 1\n---\nb: 2\n"));
        assertEquals(List.of("(top level): field names must be strings"), problems("? [a]\n: 1\n" + MINIMAL));
    }

    @Test
    void notValidUtf8(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "listeners: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(List.of(file + ": not valid UTF-8"),
                assertThrows(ConfigException.class, () -> ConfigLoader.load(file)).problems());
    }

    @Test
    void environmentVariablesAreNotSubstituted() {
        assertEquals(List.of(ROUTE + ".route.cluster: environment variables are not substituted; quote the value to "
                + "use it as is"), problems(withRoute("match: {prefix: /}\n            route:\n              cluster: ${BACKEND}")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "HTTP2", "Auto", "http/1.1", "\"\"", "grpc"})
    void codecIsOneOfAutoHttp1Http2(String value) {
        assertEquals(List.of("listeners[0].codec: must be one of auto, http1, http2"),
                problems(ConfigFieldsTest.withListenerLines("codec: " + value)));
    }

    @Test
    void codecMustBeAString() {
        assertEquals(List.of("listeners[0].codec: must be a string"),
                problems(ConfigFieldsTest.withListenerLines("codec: 2")));
    }

    @Test
    void rangesOfHttp2Fields() {
        String path = "listeners[0].http2.";
        List<String> expected = List.of(
                path + "max_concurrent_streams: must be 1..10000",
                path + "initial_stream_window_size: must be 65535..16777216",
                path + "initial_connection_window_size: must be 65535..268435456",
                path + "max_header_list_size: must be 1024..1048576",
                path + "max_frame_size: must be 16384..16777215",
                path + "hpack_table_size: must be 0..65536",
                path + "max_resets_per_second: must be 1..1000000",
                path + "max_control_frames_per_second: must be 1..1000000",
                path + "max_consecutive_empty_frames: must be 0..1000");
        assertEquals(expected, problems(ConfigFieldsTest.withListenerLines("""
                http2:
                  max_concurrent_streams: 0
                  initial_stream_window_size: 65534
                  initial_connection_window_size: 65534
                  max_header_list_size: 1023
                  max_frame_size: 16383
                  hpack_table_size: -1
                  max_resets_per_second: 0
                  max_control_frames_per_second: 0
                  max_consecutive_empty_frames: -1""")), "one below the minimum");
        assertEquals(expected, problems(ConfigFieldsTest.withListenerLines("""
                http2:
                  max_concurrent_streams: 10001
                  initial_stream_window_size: 16777217
                  initial_connection_window_size: 268435457
                  max_header_list_size: 1048577
                  max_frame_size: 16777216
                  hpack_table_size: 65537
                  max_resets_per_second: 1000001
                  max_control_frames_per_second: 1000001
                  max_consecutive_empty_frames: 1001""")), "one above the maximum");
    }

    @Test
    void typesOfHttp2Fields() {
        assertEquals(List.of(
                        "listeners[0].http2.max_concurrent_streams: must be an integer",
                        "listeners[0].http2.max_frame_size: must be an integer",
                        "listeners[0].http2.stream_idle_timeout: must not be negative"),
                problems(ConfigFieldsTest.withListenerLines(
                        "http2: {max_concurrent_streams: \"100\", max_frame_size: 16.5, stream_idle_timeout: -1s}")));
        assertEquals(List.of("listeners[0].http2.stream_idle_timeout: must be greater than 0"),
                problems(ConfigFieldsTest.withListenerLines("http2: {stream_idle_timeout: 0s}")));
        assertEquals(List.of("listeners[0].http2.stream_idle_timeout: must be a duration like 5s or 250ms"),
                problems(ConfigFieldsTest.withListenerLines("http2: {stream_idle_timeout: 300}")));
        assertEquals(List.of("listeners[0].http2: must be a map"),
                problems(ConfigFieldsTest.withListenerLines("http2: [max_concurrent_streams]")));
    }

    @Test
    void unknownHttp2FieldsAreRefused() {
        assertEquals(List.of("listeners[0].http2.max_streams: unknown field",
                        "listeners[0].http2.max_consecutive_inbound_frames_with_empty_payload: unknown field",
                        "listeners[0].http2.hpack_table_size: duplicate field"),
                problems(ConfigFieldsTest.withListenerLines("""
                        http2:
                          max_streams: 10
                          max_consecutive_inbound_frames_with_empty_payload: 1
                          hpack_table_size: 4096
                          hpack_table_size: 8192""")));
    }

    @Test
    void explicitAlpnMustNotContradictTheCodec(@TempDir Path dir) throws Exception {
        assertEquals(List.of("listeners[0].tls: alpn offers h2 but codec is http1"),
                problems(ConfigFieldsTest.withTls(dir, "codec: http1", "alpn: [h2, http/1.1]")));
        assertEquals(List.of("listeners[0].tls: alpn offers http/1.1 but codec is http2"),
                problems(ConfigFieldsTest.withTls(dir, "codec: http2", "alpn: [h2, http/1.1]")));
        assertEquals(List.of("listeners[0].tls: alpn offers http/1.1 but codec is http2"),
                problems(ConfigFieldsTest.withTls(dir, "codec: http2", "alpn: [http/1.1]")));
    }

    @Test
    void listenerAlpnOffersOnlyH2AndHttp11(@TempDir Path dir) throws Exception {
        assertEquals(List.of("listeners[0].tls.alpn: 'h3' is not supported (h2 and http/1.1)",
                        "listeners[0].tls.alpn: 'h2c' is not supported (h2 and http/1.1)"),
                problems(ConfigFieldsTest.withTls(dir, "", "alpn: [h3, h2c, h2]")));
        assertEquals(List.of("listeners[0].tls.alpn: must list at least one protocol"),
                problems(ConfigFieldsTest.withTls(dir, "", "alpn: []")));
    }

    @Test
    void clusterAlpnRefusesH2(@TempDir Path dir) throws Exception {
        Path ca = Files.createFile(dir.resolve("ca.pem"));
        List<String> found = problems(MINIMAL.replace("  - name: backend\n",
                "  - name: backend\n    tls: {ca_file: " + ca + ", alpn: [h2]}\n"));
        assertEquals(1, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("clusters[0].tls") && found.get(0).contains("http/1.1"),
                "Weft speaks HTTP/1.1 to upstreams: " + found);
    }
}
