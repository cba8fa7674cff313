package dev.weft.core.filter.rbac;

import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.VerifiedJwt;
import dev.weft.tls.identity.PeerIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Builds RBAC configs from YAML and requests to evaluate them against, for the unit tests of this package. */
final class RbacTesting {
    private RbacTesting() {
    }

    /** The config of the listener's first http filter, {@code filterYaml} being its fields (indented 8 spaces). */
    static RbacConfig config(String filterYaml) {
        String yaml = """
                listeners:
                  - name: main
                    port: 0
                    http_filters:
                      - name: authz
                        type: rbac
                %s
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: backend}
                clusters:
                  - name: backend
                    endpoints: [{address: 127.0.0.1, port: 8080}]
                """.formatted(filterYaml.stripTrailing());
        try {
            WeftConfig c = ConfigLoader.parse(yaml, "rbac-test.yaml");
            return (RbacConfig) c.listeners().get(0).httpFilters().get(0).config();
        } catch (ConfigException e) {
            return fail("invalid config:\n" + e.getMessage() + "\n" + yaml);
        }
    }

    /** One ALLOW policy "p" with these permissions and principals (flow-style YAML lists). */
    static RbacEngine allow(String permissions, String principals) {
        return config("""
                        rules:
                          action: ALLOW
                          policies:
                            p:
                              permissions: %s
                              principals: %s
                """.formatted(permissions, principals)).rules();
    }

    /** A request under construction. */
    static final class Req {
        String method = "GET";
        String scheme = "http";
        String authority = "api.example.com";
        String path = "/";
        String query;
        final List<String[]> headers = new ArrayList<>();
        InetSocketAddress remote = address("10.0.0.7", 40000);
        InetSocketAddress local = address("127.0.0.1", 10000);
        int trustedHops;
        PeerIdentity peer;
        String sni;
        final List<VerifiedJwt> jwt = new ArrayList<>();

        Req method(String m) {
            method = m;
            return this;
        }

        Req path(String p) {
            int q = p.indexOf('?');
            path = q < 0 ? p : p.substring(0, q);
            query = q < 0 ? null : p.substring(q + 1);
            return this;
        }

        Req header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        Req remote(String ip) {
            remote = address(ip, 40000);
            return this;
        }

        Req local(String ip, int port) {
            local = address(ip, port);
            return this;
        }

        Req hops(int n) {
            trustedHops = n;
            return this;
        }

        Req peer(List<String> uris, List<String> dns, String subject) {
            peer = new PeerIdentity(dns, uris, List.of(), subject, null);
            return this;
        }

        Req sni(String s) {
            sni = s;
            return this;
        }

        Req jwt(VerifiedJwt t) {
            jwt.add(t);
            return this;
        }

        FilterRequest build() {
            FilterRequest r = new FilterRequest();
            r.reset(FilterRequest.of(headers), method, scheme, authority, authority, path, query, "HTTP/1.1", null,
                    remote, local, trustedHops, null);
            if (peer != null || sni != null) {
                r.identity(peer, sni);
            }
            if (!jwt.isEmpty()) {
                r.attribute(VerifiedJwt.ATTRIBUTE, List.copyOf(jwt));
            }
            return r;
        }
    }

    static Req request() {
        return new Req();
    }

    static InetSocketAddress address(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
