package dev.weft.core.accesslog;

/**
 * Renders an {@link AccessLogEntry} as one JSON object with snake_case keys, always the same keys in the same order.
 *
 * <p>Missing strings are {@code null}; {@code upstream_service_time_ms} is {@code null} without an upstream answer;
 * durations are decimal milliseconds with microsecond precision. Strings are escaped per RFC 8259 section 7: quote,
 * backslash and every control character (U+0000..U+001F, plus U+007F, U+2028 and U+2029 for JavaScript consumers)
 * are escaped; other non-ASCII text is kept and written as UTF-8; an unpaired surrogate, which UTF-8 cannot encode,
 * becomes U+FFFD. The result is valid JSON for any input.
 */
final class JsonLine {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonLine() {}

    static void append(StringBuilder out, AccessLogEntry e) {
        out.append("{\"start_time\":\"");
        StartTimeFormat.ISO_MILLIS.append(out, e.startTimeMillis());
        out.append('"');
        string(out, "method", e.method());
        string(out, "authority", e.authority());
        string(out, "path", e.path());
        string(out, "protocol", e.protocol());
        out.append(",\"response_code\":").append(e.status());
        string(out, "response_flags", flags(e.responseFlags()));
        out.append(",\"bytes_received\":").append(e.bytesReceived());
        out.append(",\"bytes_sent\":").append(e.bytesSent());
        out.append(",\"duration_ms\":");
        millis(out, e.durationMicros());
        out.append(",\"upstream_service_time_ms\":");
        if (e.upstreamServiceTimeMicros() < 0) {
            out.append("null");
        } else {
            millis(out, e.upstreamServiceTimeMicros());
        }
        string(out, "upstream_host", e.upstreamHost());
        string(out, "upstream_cluster", e.upstreamCluster());
        string(out, "route_name", e.routeName());
        string(out, "request_id", e.requestId());
        string(out, "user_agent", e.userAgent());
        string(out, "x_forwarded_for", e.forwardedFor());
        string(out, "downstream_remote_address", e.downstreamRemoteAddress());
        string(out, "downstream_local_address", e.downstreamLocalAddress());
        string(out, "downstream_peer_uri_san", e.downstreamPeerUriSan());
        string(out, "downstream_peer_subject", e.downstreamPeerSubject());
        string(out, "tls_version", e.tlsVersion());
        string(out, "tls_cipher", e.tlsCipher());
        string(out, "policy_decision", e.policyDecision());
        string(out, "response_code_details", e.responseCodeDetails());
        out.append(",\"dynamic_metadata\":{");
        boolean first = true;
        for (java.util.Map.Entry<String, String> m : e.metadata().entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append('"');
            escape(out, m.getKey());
            out.append("\":");
            if (m.getValue() == null) {
                out.append("null");
            } else {
                out.append('"');
                escape(out, m.getValue());
                out.append('"');
            }
        }
        out.append("}}");
    }

    static String flags(String flags) {
        return flags == null || flags.isEmpty() ? AccessLogEntry.NO_FLAGS : flags;
    }

    /** Microseconds as decimal milliseconds, e.g. 12345 -> 12.345. */
    static void millis(StringBuilder out, long micros) {
        if (micros < 0) {
            out.append('-');
            micros = micros == Long.MIN_VALUE ? Long.MAX_VALUE : -micros;
        }
        out.append(micros / 1000).append('.');
        long frac = micros % 1000;
        if (frac < 100) {
            out.append('0');
        }
        if (frac < 10) {
            out.append('0');
        }
        out.append(frac);
    }

    private static void string(StringBuilder out, String key, String value) {
        out.append(",\"").append(key).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        escape(out, value);
        out.append('"');
    }

    static void escape(StringBuilder out, String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029') {
                        unicodeEscape(out, c);
                    } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                        out.append(c).append(s.charAt(++i));
                    } else if (Character.isSurrogate(c)) {
                        out.append('\uFFFD');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    private static void unicodeEscape(StringBuilder out, char c) {
        out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
    }
}
