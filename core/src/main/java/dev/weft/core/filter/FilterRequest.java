package dev.weft.core.filter;

import dev.weft.core.io.Transport;
import dev.weft.core.router.Route;
import dev.weft.tls.identity.PeerIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the filters of a chain see of one request, HTTP/1.1 or HTTP/2 alike: the request head, the connection it came
 * on (addresses, TLS peer identity, SNI), the matched route, and what they want changed: headers to set or remove on
 * the way upstream, headers to add to the response, and what the access log should say about their decisions.
 *
 * <p>Owned by the request's virtual thread: one instance per HTTP/1.1 connection (reset per request) or per HTTP/2
 * stream. Not thread-safe, and need not be.
 */
public final class FilterRequest {

    /** The request's header fields, without HTTP/2 pseudo-headers; names compared in lower case. */
    public interface Headers {
        int size();

        /** The name of field {@code i}, lower case. */
        String name(int i);

        String value(int i);

        /** True when field {@code i} is named {@code lowerName}; implementations avoid allocating. */
        default boolean nameIs(int i, String lowerName) {
            return name(i).equals(lowerName);
        }
    }

    /** HTTP/2 fields as lower-case name / value pairs (pseudo-headers, which start with ':', are skipped). */
    public static Headers of(List<String[]> fields) {
        return new Headers() {
            @Override
            public int size() {
                return fields.size();
            }

            @Override
            public String name(int i) {
                return fields.get(i)[0];
            }

            @Override
            public String value(int i) {
                return fields.get(i)[1];
            }
        };
    }

    /**
     * The start of a request body as a filter asked for it ({@link #body}).
     *
     * @param bytes the body's first bytes, at most the number asked for
     * @param whole the body ends within {@code bytes}: nothing was left out
     */
    public record Body(byte[] bytes, boolean whole) {
    }

    /**
     * Reads ahead into the request body for {@link #body}, without taking the bytes from the request: the connection
     * still forwards the whole body. Implemented by the HTTP/1.1 connection and the HTTP/2 stream.
     */
    public interface BodySource {
        /**
         * Blocks until {@code max} bytes of the body, its end, or as much as the client may send before the proxy
         * reads on (HTTP/2 flow control) are there.
         *
         * @throws java.io.InterruptedIOException when the client stalls for the idle timeout
         * @throws IOException                    when the client went away or sent a malformed body
         */
        Body read(int max) throws IOException;
    }

    private Headers headers;
    private BodySource bodySource;
    private String method;
    private String scheme;
    private String authority;
    private String host;
    private String path;
    private String query;
    private String protocol;
    private Transport transport;
    private InetSocketAddress directRemote;
    private InetSocketAddress local;
    private int trustedHops;
    private Route route;

    private String remoteIp;
    /** Set by {@link #remoteIp(String)} for a described request: {@link #remoteIp} is not computed. */
    private boolean remoteIpDescribed;
    /** Set by {@link #identity} for a described request (POST /authz/explain); null: the transport's. */
    private PeerIdentity peerOverride;
    private String sniOverride;
    private List<String> removed;
    private List<String[]> set;
    private List<String[]> responseAdds;
    private List<String[]> responseSets;
    private Map<String, Object> attributes;
    private Map<String, String> metadata;
    private StringBuilder decision;
    /** True once a filter changed {@link #query} (then the codec sends the new query upstream). */
    private boolean queryChanged;

    /**
     * Starts a new request.
     *
     * @param host        the host without port, lower case (the router's view); empty when none
     * @param trustedHops the listener's {@code xff_num_trusted_hops}
     */
    public void reset(Headers headers, String method, String scheme, String authority, String host, String path,
                      String query, String protocol, Transport transport, InetSocketAddress directRemote,
                      InetSocketAddress local, int trustedHops, Route route) {
        this.headers = headers;
        this.method = method;
        this.scheme = scheme;
        this.authority = authority;
        this.host = host;
        this.path = path;
        this.query = query;
        this.protocol = protocol;
        this.transport = transport;
        this.directRemote = directRemote;
        this.local = local;
        this.trustedHops = trustedHops;
        this.route = route;
        bodySource = null;
        remoteIp = null;
        remoteIpDescribed = false;
        peerOverride = null;
        sniOverride = null;
        removed = null;
        set = null;
        responseAdds = null;
        responseSets = null;
        attributes = null;
        metadata = null;
        decision = null;
        queryChanged = false;
    }

    // ---- the request ------------------------------------------------------------------------------------------

    public String method() {
        return method;
    }

    /** "http" or "https" as the client used it. */
    public String scheme() {
        return scheme;
    }

