package dev.weft.core.config;

import static dev.weft.core.config.ConfigTesting.parse;
import static dev.weft.core.config.ConfigTesting.resource;
import static dev.weft.core.config.ConfigTesting.withRoute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.config.ClusterConfig.DiscoveryType;
import dev.weft.core.config.ClusterConfig.LbPolicy;
import dev.weft.core.config.HeaderValueOption.AppendAction;
import dev.weft.core.config.RouteMatch.PathKind;
import dev.weft.core.config.ValueMatcher.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Valid configs: every field lands in the right record component, and every omitted field gets its default. */
class ConfigFieldsTest {

    @Test
    void appliesEveryDefault() {
        WeftConfig config = parse(ConfigTesting.MINIMAL);
        assertEquals(Duration.ofSeconds(10), config.drainTimeout());

        ListenerConfig listener = config.listeners().get(0);
        assertEquals("127.0.0.1", listener.address());
        assertFalse(listener.reusePort());
        assertEquals(10_000, listener.maxConnections());
        assertEquals(Duration.ofSeconds(300), listener.idleTimeout());
        assertEquals(Duration.ofSeconds(10), listener.requestHeadersTimeout());
        assertEquals("main", listener.statPrefix());
        assertEquals(new HttpOptions(60, 100, "weft", true, true), listener.http());
        assertEquals(ListenerConfig.Codec.AUTO, listener.codec());
        assertNull(listener.tls());
        assertSame(Http2Options.DEFAULTS, listener.http2());
        assertEquals(new Http2Options(100, 65_536, 1_048_576, 61_440, 16_384, 4096, 100, 1000, 1,
                Duration.ofMinutes(5)), listener.http2(), "the defaults the README documents");
        assertSame(HeaderMutations.NONE, listener.virtualHosts().get(0).headers());

        RouteConfig route = listener.virtualHosts().get(0).routes().get(0);
        assertNull(route.name());
        assertTrue(route.match().caseSensitive());
        assertEquals(List.of(), route.match().methods());
        assertEquals(List.of(), route.match().headers());
        assertEquals(List.of(), route.match().queryParameters());
        assertNull(route.match().pathRegex());
        assertEquals(new RouteAction.Forward("backend", null, null, Duration.ofSeconds(15)), route.action());
        assertSame(HeaderMutations.NONE, route.headers());

        ClusterConfig cluster = config.clusters().get(0);
        assertEquals(new ClusterConfig("backend", DiscoveryType.STATIC, LbPolicy.ROUND_ROBIN, Duration.ofSeconds(5),
                Duration.ofSeconds(5), List.of(new EndpointConfig("127.0.0.1", 8080)), 1024, 1024,
                Duration.ofSeconds(60), null), cluster);
    }

    @Test
    void defaultsOfDirectResponseRedirectAndHeaders() {
        RouteConfig direct = onlyRoute(parse(withRoute("{match: {prefix: /}, direct_response: {status: 204}}")));
        assertEquals(new RouteAction.DirectResponse(204, "", "text/plain; charset=utf-8"), direct.action());

        RouteConfig redirect = onlyRoute(parse(withRoute("{match: {prefix: /}, redirect: {https_redirect: true}}")));
        assertEquals(new RouteAction.Redirect(true, null, 0, null, null, 301, false), redirect.action());

        RouteConfig headers = onlyRoute(parse(withRoute(
                "{match: {prefix: /}, route: {cluster: backend}, request_headers_to_add: [{key: a, value: b}]}")));
        assertEquals(new HeaderMutations(List.of(new HeaderValueOption("a", "b", AppendAction.APPEND_IF_EXISTS_OR_ADD)),
                List.of(), List.of(), List.of()), headers.headers());
    }

