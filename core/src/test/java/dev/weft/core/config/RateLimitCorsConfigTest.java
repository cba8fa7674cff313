package dev.weft.core.config;

import static dev.weft.core.config.ConfigTesting.parse;
import static dev.weft.core.config.ConfigTesting.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.filter.cors.CorsConfig;
import dev.weft.core.filter.cors.CorsPolicy;
import dev.weft.core.filter.cors.OriginMatcher;
import dev.weft.core.filter.ratelimit.Descriptor;
import dev.weft.core.filter.ratelimit.LimitPolicy;
import dev.weft.core.filter.ratelimit.LocalRateLimitConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The local_rate_limit and cors filters' config: what valid YAML binds to, and every mistake named by its path. */
class RateLimitCorsConfigTest {
    private static final String F = "listeners[0].http_filters[0]";
    private static final String VH = "listeners[0].virtual_hosts[0]";

    /** A listener with the given filter items and per_filter_config on its host and its first route. */
    private static String config(String filters, String hostOverrides, String routeOverrides) {
        return FilterYaml.listener(filters, hostOverrides == null ? "" : "per_filter_config: " + hostOverrides,
                FilterYaml.route("/a", routeOverrides == null ? "" : "per_filter_config: " + routeOverrides)
                        + FilterYaml.route("/", ""), "");
    }

    @Test
    void bindsARateLimitWithDefaultsAndARouteOverrideThatInheritsTheDescriptor() {
        WeftConfig c = parse(config("""
                - name: limit
                  type: local_rate_limit
                  stat_prefix: edge
                  token_bucket: {max_tokens: 100, tokens_per_fill: 10, fill_interval: 1s}
                  descriptor: {header: X-API-Key}
                  enable_x_ratelimit_headers: DRAFT_VERSION_03
                  filter_enforced: 40
                """, null, "{limit: {token_bucket: {max_tokens: 5, fill_interval: 250ms}}}"));
        ListenerConfig l = c.listeners().get(0);
        LocalRateLimitConfig rl = (LocalRateLimitConfig) l.httpFilters().get(0).config();
        assertEquals("edge", rl.statPrefix());
        assertTrue(rl.xRateLimitHeaders());
        LimitPolicy p = rl.policy();
        assertEquals(100, p.bucket().maxTokens());
        assertEquals(10, p.bucket().tokensPerFill());
        assertEquals(1_000_000_000L, p.bucket().fillIntervalNanos());
        assertEquals(new Descriptor(Descriptor.Kind.HEADER, "x-api-key"), p.descriptor());
        assertEquals(10_000, p.maxBuckets());
        assertEquals(100, p.enabledPercent());
        assertEquals(40, p.enforcedPercent());
        LimitPolicy route = (LimitPolicy) l.virtualHosts().get(0).routes().get(0).perFilterConfig().get("limit")
                .config();
        assertEquals(5, route.bucket().maxTokens());
        assertEquals(1, route.bucket().tokensPerFill(), "Envoy's default tokens_per_fill");
        assertEquals(250_000_000L, route.bucket().fillIntervalNanos());
        assertSame(p.descriptor(), route.descriptor());
        assertEquals(40, route.enforcedPercent());
    }

    @Test
    void aRateLimitFilterWithoutBucketOnlyLimitsRoutesThatGiveOne() {
        WeftConfig c = parse(config("- {name: local_rate_limit, descriptor: {remote_address: true}}",
                "{local_rate_limit: {token_bucket: {max_tokens: 3, fill_interval: 1m}, descriptor: "
                        + "{peer_identity: true}, max_buckets: 50}}", null));
        LocalRateLimitConfig rl = (LocalRateLimitConfig) c.listeners().get(0).httpFilters().get(0).config();
        assertNull(rl.policy().bucket());
        assertEquals(Descriptor.Kind.REMOTE_ADDRESS, rl.policy().descriptor().kind());
        assertTrue(!rl.xRateLimitHeaders());
        LimitPolicy host = (LimitPolicy) c.listeners().get(0).virtualHosts().get(0).perFilterConfig()
                .get("local_rate_limit").config();
        assertEquals(Descriptor.Kind.PEER_IDENTITY, host.descriptor().kind());
        assertEquals(50, host.maxBuckets());
    }

