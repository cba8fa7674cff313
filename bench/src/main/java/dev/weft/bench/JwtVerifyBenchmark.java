package dev.weft.bench;

import dev.weft.admin.stats.StatsStore;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.filter.FilterContext;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.HttpFilter;
import dev.weft.core.filter.HttpFilterFactory;
import dev.weft.core.filter.HttpFilters;
import dev.weft.core.filter.LocalReply;
import dev.weft.core.filter.SharedState;
import dev.weft.core.time.Deadlines;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the jwt_authn filter on one request carrying a bearer token (a typical 5-claim token, its provider with
 * {@code claim_to_headers} and the default {@code forward: false}): {@code cached} is a token seen before (the
 * verified-token cache: hash, compare, clock check), the others verify in full with the cache turned off: parse,
 * claims checks, and the signature with the JDK (RSA-2048 RS256, P-256 ES256, Ed25519 EdDSA).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class JwtVerifyBenchmark {
    private static final String ISS = "https://auth.weft.local";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    @Param({"cached-RS256", "RS256", "ES256", "EdDSA"})
    public String mode;

    private HttpFilter filter;
    private StatsStore stats;
    private FilterRequest request;
    private FilterRequest.Headers headers;

    @Setup(Level.Trial)
    public void setup() throws Exception {
        String alg = mode.startsWith("cached-") ? mode.substring(7) : mode;
        KeyPair pair = switch (alg) {
            case "RS256" -> generate("RSA", null);
            case "ES256" -> generate("EC", new ECGenParameterSpec("secp256r1"));
            default -> generate("Ed25519", null);
        };
        String jwks = "{\"keys\":[" + jwk(pair, "k1") + "]}";
        String yaml = """
                listeners:
                  - name: bench
                    port: 0
                    http_filters:
                      - name: jwt_authn
                        providers:
                          corp:
                            issuer: %s
                            audiences: [orders-api]
                            local_jwks: { inline_string: '%s' }
                            claim_to_headers: [ { claim_name: sub, header_name: x-user-id } ]
                            jwt_cache_size: %d
                        requirement: { provider_name: corp }
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: backend}
                clusters:
                  - name: backend
                    endpoints: [{address: 127.0.0.1, port: 8080}]
                """.formatted(ISS, jwks, mode.startsWith("cached-") ? 1024 : 0);
        WeftConfig config = ConfigLoader.parse(yaml, "jwt-bench");
        var filterConfig = config.listeners().get(0).httpFilters().get(0);
        HttpFilterFactory factory = HttpFilters.factory(filterConfig.type());
        stats = new StatsStore(64);
        filter = factory.create(filterConfig.config(), new BenchContext(stats));
        long now = System.currentTimeMillis() / 1000;
        String claims = "{\"iss\":\"" + ISS + "\",\"sub\":\"alice@example.com\",\"aud\":\"orders-api\",\"iat\":"
                + now + ",\"exp\":" + (now + 86_400) + ",\"scope\":\"orders:read orders:write\"}";
        String token = sign(alg, pair, "{\"alg\":\"" + alg + "\",\"kid\":\"k1\",\"typ\":\"JWT\"}", claims);
        headers = FilterRequest.of(List.<String[]>of(new String[] {"host", "api.example.com"},
                new String[] {"authorization", "Bearer " + token}, new String[] {"accept", "application/json"}));
        request = new FilterRequest();
        if (onRequest() != null) {
            throw new IllegalStateException("the benchmark token is refused");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stats.close();
    }

    @Benchmark
    public LocalReply onRequest() {
        request.reset(headers, "GET", "http", "api.example.com", "api.example.com", "/orders/42", null, "HTTP/1.1",
                null, null, null, 0, null);
        return filter.onRequest(request, null);
    }

    // ---- keys and tokens, with the JDK ----------------------------------------------------------------------------

    static KeyPair generate(String alg, ECGenParameterSpec spec) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
        if (spec != null) {
            g.initialize(spec);
        } else if (alg.equals("RSA")) {
            g.initialize(2048);
        }
        return g.generateKeyPair();
    }

    static String jwk(KeyPair pair, String kid) {
        if (pair.getPublic() instanceof RSAPublicKey r) {
            return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"" + b64(unsigned(r.getModulus())) + "\",\"e\":\""
                    + b64(unsigned(r.getPublicExponent())) + "\"}";
        }
        if (pair.getPublic() instanceof ECPublicKey e) {
            return "{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"" + kid + "\",\"x\":\""
                    + b64(fixed(e.getW().getAffineX())) + "\",\"y\":\"" + b64(fixed(e.getW().getAffineY())) + "\"}";
        }
        byte[] spki = pair.getPublic().getEncoded();
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"kid\":\"" + kid + "\",\"x\":\""
                + b64(Arrays.copyOfRange(spki, spki.length - 32, spki.length)) + "\"}";
    }

    static String sign(String alg, KeyPair pair, String header, String claims) throws Exception {
        String input = b64(header.getBytes(StandardCharsets.UTF_8)) + "." + b64(claims.getBytes(StandardCharsets.UTF_8));
        Signature s = Signature.getInstance(switch (alg) {
            case "RS256" -> "SHA256withRSA";
            case "ES256" -> "SHA256withECDSAinP1363Format";
            default -> "Ed25519";
        });
        s.initSign(pair.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + b64(s.sign());
    }

    private static String b64(byte[] b) {
        return B64.encodeToString(b);
    }

    private static byte[] unsigned(BigInteger v) {
        byte[] b = v.toByteArray();
        return b[0] == 0 && b.length > 1 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] fixed(BigInteger v) {
        byte[] b = unsigned(v);
        byte[] out = new byte[32];
        System.arraycopy(b, 0, out, 32 - b.length, b.length);
        return out;
    }

    /** What the filter may use: stats only (a local key set needs no cluster, timer or shared state). */
    record BenchContext(StatsStore stats) implements FilterContext {
        private static final SharedState SHARED = new SharedState();

        @Override
        public String listenerName() {
            return "bench";
        }

        @Override
        public String statPrefix() {
            return "bench";
        }

        @Override
        public Cluster cluster(String name) {
            return null;
        }

        @Override
        public Deadlines deadlines() {
            return null;
        }

        @Override
        public <T> T shared(Class<T> type, Supplier<T> make) {
            return SHARED.get(type, make);
        }
    }
}