    @Test
    void parsesEveryField() {
        WeftConfig config = parse(resource("full.yaml"));
        assertEquals(Duration.ofSeconds(90), config.drainTimeout());

        ListenerConfig listener = config.listeners().get(0);
        assertEquals("edge", listener.name());
        assertEquals("::1", listener.address(), "brackets are dropped");
        assertEquals(8443, listener.port());
        assertTrue(listener.reusePort());
        assertEquals(50, listener.maxConnections());
        assertEquals(Duration.ZERO, listener.idleTimeout());
        assertEquals(Duration.ofMillis(250), listener.requestHeadersTimeout());
        assertEquals("edge_v2", listener.statPrefix());
        assertEquals(new HttpOptions(8192, 200, "edge-proxy", false, false, 2, false), listener.http());

        VirtualHostConfig host = listener.virtualHosts().get(0);
        assertEquals("api", host.name());
        assertEquals(List.of("api.example.com", "*.api.example.com", "api.*"), host.domains(), "lower-cased");
        assertEquals(new HeaderMutations(
                List.of(new HeaderValueOption("x-vhost", "api", AppendAction.APPEND_IF_EXISTS_OR_ADD)),
                List.of("x-debug"),
                List.of(new HeaderValueOption("x-served-by", "weft", AppendAction.OVERWRITE_IF_EXISTS_OR_ADD)),
                List.of("server-timing")), host.headers());
        assertEquals(5, host.routes().size());

        RouteConfig users = host.routes().get(0);
        assertEquals("users", users.name());
        RouteMatch match = users.match();
        assertEquals(PathKind.PREFIX, match.pathKind());
        assertEquals("/users", match.path());
        assertFalse(match.caseSensitive());
        assertEquals(List.of("GET", "POST"), match.methods(), "upper-cased");
        assertEquals(5, match.headers().size());
        assertEquals(new ValueMatcher("x-env", Kind.EXACT, "prod", null, false), match.headers().get(0));
        assertEquals(new ValueMatcher("x-canary", Kind.PRESENT, null, null, true), match.headers().get(1));
        assertEquals(new ValueMatcher("user-agent", Kind.PREFIX, "curl/", null, false), match.headers().get(2));
        assertEquals(new ValueMatcher("accept", Kind.SUFFIX, "/json", null, false), match.headers().get(3));
        ValueMatcher tenant = match.headers().get(4);
        assertEquals("x-tenant", tenant.name());
        assertEquals(Kind.REGEX, tenant.kind());
        assertEquals("t-[0-9]+", tenant.value());
        assertTrue(tenant.regex().matcher("t-42").matches());
        assertEquals(List.of(new ValueMatcher("Debug", Kind.PRESENT, null, null, false)), match.queryParameters(),
                "query parameter names keep their case");
        assertEquals(new RouteAction.Forward("users", "/v2/users", "users.internal", Duration.ofSeconds(2)),
                users.action());
        assertEquals(new HeaderMutations(
                List.of(new HeaderValueOption("x-route", "users", AppendAction.ADD_IF_ABSENT)),
                List.of("x-internal"),
                List.of(new HeaderValueOption("cache-control", "no-store", AppendAction.APPEND_IF_EXISTS_OR_ADD)),
                List.of("x-upstream")), users.headers());

        RouteConfig health = host.routes().get(1);
        assertEquals(PathKind.EXACT, health.match().pathKind());
        assertEquals("/health", health.match().path());
        assertEquals(new RouteAction.DirectResponse(503, "down\n", "application/json"), health.action());

        RouteConfig old = host.routes().get(2);
        assertEquals(PathKind.REGEX, old.match().pathKind());
        assertEquals("/old/.*", old.match().path());
        assertTrue(old.match().pathRegex().matcher("/old/a/b").matches());
        assertEquals(new RouteAction.Redirect(true, "new.example.com", 8443, "/new", null, 308, true), old.action());

        RouteConfig legacy = host.routes().get(3);
        assertEquals("/Legacy/[a-z]+", legacy.match().path(), "Envoy's {regex: ...} form");
        assertTrue(legacy.match().pathRegex().matcher("/legacy/ABC").matches(), "case_sensitive: false");
        assertEquals(new RouteAction.Redirect(false, null, 0, "/x?from=legacy", null, 307, false), legacy.action());

        assertEquals(new RouteAction.Redirect(false, "[::1]", 0, null, "/modern", 301, false),
                host.routes().get(4).action(), "an IPv6 host_redirect is bracketed for the Location URL");

        ClusterConfig dns = config.cluster("users");
        assertEquals(new ClusterConfig("users", DiscoveryType.STRICT_DNS, LbPolicy.LEAST_REQUEST,
                Duration.ofMillis(750), Duration.ofMillis(100),
                List.of(new EndpointConfig("users-a.internal", 8080), new EndpointConfig("10.0.0.2", 8081)),
                8, 0, Duration.ZERO, null), dns);
        ClusterConfig v6 = config.cluster("static_v6");
        assertEquals(DiscoveryType.STATIC, v6.type());
        assertEquals(LbPolicy.RANDOM, v6.lbPolicy());
        assertEquals(List.of(new EndpointConfig("2001:db8::1", 443), new EndpointConfig("::ffff:10.0.0.1", 443)),
                v6.endpoints());
    }

