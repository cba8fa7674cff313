package dev.weft.core.filter.rbac;

import dev.weft.core.filter.FilterRequest;
import dev.weft.core.filter.VerifiedJwt;
import dev.weft.core.io.Addresses;
import dev.weft.core.json.JsonParser;
import dev.weft.core.router.RequestView;
import dev.weft.core.router.Router;
import dev.weft.tls.identity.PeerIdentity;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A request an operator describes to {@code POST /authz/explain} instead of sending it: the JSON body, checked field
 * by field (every mistake is an {@link IllegalArgumentException} naming the field), turned into the
 * {@link FilterRequest} the RBAC filters see.
 *
 * <pre>
 * {"listener": "ingress", "method": "GET", "path": "/admin?x=1", "authority": "api.example.com",
 *  "headers": {"x-tenant": "acme"}, "source_ip": "10.0.0.7", "remote_ip": "203.0.113.9",
 *  "peer": {"uri_sans": ["spiffe://mesh/ns/a/sa/web"], "dns_sans": [], "subject": "CN=web"},
 *  "sni": "api.example.com", "jwt": {"provider": "idp", "issuer": "https://idp", "subject": "alice",
 *  "claims": {"roles": ["admin"]}}}
 * </pre>
 */
record ExplainRequest(String listener, String method, String scheme, String path, String query, String authority,
                      List<String[]> headers, String sourceIp, String remoteIp, PeerIdentity peer, String sni,
                      List<VerifiedJwt> jwt) {

    private static final Set<String> FIELDS = Set.of("listener", "method", "scheme", "path", "authority", "headers",
            "source_ip", "remote_ip", "peer", "sni", "jwt");
    private static final Set<String> PEER_FIELDS = Set.of("uri_sans", "dns_sans", "subject");
    private static final Set<String> JWT_FIELDS = Set.of("provider", "issuer", "subject", "claims");

    /**
     * The body nests 3 levels around a token's claims ({@code {"jwt": [{"claims": ...}]}}), which jwt_authn reads at
     * most 8 deep; numbers come as a verified token's claims do (Long or Double), and a malformed body is shown its
     * own text back with the line and column.
     */
    private static final JsonParser.Options JSON = new JsonParser.Options(3 + 8, JsonParser.Numbers.LONG_OR_DOUBLE,
            JsonParser.Strings.UNICODE, JsonParser.Errors.DESCRIPTIVE);

    /** Parses and checks the body. */
    static ExplainRequest parse(String body) {
        Object tree;
        try {
            tree = JsonParser.parse(body, JSON);
        } catch (JsonParser.SyntaxException e) {
            throw new IllegalArgumentException("malformed JSON: " + e.getMessage());
        }
        Map<String, Object> m = object(tree, "the body");
        known(m, FIELDS, "");
        String method = string(m, "method", "GET");
        if (!dev.weft.core.filter.HttpTokens.isToken(method)) {
            throw new IllegalArgumentException("method: '" + method + "' is not a method");
        }
        String target = string(m, "path", "/");
        if (!target.startsWith("/")) {
            throw new IllegalArgumentException("path: must start with '/'");
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        String sourceIp = ip(m, "source_ip");
        String remoteIp = ip(m, "remote_ip");
        PeerIdentity peer = peer(m.get("peer"));
        String sni = string(m, "sni", null);
        String scheme = string(m, "scheme", peer != PeerIdentity.NONE || sni != null ? "https" : "http");
        return new ExplainRequest(string(m, "listener", null), method, scheme, path, query,
                string(m, "authority", ""), headers(m.get("headers")), sourceIp, remoteIp, peer, sni,
                jwt(m.get("jwt")));
    }

    /** The described request as the filters see it, routed by the listener's live router. */
    FilterRequest toFilterRequest(Router router, InetSocketAddress local, int trustedHops) {
        String host = Router.normalizeHost(authority);
        String h = host == null ? "" : host;
        FilterRequest.Headers fields = FilterRequest.of(headers);
        RequestView view = new RequestView() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public String host() {
                return h;
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public String query() {
                return query;
            }

            @Override
            public String header(String lowerName) {
                String v = null;
                for (String[] f : headers) {
                    if (f[0].equals(lowerName)) {
                        v = v == null ? f[1] : v + "," + f[1];
                    }
                }
                return v;
            }
        };
        FilterRequest r = new FilterRequest();
        r.reset(fields, method, scheme, authority.isEmpty() ? null : authority, h, path, query, "HTTP/1.1", null,
                sourceIp == null ? null : new InetSocketAddress(address(sourceIp), 0), local, trustedHops,
                router.route(view));
        r.identity(peer, sni);
        if (remoteIp != null) {
            r.remoteIp(remoteIp);
        }
        if (!jwt.isEmpty()) {
            r.attribute(VerifiedJwt.ATTRIBUTE, jwt);
        }
        return r;
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // checked to be a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal + " is not an IP address");
        }
    }

    private static void known(Map<String, Object> m, Set<String> fields, String prefix) {
        for (String k : m.keySet()) {
            if (!fields.contains(k)) {
                throw new IllegalArgumentException(prefix + k + ": unknown field; known: "
                        + String.join(", ", new TreeSet<>(fields)));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object v, String what) {
        if (!(v instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(what + ": must be a JSON object");
        }
        return (Map<String, Object>) v;
    }

    private static String string(Map<String, Object> m, String field, String defaultValue) {
        Object v = m.get(field);
        if (v == null) {
            return defaultValue;
        }
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException(field + ": must be a string");
        }
        return s;
    }

    private static String ip(Map<String, Object> m, String field) {
        String s = string(m, field, null);
        if (s != null && !Addresses.isIpLiteral(s)) {
            throw new IllegalArgumentException(field + ": '" + s + "' is not an IPv4 or IPv6 address");
        }
        return s;
    }

    private static List<String> strings(Map<String, Object> m, String field, String path) {
        Object v = m.get(field);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(path + ": must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s)) {
                throw new IllegalArgumentException(path + "[" + i + "]: must be a string");
            }
            out.add(s);
        }
        return out;
    }

    private static List<String[]> headers(Object v) {
        if (v == null) {
            return List.of();
        }
        Map<String, Object> m = object(v, "headers");
        List<String[]> out = new ArrayList<>();
        for (Map.Entry<String, Object> e : m.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (!dev.weft.core.filter.HttpTokens.isToken(name)) {
                throw new IllegalArgumentException("headers." + e.getKey() + ": not a header name (pseudo-headers "
                        + "are given as method, path, authority and scheme)");
            }
            if (e.getValue() instanceof String s) {
                out.add(new String[] {name, s});
            } else {
                for (String s : strings(m, e.getKey(), "headers." + e.getKey())) {
                    out.add(new String[] {name, s});
                }
            }
        }
        return out;
    }

    private static PeerIdentity peer(Object v) {
        if (v == null) {
            return PeerIdentity.NONE;
        }
        Map<String, Object> m = object(v, "peer");
        known(m, PEER_FIELDS, "peer.");
        List<String> uris = strings(m, "uri_sans", "peer.uri_sans");
        List<String> dns = strings(m, "dns_sans", "peer.dns_sans");
        Object subject = m.get("subject");
        if (subject != null && !(subject instanceof String)) {
            throw new IllegalArgumentException("peer.subject: must be a string");
        }
        String spiffe = uris.stream().filter(u -> u.regionMatches(true, 0, "spiffe://", 0, 9)).findFirst()
                .orElse(null);
        return new PeerIdentity(dns, uris, List.of(), (String) subject, spiffe);
    }

    private static List<VerifiedJwt> jwt(Object v) {
        if (v == null) {
            return List.of();
        }
        List<?> items = v instanceof List<?> l ? l : List.of(v);
        List<VerifiedJwt> out = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String path = v instanceof List<?> ? "jwt[" + i + "]" : "jwt";
            Map<String, Object> m = object(items.get(i), path);
            known(m, JWT_FIELDS, path + ".");
            Map<String, Object> claims = m.get("claims") == null ? Map.of() : object(m.get("claims"),
                    path + ".claims");
            String issuer = string(m, "issuer", claims.get("iss") instanceof String s ? s : null);
            String subject = string(m, "subject", claims.get("sub") instanceof String s ? s : null);
            out.add(new VerifiedJwt(string(m, "provider", null), issuer, subject, claims));
        }
        return List.copyOf(out);
    }
}
