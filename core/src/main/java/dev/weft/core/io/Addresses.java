package dev.weft.core.io;

import java.net.InetSocketAddress;

/** How Weft writes addresses in stats, logs, headers and messages: {@code 10.0.0.1:80}, {@code [::1]:80}. */
public final class Addresses {
    private Addresses() {
    }

    /** A host or IP as it goes before {@code :port}: IPv6 literals in brackets (RFC 3986 section 3.2.2). */
    public static String literal(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** True for an IPv4 dotted quad or an IPv6 literal (no brackets, no zone), checked without a DNS lookup. */
    public static boolean isIpLiteral(String s) {
        if (s == null || s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return false;
                }
            }
            try {
                java.net.InetAddress.getByName(s); // a string with ':' is parsed as an IPv6 literal, never looked up
                return true;
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3) {
                return false;
            }
            for (int i = 0; i < p.length(); i++) {
                if (p.charAt(i) < '0' || p.charAt(i) > '9') {
                    return false;
                }
            }
            if (Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }

    /** {@code ip:port} of a resolved address. */
    public static String of(InetSocketAddress a) {
        return literal(a.getAddress().getHostAddress()) + ":" + a.getPort();
    }
}