    @Test
    void bindsHttp2Keepalive() {
        WeftConfig config = parse(ConfigTesting.MINIMAL.replace("  - name: backend\n", """
                  - name: backend
                    http2: true
                    pool_idle_timeout: 90s
                    http2_keepalive: {interval: 30s, timeout: 5s}
                """));
        ClusterConfig c = config.clusters().get(0);
        assertTrue(c.http2());
        assertEquals(Duration.ofSeconds(90), c.poolIdleTimeout());
        assertEquals(new ClusterConfig.Http2Keepalive(Duration.ofSeconds(30), Duration.ofSeconds(5)),
                c.http2Keepalive());
        assertNull(parse(ConfigTesting.MINIMAL).clusters().get(0).http2Keepalive(), "no PINGs unless asked for");
    }

    @Test
    void acceptsJson() {
        WeftConfig config = parse("""
                {
                  "drain_timeout": "2s",
                  "listeners": [{
                    "name": "json", "port": 0, "reuse_port": false,
                    "virtual_hosts": [{
                      "name": "all", "domains": ["*"],
                      "routes": [{"match": {"path": "/", "methods": ["GET"]},
                                  "direct_response": {"status": 200, "body": "ok"}}]
                    }]
                  }],
                  "clusters": []
                }
                """);
        assertEquals(Duration.ofSeconds(2), config.drainTimeout());
        assertEquals(0, config.listeners().get(0).port());
        assertEquals(new RouteAction.DirectResponse(200, "ok", "text/plain; charset=utf-8"),
                onlyRoute(config).action());
    }

    @ParameterizedTest
    @CsvSource({"5s, 5000", "250ms, 250", "0.25s, 250", "1.5m, 90000", "2h, 7200000", "0s, 0", ".5s, 500",
            "0ms, 0"})
    void parsesDurations(String text, long millis) {
        WeftConfig config = parse("drain_timeout: " + text + "\n" + ConfigTesting.MINIMAL);
        assertEquals(Duration.ofMillis(millis), config.drainTimeout());
    }

    @ParameterizedTest
    @CsvSource({"MOVED_PERMANENTLY, 301", "found, 302", "303, 303", "SEE_OTHER, 303", "TEMPORARY_REDIRECT, 307",
            "308, 308", "permanent_redirect, 308"})
    void acceptsRedirectCodesByNumberAndByEnvoyName(String given, int code) {
        RouteConfig route = onlyRoute(parse(withRoute(
                "{match: {prefix: /}, redirect: {https_redirect: true, response_code: " + given + "}}")));
        assertEquals(code, ((RouteAction.Redirect) route.action()).responseCode());
    }

    @Test
    void enumsAcceptLowerCase() {
        WeftConfig config = parse(ConfigTesting.MINIMAL.replace("  - name: backend\n",
                "  - name: backend\n    type: static\n    lb_policy: random\n"));
        assertEquals(DiscoveryType.STATIC, config.clusters().get(0).type());
        assertEquals(LbPolicy.RANDOM, config.clusters().get(0).lbPolicy());
    }

    @Test
    void nullMeansNotGiven() {
        WeftConfig config = parse("""
                drain_timeout: ~
                listeners:
                  - name: main
                    address:
                    port: 10000
                    http: null
                    virtual_hosts: [{name: a, domains: ["*"], routes: [{match: {prefix: /}, direct_response: {status: 200}}]}]
                clusters:
                """);
        assertEquals(Duration.ofSeconds(10), config.drainTimeout());
        assertEquals("127.0.0.1", config.listeners().get(0).address());
        assertEquals(ConfigDefaults.HTTP, config.listeners().get(0).http());
        assertEquals(List.of(), config.clusters());
    }

