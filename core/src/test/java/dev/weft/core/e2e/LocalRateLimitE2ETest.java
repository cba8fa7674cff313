package dev.weft.core.e2e;

import static dev.weft.core.e2e.FilterE2E.Proto;
import static dev.weft.core.e2e.FilterE2E.Resp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The local_rate_limit filter through a real proxy: the JDK's HttpClient over HTTP/1.1 and over HTTP/2 (TLS, h2 by
 * ALPN), curl with client certificates over both, to a real upstream. Each protocol has its own listener, so its own
 * buckets; long fill intervals make exhaustion exact, and the one refill test only asserts what holds on any machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LocalRateLimitE2ETest {
    private static final String ALICE = "spiffe://weft.test/alice";
    private static final String BOB = "spiffe://weft.test/bob";

    private Path dir;
    private Pki pki;
    private TestUpstream up;
    private WeftServer proxy;
    private final HttpClient admin = E2E.httpClient();
    private final Map<Proto, HttpClient> clients = new java.util.EnumMap<>(Proto.class);

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-ratelimit");
        pki = new Pki(dir).ca("rlca").leaf("server", "rlca", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("alice", "rlca", "URI:" + ALICE, 2).leaf("bob", "rlca", "URI:" + BOB, 2);
        up = TestUpstream.start("a");
        String chain = """
                    http:
                      xff_num_trusted_hops: 1
                    http_filters:
                      - name: limit
                        type: local_rate_limit
                        stat_prefix: edge
                        token_bucket: {max_tokens: 1000000, tokens_per_fill: 1000000, fill_interval: 1s}
                        enable_x_ratelimit_headers: DRAFT_VERSION_03
                    virtual_hosts:
                      - name: shared
                        domains: ["localhost"]
                        per_filter_config:
                          limit: {token_bucket: {max_tokens: 3, fill_interval: 24h}}
                        routes:
                          - match: {prefix: /free}
                            per_filter_config: {limit: {disabled: true}}
                            route: {cluster: a}
                          - match: {prefix: /}
                            route: {cluster: a}
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /exhaust}
                            per_filter_config:
                              limit: {token_bucket: {max_tokens: 5, tokens_per_fill: 5, fill_interval: 24h}}
                            route: {cluster: a}
                          - match: {prefix: /other}
                            per_filter_config: {limit: {token_bucket: {max_tokens: 5, fill_interval: 24h}}}
                            route: {cluster: a}
                          - match: {prefix: /refill}
                            per_filter_config:
                              limit: {token_bucket: {max_tokens: 3, tokens_per_fill: 3, fill_interval: 1s}}
                            route: {cluster: a}
                          - match: {prefix: /keyed}
                            per_filter_config:
                              limit:
                                token_bucket: {max_tokens: 2, fill_interval: 24h}
                                descriptor: {header: x-api-key}
                            route: {cluster: a}
                          - match: {prefix: /by-address}
                            per_filter_config:
                              limit:
                                token_bucket: {max_tokens: 1, fill_interval: 24h}
                                descriptor: {remote_address: true}
                            route: {cluster: a}
                          - match: {prefix: /peer1}
                            per_filter_config:
                              limit:
                                token_bucket: {max_tokens: 2, fill_interval: 24h}
                                descriptor: {peer_identity: true}
                            route: {cluster: a}
                          - match: {prefix: /peer2}
                            per_filter_config:
                              limit:
                                token_bucket: {max_tokens: 2, fill_interval: 24h}
                                descriptor: {peer_identity: true}
                            route: {cluster: a}
                          - match: {prefix: /shadow}
                            per_filter_config:
                              limit: {token_bucket: {max_tokens: 2, fill_interval: 24h}, filter_enforced: 0}
                            route: {cluster: a}
                          - match: {prefix: /unchecked}
                            per_filter_config:
                              limit: {token_bucket: {max_tokens: 1, fill_interval: 24h}, filter_enabled: 0}
                            route: {cluster: a}
                          - match: {prefix: /}
                            route: {cluster: a}
                """;
        String log = "%PROTOCOL% %REQ(:PATH)% %RESPONSE_CODE% %RESPONSE_FLAGS% %RESPONSE_CODE_DETAILS% "
                + "bucket=%DYNAMIC_METADATA(local_rate_limit:bucket)% %POLICY_DECISION%";
        String tls = "{certificates: [{cert_file: %s, key_file: %s}]}".formatted(pki.crt("server"), pki.key("server"));
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: h1
                    address: 127.0.0.1
                    port: 0
                    codec: http1
                    stat_prefix: rl_h1
                    access_log: [{path: %s, format: "%s"}]
                %s  - name: h2
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: rl_h2
                    tls: %s
                    access_log: [{path: %s, format: "%s"}]
                %s  - name: mtls
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: rl_mtls
                    tls:
                      certificates: [{cert_file: %s, key_file: %s}]
                      ca_file: %s
                      require_client_certificate: true
                %sclusters:
                %s""".formatted(log(Proto.HTTP_1_1), log, chain, tls, log(Proto.HTTP_2), log, chain,
                pki.crt("server"), pki.key("server"), pki.crt("rlca"), chain, E2E.cluster("a", up.port())));
        for (Proto p : Proto.values()) {
            clients.put(p, FilterE2E.client(p, pki.crt("rlca")));
        }
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (up != null) {
            up.close();
        }
    }

    private Path log(Proto p) {
        return dir.resolve(p == Proto.HTTP_1_1 ? "h1.log" : "h2.log");
    }

    private String prefix(Proto p) {
        return p == Proto.HTTP_1_1 ? "rl_h1" : "rl_h2";
    }

    /** A URL on the protocol's listener; {@code host} "localhost" reaches the virtual host with a shared bucket. */
    private String url(Proto p, String host, String pathAndQuery) {
        return (p == Proto.HTTP_1_1 ? "http://" : "https://") + host + ":"
                + proxy.address(p == Proto.HTTP_1_1 ? "h1" : "h2").getPort() + pathAndQuery;
    }

    private Resp get(Proto p, String pathAndQuery, String... headers) throws Exception {
        return FilterE2E.send(clients.get(p), "GET", url(p, "127.0.0.1", pathAndQuery), headers);
    }

    private List<Integer> statuses(Proto p, String pathAndQuery, int n, String... headers) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(get(p, pathAndQuery, headers).status());
        }
        return out;
    }

    private long stat(Proto p, String suffix) throws Exception {
        return FilterE2E.stat(admin, proxy.adminAddress().getPort(), "http." + prefix(p) + "." + suffix);
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aRouteBucketGivesExactlyMaxTokensThen429WithHeadersStatsAndTheRlFlag(Proto p) throws Exception {
        String[] names = {"enabled", "ok", "rate_limited", "enforced"};
        long[] before = new long[names.length];
        for (int i = 0; i < names.length; i++) {
            before[i] = stat(p, "edge.local_rate_limit." + names[i]);
        }
        long rlBefore = stat(p, "response_flags.RL");
        int upstreamBefore = up.requestsTo("/exhaust").size();
        List<Resp> rs = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rs.add(get(p, "/exhaust?n=" + i));
        }
        for (int i = 0; i < 5; i++) {
            Resp r = rs.get(i);
            assertEquals(200, r.status(), "request " + i);
            assertEquals("a", r.header("x-upstream"), "forwarded");
            assertEquals("5", r.header("x-ratelimit-limit"));
            assertEquals(Integer.toString(4 - i), r.header("x-ratelimit-remaining"));
            long reset = Long.parseLong(r.header("x-ratelimit-reset"));
            assertTrue(reset >= 1 && reset <= 86_400, "reset " + reset);
        }
        for (int i = 5; i < 8; i++) {
            Resp r = rs.get(i);
            assertEquals(429, r.status(), "request " + i);
            assertEquals("local_rate_limited", r.body());
            assertNull(r.header("x-upstream"), "never forwarded");
            assertEquals("5", r.header("x-ratelimit-limit"));
            assertEquals("0", r.header("x-ratelimit-remaining"));
            assertTrue(Long.parseLong(r.header("x-ratelimit-reset")) >= 1);
        }
        assertEquals(upstreamBefore + 5, up.requestsTo("/exhaust").size(), "upstream saw the five allowed requests");
        // the other routes keep their own buckets
        assertEquals(200, get(p, "/other").status());
        Resp listenerDefault = get(p, "/anything");
        assertEquals(200, listenerDefault.status());
        assertEquals("1000000", listenerDefault.header("x-ratelimit-limit"));

        long[] expected = {8 + 2, 5 + 2, 3, 3}; // with /other and /anything
        for (int i = 0; i < names.length; i++) {
            assertEquals(before[i] + expected[i], stat(p, "edge.local_rate_limit." + names[i]), names[i]);
        }
        FilterE2E.awaitStat(admin, proxy.adminAddress().getPort(), "http." + prefix(p) + ".response_flags.RL",
                rlBefore + 3);
        List<String> lines = FilterE2E.awaitLog(log(p), "/exhaust?n=", 8);
        String protocol = p == Proto.HTTP_1_1 ? "HTTP/1.1" : "HTTP/2";
        for (int i = 0; i < 8; i++) {
            // looked up by request, not by position: each line is written as its exchange ends
            String start = protocol + " /exhaust?n=" + i + " ";
            List<String> mine = lines.stream().filter(l -> l.startsWith(start)).toList();
            assertEquals(1, mine.size(), lines::toString);
            String line = mine.get(0);
            if (i < 5) {
                assertTrue(line.contains(" 200 - - bucket=- -"), line);
            } else {
                assertTrue(line.contains(" 429 RL local_rate_limited bucket=shared ratelimit:limited bucket=shared "
                        + "limit=listeners["), line);
                assertTrue(line.endsWith(".virtual_hosts[1].routes[0].per_filter_config.limit"), line);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void refillsAfterTheIntervalAndNeverGivesMoreThanMaxTokensInTheFirstWindow(Proto p) throws Exception {
        // The route's limiter starts (its epoch) with the first request, so every request answered within 1 s of the
        // moment before the first was sent was decided in the first window: at most 3 of them can pass, whatever the
        // machine's speed. The first 3 always pass: a bucket only gains.
        long t0 = System.nanoTime();
        List<Integer> firstWindow = new ArrayList<>();
        List<Integer> all = new ArrayList<>();
        long lastRefusedAt = -1;
        for (int i = 0; i < 50 && lastRefusedAt < 0; i++) {
            int status = get(p, "/refill?i=" + i).status();
            long at = System.nanoTime();
            all.add(status);
            if (at - t0 < TimeUnit.SECONDS.toNanos(1)) {
                firstWindow.add(status);
            }
            if (status == 429) {
                lastRefusedAt = at;
            }
        }
        assertEquals(List.of(200, 200, 200), all.subList(0, 3), "all " + all);
        assertTrue(firstWindow.stream().filter(s -> s == 200).count() <= 3, "first window " + firstWindow);
        assertTrue(lastRefusedAt > 0, "3 per second cannot let 50 requests through: " + all);
        // a fill boundary passes at most 1 s after the refusal was decided (before it arrived here): the bucket, empty
        // then, holds min(3, 0 + 3) again
        Thread.sleep(Math.max(0, 1_100 - (System.nanoTime() - lastRefusedAt) / 1_000_000));
        Resp after = get(p, "/refill?after=1");
        assertEquals(200, after.status());
        assertEquals("2", after.header("x-ratelimit-remaining"));
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void eachApiKeyHasItsOwnBucketAndRequestsWithoutOneShareOne(Proto p) throws Exception {
        assertEquals(List.of(200, 200, 429), statuses(p, "/keyed", 3, "x-api-key", "alice-key"));
        assertEquals(List.of(200, 200, 429), statuses(p, "/keyed", 3, "x-api-key", "bob-key"));
        assertEquals(List.of(200, 200, 429), statuses(p, "/keyed", 3));
        assertEquals(List.of(429), statuses(p, "/keyed", 1, "x-api-key", "alice-key"));
        List<String> lines = FilterE2E.awaitLog(log(p), "/keyed", 10);
        String fingerprint = Descriptors.sha256("alice-key").substring(0, 12);
        // counted, not indexed: lines are written as exchanges end, not always in request order over HTTP/2
        assertEquals(2, lines.stream().filter(l -> l.contains(" 429 RL local_rate_limited bucket=x-api-key:sha256="
                + fingerprint + " ")).count(), () -> "the key is logged only as a fingerprint: " + lines);
        assertTrue(lines.stream().noneMatch(l -> l.contains("alice-key")), "never the key itself");
        assertEquals(1, lines.stream().filter(l -> l.contains(" 429 RL ") && l.contains("bucket=shared")).count(),
                lines::toString);
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void theTrustedClientAddressKeysABucket(Proto p) throws Exception {
        assertEquals(List.of(200, 429), statuses(p, "/by-address", 2, "x-forwarded-for", "10.0.0.1"));
        assertEquals(List.of(200, 429), statuses(p, "/by-address", 2, "x-forwarded-for", "10.9.9.9, 10.0.0.2"));
        assertEquals(List.of(429), statuses(p, "/by-address", 1, "x-forwarded-for", "10.0.0.1"));
        // HTTP/2 streams log after their response went out, so lines of back-to-back requests may swap places
        List<String> lines = FilterE2E.awaitLog(log(p), "/by-address", 5);
        assertEquals(2, lines.stream().filter(l -> l.contains("bucket=remote_address:10.0.0.1 ")).count(), lines::toString);
        assertEquals(1, lines.stream().filter(l -> l.contains("bucket=remote_address:10.0.0.2 ")).count(), lines::toString);
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void aVirtualHostBucketIsSharedByItsRoutesAndADisabledRouteIsNotLimited(Proto p) throws Exception {
        HttpClient c = clients.get(p);
        List<Integer> got = new ArrayList<>();
        for (String path : List.of("/x", "/y", "/x", "/y", "/x")) {
            got.add(FilterE2E.send(c, "GET", url(p, "localhost", path), new String[0]).status());
        }
        assertEquals(List.of(200, 200, 200, 429, 429), got);
        for (int i = 0; i < 10; i++) {
            Resp r = FilterE2E.send(c, "GET", url(p, "localhost", "/free"), new String[0]);
            assertEquals(200, r.status());
            assertNull(r.header("x-ratelimit-limit"), "the filter does not run on a disabled route");
        }
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void notEnforcedIsCountedButForwarded(Proto p) throws Exception {
        long limited = stat(p, "edge.local_rate_limit.rate_limited");
        long enforced = stat(p, "edge.local_rate_limit.enforced");
        int upstreamBefore = up.requestsTo("/shadow").size();
        assertEquals(List.of(200, 200, 200, 200, 200), statuses(p, "/shadow", 5));
        assertEquals(upstreamBefore + 5, up.requestsTo("/shadow").size());
        assertEquals(limited + 3, stat(p, "edge.local_rate_limit.rate_limited"));
        assertEquals(enforced, stat(p, "edge.local_rate_limit.enforced"));
        List<String> lines = FilterE2E.awaitLog(log(p), "/shadow", 5);
        // lines are written as exchanges end: over HTTP/2 the last request's line can come before an earlier one's
        assertEquals(3, lines.stream()
                .filter(l -> l.contains(" 200 - - bucket=shared ratelimit:over_limit_not_enforced ")).count(), lines::toString);
        assertEquals(2, lines.stream().filter(l -> l.endsWith(" 200 - - bucket=- -")).count(), lines::toString);
    }

    @ParameterizedTest
    @EnumSource(Proto.class)
    void filterEnabledZeroChecksNothing(Proto p) throws Exception {
        long enabled = stat(p, "edge.local_rate_limit.enabled");
        for (int i = 0; i < 3; i++) {
            Resp r = get(p, "/unchecked");
            assertEquals(200, r.status());
            assertNull(r.header("x-ratelimit-remaining"));
        }
        assertEquals(enabled, stat(p, "edge.local_rate_limit.enabled"));
    }

    @Test
    void theClientCertificateIdentityKeysABucketOverBothProtocols() throws Exception {
        int port = proxy.address("mtls").getPort();
        for (String[] run : new String[][] {{"--http1.1", "/peer1", "1.1"}, {"--http2", "/peer2", "2"}}) {
            for (String who : List.of("alice", "bob")) {
                List<String> args = new ArrayList<>(List.of(run[0], "--cacert", pki.crt("rlca"), "--cert",
                        pki.crt(who), "--key", pki.key(who), "-w", "%{http_code} %{http_version}\n"));
                for (int i = 0; i < 3; i++) {
                    args.addAll(List.of("-o", "/dev/null", "https://127.0.0.1:" + port + run[1]));
                }
                E2E.Run r = FilterE2E.curl(args);
                assertEquals(0, r.exitCode(), r.err());
                String v = run[2];
                assertEquals("200 " + v + "\n200 " + v + "\n429 " + v + "\n", r.text(), who + " over " + run[0]);
            }
        }
        assertEquals(4, stat("rl_mtls", "edge.local_rate_limit.enforced"), "one per identity and protocol");
    }

    private long stat(String listenerPrefix, String suffix) throws Exception {
        return FilterE2E.stat(admin, proxy.adminAddress().getPort(), "http." + listenerPrefix + "." + suffix);
    }

    /** The filter's fingerprint of a key, recomputed here as an operator would. */
    private static final class Descriptors {
        static String sha256(String s) throws Exception {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }
}
