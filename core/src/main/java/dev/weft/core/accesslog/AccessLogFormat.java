package dev.weft.core.accesslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Turns an {@link AccessLogEntry} into one log line: either Envoy's text format with command operators
 * ({@link #parse}) or one JSON object ({@link #json()}).
 *
 * <p>Immutable and thread-safe: one instance is shared by every connection, which formats on its own thread.
 *
 * <p>Text format rules, as in Envoy: literal text passes through, {@code %%} is a literal percent, a missing value
 * prints {@code "-"} (an empty string counts as missing). Unlike Envoy, control characters in values are written as
 * {@code \xHH} so that one entry is always exactly one line (no log injection through a header). Everything is
 * checked when the format is parsed: an unknown operator, or a request header that Weft does not keep in the entry, is
 * an {@link IllegalArgumentException} naming it and its position.
 */
public final class AccessLogFormat {
    /** Envoy's default access log format. */
    public static final String DEFAULT_FORMAT = "[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% "
            + "%PROTOCOL%\" %RESPONSE_CODE% %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
            + "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% \"%REQ(X-FORWARDED-FOR)%\" \"%REQ(USER-AGENT)%\" "
            + "\"%REQ(X-REQUEST-ID)%\" \"%REQ(:AUTHORITY)%\" \"%UPSTREAM_HOST%\"";

    private static final AccessLogFormat JSON = new AccessLogFormat("json", new Part[] {JsonLine::append});

    /** One piece of a line: literal text or a command operator. */
    @FunctionalInterface
    private interface Part {
        void append(StringBuilder out, AccessLogEntry e);
    }

    /**
     * The request headers {@code %REQ(X)%} can name, lower case. The entry keeps only these; x-envoy-original-path is
     * accepted for Envoy's default format and is always absent, because {@link AccessLogEntry#path()} already is the
     * path as received, before any rewrite.
     */
    private static final Map<String, Function<AccessLogEntry, String>> REQUEST_HEADERS = new LinkedHashMap<>();
    /** Operators without an argument. */
    private static final Map<String, Part> SIMPLE = new LinkedHashMap<>();

    static {
        REQUEST_HEADERS.put(":method", AccessLogEntry::method);
        REQUEST_HEADERS.put(":path", AccessLogEntry::path);
        REQUEST_HEADERS.put(":authority", AccessLogEntry::authority);
        REQUEST_HEADERS.put("host", AccessLogEntry::authority);
        REQUEST_HEADERS.put("user-agent", AccessLogEntry::userAgent);
        REQUEST_HEADERS.put("x-request-id", AccessLogEntry::requestId);
        REQUEST_HEADERS.put("x-forwarded-for", AccessLogEntry::forwardedFor);
        REQUEST_HEADERS.put("x-envoy-original-path", e -> null);

        SIMPLE.put("PROTOCOL", text(AccessLogEntry::protocol));
        SIMPLE.put("RESPONSE_CODE", number(AccessLogEntry::status));
        SIMPLE.put("RESPONSE_FLAGS", text(e -> JsonLine.flags(e.responseFlags())));
        SIMPLE.put("RESPONSE_CODE_DETAILS", text(AccessLogEntry::responseCodeDetails));
        SIMPLE.put("BYTES_RECEIVED", number(AccessLogEntry::bytesReceived));
        SIMPLE.put("BYTES_SENT", number(AccessLogEntry::bytesSent));
        SIMPLE.put("DURATION", (out, e) -> millis(out, e.durationMicros()));
        SIMPLE.put("UPSTREAM_HOST", text(AccessLogEntry::upstreamHost));
        SIMPLE.put("UPSTREAM_CLUSTER", text(AccessLogEntry::upstreamCluster));
        SIMPLE.put("ROUTE_NAME", text(AccessLogEntry::routeName));
        SIMPLE.put("DOWNSTREAM_REMOTE_ADDRESS", text(AccessLogEntry::downstreamRemoteAddress));
        SIMPLE.put("DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT",
                text(e -> withoutPort(e.downstreamRemoteAddress())));
        SIMPLE.put("DOWNSTREAM_LOCAL_ADDRESS", text(AccessLogEntry::downstreamLocalAddress));
        SIMPLE.put("DOWNSTREAM_PEER_URI_SAN", text(AccessLogEntry::downstreamPeerUriSan));
        SIMPLE.put("DOWNSTREAM_PEER_SUBJECT", text(AccessLogEntry::downstreamPeerSubject));
        SIMPLE.put("DOWNSTREAM_TLS_VERSION", text(AccessLogEntry::tlsVersion));
        SIMPLE.put("DOWNSTREAM_TLS_CIPHER", text(AccessLogEntry::tlsCipher));
        SIMPLE.put("POLICY_DECISION", text(AccessLogEntry::policyDecision));
    }

    private static final String UPSTREAM_SERVICE_TIME = "x-envoy-upstream-service-time";
    private static final String SUPPORTED = "START_TIME, START_TIME(pattern), REQ(header), REQ(header?alternative), "
            + "REQ(header):N, RESP(X-ENVOY-UPSTREAM-SERVICE-TIME), DYNAMIC_METADATA(NAMESPACE:KEY):N, " + String.join(", ", SIMPLE.keySet());

    private final String source;
    private final Part[] parts;

    private AccessLogFormat(String source, Part[] parts) {
        this.source = source;
        this.parts = parts;
    }

    /** One JSON object per line; see {@link JsonLine} for keys, missing values and escaping. */
    public static AccessLogFormat json() {
        return JSON;
    }

    /** Envoy's default text format, {@link #DEFAULT_FORMAT}. */
    public static AccessLogFormat envoyDefault() {
        return parse(DEFAULT_FORMAT);
    }

    /**
     * Parses an Envoy format string.
     *
     * @throws IllegalArgumentException naming the first unknown operator, unsupported header or syntax error and its
     *     position (0-based index into {@code envoyFormat})
     */
    public static AccessLogFormat parse(String envoyFormat) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        String s = envoyFormat;
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            int start = i;
            int j = i + 1;
            while (j < s.length() && isNameChar(s.charAt(j))) {
                j++;
            }
            String name = s.substring(i + 1, j);
            if (name.isEmpty()) {
                throw error(s, start, "'%' is not followed by a command operator (write %% for a literal percent)");
            }
            String arg = null;
            if (j < s.length() && s.charAt(j) == '(') {
                int close = s.indexOf(')', j + 1);
                if (close < 0) {
                    throw error(s, start, "command operator %" + name + "( has no closing ')'");
                }
                arg = s.substring(j + 1, close);
                j = close + 1;
            }
            int maxLength = -1;
            if (j < s.length() && s.charAt(j) == ':') {
                int k = j + 1;
                while (k < s.length() && k - j <= 9 && Character.isDigit(s.charAt(k))) {
                    k++;
                }
                if (k == j + 1) {
                    throw error(s, start, "expected a length after ':' in command operator %" + name);
                }
                maxLength = Integer.parseInt(s, j + 1, k, 10);
                if (maxLength == 0) {
                    throw error(s, start, "the length after ':' must be at least 1 in command operator %" + name);
                }
                j = k;
            }
            if (j >= s.length() || s.charAt(j) != '%') {
                throw error(s, start, "command operator %" + name + " is not closed by '%'");
            }
            String operator = s.substring(start, j + 1);
            if (!literal.isEmpty()) {
                String text = literal.toString();
                parts.add((out, e) -> out.append(text));
                literal.setLength(0);
            }
            parts.add(operator(s, start, operator, name, arg, maxLength));
            i = j + 1;
        }
        if (!literal.isEmpty()) {
            String text = literal.toString();
            parts.add((out, e) -> out.append(text));
        }
        return new AccessLogFormat(envoyFormat, parts.toArray(new Part[0]));
    }

    /** The line for {@code e}, without a trailing newline. */
    public String format(AccessLogEntry e) {
        StringBuilder out = new StringBuilder(256);
        for (Part p : parts) {
            p.append(out, e);
        }
        return out.toString();
    }

    /** The format string this was parsed from, or "json". */
    @Override
    public String toString() {
        return source;
    }

    private static Part operator(String s, int at, String operator, String name, String arg, int maxLength) {
        Part part;
        switch (name) {
            case "START_TIME" -> {
                StartTimeFormat time;
                try {
                    time = StartTimeFormat.parse(arg);
                } catch (IllegalArgumentException e) {
                    throw error(s, at, "invalid " + operator, e.getMessage());
                }
                part = (out, e) -> time.append(out, e.startTimeMillis());
            }
            case "REQ" -> part = requestHeader(s, at, operator, arg);
            case "DYNAMIC_METADATA" -> {
                // Envoy's %DYNAMIC_METADATA(NAMESPACE:KEY)%, e.g. %DYNAMIC_METADATA(rbac:shadow_effective_policy_id)%
                if (arg == null || arg.indexOf(':') <= 0 || arg.indexOf(':') == arg.length() - 1) {
                    throw error(s, at, "command operator " + operator + " needs NAMESPACE:KEY",
                            "e.g. %DYNAMIC_METADATA(rbac:effective_policy_id)%");
                }
                String key = arg;
                part = text(e -> e.metadata().get(key));
            }
            case "RESP" -> {
                if (arg == null || !arg.toLowerCase(Locale.ROOT).equals(UPSTREAM_SERVICE_TIME)) {
                    throw error(s, at, "unsupported response header in " + operator,
                            "supported: X-ENVOY-UPSTREAM-SERVICE-TIME");
                }
                part = (out, e) -> millis(out, e.upstreamServiceTimeMicros());
            }
            default -> {
                part = SIMPLE.get(name);
                if (part == null) {
                    throw error(s, at, "unknown command operator " + operator, "supported: " + SUPPORTED);
                }
                if (arg != null) {
                    throw error(s, at, "command operator %" + name + "% takes no argument, got " + operator);
                }
            }
        }
        if (maxLength > 0) {
            if (!name.equals("REQ") && !name.equals("RESP") && !name.equals("DYNAMIC_METADATA")) {
                throw error(s, at, "a length limit (:N) is only allowed on REQ and RESP, got " + operator);
            }
            return truncated(part, maxLength);
        }
        return part;
    }

    private static Part requestHeader(String s, int at, String operator, String arg) {
        if (arg == null || arg.isEmpty()) {
            throw error(s, at, "command operator " + operator + " needs a header name: %REQ(name)%");
        }
        int q = arg.indexOf('?');
        Function<AccessLogEntry, String> main = header(s, at, operator, q < 0 ? arg : arg.substring(0, q));
        if (q < 0) {
            return text(main);
        }
        Function<AccessLogEntry, String> alternative = header(s, at, operator, arg.substring(q + 1));
        return text(e -> {
            String v = main.apply(e);
            return v == null || v.isEmpty() ? alternative.apply(e) : v;
        });
    }

    private static Function<AccessLogEntry, String> header(String s, int at, String operator, String name) {
        Function<AccessLogEntry, String> f = REQUEST_HEADERS.get(name.toLowerCase(Locale.ROOT));
        if (f == null) {
            throw error(s, at, "request header \"" + name + "\" in " + operator
                    + " is not kept in the access log entry",
                    "supported: " + String.join(", ", REQUEST_HEADERS.keySet()));
        }
        return f;
    }

    private static Part text(Function<AccessLogEntry, String> value) {
        return (out, e) -> appendText(out, value.apply(e));
    }

    private static Part number(ToLongFunction<AccessLogEntry> value) {
        return (out, e) -> out.append(value.applyAsLong(e));
    }

    private static Part truncated(Part part, int maxLength) {
        return (out, e) -> {
            int mark = out.length();
            part.append(out, e);
            if (out.length() - mark > maxLength) {
                int end = mark + maxLength;
                if (Character.isHighSurrogate(out.charAt(end - 1))) {
                    end--; // don't split a surrogate pair
                }
                out.setLength(end);
            }
        };
    }

    /** Whole milliseconds, as Envoy prints %DURATION%; "-" when negative (unknown). */
    private static void millis(StringBuilder out, long micros) {
        if (micros < 0) {
            out.append('-');
        } else {
            out.append(micros / 1000);
        }
    }

    private static void appendText(StringBuilder out, String v) {
        if (v == null || v.isEmpty()) {
            out.append('-');
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
    }

    /** "1.2.3.4:80" -> "1.2.3.4", "[::1]:80" -> "::1"; an address without a port is returned as is. */
    static String withoutPort(String address) {
        if (address == null) {
            return null;
        }
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return close < 0 ? address : address.substring(1, close);
        }
        int colon = address.indexOf(':');
        if (colon < 0 || colon != address.lastIndexOf(':')) {
            return address; // no port, or a bare IPv6 address
        }
        return address.substring(0, colon);
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    private static IllegalArgumentException error(String format, int position, String problem) {
        return error(format, position, problem, null);
    }

    private static IllegalArgumentException error(String format, int position, String problem, String help) {
        return new IllegalArgumentException(problem + " at position " + position + " (0-based) of access log format \""
                + format + "\"" + (help == null ? "" : "; " + help));
    }

}