    @Test
    void directResponsesNeedNoCluster() {
        WeftConfig config = parse("""
                listeners:
                  - name: a
                    port: 0
                    virtual_hosts: [{name: a, domains: ["*"], routes: [{match: {prefix: /}, direct_response: {status: 200}}]}]
                  - name: b
                    port: 0
                    virtual_hosts: [{name: a, domains: ["*"], routes: [{match: {prefix: /}, direct_response: {status: 200}}]}]
                """);
        assertEquals(2, config.listeners().size(), "two listeners may both use port 0");
        assertEquals(List.of(), config.clusters());
    }

    @Test
    void sameDomainInTwoListenersIsFine() {
        String second = ConfigTesting.MINIMAL.substring(0, ConfigTesting.MINIMAL.indexOf("clusters:"))
                .replace("listeners:\n", "").replace("name: main", "name: second").replace("10000", "10001");
        WeftConfig config = parse(ConfigTesting.MINIMAL.replace("clusters:", second + "clusters:"));
        assertEquals(2, config.listeners().size());
    }

    @Test
    void acceptsAddressForms() {
        String yaml = ConfigTesting.MINIMAL.replace("port: 10000", "address: localhost\n    port: 10000")
                .replace("  - name: backend\n", "  - name: backend\n    type: STRICT_DNS\n");
        WeftConfig config = parse(yaml.replace("{address: 127.0.0.1, port: 8080}",
                "{address: api.internal., port: 8080}\n      - {address: \"[fe80::1%eth0]\", port: 8080}"));
        assertEquals("localhost", config.listeners().get(0).address());
        assertEquals(List.of(new EndpointConfig("api.internal.", 8080), new EndpointConfig("fe80::1%eth0", 8080)),
                config.clusters().get(0).endpoints());
    }

    @ParameterizedTest
    @CsvSource({"auto, AUTO", "http1, HTTP1", "http2, HTTP2"})
    void readsTheCodec(String given, ListenerConfig.Codec codec) {
        ListenerConfig listener = parse(withListenerLines("codec: " + given)).listeners().get(0);
        assertEquals(codec, listener.codec());
        assertNull(listener.tls(), "plaintext: no ALPN list");
    }

    @Test
    void parsesEveryHttp2Field() {
        ListenerConfig listener = parse(withListenerLines("""
                codec: http2
                http2:
                  max_concurrent_streams: 250
                  initial_stream_window_size: 1048576
                  initial_connection_window_size: 16777216
                  max_header_list_size: 32768
                  max_frame_size: 65536
                  hpack_table_size: 0
                  max_resets_per_second: 20
                  max_control_frames_per_second: 50
                  max_consecutive_empty_frames: 0
                  stream_idle_timeout: 30s""")).listeners().get(0);
        assertEquals(ListenerConfig.Codec.HTTP2, listener.codec());
        assertEquals(new Http2Options(250, 1_048_576, 16_777_216, 32_768, 65_536, 0, 20, 50, 0,
                Duration.ofSeconds(30)), listener.http2());
    }

    @Test
    void http2FieldsLeftOutKeepTheirDefaults() {
        Http2Options d = Http2Options.DEFAULTS;
        assertEquals(new Http2Options(7, d.initialStreamWindowSize(), d.initialConnectionWindowSize(),
                        d.maxHeaderListSize(), d.maxFrameSize(), d.hpackTableSize(), d.maxResetsPerSecond(),
                        d.maxControlFramesPerSecond(), d.maxConsecutiveEmptyFrames(), d.streamIdleTimeout()),
                parse(withListenerLines("http2: {max_concurrent_streams: 7}")).listeners().get(0).http2());
        assertSame(Http2Options.DEFAULTS, parse(withListenerLines("http2:")).listeners().get(0).http2(),
                "http2 given as null counts as not given");
        assertSame(Http2Options.DEFAULTS, parse(withListenerLines("codec: http1")).listeners().get(0).http2());
    }

