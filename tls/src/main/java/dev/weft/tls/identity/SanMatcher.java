package dev.weft.tls.identity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One rule a peer's subject alternative names must satisfy, like Envoy's {@code match_typed_subject_alt_names}.
 *
 * <p>DNS names compare case-insensitively for every kind but REGEX (DNS is case-insensitive, RFC 4343); an EXACT DNS
 * matcher also accepts a certificate wildcard SAN ({@code *.example.com} covers {@code a.example.com}, one label only,
 * RFC 6125 section 6.4.3). REGEX matches the whole name. IP EXACT compares addresses, so {@code ::1} equals
 * {@code 0:0:0:0:0:0:0:1}.
 *
 * @param type which SANs to look at; ANY looks at DNS, URI and IP SANs
 * @param kind how to compare
 * @param value the string to compare with (for REGEX: the pattern source)
 * @param regex the compiled pattern for REGEX, compiled from {@code value} when null
 */
public record SanMatcher(Type type, Kind kind, String value, Pattern regex) {

    /** Which SANs a matcher looks at. */
    public enum Type { DNS, URI, IP, ANY }

    /** How a matcher compares. */
    public enum Kind { EXACT, PREFIX, SUFFIX, REGEX }

    public SanMatcher {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kind, "kind");
        if (kind == Kind.REGEX) {
            if (regex == null) {
                regex = Pattern.compile(Objects.requireNonNull(value, "value"));
            }
            if (value == null) {
                value = regex.pattern();
            }
        } else {
            Objects.requireNonNull(value, "value");
            if (value.isEmpty()) {
                throw new IllegalArgumentException("an empty " + kind + " matcher would match every " + type + " SAN");
            }
        }
    }

    public static SanMatcher exact(Type type, String value) {
        return new SanMatcher(type, Kind.EXACT, value, null);
    }

    public static SanMatcher prefix(Type type, String value) {
        return new SanMatcher(type, Kind.PREFIX, value, null);
    }

    public static SanMatcher suffix(Type type, String value) {
        return new SanMatcher(type, Kind.SUFFIX, value, null);
    }

    public static SanMatcher regex(Type type, String pattern) {
        return new SanMatcher(type, Kind.REGEX, pattern, null);
    }

    /** True when no matchers are configured (no constraint) or any one of them matches. */
    public static boolean anyMatches(List<SanMatcher> matchers, PeerIdentity peer) {
        if (matchers.isEmpty()) {
            return true;
        }
        for (SanMatcher matcher : matchers) {
            if (matcher.matches(peer)) {
                return true;
            }
        }
        return false;
    }

    public boolean matches(PeerIdentity peer) {
        return switch (type) {
            case DNS -> anyDns(peer.dnsSans());
            case URI -> anyPlain(peer.uriSans());
            case IP -> anyIp(peer.ipSans());
            case ANY -> anyDns(peer.dnsSans()) || anyPlain(peer.uriSans()) || anyIp(peer.ipSans());
        };
    }

    private boolean anyDns(List<String> sans) {
        for (String san : sans) {
            if (kind == Kind.REGEX ? regex.matcher(san).matches() : dnsMatches(san)) {
                return true;
            }
        }
        return false;
    }

    private boolean dnsMatches(String san) {
        String name = normalizeDns(san);
        String wanted = normalizeDns(value);
        return switch (kind) {
            case EXACT -> name.equals(wanted) || wildcardCovers(name, wanted);
            case PREFIX -> name.startsWith(wanted);
            case SUFFIX -> name.endsWith(wanted);
            case REGEX -> throw new AssertionError("handled by the caller");
        };
    }

    private boolean anyPlain(List<String> sans) {
        for (String san : sans) {
            if (plainMatches(san)) {
                return true;
            }
        }
        return false;
    }

    private boolean plainMatches(String san) {
        return switch (kind) {
            case EXACT -> san.equals(value);
            case PREFIX -> san.startsWith(value);
            case SUFFIX -> san.endsWith(value);
            case REGEX -> regex.matcher(san).matches();
        };
    }

    private boolean anyIp(List<String> sans) {
        for (String san : sans) {
            if (kind == Kind.EXACT ? sameAddress(san, value) : plainMatches(san)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a certificate or configured DNS name ({@code pattern}, possibly {@code *.example.com}) covers
     * {@code name}: case-insensitive, trailing dot ignored, wildcard as in {@link #wildcardCovers}.
     */
    public static boolean dnsNameCovers(String pattern, String name) {
        String p = normalizeDns(pattern);
        String n = normalizeDns(name);
        return p.equals(n) || wildcardCovers(p, n);
    }

    /**
     * RFC 6125 section 6.4.3: a wildcard is the whole left-most label and covers exactly one label; it must be
     * followed by at least two labels so that {@code *.com} covers nothing.
     */
    static boolean wildcardCovers(String pattern, String name) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        String base = pattern.substring(1); // ".example.com"
        if (base.indexOf('.', 1) < 0 || base.indexOf('*') >= 0) {
            return false;
        }
        if (!name.endsWith(base)) {
            return false;
        }
        String label = name.substring(0, name.length() - base.length());
        return !label.isEmpty() && label.indexOf('.') < 0;
    }

    private static String normalizeDns(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static boolean sameAddress(String a, String b) {
        if (a.equalsIgnoreCase(b)) {
            return true;
        }
        if (!isIpLiteral(a) || !isIpLiteral(b)) {
            return false;
        }
        try {
            // literals only (checked above), so getByName never resolves through DNS
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        if (s.indexOf(':') >= 0) {
            return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        }
        return s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && s.chars().filter(c -> c == '.').count() == 3;
    }
}
