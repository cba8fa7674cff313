package dev.weft.admin.server;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides whether an admin request may proceed, before any endpoint runs. The admin plane can stop the proxy, so the
 * defaults are strict: loopback-only binding (in {@link AdminServer.Options#defaults()}), a Host check against DNS
 * rebinding when bound to loopback, an optional bearer token, an optional path allow list, and for state-changing
 * POSTs a refusal of anything a browser marks as coming from another site (CSRF).
 */
final class AdminGuard {
    /** Readiness probes (kubelet, load balancers) cannot carry a token, and /ready reveals only the server state. */
    static final String TOKEN_EXEMPT_PATH = "/ready";

    private static final String BEARER = "bearer ";

    private final byte[] tokenDigest;
    private final Set<String> allowedPaths;
    private final boolean loopbackOnly;

    AdminGuard(String bearerToken, List<String> allowedPaths, boolean loopbackOnly) {
        this.tokenDigest = bearerToken == null ? null : sha256(bearerToken);
        this.allowedPaths = Set.copyOf(allowedPaths);
        this.loopbackOnly = loopbackOnly;
    }

    /** Checks that apply to every path, known or not: Host, token, allow list. Null when the request may go on. */
    AdminResponse admit(AdminRequest request) {
        if (loopbackOnly && !isLoopbackHost(hostName(request.host()))) {
            // a page on attacker.example whose name was re-pointed at 127.0.0.1 still sends Host: attacker.example
            return AdminResponse.text(403, "host not allowed: the admin server is bound to loopback\n");
        }
        if (tokenDigest != null && !TOKEN_EXEMPT_PATH.equals(request.path()) && !tokenMatches(request.authorization())) {
            // RFC 6750 section 3: a protected resource answers 401 with a Bearer challenge
            return AdminResponse.text(401, "unauthorized: send authorization: Bearer <token>\n")
                    .withHeader("www-authenticate", "Bearer realm=\"weft-admin\"");
        }
        if (!allowedPaths.isEmpty() && !allowedPaths.contains(request.path())) {
            return AdminResponse.text(403, "forbidden: path not in the admin allow list\n");
        }
        return null;
    }

    /**
     * The CSRF check for a state-changing request: a browser sends Origin on every POST (RFC 6454 section 7.3, Fetch)
     * and Sec-Fetch-Site where supported. Clients that send neither (curl, scripts) are not browsers and pass.
     * Null when the request may go on.
     */
    AdminResponse checkSameOrigin(AdminRequest request) {
        String site = request.fetchSite();
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return AdminResponse.text(403, "forbidden: cross-site request (sec-fetch-site: " + site + ")\n");
        }
        String origin = request.origin();
        if (origin != null && !originMatchesHost(origin, request.host())) {
            return AdminResponse.text(403, "forbidden: origin does not match the admin server\n");
        }
        return null;
    }

    /** Whether {@code origin} ({@code http://host[:port]}) names the same host and port the request was sent to. */
    static boolean originMatchesHost(String origin, String host) {
        if (host == null) {
            return false;
        }
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            return false; // includes the opaque "null" origin of sandboxed frames and file: pages
        }
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null || uri.getRawPath() != null
                && !uri.getRawPath().isEmpty()) {
            return false; // the admin server speaks plain HTTP; an Origin is scheme://host[:port] only
        }
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        String originAuthority = uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        return originAuthority.equals(withPort(host));
    }

    private boolean tokenMatches(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false; // RFC 9110 section 11.1: the auth scheme is case-insensitive
        }
        String given = authorization.substring(BEARER.length()).strip();
        // comparing fixed-length digests in constant time hides both the token's content and its length
        return MessageDigest.isEqual(tokenDigest, sha256(given));
    }

    /** The host of a Host value, without port or IPv6 brackets; "" for null. */
    static String hostName(String host) {
        if (host == null) {
            return "";
        }
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(1, end);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** {@code host:port} in lower case with the default port 80 made explicit; IPv6 stays bracketed. */
    private static String withPort(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        int bracket = h.lastIndexOf(']');
        int colon = h.lastIndexOf(':');
        return colon > bracket ? h : h + ":80";
    }

    private static boolean isLoopbackHost(String name) {
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        // never resolve a name here: resolution is exactly what DNS rebinding controls
        return isLoopbackIpv4(name) || isLoopbackIpv6(name);
    }

    /** A dotted-quad literal in 127.0.0.0/8 (RFC 1122 section 3.2.1.3). */
    private static boolean isLoopbackIpv4(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return parts[0].equals("127");
    }

    /** An IPv6 literal equal to ::1; with a ':' in it, InetAddress parses the literal and never does a lookup. */
    private static boolean isLoopbackIpv6(String name) {
        if (name.indexOf(':') < 0 || !name.chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
            return false;
        }
        try {
            return InetAddress.getByName(name).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
