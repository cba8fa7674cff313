package dev.weft.core.config;

import java.util.Set;
import java.util.regex.Pattern;

/** Syntactic checks on names, hosts, addresses and headers. Nothing here resolves a name or touches the network. */
final class Syntax {
    /** Listener, cluster and stat names: they appear in stat names and logs. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    static final String NAME_MESSAGE = "must match [A-Za-z0-9_.-]+";

    /**
     * Connection-specific fields (RFC 9110 section 7.6.1; RFC 9113 section 8.2.2 forbids them in HTTP/2) and
     * proxy-connection, which some clients still send. The proxy manages these per hop; a config may not touch them.
     */
    static final Set<String> HOP_BY_HOP =
            Set.of("connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade");
    /** Framing and routing fields the proxy computes itself (host: use route.host_rewrite_literal instead). */
    static final Set<String> MANAGED = Set.of("host", "content-length");

    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final Pattern DOMAIN_CHARS = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern IPV6_ZONE = Pattern.compile("[A-Za-z0-9_.-]+");

    private Syntax() {
    }

    /** RFC 9110 section 5.6.2: token = 1*tchar. */
    static boolean isToken(String s) {
        return dev.weft.core.filter.HttpTokens.isToken(s);
    }

    /** Why a (lower-cased) header name may not be used in a header mutation, or null if it may. */
    static String mutableHeaderProblem(String name) {
        if (name.startsWith(":")) {
            return "must not be a pseudo-header";
        }
        if (!isToken(name)) {
            return "must be a valid header name (RFC 9110 token)";
        }
        if (HOP_BY_HOP.contains(name)) {
            return "'" + name + "' is a hop-by-hop header and cannot be added or removed";
        }
        if (MANAGED.contains(name)) {
            return "'" + name + "' is managed by the proxy and cannot be added or removed";
        }
        return null;
    }

    /** RFC 9110 section 5.5: CR, LF and NUL are never allowed in a field value. */
    static boolean isHeaderValue(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 && s.indexOf('\0') < 0;
    }

    /** No spaces or control characters: the value goes into a request line or a Location header as is. */
    static boolean isPathSafe(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /**
     * A dotted-quad IPv4 literal, each part 0..255 in decimal without leading zeros (some resolvers read 010 as octal,
     * so the JDK and this loader refuse the ambiguity).
     */
    static boolean isIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
                    || !part.chars().allMatch(c -> c >= '0' && c <= '9')
                    || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    /** An IPv6 literal without brackets (RFC 4291 section 2.2), optionally with a zone ({@code fe80::1%eth0}). */
    static boolean isIpv6(String s) {
        int percent = s.indexOf('%');
        if (percent >= 0) {
            if (!IPV6_ZONE.matcher(s.substring(percent + 1)).matches()) {
                return false;
            }
            s = s.substring(0, percent);
        }
        int doubleColon = s.indexOf("::");
        if (doubleColon >= 0 && s.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        int groups = 0;
        String[] halves = doubleColon >= 0
                ? new String[] {s.substring(0, doubleColon), s.substring(doubleColon + 2)} : new String[] {s};
        for (int h = 0; h < halves.length; h++) {
            if (halves[h].isEmpty()) {
                continue;
            }
            String[] parts = halves[h].split(":", -1);
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                boolean last = h == halves.length - 1 && i == parts.length - 1;
                if (last && part.contains(".")) { // an embedded IPv4 tail counts as two groups: ::ffff:1.2.3.4
                    if (!isIpv4(part)) {
                        return false;
                    }
                    groups += 2;
                } else if (part.isEmpty() || part.length() > 4
                        || !part.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                    return false;
                } else {
                    groups++;
                }
            }
        }
        return doubleColon >= 0 ? groups <= 7 : groups == 8;
    }

    static boolean isIpLiteral(String s) {
        return isIpv4(s) || isIpv6(s);
    }

    /** An RFC 1123 host name (underscores tolerated, as resolvers do), optionally with a trailing dot. */
    static boolean isHostName(String s) {
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (name.isEmpty() || name.length() > 253 || name.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
            return false; // all digits and dots would be a broken IPv4 literal, not a name
        }
        for (String label : name.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** {@code [::1]} becomes {@code ::1}; anything else is returned as is. */
    static String stripBrackets(String address) {
        return address.length() > 2 && address.startsWith("[") && address.endsWith("]")
                ? address.substring(1, address.length() - 1) : address;
    }

    /**
     * A virtual host domain: {@code *}, {@code *.suffix}, {@code prefix.*}, an exact host name, or an IP literal
     * (IPv6 in brackets). A port is not allowed: domains are matched against the Host without its port.
     */
    static boolean isDomain(String d) {
        if (d.equals("*")) {
            return true;
        }
        if (d.startsWith("[")) {
            return d.endsWith("]") && isIpv6(d.substring(1, d.length() - 1));
        }
        String rest = d.startsWith("*.") ? d.substring(2) : d.endsWith(".*") ? d.substring(0, d.length() - 2) : d;
        return !rest.isEmpty() && !rest.startsWith(".") && !rest.endsWith(".") && !rest.contains("..")
                && DOMAIN_CHARS.matcher(rest).matches();
    }
}