    /** The authority as received (Host or :authority, with its port if any); null when none. */
    public String authority() {
        return authority;
    }

    /** The host without port, lower case; empty when none. */
    public String host() {
        return host;
    }

    /** The path without the query, as received. */
    public String path() {
        return path;
    }

    /** The query without '?', or null; as it will go upstream (a parameter a filter removed is gone). */
    public String query() {
        return query;
    }

    /** "HTTP/1.0", "HTTP/1.1" or "HTTP/2". */
    public String protocol() {
        return protocol;
    }

    /**
     * All values of a request header joined by ",", or null when absent, as it will go upstream: a header a filter
     * set or removed earlier in the chain reads as set or removed. {@code lowerName} is lower case.
     */
    public String header(String lowerName) {
        if (set != null) {
            for (int i = set.size() - 1; i >= 0; i--) {
                if (set.get(i)[0].equals(lowerName)) {
                    return set.get(i)[1];
                }
            }
        }
        if (removed != null && removed.contains(lowerName)) {
            return null;
        }
        return originalHeader(lowerName);
    }

    /**
     * Each value of a request header, one per field line, as it will go upstream (see {@link #header}); empty when
     * absent. For checks that must see every copy of a repeated header rather than their joined text.
     */
    public List<String> headerValues(String lowerName) {
        if (set != null) {
            for (int i = set.size() - 1; i >= 0; i--) {
                if (set.get(i)[0].equals(lowerName)) {
                    return List.of(set.get(i)[1]);
                }
            }
        }
        if (removed != null && removed.contains(lowerName)) {
            return List.of();
        }
        List<String> out = List.of();
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (headers.nameIs(i, lowerName)) {
                if (out.isEmpty()) {
                    out = List.of(headers.value(i));
                } else {
                    out = new ArrayList<>(out);
                    out.add(headers.value(i));
                }
            }
        }
        return out;
    }

    /** A header as the client sent it, ignoring the chain's changes. */
    public String originalHeader(String lowerName) {
        String v = null;
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (headers.nameIs(i, lowerName)) {
                v = v == null ? headers.value(i) : v + "," + headers.value(i);
            }
        }
        return v;
    }

    /** The header fields as received (no pseudo-headers), for filters that forward them (ext_authz). */
    public Headers headers() {
        return headers;
    }

    /** Set by the connection after {@link #reset} when the request has a body. */
    public void bodySource(BodySource source) {
        this.bodySource = source;
    }

    /**
     * Up to {@code max} bytes of the request body (ext_authz {@code with_request_body}), or null when the request
     * has none. Blocks on the request's thread until they arrived; they are not taken from the request, which still
     * goes upstream whole.
     */
    public Body body(int max) throws IOException {
        return bodySource == null ? null : bodySource.read(max);
    }

    /**
     * Every value of a query parameter, in order (values not percent-decoded), or an empty list; reflects removals.
     * Names are compared percent-decoded, as an upstream and Envoy's query parsing read them: {@code access%5Ftoken}
     * is {@code access_token}, so a value cannot hide from a filter behind an encoded name.
     */
    public List<String> queryParameters(String name) {
        if (query == null) {
            return List.of();
        }
        List<String> out = List.of();
        int i = 0;
        while (i <= query.length()) {
            int amp = query.indexOf('&', i);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', i);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            if (nameIs(query, i, nameEnd, name)) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(1);
                }
                out.add(nameEnd == end ? "" : query.substring(nameEnd + 1, end));
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return out;
    }

    /** One query parameter's first value (see {@link #queryParameters}), or null. */
    public String queryParameter(String name) {
        List<String> all = queryParameters(name);
        return all.isEmpty() ? null : all.get(0);
    }

    /** True when {@code q[from, to)}, percent-decoded ('+' as space, as in forms), is {@code name}. */
    private static boolean nameIs(String q, int from, int to, String name) {
        if (to - from == name.length() && q.startsWith(name, from)) {
            return true;
        }
        if (to - from < name.length()) {
            return false;
        }
        int k = 0;
        for (int i = from; i < to; k++) {
            char c = q.charAt(i);
            if (c == '%' && i + 2 < to && hex(q.charAt(i + 1)) >= 0 && hex(q.charAt(i + 2)) >= 0) {
                c = (char) (hex(q.charAt(i + 1)) << 4 | hex(q.charAt(i + 2)));
                i += 3;
            } else {
                if (c == '+') {
                    c = ' ';
                }
                i++;
            }
            if (k >= name.length() || name.charAt(k) != c) {
                return false;
            }
        }
        return k == name.length();
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
    }

    // ---- the connection ---------------------------------------------------------------------------------------

    /** The address of the peer of the downstream connection (Envoy's direct_remote_ip). */
    public InetSocketAddress directRemoteAddress() {
        return directRemote;
    }

    /** The local address the connection was accepted on (destination_ip / destination_port). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /**
     * The client address policies trust (Envoy's remote_ip): the direct peer, or with {@code xff_num_trusted_hops}
     * N > 0 the Nth entry from the right of {@code x-forwarded-for} as received, when it has that many valid ones.
     * A literal IP address without port.
     */
    public String remoteIp() {
        if (remoteIp == null) {
            remoteIp = computeRemoteIp();
        }
        return remoteIp;
    }

    private String computeRemoteIp() {
        String direct = directRemote == null || directRemote.getAddress() == null ? ""
                : directRemote.getAddress().getHostAddress();
        if (trustedHops <= 0) {
            return direct;
        }
        String xff = originalHeader("x-forwarded-for");
        if (xff == null) {
            return direct;
        }
        String[] parts = xff.split(",");
        if (parts.length < trustedHops) {
            return direct;
        }
        String candidate = parts[parts.length - trustedHops].trim();
        return dev.weft.core.io.Addresses.isIpLiteral(candidate) ? candidate : direct;
    }

    /**
     * True when {@link #remoteIp} is the direct peer's address (no trusted hops, none described), so that a policy
     * may compare {@link #directRemoteAddress} instead of the text, which costs a string per request.
     */
    public boolean remoteIpIsDirect() {
        return trustedHops <= 0 && !remoteIpDescribed;
    }

    /** For a described request (see {@link #identity}): the client address policies trust. Call after {@link #reset}. */
    public void remoteIp(String ip) {
        this.remoteIp = ip;
        this.remoteIpDescribed = true;
    }

    /** True when the connection is TLS. */
    public boolean secure() {
        return peerOverride != null ? peerOverride != PeerIdentity.NONE || sniOverride != null
                : transport != null && transport.secure();
    }

    /** The verified client certificate's identity (URI, DNS SANs, subject); {@link PeerIdentity#NONE} without one. */
    public PeerIdentity peer() {
        if (peerOverride != null) {
            return peerOverride;
        }
        return transport == null ? PeerIdentity.NONE : transport.peer();
    }

    /**
     * For a request that did not arrive on a connection (one an operator describes to the admin server to see how the
     * policies would treat it): the peer identity and SNI to assume. Call after {@link #reset}.
     */
    public void identity(PeerIdentity peer, String sni) {
        this.peerOverride = peer == null ? PeerIdentity.NONE : peer;
        this.sniOverride = sni;
    }

    /** The server name the client asked for in TLS (SNI), or null. */
    public String requestedServerName() {
        if (peerOverride != null) {
            return sniOverride;
        }
        return transport == null ? null : transport.requestedServerName();
    }

    // ---- the route --------------------------------------------------------------------------------------------

    /** The matched route, or null when none matched (the router will answer 404 unless a filter answers first). */
    public Route route() {
        return route;
    }

    // ---- what the filters change ------------------------------------------------------------------------------

    /** Sends {@code value} upstream as the only value of {@code name} (replacing what the client sent). */
    public void setRequestHeader(String name, String value) {
        String lower = checked(name, value);
        if (set == null) {
            set = new ArrayList<>(4);
        }
        set.removeIf(h -> h[0].equals(lower));
        set.add(new String[] {lower, value});
    }

    /** Drops {@code name} from the request sent upstream. */
    public void removeRequestHeader(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (removed == null) {
            removed = new ArrayList<>(2);
        }
        if (!removed.contains(lower)) {
            removed.add(lower);
        }
        if (set != null) {
            set.removeIf(h -> h[0].equals(lower));
        }
    }

    /**
     * Drops every occurrence of a query parameter from the request sent upstream (e.g. a credential the filter has
     * checked), its name compared percent-decoded as in {@link #queryParameters}; the rest of the query is kept byte
     * for byte, in order. No query left: none is sent.
     */
    public void removeQueryParameter(String name) {
        if (query == null) {
            return;
        }
        StringBuilder kept = new StringBuilder(query.length());
        boolean removed = false;
        int i = 0;
        while (i <= query.length()) {
            int amp = query.indexOf('&', i);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', i);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            if (nameIs(query, i, nameEnd, name)) {
                removed = true;
            } else {
                if (!kept.isEmpty()) {
                    kept.append('&');
                }
                kept.append(query, i, end);
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        if (removed) {
            query = kept.isEmpty() ? null : kept.toString();
            queryChanged = true;
        }
    }

    /** True when a filter changed the query; {@link #query()} is then what the upstream gets. */
    public boolean queryChanged() {
        return queryChanged;
    }

    /** Adds a header to the response the client gets, whether from the upstream or a local reply. */
    public void addResponseHeader(String name, String value) {
        String lower = checked(name, value);
        if (responseAdds == null) {
            responseAdds = new ArrayList<>(4);
        }
        responseAdds.add(new String[] {lower, value});
    }

    /**
     * Sets a header on the response the client gets, whether from the upstream or a local reply, replacing any field
     * of that name the upstream sent (e.g. CORS's {@code access-control-allow-origin}, which a browser refuses when it
     * has two values). A later set of the same name replaces an earlier one.
     */
    public void setResponseHeader(String name, String value) {
        String lower = checked(name, value);
        if (responseSets == null) {
            responseSets = new ArrayList<>(4);
        }
        responseSets.removeIf(h -> h[0].equals(lower));
        responseSets.add(new String[] {lower, value});
    }

    /**
     * The lower-case name; a name that is not an RFC 9110 token or a value with CR, LF or NUL (header injection, e.g.
     * from a JWT claim) is refused with IllegalArgumentException, which the chain turns into a 500.
     */
    private static String checked(String name, String value) {
        if (!HttpTokens.isToken(name)) {
            throw new IllegalArgumentException("header name '" + name + "' is not a token");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("value of header " + name + " has CR, LF or NUL");
            }
        }
        return name.toLowerCase(Locale.ROOT);
    }

    /** True when a filter changed request or response headers. */
    public boolean mutated() {
        return removed != null || set != null || responseAdds != null || responseSets != null;
    }

    /** Names removed from the request, and the names of headers set (their originals are dropped); may be empty. */
    public List<String> requestHeadersDropped() {
        List<String> out = new ArrayList<>();
        if (removed != null) {
            out.addAll(removed);
        }
        if (set != null) {
            for (String[] h : set) {
                out.add(h[0]);
            }
        }
        return out;
    }

    /** Headers set on the request, as name / value pairs; may be empty. */
    public List<String[]> requestHeadersSet() {
        return set == null ? List.of() : set;
    }

    /** Headers added to the response, as name / value pairs; may be empty. */
    public List<String[]> responseHeadersAdded() {
        return responseAdds == null ? List.of() : responseAdds;
    }

    /** Headers set on the response (replacing the upstream's of the same name), as name / value pairs; may be empty. */
    public List<String[]> responseHeadersSet() {
        return responseSets == null ? List.of() : responseSets;
    }

    // ---- state shared along the chain, and the record of decisions --------------------------------------------

    /** Shares a value with later filters of the chain (e.g. verified JWT claims for RBAC). */
    public void attribute(String key, Object value) {
        if (attributes == null) {
            attributes = new HashMap<>(2); // one or two keys in practice (verified tokens)
        }
        attributes.put(key, value);
    }

    public Object attribute(String key) {
        return attributes == null ? null : attributes.get(key);
    }

    /**
     * Records a fact for the access log, Envoy's dynamic metadata: {@code %DYNAMIC_METADATA(namespace:key)%}, e.g.
     * {@code rbac:effective_policy_id}.
     */
    public void metadata(String namespace, String key, String value) {
        metadata(namespace + ":" + key, value);
    }

    /** {@link #metadata(String, String, String)} with the key given whole ({@code "rbac:engine_result"}): a constant. */
    public void metadata(String namespaceAndKey, String value) {
        if (metadata == null) {
            metadata = new LinkedHashMap<>(8); // room for a few filters' facts without a resize
        }
        metadata.put(namespaceAndKey, value);
    }

    /** The recorded metadata, "namespace:key" to value, in the order recorded; empty when none. */
    public Map<String, String> metadata() {
        return metadata == null ? Map.of() : metadata;
    }

    /**
     * Appends one filter's verdict to the request's policy decision, the access log's {@code %POLICY_DECISION%}:
     * e.g. {@code rbac:deny policy=- seen=[san=spiffe://..., src=10.0.0.1]}. Verdicts of several filters are
     * separated by "; ".
     */
    public void decision(String text) {
        if (decision == null) {
            decision = new StringBuilder(text.length() + 16);
        } else {
            decision.append("; ");
        }
        decision.append(text);
    }

    /** The policy decision so far, or null when no filter recorded one. */
    public String decision() {
        return decision == null ? null : decision.toString();
    }
}
