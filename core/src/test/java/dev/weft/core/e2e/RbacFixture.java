package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A proxy with RBAC filters on three listeners, a test upstream and a mesh PKI, shared by the RBAC end-to-end tests:
 * {@code edge} (plain, ALLOW rules on every request attribute, shadow DENY rules, per-route disable and override,
 * one trusted x-forwarded-for hop), {@code block} (plain, a DENY filter then a LOG filter) and {@code mesh} (mutual
 * TLS, ALLOW rules on client certificates and SNI, shadow ALLOW rules).
 */
final class RbacFixture implements AutoCloseable {
    static final String WEB = "spiffe://mesh/ns/default/sa/web";
    static final String DB = "spiffe://mesh/ns/default/sa/db";

    final Path dir;
    final Pki pki;
    final TestUpstream app;
    final WeftServer proxy;
    final int edge;
    final int block;
    final int mesh;
    final Path edgeJsonLog;
    final Path edgeTextLog;
    final Path blockLog;
    final Path meshLog;
    final HttpClient client = E2E.httpClient();

    RbacFixture() throws Exception {
        dir = Files.createTempDirectory("weft-rbac");
        pki = new Pki(dir).ca("mesh")
                .leaf("server", "mesh", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("web", "mesh", "URI:" + WEB + ",DNS:web.mesh.local", 2)
                .leaf("db", "mesh", "URI:" + DB, 2)
                .leaf("ops", "mesh", "DNS:ops.mesh.local", 2)
                .leaf("legacy", "mesh", "email:legacy@mesh.test", 2);
        app = TestUpstream.start("app");
        edge = E2E.closedPort();
        block = E2E.closedPort();
        mesh = E2E.closedPort();
        edgeJsonLog = dir.resolve("edge.json.log");
        edgeTextLog = dir.resolve("edge.text.log");
        blockLog = dir.resolve("block.log");
        meshLog = dir.resolve("mesh.log");
        proxy = E2E.start(yaml());
    }

    private String yaml() {
        String all = """
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: app}
                """;
        return """
                admin: {port: 0}
                listeners:
                  - name: edge
                    port: %1$d
                    stat_prefix: edge
                    http: {xff_num_trusted_hops: 1}
                    access_log:
                      - path: %4$s
                      - path: %5$s
                        format: "%%REQ(:PATH)%% %%RESPONSE_CODE%% %%RESPONSE_FLAGS%% %%RESPONSE_CODE_DETAILS%% \
                %%DYNAMIC_METADATA(rbac:engine_result)%% %%DYNAMIC_METADATA(rbac:effective_policy_id)%% \
                %%DYNAMIC_METADATA(rbac:shadow_engine_result)%% %%DYNAMIC_METADATA(rbac:shadow_effective_policy_id)%% \
                %%POLICY_DECISION%%"
                    http_filters:
                      - name: claims
                        type: test_claims
                      - name: authz
                        type: rbac
                        rules:
                          action: ALLOW
                          policies:
                            public:
                              permissions: [{url_path: {path: {prefix: /public/}}}]
                              principals: [{any: true}]
                            readers:
                              permissions:
                                - and_rules: {rules: [{method: [GET, HEAD]}, {url_path: {path: {prefix: /api/}}}]}
                              principals: [{header: {name: x-user, exact_match: alice}}]
                            items:
                              permissions: [{url_path: {path: {safe_regex: {regex: "/items/[0-9]+"}}}}]
                              principals:
                                - or_ids: {ids: [{header: {name: x-user, exact_match: bob}},
                                                 {header: {name: x-user, prefix_match: svc-}}]}
                            office:
                              permissions: [{url_path: {path: {prefix: /office/}}}]
                              principals: [{remote_ip: {address_prefix: 203.0.113.0, prefix_len: 24}}]
                            loopback:
                              permissions: [{url_path: {path: {prefix: /loopback/}}}]
                              principals:
                                - and_ids: {ids: [{direct_remote_ip: {address_prefix: 127.0.0.0, prefix_len: 8}},
                                                  {source_ip: {address_prefix: 127.0.0.1, prefix_len: 32}}]}
                            lan:
                              permissions: [{url_path: {path: {prefix: /lan/}}}]
                              principals: [{direct_remote_ip: {address_prefix: 10.0.0.0, prefix_len: 8}}]
                            this-port:
                              permissions:
                                - and_rules: {rules: [{url_path: {path: {prefix: /port/}}}, {destination_port: %1$d},
                                    {destination_ip: {address_prefix: 127.0.0.1, prefix_len: 32}}]}
                              principals: [{any: true}]
                            other-port:
                              permissions:
                                - and_rules: {rules: [{url_path: {path: {prefix: /otherport/}}},
                                                      {destination_port: %2$d}]}
                              principals: [{any: true}]
                            quiet:
                              permissions:
                                - and_rules: {rules: [{url_path: {path: {prefix: /quiet/}}},
                                                      {not_rule: {header: {name: x-debug}}}]}
                              principals: [{any: true}]
                            tenants:
                              permissions:
                                - or_rules: {rules: [{header: {name: ":authority", suffix_match: .tenant.test}},
                                    {header: {name: x-tenant, string_match: {exact: ACME, ignore_case: true}}}]}
                              principals: [{not_id: {header: {name: x-user, exact_match: mallory}}}]
                            admins:
                              permissions: [{url_path: {path: {prefix: /admin/}}}]
                              principals:
                                - jwt_claim: {issuer: "https://issuer.test", claim: roles, value: admin}
                        shadow_rules:
                          action: DENY
                          policies:
                            shadow-block:
                              permissions: [{url_path: {path: {prefix: /public/shadowed}}}]
                              principals: [{any: true}]
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /open/}
                            route: {cluster: app}
                            per_filter_config: {authz: {disabled: true}}
                          - match: {prefix: /override/}
                            route: {cluster: app}
                            per_filter_config:
                              authz:
                                rbac:
                                  rules:
                                    action: ALLOW
                                    policies:
                                      override-only:
                                        permissions: [{any: true}]
                                        principals: [{header: {name: x-override}}]
                          - match: {prefix: /}
                            route: {cluster: app}
                  - name: block
                    port: %2$d
                    stat_prefix: block
                    access_log: [{path: %6$s}]
                    http_filters:
                      - name: deny
                        type: rbac
                        rules:
                          action: DENY
                          policies:
                            no-admin:
                              permissions: [{url_path: {path: {prefix: /admin}}}]
                              principals: [{not_id: {header: {name: x-breakglass, exact_match: on-call}}}]
                      - name: audit
                        type: rbac
                        rules:
                          action: LOG
                          policies:
                            writes: {permissions: [{method: [POST, PUT, DELETE]}], principals: [{any: true}]}
                %8$s
                  - name: mesh
                    port: %3$d
                    stat_prefix: mesh
                    access_log: [{path: %7$s}]
                    tls:
                      certificates: [{cert_file: %9$s, key_file: %10$s}]
                      ca_file: %11$s
                      require_client_certificate: true
                    http_filters:
                      - name: authz
                        type: rbac
                        rules:
                          action: ALLOW
                          policies:
                            web-api:
                              permissions: [{url_path: {path: {prefix: /api/}}}]
                              principals: [{authenticated: {principal_name: {exact: "%12$s"}}}]
                            mesh-read:
                              permissions: [{and_rules: {rules: [{method: GET}, {url_path: {path: {prefix: /read/}}}]}}]
                              principals: [{authenticated: {principal_name: {prefix: "spiffe://mesh/ns/default/"}}}]
                            ops:
                              permissions: [{url_path: {path: {prefix: /ops/}}}]
                              principals: [{authenticated: {principal_name: {exact: ops.mesh.local}}}]
                            legacy:
                              permissions: [{url_path: {path: {prefix: /legacy/}}}]
                              principals: [{authenticated: {principal_name: {exact: "CN=legacy"}}}]
                            by-sni:
                              permissions:
                                - and_rules: {rules: [{url_path: {path: {prefix: /sni/}}},
                                                      {requested_server_name: {exact: localhost}}]}
                              principals: [{authenticated: {}}]
                        shadow_rules:
                          action: ALLOW
                          policies:
                            web-only:
                              permissions: [{any: true}]
                              principals: [{authenticated: {principal_name: {exact: "%12$s"}}}]
                %8$s
                clusters:
                %13$s""".formatted(edge, block, mesh, edgeJsonLog, edgeTextLog, blockLog, meshLog, all.stripTrailing(),
                pki.crt("server"), pki.key("server"), pki.crt("mesh"), WEB, E2E.cluster("app", app.port()));
    }

    /** A response: status and body. */
    record Reply(int status, String body) {
    }

    /** The curl flags of one protocol over plaintext: HTTP/1.1, or HTTP/2 with prior knowledge (h2c). */
    static List<String> plain(String protocol) {
        return List.of(protocol.equals("h2") ? "--http2-prior-knowledge" : "--http1.1");
    }

    /** A request with curl to a plaintext listener; {@code headers} are "name: value" lines. */
    Reply curl(String protocol, int port, String method, String path, String... headers) throws Exception {
        List<String> args = new ArrayList<>(plain(protocol));
        args.addAll(List.of("-X", method));
        for (String h : headers) {
            args.addAll(List.of("-H", h));
        }
        args.add("http://127.0.0.1:" + port + path);
        return run(args);
    }

    /** A request with curl to the mTLS listener with {@code cert}'s certificate, at {@code host} (SNI). */
    Reply mtls(String protocol, String cert, String host, String path, String... headers) throws Exception {
        List<String> args = new ArrayList<>(List.of(protocol.equals("h2") ? "--http2" : "--http1.1",
                "--cacert", pki.crt("mesh"), "--cert", pki.crt(cert), "--key", pki.key(cert)));
        for (String h : headers) {
            args.addAll(List.of("-H", h));
        }
        args.add("https://" + host + ":" + mesh + path);
        return run(args);
    }

    private static Reply run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.curl(), "-sS", "--max-time", "10", "-o", "-", "-w",
                "\n%{http_code} %{http_version}"));
        cmd.addAll(args);
        E2E.Run r = E2E.run(cmd, Duration.ofSeconds(20));
        assertEquals(0, r.exitCode(), cmd + "\n" + r.text() + r.err());
        String out = r.text();
        int nl = out.lastIndexOf('\n');
        String[] tail = out.substring(nl + 1).split(" ");
        boolean h2 = cmd.contains("--http2") || cmd.contains("--http2-prior-knowledge");
        assertEquals(h2 ? "2" : "1.1", tail[1], "protocol used by " + cmd);
        return new Reply(Integer.parseInt(tail[0]), out.substring(0, nl));
    }

    /** GET on the admin server. */
    HttpResponse<String> admin(String pathAndQuery) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminAddress().getPort()
                + pathAndQuery)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A counter's value from the admin {@code /stats}; 0 when it was never created. */
    long stat(String name) throws Exception {
        String s = admin("/stats").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Waits (stats are recorded as the response goes out) until the counter reaches {@code value}. */
    void awaitStat(String name, long value) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long v = stat(name);
        while (v < value && System.nanoTime() < deadline) {
            Thread.sleep(10);
            v = stat(name);
        }
        assertEquals(value, v, name);
    }

    /** The first line of the log that satisfies {@code match}, waiting up to 10 s for it. */
    static String awaitLine(Path log, Predicate<String> match) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (match.test(line)) {
                        return line;
                    }
                }
            }
            assertTrue(System.nanoTime() < deadline, "no matching line in " + log + ":\n"
                    + (Files.exists(log) ? Files.readString(log) : "(missing)"));
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        if (proxy != null) {
            proxy.close();
        }
        if (app != null) {
            app.close();
        }
    }
}
