package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;
import dev.weft.tls.identity.PeerIdentity;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The RBAC matchers of Envoy's {@code config.rbac.v3.Permission} and {@code Principal}, except {@code jwt_claim}
 * ({@link JwtClaimMatcher}). Each is immutable; none allocates on the request path unless its Javadoc says so.
 */
final class Matchers {
    private Matchers() {
    }

    /** {@code any: true}: every request. */
    static final RbacMatcher ANY = new RbacMatcher() {
        @Override
        public boolean matches(FilterRequest request) {
            return true;
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("any");
        }
    };

    /** {@code and_rules} / {@code and_ids}: every rule matches (evaluated in order, stops at the first miss). */
    record And(String label, RbacMatcher[] rules) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            for (RbacMatcher m : rules) {
                if (!m.matches(request)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void describe(StringBuilder out) {
            list(out, label, rules);
        }
    }

    /** {@code or_rules} / {@code or_ids}: some rule matches. */
    record Or(String label, RbacMatcher[] rules) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            for (RbacMatcher m : rules) {
                if (m.matches(request)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void describe(StringBuilder out) {
            list(out, label, rules);
        }
    }

    /** {@code not_rule} / {@code not_id}. */
    record Not(String label, RbacMatcher rule) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            return !rule.matches(request);
        }

        @Override
        public void describe(StringBuilder out) {
            out.append(label).append('(');
            rule.describe(out);
            out.append(')');
        }
    }

    private static void list(StringBuilder out, String label, RbacMatcher[] rules) {
        out.append(label).append('[');
        for (int i = 0; i < rules.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            rules[i].describe(out);
        }
        out.append(']');
    }

    /** {@code header}: see {@link HeaderMatcher} (a {@code :path} with a query is joined, which allocates). */
    record Header(HeaderMatcher header) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            return header.matches(request);
        }

        @Override
        public void describe(StringBuilder out) {
            header.describe(out);
        }
    }

    /** {@code url_path: {path: StringMatcher}}: the path without the query. */
    record UrlPath(StringMatcher path) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            return path.matches(request.path());
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("url_path(");
            path.describe(out);
            out.append(')');
        }
    }

    /** {@code method}: Weft's shorthand for a {@code :method} header matcher; one of the methods (case-sensitive). */
    record Method(String[] methods) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            String m = request.method();
            for (String candidate : methods) {
                if (candidate.equals(m)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("method(").append(String.join("|", methods)).append(')');
        }
    }

    /** {@code destination_port}: the local port the connection was accepted on. */
    record DestinationPort(int port) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            InetSocketAddress local = request.localAddress();
            return local != null && local.getPort() == port;
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("destination_port(").append(port).append(')');
        }
    }

    /** {@code destination_port_range: {start, end}}: Envoy's Int32Range, end exclusive. */
    record DestinationPortRange(int start, int end) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            InetSocketAddress local = request.localAddress();
            return local != null && local.getPort() >= start && local.getPort() < end;
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("destination_port_range[").append(start).append(", ").append(end).append(')');
        }
    }

    /** {@code destination_ip}: the local address the connection was accepted on. */
    record DestinationIp(Cidr cidr) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            InetSocketAddress local = request.localAddress();
            return local != null && cidr.matches(local.getAddress());
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("destination_ip(").append(cidr).append(')');
        }
    }

    /** {@code requested_server_name}: the TLS SNI, "" without one (as Envoy). */
    record ServerName(StringMatcher name) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            String sni = request.requestedServerName();
            return name.matches(sni == null ? "" : sni);
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("requested_server_name(");
            name.describe(out);
            out.append(')');
        }
    }

    /**
     * {@code authenticated}: the connection presented a verified client certificate and, with a
     * {@code principal_name}, one of its URI SANs, else one of its DNS SANs, else its subject (RFC 2253) matches
     * (Envoy's order). Stricter than Envoy without {@code principal_name}: a TLS connection without a client
     * certificate is not authenticated.
     */
    record Authenticated(StringMatcher principalName) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            PeerIdentity peer = request.peer();
            if (peer == null || peer == PeerIdentity.NONE) {
                return false;
            }
            if (principalName == null) {
                return true;
            }
            return any(peer.uriSans()) || any(peer.dnsSans()) || principalName.matches(peer.subject());
        }

        private boolean any(List<String> names) {
            for (int i = 0, n = names.size(); i < n; i++) {
                if (principalName.matches(names.get(i))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("authenticated(");
            if (principalName == null) {
                out.append("any certificate");
            } else {
                principalName.describe(out);
            }
            out.append(')');
        }
    }

    /**
     * {@code direct_remote_ip} and {@code source_ip} (Envoy's deprecated name; without PROXY protocol both are the
     * downstream connection's peer address). IPv6 peers copy their 16 address bytes once per match.
     */
    record DirectRemoteIp(String label, Cidr cidr) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            InetSocketAddress peer = request.directRemoteAddress();
            return peer != null && cidr.matches(peer.getAddress());
        }

        @Override
        public void describe(StringBuilder out) {
            out.append(label).append('(').append(cidr).append(')');
        }
    }

    /**
     * {@code remote_ip}: the client address after {@code http.xff_num_trusted_hops} ({@link FilterRequest#remoteIp},
     * computed once per request); without trusted hops the peer address itself.
     */
    record RemoteIp(Cidr cidr) implements RbacMatcher {
        @Override
        public boolean matches(FilterRequest request) {
            if (request.remoteIpIsDirect()) {
                InetSocketAddress peer = request.directRemoteAddress(); // no string made for the common case
                return peer != null && cidr.matches(peer.getAddress());
            }
            return cidr.matchesText(request.remoteIp());
        }

        @Override
        public void describe(StringBuilder out) {
            out.append("remote_ip(").append(cidr).append(')');
        }
    }
}
