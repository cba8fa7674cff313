package dev.weft.bench;

import dev.weft.admin.stats.StatsStore;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.filter.FilterChain;
import dev.weft.core.filter.FilterPlans;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.router.HeaderPlan;
import dev.weft.tls.identity.PeerIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the policy chain of {@code examples/zero-trust-gateway.yaml} costs one allowed request, all filters but the
 * remote call: CORS (an allowed origin), a local rate limit (a bucket that never runs dry), jwt_authn (an RS256 token
 * already in the verified-token cache, a claim to a header) and RBAC (a DENY policy tried and not matching), then the
 * header plans the connection derives from their changes. One operation is one request, reset as a connection does.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class FilterChainBenchmark {
    private static final String ISS = "https://auth.weft.local";

    private FilterChain chain;
    private StatsStore stats;
    private FilterRequest request;
    private FilterRequest.Headers headers;
    private PeerIdentity peer;
    private InetSocketAddress remote;
    private InetSocketAddress local;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        KeyPair pair = JwtVerifyBenchmark.generate("RSA", null);
        String yaml = """
                listeners:
                  - name: bench
                    port: 0
                    http_filters:
                      - name: cors
                        default_policy:
                          allow_origin_string_match: [{exact: "https://app.weft.local"}]
                          expose_headers: "x-request-id"
                      - name: local_rate_limit
                        token_bucket: {max_tokens: 16000000, tokens_per_fill: 16000000, fill_interval: 50ms}
                      - name: jwt_authn
                        providers:
                          weft:
                            issuer: %s
                            audiences: [orders-api]
                            local_jwks: { inline_string: '{"keys":[%s]}' }
                            claim_to_headers: [ { claim_name: sub, header_name: x-user } ]
                        requirement: { provider_name: weft }
                      - name: rbac
                        rules:
                          action: DENY
                          policies:
                            orders-only-from-frontend:
                              permissions:
                                - and_rules:
                                    rules:
                                      - method: POST
                                      - url_path: {path: {prefix: /api/orders}}
                              principals:
                                - not_id:
                                    authenticated:
                                      principal_name: {exact: "spiffe://weft.local/ns/default/sa/frontend"}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: backend}
                clusters:
                  - name: backend
                    endpoints: [{address: 127.0.0.1, port: 8080}]
                """.formatted(ISS, JwtVerifyBenchmark.jwk(pair, "k1"));
        WeftConfig config = ConfigLoader.parse(yaml, "chain-bench");
        stats = new StatsStore(256);
        chain = FilterChain.build(config.listeners().get(0).httpFilters(), new JwtVerifyBenchmark.BenchContext(stats));
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + ISS + "\",\"sub\":\"alice\",\"aud\":\"orders-api\",\"iat\":" + now
                + ",\"exp\":" + (now + 86_400) + "}";
        String token = JwtVerifyBenchmark.sign("RS256", pair, "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}",
                claims);
        headers = FilterRequest.of(List.<String[]>of(
                new String[] {"user-agent", "Mozilla/5.0"},
                new String[] {"accept", "application/json"},
                new String[] {"origin", "https://app.weft.local"},
                new String[] {"authorization", "Bearer " + token},
                new String[] {"x-request-id", "5f0c6a0e-8d3b-4a51-9b8e-3c1d2e4f5a6b"}));
        peer = new PeerIdentity(List.of(), List.of("spiffe://weft.local/ns/default/sa/frontend"), List.of(),
                "CN=frontend", "spiffe://weft.local/ns/default/sa/frontend");
        remote = new InetSocketAddress(InetAddress.getByName("10.200.3.4"), 51234);
        local = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 10443);
        request = new FilterRequest();
        if (run() == null) {
            throw new IllegalStateException("the benchmark request is refused");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stats.close();
    }

    /** Returns the plans (never null) so that a refusal, which returns a reply, fails the setup check. */
    @Benchmark
    public FilterPlans run() {
        request.reset(headers, "POST", "https", "api.weft.local", "api.weft.local", "/api/orders", null, "HTTP/2",
                null, remote, local, 0, null);
        request.identity(peer, "api.weft.local");
        LocalReply reply = chain.run(request);
        if (reply != null) {
            return null;
        }
        return FilterPlans.of(request, HeaderPlan.EMPTY, HeaderPlan.EMPTY);
    }
}