    @Test
    void rateLimitMistakesAreNamedByPath() {
        assertEquals(List.of(
                F + ".stat_prefix: must be dot-separated parts of [A-Za-z0-9_-]",
                F + ".token_bucket.max_tokens: must be 1..16777215",
                F + ".token_bucket.tokens_per_fill: must be 1..16777215",
                F + ".token_bucket.fill_interval: must be at least 50ms (Envoy's minimum)",
                F + ".descriptor: exactly one of header, remote_address, peer_identity is required",
                F + ".enable_x_ratelimit_headers: must be one of OFF, DRAFT_VERSION_03",
                F + ".filter_enabled: must be 0..100",
                F + ".filter_enforced: must be 0..100"),
                problems(config("""
                        - name: local_rate_limit
                          stat_prefix: "a..b"
                          token_bucket: {max_tokens: 0, tokens_per_fill: 0, fill_interval: 10ms}
                          descriptor: {header: x, remote_address: true}
                          enable_x_ratelimit_headers: DRAFT_VERSION_02
                          filter_enabled: 101
                          filter_enforced: -1
                        """, null, null)));
        assertEquals(List.of(
                F + ".token_bucket.max_tokens: is required",
                F + ".token_bucket.fill_interval: is required",
                F + ".descriptor.header: must be a header name (an RFC 9110 token)",
                F + ".max_buckets: must be 1..1000000"),
                problems(config("""
                        - name: local_rate_limit
                          token_bucket: {}
                          descriptor: {header: "x api key"}
                          max_buckets: 0
                        """, null, null)));
        assertEquals(List.of(
                F + ".token_bucket.fill_interval: must be at most 24h (a local bucket starts full again on every "
                        + "reload)",
                F + ".descriptor.remote_address: must be true (leave the descriptor out for one bucket for all)"),
                problems(config("""
                        - name: local_rate_limit
                          token_bucket: {max_tokens: 1, fill_interval: 25h}
                          descriptor: {remote_address: false}
                          max_buckets: 10
                        """, null, null)), "no second complaint about max_buckets when the descriptor is wrong");
        assertEquals(List.of(F + ".max_buckets: bounds the per-key buckets of a descriptor, and there is none"),
                problems(config("- {name: local_rate_limit, max_buckets: 10}", null, null)));
    }

    @Test
    void aRouteLimitNeedsItsOwnBucket() {
        assertEquals(List.of(
                VH + ".routes[0].per_filter_config.rl.token_bucket: is required",
                VH + ".routes[0].per_filter_config.rl.bogus: unknown field"),
                problems(config("- {name: rl, type: local_rate_limit}", null,
                        "{rl: {filter_enforced: 0, bogus: 1}}")));
        assertEquals(List.of(VH + ".per_filter_config.rl.token_bucket.fill_interval: must be a duration like 5s or "
                        + "250ms"),
                problems(config("- {name: rl, type: local_rate_limit}",
                        "{rl: {token_bucket: {max_tokens: 1, fill_interval: 5}}}", null)));
    }

