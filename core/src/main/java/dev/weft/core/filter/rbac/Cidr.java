package dev.weft.core.filter.rbac;

import dev.weft.core.io.Addresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Envoy's {@code config.core.v3.CidrRange}: an IPv4 or IPv6 network, matched by comparing the first
 * {@code prefix_len} bits of an address. An IPv4 range never matches an IPv6 address and the other way round, except
 * that IPv4-mapped IPv6 addresses ({@code ::ffff:10.0.0.1}) are IPv4 addresses (the JDK reports them as such).
 * Host bits given in the prefix are ignored, as in Envoy ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). Immutable.
 */
public final class Cidr {
    private final boolean ipv6;
    private final int prefixLength;
    private final int network4;
    private final int mask4;
    private final long networkHigh;
    private final long networkLow;
    private final long maskHigh;
    private final long maskLow;

    private Cidr(byte[] address, int prefixLength) {
        this.ipv6 = address.length == 16;
        this.prefixLength = prefixLength;
        if (ipv6) {
            maskHigh = mask64(Math.min(prefixLength, 64));
            maskLow = mask64(Math.max(prefixLength - 64, 0));
            networkHigh = word(address, 0) & maskHigh;
            networkLow = word(address, 8) & maskLow;
            mask4 = 0;
            network4 = 0;
        } else {
            mask4 = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
            network4 = ipv4(address) & mask4;
            maskHigh = maskLow = networkHigh = networkLow = 0;
        }
    }

    /**
     * Parses {@code address_prefix} / {@code prefix_len}.
     *
     * @throws IllegalArgumentException with a message for the config error
     */
    public static Cidr parse(String address, int prefixLength) {
        if (!Addresses.isIpLiteral(address)) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress(); // a literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 or IPv6 address");
        }
        int max = bytes.length * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix_len must be 0.." + max + " for " + address);
        }
        return new Cidr(bytes, prefixLength);
    }

    /** False for null. */
    public boolean matches(InetAddress a) {
        if (a instanceof Inet4Address) {
            // Inet4Address.hashCode() is its address as an int (the JDK's implementation since 1.0, checked by
            // CidrTest): unlike getAddress() it copies nothing
            return !ipv6 && (a.hashCode() & mask4) == network4;
        }
        if (a instanceof Inet6Address) {
            if (!ipv6) {
                return false;
            }
            byte[] b = a.getAddress();
            return (word(b, 0) & maskHigh) == networkHigh && (word(b, 8) & maskLow) == networkLow;
        }
        return false;
    }

    /**
     * Matches an address in text form (e.g. {@code FilterRequest.remoteIp()}): IPv4 dotted quads are parsed here
     * without allocating, IPv6 literals by the JDK. False for null or anything that is not an IP literal.
     */
    public boolean matchesText(String ip) {
        if (ip == null || ip.isEmpty()) {
            return false;
        }
        if (ip.indexOf(':') < 0) {
            long v4 = parseIpv4(ip);
            return v4 >= 0 && !ipv6 && ((int) v4 & mask4) == network4;
        }
        if (!Addresses.isIpLiteral(ip)) {
            return false;
        }
        try {
            return matches(InetAddress.getByName(ip));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A dotted quad as an unsigned 32-bit value, or -1 when {@code s} is not one. */
    static long parseIpv4(String s) {
        long value = 0;
        int part = 0;
        int digits = 0;
        int parts = 0;
        for (int i = 0, n = s.length(); i <= n; i++) {
            char c = i == n ? '.' : s.charAt(i);
            if (c == '.') {
                if (digits == 0 || part > 255 || ++parts > 4) {
                    return -1;
                }
                value = value << 8 | part;
                part = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9' && digits < 3) {
                part = part * 10 + (c - '0');
                digits++;
            } else {
                return -1;
            }
        }
        return parts == 4 ? value : -1;
    }

    private static long mask64(int bits) {
        return bits == 0 ? 0 : -1L << (64 - bits);
    }

    private static long word(byte[] b, int offset) {
        long w = 0;
        for (int i = offset; i < offset + 8; i++) {
            w = w << 8 | (b[i] & 0xff);
        }
        return w;
    }

    private static int ipv4(byte[] b) {
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    @Override
    public String toString() {
        byte[] b;
        if (ipv6) {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (networkHigh >>> (56 - 8 * i));
                b[8 + i] = (byte) (networkLow >>> (56 - 8 * i));
            }
        } else {
            b = new byte[] {(byte) (network4 >>> 24), (byte) (network4 >>> 16), (byte) (network4 >>> 8),
                    (byte) network4};
        }
        try {
            return InetAddress.getByAddress(b).getHostAddress() + "/" + prefixLength;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // 4 or 16 bytes are always an address
        }
    }
}
