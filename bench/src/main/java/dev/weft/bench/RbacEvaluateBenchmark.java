package dev.weft.bench;

import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.rbac.RbacConfig;
import dev.weft.core.filter.rbac.RbacEngine;
import dev.weft.tls.identity.PeerIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one RBAC decision against 50 ALLOW policies of a service mesh's kind, in five shapes repeated ten times:
 * methods and path prefixes with an exact SPIFFE principal; a path regex with a SPIFFE prefix or a remote CIDR;
 * tenant headers and a host suffix with a direct CIDR and a negated header; a nested and / not with an admin SPIFFE
 * ID; an exact path and destination port with a header prefix or a SPIFFE ID. {@code last} matches only the 50th
 * policy (every policy before it is tried), {@code none} matches none (all 50 are tried: a denial). The request is
 * reset per operation as a connection does, so nothing is cached across decisions.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class RbacEvaluateBenchmark {
    static final int POLICIES = 50;

    @Param({"last", "none"})
    public String request;

    private RbacEngine engine;
    private FilterRequest r;
    private FilterRequest.Headers headers;
    private String path;
    private PeerIdentity peer;
    private InetSocketAddress remote;
    private InetSocketAddress local;

    @Setup
    public void setup() throws Exception {
        engine = engine();
        headers = FilterRequest.of(List.of(
                new String[] {"user-agent", "kube-probe/1.29"},
                new String[] {"accept", "*/*"},
                new String[] {"x-request-id", "5f0c6a0e-8d3b-4a51-9b8e-3c1d2e4f5a6b"},
                new String[] {"x-tenant", "t7-other"},
                new String[] {"x-user", request.equals("last") ? "svc49-probe" : "svc-unknown"}));
        path = request.equals("last") ? "/health49" : "/unknown/path";
        peer = new PeerIdentity(List.of(), List.of("spiffe://mesh/ns/default/sa/client"), List.of(),
                "CN=client", "spiffe://mesh/ns/default/sa/client");
        remote = new InetSocketAddress(InetAddress.getByName("10.200.3.4"), 51234);
        local = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 10000);
        r = new FilterRequest();
        int match = evaluate();
        if (request.equals("last") ? match != POLICIES - 1 : match != -1) {
            throw new IllegalStateException(request + " matched policy index " + match);
        }
    }

    @Benchmark
    public int evaluate() {
        r.reset(headers, "GET", "https", "api.example.com", "api.example.com", path, null, "HTTP/2", null, remote,
                local, 0, null);
        r.identity(peer, "api.example.com");
        return engine.firstMatch(r);
    }

    /** The five policy shapes (fields of a policy, indented for it; %1$d is the policy's number). */
    private static final String[] SHAPES = {
        """
          permissions:
            - and_rules: {rules: [{method: [GET, HEAD]}, {url_path: {path: {prefix: /svc%1$d/}}}]}
          principals:
            - authenticated: {principal_name: {exact: "spiffe://mesh/ns/ns%1$d/sa/web"}}
        """,
        """
          permissions:
            - url_path: {path: {safe_regex: {regex: "/api/v%1$d/items/[0-9]+"}}}
          principals:
            - or_ids: {ids: [{authenticated: {principal_name: {prefix: "spiffe://mesh/ns/team%1$d/"}}},
                             {remote_ip: {address_prefix: 10.%1$d.0.0, prefix_len: 16}}]}
        """,
        """
          permissions:
            - or_rules: {rules: [{header: {name: x-tenant, exact_match: t%1$d}},
                                 {header: {name: ":authority", suffix_match: .t%1$d.example.com}}]}
          principals:
            - and_ids: {ids: [{direct_remote_ip: {address_prefix: 192.168.%1$d.0, prefix_len: 24}},
                              {not_id: {header: {name: x-blocked}}}]}
        """,
        """
          permissions:
            - and_rules: {rules: [{method: POST}, {url_path: {path: {prefix: /admin%1$d/}}},
                                  {not_rule: {header: {name: x-debug}}}]}
          principals:
            - authenticated: {principal_name: {exact: "spiffe://mesh/ns/ops/sa/admin%1$d"}}
        """,
        """
          permissions:
            - and_rules: {rules: [{url_path: {path: {exact: /health%1$d}}}, {destination_port: 10000}]}
          principals:
            - or_ids: {ids: [{header: {name: x-user, prefix_match: svc%1$d-}},
                             {authenticated: {principal_name: {exact: "spiffe://mesh/ns/mon/sa/p%1$d"}}}]}
        """};

    /** The 50 policies, named p00..p49 so that Envoy's name order is their order here. */
    static RbacEngine engine() throws Exception {
        StringBuilder policies = new StringBuilder();
        for (int i = 0; i < POLICIES; i++) {
            policies.append(String.format("            p%02d:\n", i))
                    .append(SHAPES[i % SHAPES.length].formatted(i).indent(12));
        }
        String yaml = "listeners:\n"
                + "  - name: bench\n"
                + "    port: 0\n"
                + "    http_filters:\n"
                + "      - name: authz\n"
                + "        type: rbac\n"
                + "        rules:\n"
                + "          action: ALLOW\n"
                + "          policies:\n"
                + policies
                + "    virtual_hosts:\n"
                + "      - name: all\n"
                + "        domains: [\"*\"]\n"
                + "        routes:\n"
                + "          - match: {prefix: /}\n"
                + "            route: {cluster: backend}\n"
                + "clusters:\n"
                + "  - name: backend\n"
                + "    endpoints: [{address: 127.0.0.1, port: 8080}]\n";
        WeftConfig config = ConfigLoader.parse(yaml, "rbac-bench");
        return ((RbacConfig) config.listeners().get(0).httpFilters().get(0).config()).rules();
    }
}