    @Test
    void acceptsTheBoundsOfEveryHttp2Field() {
        assertEquals(new Http2Options(1, 65_535, 65_535, 1024, 16_384, 0, 1, 1, 0, Duration.ofMillis(1)),
                parse(withListenerLines("""
                        http2: {max_concurrent_streams: 1, initial_stream_window_size: 65535,
                                initial_connection_window_size: 65535, max_header_list_size: 1024,
                                max_frame_size: 16384, hpack_table_size: 0, max_resets_per_second: 1,
                                max_control_frames_per_second: 1, max_consecutive_empty_frames: 0,
                                stream_idle_timeout: 1ms}""")).listeners().get(0).http2());
        assertEquals(new Http2Options(10_000, 16_777_216, 268_435_456, 1_048_576, 16_777_215, 65_536, 1_000_000,
                        1_000_000, 1000, Duration.ofHours(1)),
                parse(withListenerLines("""
                        http2: {max_concurrent_streams: 10000, initial_stream_window_size: 16777216,
                                initial_connection_window_size: 268435456, max_header_list_size: 1048576,
                                max_frame_size: 16777215, hpack_table_size: 65536, max_resets_per_second: 1000000,
                                max_control_frames_per_second: 1000000, max_consecutive_empty_frames: 1000,
                                stream_idle_timeout: 1h}""")).listeners().get(0).http2());
    }

    /** Without an explicit list, a TLS listener offers by ALPN exactly what its codec speaks, h2 first. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"'' | h2,http/1.1", "codec: auto | h2,http/1.1", "codec: http1 | http/1.1",
            "codec: http2 | h2"})
    void alpnDefaultFollowsTheCodec(String codec, String alpn, @TempDir Path dir) throws IOException {
        TlsConfig.Downstream tls = parse(withTls(dir, codec, "")).listeners().get(0).tls();
        assertEquals(List.of(alpn.split(",")), tls.alpn());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"codec: auto | [http/1.1] | http/1.1", "codec: auto | [h2] | h2",
            "codec: auto | [http/1.1, h2] | http/1.1,h2", "codec: http1 | [http/1.1] | http/1.1",
            "codec: http2 | [h2] | h2"})
    void explicitAlpnThatFitsTheCodecIsKeptInItsOrder(String codec, String given, String alpn, @TempDir Path dir)
            throws IOException {
        TlsConfig.Downstream tls = parse(withTls(dir, codec, "alpn: " + given)).listeners().get(0).tls();
        assertEquals(List.of(alpn.split(",")), tls.alpn());
    }

    @Test
    void clusterAlpnStaysHttp11(@TempDir Path dir) throws IOException {
        Path ca = Files.createFile(dir.resolve("ca.pem"));
        WeftConfig config = parse(ConfigTesting.MINIMAL.replace("  - name: backend\n",
                "  - name: backend\n    tls: {ca_file: " + ca + "}\n"));
        assertEquals(List.of("http/1.1"), config.clusters().get(0).tls().alpn());
    }

    /** {@link ConfigTesting#MINIMAL} with more fields for its listener, given at column 0 (indented here). */
    static String withListenerLines(String lines) {
        return ConfigTesting.MINIMAL.replace("    port: 10000\n",
                "    port: 10000\n" + lines.indent(4));
    }

    /**
     * {@link ConfigTesting#MINIMAL} whose listener terminates TLS (cert and key are empty files: a load only checks
     * that they exist), with one more listener line ({@code codec: ...}) and one more tls line ({@code alpn: ...}).
     */
    static String withTls(Path dir, String listenerLine, String tlsLine) throws IOException {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        if (!Files.exists(cert)) {
            Files.createFile(cert);
            Files.createFile(key);
        }
        return withListenerLines(listenerLine + "\ntls:\n  certificates: [{cert_file: " + cert + ", key_file: " + key
                + "}]\n  " + tlsLine);
    }

    private static RouteConfig onlyRoute(WeftConfig config) {
        return config.listeners().get(0).virtualHosts().get(0).routes().get(0);
    }

    @Test
    void allowsAnExactMatchOnTheEmptyValue() {
        RouteConfig route = onlyRoute(parse(withRoute(
                "{match: {prefix: /, methods: [get], headers: [{name: X-A, exact: \"\"}]}, route: {cluster: backend}}")));
        assertEquals(List.of(new ValueMatcher("x-a", Kind.EXACT, "", null, false)), route.match().headers(),
                "an exact match on the empty value is allowed");
        assertInstanceOf(RouteAction.Forward.class, route.action());
    }
}
