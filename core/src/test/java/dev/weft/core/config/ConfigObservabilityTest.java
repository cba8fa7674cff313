package dev.weft.core.config;

import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.weft.core.config.ConfigTesting.parse;
import static dev.weft.core.config.ConfigTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admin block, access logs and route stat prefixes. */
class ConfigObservabilityTest {
    private static final String LISTENER = """
            listeners:
              - name: main
                port: 10000
            %s
                virtual_hosts:
                  - name: default
                    domains: ["*"]
                    routes:
                      - match: {prefix: /}
                        stat_prefix: all
                        direct_response: {status: 200}
            """;

    private static String withListenerExtra(String extra) {
        return LISTENER.formatted(extra);
    }

    @Test
    void noAdminBlockMeansNoAdminServer() {
        assertNull(parse(withListenerExtra("")).admin());
    }

    @Test
    void adminBlockGetsDefaults() {
        AdminConfig a = parse("admin: {}\n" + withListenerExtra("")).admin();
        assertEquals(new AdminConfig("127.0.0.1", 9901, null, List.of()), a);
    }

    @Test
    void adminFieldsAreRead() {
        AdminConfig a = parse("""
                admin:
                  address: "::1"
                  port: 0
                  bearer_token: abcdefghijklmnopqrstuvwxyz
                  allowed_paths: [/ready, /stats/prometheus]
                """ + withListenerExtra("")).admin();
        assertEquals("::1", a.address());
        assertEquals(0, a.port());
        assertEquals("abcdefghijklmnopqrstuvwxyz", a.bearerToken());
        assertEquals(List.of("/ready", "/stats/prometheus"), a.allowedPaths());
        assertTrue(!a.toString().contains("abcdefghijklmnopqrstuvwxyz"), "the token never shows in toString");
    }

    @Test
    void adminMistakesNameTheirFields() {
        List<String> p = problems("""
                admin:
                  address: admin.example.com
                  port: 99999
                  bearer_token: short
                  allowed_paths: [stats]
                  colour: blue
                """ + withListenerExtra(""));
        assertEquals(List.of(
                "admin.address: must be an IPv4 or IPv6 address (a STATIC cluster does not resolve names; "
                        + "use type STRICT_DNS for a host name)",
                "admin.port: must be 0..65535",
                "admin.bearer_token: must be at least 16 characters, without spaces or control characters",
                "admin.allowed_paths[0]: must start with '/'",
                "admin.colour: unknown field"), p);
    }

    @Test
    void adminCannotShareADataListenersAddress() {
        List<String> p = problems("admin: {port: 10000}\n" + withListenerExtra(""));
        assertEquals(List.of("admin.port: 127.0.0.1:10000 is already used by listeners[0]"), p);
    }

    @Test
    void accessLogsAreReadWithDefaults() {
        ListenerConfig l = parse(withListenerExtra("""
                    access_log:
                      - {}
                      - {path: /tmp/weft.log, format: "%RESPONSE_CODE% %DURATION%", queue_capacity: 64}
                      - {format: envoy}
                """)).listeners().get(0);
        assertEquals(List.of(new AccessLogConfig("/dev/stdout", null, 16_384),
                new AccessLogConfig("/tmp/weft.log", "%RESPONSE_CODE% %DURATION%", 64),
                new AccessLogConfig("/dev/stdout", "envoy", 16_384)), l.accessLogs());
    }

    @Test
    void badAccessLogFormatIsAConfigErrorNamingTheOperator() {
        List<String> p = problems(withListenerExtra("""
                    access_log:
                      - {format: "%RESPONSE_CODE% %NOPE%", queue_capacity: 0}
                """));
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("listeners[0].access_log[0].format: unknown command operator %NOPE%"),
                p.get(0));
        assertEquals("listeners[0].access_log[0].queue_capacity: must be 1..1048576", p.get(1));
    }

    @Test
    void routeStatPrefixIsReadAndChecked() {
        assertEquals("all", parse(withListenerExtra("")).listeners().get(0).virtualHosts().get(0).routes().get(0)
                .statPrefix());
        List<String> p = problems(withListenerExtra("").replace("stat_prefix: all", "stat_prefix: \"a b\""));
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("listeners[0].virtual_hosts[0].routes[0].stat_prefix: "), p.get(0));
    }
}