    @Test
    void bindsCorsPoliciesOfEveryMatcherKind() {
        WeftConfig c = parse(config("""
                - name: cors
                  default_policy: {allow_origin_string_match: [{exact: "https://default.example"}]}
                """, """
                {cors: {allow_origin_string_match: [{exact: "https://app.weft.local"}, {suffix: ".weft.local"},
                  {prefix: "http://localhost:", ignore_case: true}, {contains: "staging"},
                  {safe_regex: {regex: "https://[a-z]+[.]example[.]com"}}, {safe_regex: "https://x[0-9]"}],
                  allow_methods: "GET,POST , PUT", allow_headers: "content-type, authorization",
                  expose_headers: "x-request-id", max_age: "600", allow_credentials: true}}
                """, "{cors: {max_age: 60, forward_not_matching_preflights: false}}"));
        CorsConfig cfg = (CorsConfig) c.listeners().get(0).httpFilters().get(0).config();
        assertEquals("cors", cfg.name());
        assertEquals(1, cfg.defaultPolicy().allowOrigins().size());
        CorsPolicy host = (CorsPolicy) c.listeners().get(0).virtualHosts().get(0).perFilterConfig().get("cors")
                .config();
        assertEquals(List.of(OriginMatcher.Kind.EXACT, OriginMatcher.Kind.SUFFIX, OriginMatcher.Kind.PREFIX,
                OriginMatcher.Kind.CONTAINS, OriginMatcher.Kind.SAFE_REGEX, OriginMatcher.Kind.SAFE_REGEX),
                host.allowOrigins().stream().map(OriginMatcher::kind).toList());
        assertTrue(host.allowOrigins().get(2).ignoreCase());
        assertEquals("GET, POST, PUT", host.allowMethods());
        assertEquals("content-type, authorization", host.allowHeaders());
        assertEquals("x-request-id", host.exposeHeaders());
        assertEquals("600", host.maxAge());
        assertEquals(Boolean.TRUE, host.allowCredentials());
        assertNull(host.forwardNotMatchingPreflights());
        CorsPolicy route = (CorsPolicy) c.listeners().get(0).virtualHosts().get(0).routes().get(0)
                .perFilterConfig().get("cors").config();
        assertNull(route.allowOrigins(), "left out: the host's apply");
        assertEquals("60", route.maxAge());
        assertEquals(Boolean.FALSE, route.forwardNotMatchingPreflights());
        assertNotNull(parse(config("- {name: cors}", null, null)).listeners().get(0).httpFilters().get(0));
    }

    @Test
    void corsMistakesAreNamedByPath() {
        String p = VH + ".per_filter_config.cors.";
        assertEquals(List.of(
                p + "allow_origin_string_match[0].safe_regex.regex: invalid regex: Unclosed group near index 9",
                p + "allow_origin_string_match[1].safe_regex: invalid regex: Dangling meta character '*' near index 0",
                p + "allow_origin_string_match[2]: exactly one of exact, prefix, suffix, contains, safe_regex is "
                        + "allowed",
                p + "allow_origin_string_match[3]: one of exact, prefix, suffix, contains, safe_regex is required",
                p + "allow_origin_string_match[4].exact: must not be empty",
                p + "allow_origin_string_match[5]: must be a map",
                p + "allow_methods: must be a comma-separated list of methods (RFC 9110 tokens), or *",
                p + "allow_headers: must be a comma-separated list of header names (RFC 9110 tokens), or *",
                p + "max_age: must be a whole number of seconds, e.g. \"600\"",
                p + "allow_credentials: must be true or false"),
                problems(config("- {name: cors}", """
                        {cors: {allow_origin_string_match: [{safe_regex: {regex: "https://("}},
                          {safe_regex: "*.example"}, {exact: a, prefix: b}, {ignore_case: true}, {exact: ""},
                          "https://a"],
                          allow_methods: "GET, PO ST", allow_headers: "content-type,", max_age: "10m",
                          allow_credentials: "yes"}}
                        """, null)));
        assertEquals(List.of(
                F + ".default_policy.allow_origin_string_match: must not be empty",
                F + ".default_policy.expose_headers: must be a string",
                F + ".default_policy.max_age: must be at least 0"),
                problems(config("""
                        - name: cors
                          default_policy: {allow_origin_string_match: [], max_age: -1, expose_headers: [a]}
                        """, null, null)).stream().sorted().toList());
        assertEquals(List.of(F + ".default_policy.bogus: unknown field"),
                problems(config("- {name: cors, default_policy: {bogus: 1}}", null, null)));
        // credentials for every origin ("null" of sandboxed frames included) would let any page read them
        assertEquals(List.of(F + ".default_policy.allow_credentials: must not be true with an origin matcher that "
                        + "allows every origin; list the origins that may send credentials"),
                problems(config("""
                        - name: cors
                          default_policy: {allow_origin_string_match: [{exact: "*"}], allow_credentials: true}
                        """, null, null)));
        assertEquals(List.of(F + ".default_policy.allow_credentials: must not be true with an origin matcher that "
                        + "allows every origin; list the origins that may send credentials"),
                problems(config("""
                        - name: cors
                          default_policy: {allow_origin_string_match: [{safe_regex: {regex: ".*"}}],
                                           allow_credentials: true}
                        """, null, null)));
    }
}
