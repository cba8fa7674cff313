package dev.weft.core.filter.jwt;

import static dev.weft.core.filter.jwt.TestTokens.jwk;
import static dev.weft.core.filter.jwt.TestTokens.jwks;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.FilterYaml;
import dev.weft.core.config.WeftConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jwt_authn config: what a valid one becomes, and every mistake reported with its exact path. */
class JwtConfigTest {
    private static final String JWKS = jwks(jwk(TestTokens.rsa().getPublic(), "k1", null)).replace("\"", "\\\"");
    private static final String F = "listeners[0].http_filters[0]";

    private static String config(String filter, String perFilter) {
        return FilterYaml.listener("- name: jwt_authn\n" + FilterYaml.indent(filter, 2), "",
                FilterYaml.route("/", perFilter), "- name: jwks\n  endpoints:\n    - {address: 127.0.0.1, port: 8081}");
    }

    private static String provider(String extra) {
        return """
                providers:
                  corp:
                    issuer: https://auth.weft.local
                    local_jwks: { inline_string: "%s" }
                %s""".formatted(JWKS, extra.indent(4).stripTrailing());
    }

    private static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml")).problems();
    }

    private static JwtAuthnConfig parse(String yaml, Path baseDir) {
        try {
            WeftConfig c = ConfigLoader.parse(yaml, "test.yaml", baseDir);
            return (JwtAuthnConfig) c.listeners().get(0).httpFilters().get(0).config();
        } catch (ConfigException e) {
            return fail("expected a valid config:\n" + e.getMessage());
        }
    }

    @Test
    void readsAFullConfigWithDefaults(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("keys"));
        Files.writeString(dir.resolve("keys/jwks.json"), jwks(jwk(TestTokens.ec("P-256").getPublic(), "e", null)));
        JwtAuthnConfig c = parse(config("""
                providers:
                  corp:
                    issuer: https://auth.weft.local
                    audiences: [orders-api]
                    local_jwks: { filename: keys/jwks.json }
                    from_headers: [ { name: X-Token } ]
                    from_params: [ access_token ]
                    forward: true
                    forward_payload_header: X-Jwt-Payload
                    claim_to_headers: [ { claim_name: org.id, header_name: x-org } ]
                    clock_skew_seconds: 5
                    jwt_cache_size: 0
                  remote:
                    remote_jwks: { cluster: jwks, path: /.well-known/jwks.json }
                requirement: { requires_any: [ {provider_name: corp}, {allow_missing: {}} ] }
                """, ""), dir);
        ProviderConfig corp = c.providers().get(0);
        assertEquals("corp", corp.name());
        assertEquals(List.of("orders-api"), corp.audiences());
        assertEquals(1, corp.localJwks().size());
        assertEquals(List.of(new ProviderConfig.HeaderLocation("x-token", "")), corp.fromHeaders());
        assertEquals(List.of("access_token"), corp.fromParams());
        assertEquals("x-jwt-payload", corp.forwardPayloadHeader());
        assertEquals(List.of("org", "id"), corp.claimToHeaders().get(0).claimPath());
        assertEquals(5, corp.clockSkewSeconds());
        assertEquals(0, corp.cacheSize());
        ProviderConfig remote = c.providers().get(1);
        assertEquals("", remote.issuer());
        assertEquals(List.of(new ProviderConfig.HeaderLocation("authorization", "Bearer ")), remote.fromHeaders());
        assertEquals(List.of(), remote.fromParams()); // unlike Envoy, no ?access_token= unless asked for
        assertEquals(Duration.ofSeconds(1), remote.remote().timeout());
        assertEquals(Duration.ofMinutes(10), remote.remote().cacheDuration());
        assertEquals(60, remote.clockSkewSeconds());
        assertEquals(1024, remote.cacheSize());
        Requirement.Any any = assertInstanceOf(Requirement.Any.class, c.requirement());
        assertEquals(new Requirement.Provider(0, "corp"), any.of().get(0));
        Requirement.AllowMissing am = assertInstanceOf(Requirement.AllowMissing.class, any.of().get(1));
        assertEquals(2, am.providers().length);
    }

    @Test
    void envoysRequirementsListFormAndPerRouteOverridesAreRead() throws Exception {
        WeftConfig c = ConfigLoader.parse(config(provider("") + "requirement: { requires_all: { requirements: "
                        + "[ {provider_name: corp}, {allow_missing_or_failed: {provider_name: corp}} ] } }",
                "per_filter_config: { jwt_authn: { requirement: {} } }"), "t.yaml");
        JwtAuthnConfig f = (JwtAuthnConfig) c.listeners().get(0).httpFilters().get(0).config();
        assertInstanceOf(Requirement.All.class, f.requirement());
        Object perRoute = c.listeners().get(0).virtualHosts().get(0).routes().get(0).perFilterConfig()
                .get("jwt_authn").config();
        assertNull(assertInstanceOf(JwtAuthnConfig.PerRoute.class, perRoute).requirement());
    }

    @Test
    void reportsEveryProviderMistakeWithItsPath() {
        assertEquals(List.of(
                        F + ".providers.a: exactly one of local_jwks and remote_jwks is required",
                        F + ".providers.b.local_jwks.inline_string: Jwks does not have [keys] field",
                        F + ".providers.c.local_jwks.filename: cannot read JWKS file /nonexistent/jwks.json: "
                                + "NoSuchFileException /nonexistent/jwks.json",
                        F + ".providers.d.remote_jwks.cluster: unknown cluster 'nope'",
                        F + ".providers.d.remote_jwks.path: must start with '/' and contain no spaces or control "
                                + "characters",
                        F + ".providers.d.remote_jwks.timeout: must be a duration like 5s or 250ms",
                        F + ".providers.d.remote_jwks.cache_duration: must be at least 1s",
                        F + ".providers.e.local_jwks.inline_string: keys[0]: [kty] oct (HMAC shared secret) is not "
                                + "supported: only public keys can be trusted to verify tokens",
                        F + ".providers.e.from_headers[0].name: 'bad header' is not a valid header name",
                        F + ".providers.e.from_params[0]: must be a query parameter name",
                        F + ".providers.e.forward_payload_header: 'content-length' is managed by the proxy and "
                                + "cannot be set from a token",
                        F + ".providers.e.claim_to_headers[0].claim_name: must be a claim name, with '.' only between "
                                + "nested names",
                        F + ".providers.e.claim_to_headers[1].header_name: is required",
                        F + ".providers.e.clock_skew_seconds: must be 0..86400",
                        F + ".providers.e.bogus: unknown field",
                        F + ".providers.bad name: provider name must match [A-Za-z0-9_.-]+"),
                problems(config("""
                        providers:
                          a: { issuer: x }
                          b: { local_jwks: { inline_string: '{"kty":"RSA"}' } }
                          c: { local_jwks: { filename: /nonexistent/jwks.json } }
                          d: { remote_jwks: { cluster: nope, path: jwks.json, timeout: soon, cache_duration: 10ms } }
                          e:
                            local_jwks: { inline_string: '{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}' }
                            from_headers: [ { name: bad header } ]
                            from_params: [ "a=b" ]
                            forward_payload_header: Content-Length
                            claim_to_headers: [ { claim_name: a..b, header_name: x-a }, { claim_name: sub } ]
                            clock_skew_seconds: -1
                            bogus: 1
                          bad name: { local_jwks: { inline_string: x } }
                        """, "")));
    }

    @Test
    void reportsRequirementMistakesWithTheirPaths() {
        assertEquals(List.of(F + ".requirement.provider_name: unknown provider 'nobody'; providers: corp"),
                problems(config(provider("") + "requirement: { provider_name: nobody }", "")));
        assertEquals(List.of(F + ".requirement.requires_any[1].allow_missing.provider_name: unknown provider 'x'; "
                        + "providers: corp"),
                problems(config(provider("") + "requirement: { requires_any: [ {provider_name: corp}, "
                        + "{allow_missing: {provider_name: x}} ] }", "")));
        assertEquals(List.of(F + ".requirement.requires_any: must list at least 2 requirements (use provider_name "
                        + "for one)"),
                problems(config(provider("") + "requirement: { requires_any: [ {provider_name: corp} ] }", "")));
        assertEquals(List.of(F + ".requirement: give only one of provider_name, requires_any, requires_all, "
                        + "allow_missing, allow_missing_or_failed"),
                problems(config(provider("") + "requirement: { provider_name: corp, allow_missing: {} }", "")));
        assertEquals(List.of(F + ".requirement.allow_missing: must not be empty (write {} for no settings)"),
                problems(config(provider("") + "requirement: { allow_missing: }", "")));
        assertEquals(List.of(F + ".requirement.requires_all[1]: must not be empty inside requires_all"),
                problems(config(provider("") + "requirement: { requires_all: [ {provider_name: corp}, {} ] }", "")));
        assertEquals(List.of("listeners[0].virtual_hosts[0].routes[0].per_filter_config.jwt_authn.requirement"
                        + ".provider_name: unknown provider 'other'; providers: corp"),
                problems(config(provider(""), "per_filter_config: { jwt_authn: { requirement: "
                        + "{provider_name: other} } }")));
        assertEquals(List.of("listeners[0].virtual_hosts[0].routes[0].per_filter_config.jwt_authn.bogus: "
                        + "unknown field"),
                problems(config(provider(""), "per_filter_config: { jwt_authn: { bogus: 1 } }")));
        assertEquals(List.of(F + ".providers: is required"), problems(config("requirement: {}", "")));
    }

    @Test
    void anOutputHeaderCannotBeWhereATokenIsRead() {
        assertEquals(List.of(F + ".providers.corp.forward_payload_header: 'x-token' is where provider 'corp' reads "
                        + "its token",
                F + ".providers.corp.claim_to_headers: header 'authorization' is where provider 'b' reads its token"),
                problems(config("""
                        providers:
                          corp:
                            local_jwks: { inline_string: "%s" }
                            from_headers: [ { name: x-token } ]
                            forward_payload_header: x-token
                            claim_to_headers: [ { claim_name: sub, header_name: authorization } ]
                          b:
                            local_jwks: { inline_string: "%s" }
                        """.formatted(JWKS, JWKS), "")));
    }
}
