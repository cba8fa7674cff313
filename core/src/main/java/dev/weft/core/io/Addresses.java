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

    /** {@code ip:port} of a resolved address. */
    public static String of(InetSocketAddress a) {
        return literal(a.getAddress().getHostAddress()) + ":" + a.getPort();
    }
}
