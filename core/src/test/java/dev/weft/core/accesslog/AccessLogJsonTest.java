package dev.weft.core.accesslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class AccessLogJsonTest {
    private static final List<String> KEYS = List.of("start_time", "method", "authority", "path", "protocol",
            "response_code", "response_flags", "bytes_received", "bytes_sent", "duration_ms",
            "upstream_service_time_ms", "upstream_host", "upstream_cluster", "route_name", "request_id", "user_agent",
            "x_forwarded_for", "downstream_remote_address", "downstream_local_address", "downstream_peer_uri_san",
            "downstream_peer_subject", "tls_version", "tls_cipher", "policy_decision", "response_code_details", "dynamic_metadata");

    /** Every string field of the entry with its JSON key. */
    private static final Map<String, BiConsumer<AccessLogEntry, String>> STRING_FIELDS = Map.ofEntries(
            Map.entry("method", AccessLogEntry::method),
            Map.entry("authority", AccessLogEntry::authority),
            Map.entry("path", AccessLogEntry::path),
            Map.entry("protocol", AccessLogEntry::protocol),
            Map.entry("response_flags", AccessLogEntry::responseFlags),
            Map.entry("upstream_host", AccessLogEntry::upstreamHost),
            Map.entry("upstream_cluster", AccessLogEntry::upstreamCluster),
            Map.entry("route_name", AccessLogEntry::routeName),
            Map.entry("request_id", AccessLogEntry::requestId),
            Map.entry("user_agent", AccessLogEntry::userAgent),
            Map.entry("x_forwarded_for", AccessLogEntry::forwardedFor),
            Map.entry("downstream_remote_address", AccessLogEntry::downstreamRemoteAddress),
            Map.entry("downstream_local_address", AccessLogEntry::downstreamLocalAddress),
            Map.entry("downstream_peer_uri_san", AccessLogEntry::downstreamPeerUriSan),
            Map.entry("downstream_peer_subject", AccessLogEntry::downstreamPeerSubject),
            Map.entry("tls_version", AccessLogEntry::tlsVersion),
            Map.entry("tls_cipher", AccessLogEntry::tlsCipher),
            Map.entry("policy_decision", AccessLogEntry::policyDecision),
            Map.entry("response_code_details", AccessLogEntry::responseCodeDetails));

    static AccessLogEntry sample() {
        return new AccessLogEntry()
                .startTimeMillis(Instant.parse("2024-05-01T12:34:56.789Z").toEpochMilli())
                .method("GET")
                .authority("example.com")
                .path("/api/v1/items?id=7")
                .protocol("HTTP/1.1")
                .status(200)
                .bytesReceived(12)
                .bytesSent(3456)
                .durationMicros(15_678)
                .upstreamServiceTimeMicros(9_876)
                .upstreamHost("10.1.2.3:8080")
                .upstreamCluster("items")
                .routeName("items-route")
                .requestId("req-1")
                .userAgent("curl/8.5.0")
                .forwardedFor("10.0.0.1")
                .downstreamRemoteAddress("192.168.1.5:51234")
                .downstreamLocalAddress("10.0.0.2:8443")
                .downstreamPeerUriSan("spiffe://weft.test/ns/default/sa/client")
                .downstreamPeerSubject("CN=client,O=Weft")
                .tlsVersion("TLSv1.3")
                .tlsCipher("TLS_AES_128_GCM_SHA256")
                .policyDecision("allow")
                .metadata(Map.of("rbac:effective_policy_id", "frontend-orders"))
                .responseCodeDetails("via_upstream");
    }

    private static Map<String, Object> roundTrip(AccessLogEntry e) {
        String line = AccessLogFormat.json().format(e);
        assertFalse(line.contains("\n"), line);
        for (int i = 0; i < line.length(); i++) {
            assertTrue(line.charAt(i) >= 0x20, "raw control character at " + i);
        }
        // What reaches the file is UTF-8: it must decode back to the same text.
        assertEquals(line, new String(line.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
        return MiniJson.object(line);
    }

    @Test
    void writesEveryKeyInOrderWithTypedValues() {
        Map<String, Object> m = roundTrip(sample());
        assertEquals(KEYS, List.copyOf(m.keySet()));
        assertEquals("2024-05-01T12:34:56.789Z", m.get("start_time"));
        assertEquals("GET", m.get("method"));
        assertEquals("/api/v1/items?id=7", m.get("path"));
        assertEquals(new BigDecimal("200"), m.get("response_code"));
        assertEquals("-", m.get("response_flags"));
        assertEquals(new BigDecimal("12"), m.get("bytes_received"));
        assertEquals(new BigDecimal("3456"), m.get("bytes_sent"));
        assertEquals(new BigDecimal("15.678"), m.get("duration_ms"));
        assertEquals(new BigDecimal("9.876"), m.get("upstream_service_time_ms"));
        assertEquals("spiffe://weft.test/ns/default/sa/client", m.get("downstream_peer_uri_san"));
        assertEquals("allow", m.get("policy_decision"));
        assertEquals("via_upstream", m.get("response_code_details"));
        assertEquals(Map.of("rbac:effective_policy_id", "frontend-orders"), m.get("dynamic_metadata"));
    }

    @Test
    void missingValuesAreNullAndKeysStayPresent() {
        AccessLogEntry e = sample();
        e.reset();
        Map<String, Object> m = roundTrip(e);
        assertEquals(KEYS, List.copyOf(m.keySet()));
        assertEquals("1970-01-01T00:00:00.000Z", m.get("start_time"));
        assertNull(m.get("method"));
        assertNull(m.get("policy_decision"));
        assertNull(m.get("upstream_service_time_ms"));
        assertEquals(new BigDecimal("0"), m.get("response_code"));
        assertEquals("-", m.get("response_flags"));
        assertEquals(new BigDecimal("0.000"), m.get("duration_ms"));
    }

    @Test
    void durationsKeepMicrosecondPrecision() {
        AccessLogEntry e = sample().durationMicros(5).upstreamServiceTimeMicros(0);
        Map<String, Object> m = roundTrip(e);
        assertEquals(new BigDecimal("0.005"), m.get("duration_ms"));
        assertEquals(new BigDecimal("0.000"), m.get("upstream_service_time_ms"));
        assertEquals(new BigDecimal("1234567.890"), roundTrip(e.durationMicros(1_234_567_890)).get("duration_ms"));
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        StringBuilder controls = new StringBuilder();
        for (char c = 0; c < 0x20; c++) {
            controls.append(c);
        }
        controls.append('\u007f').append('\u2028').append('\u2029');
        String nasty = "\"quoted\" back\\slash \\\" \\u0041 </script>" + controls;
        AccessLogEntry e = sample().userAgent(nasty).path("/a\"b\\c\nd").policyDecision("\u0000");
        Map<String, Object> m = roundTrip(e);
        assertEquals(nasty, m.get("user_agent"));
        assertEquals("/a\"b\\c\nd", m.get("path"));
        assertEquals("\u0000", m.get("policy_decision"));
        String line = AccessLogFormat.json().format(e);
        assertTrue(line.contains("\\u0000"), line);
        assertTrue(line.contains("\\n"), line);
        assertTrue(line.contains("\\u2028"), line);
    }

    @Test
    void keepsNonAsciiAndReplacesUnpairedSurrogates() {
        AccessLogEntry e = sample()
                .userAgent("h\u00e9llo \u2713 \ud83d\ude00 \u65e5\u672c")
                .forwardedFor("lone high \ud800 then text")
                .requestId("lone low \udc00")
                .routeName("\ud83d") // high surrogate at the very end
                .authority("caf\u00e9.example\u00ff"); // latin-1 bytes decoded as chars, as a codec may produce
        Map<String, Object> m = roundTrip(e);
        assertEquals("h\u00e9llo \u2713 \ud83d\ude00 \u65e5\u672c", m.get("user_agent"));
        assertEquals("lone high \ufffd then text", m.get("x_forwarded_for"));
        assertEquals("lone low \ufffd", m.get("request_id"));
        assertEquals("\ufffd", m.get("route_name"));
        assertEquals("caf\u00e9.example\u00ff", m.get("authority"));
    }

    @Test
    void randomStringsAlwaysGiveValidJsonThatRoundTrips() {
        Random random = new Random(42);
        for (int round = 0; round < 2000; round++) {
            AccessLogEntry e = sample();
            Map<String, String> expected = new java.util.HashMap<>();
            for (Map.Entry<String, BiConsumer<AccessLogEntry, String>> f : STRING_FIELDS.entrySet()) {
                String v = random.nextInt(8) == 0 ? null : randomString(random);
                f.getValue().accept(e, v);
                expected.put(f.getKey(), v);
            }
            Map<String, Object> m = roundTrip(e);
            for (Map.Entry<String, String> x : expected.entrySet()) {
                String v = x.getValue();
                Object want = v == null ? null : withoutLoneSurrogates(v);
                if (x.getKey().equals("response_flags") && (v == null || v.isEmpty())) {
                    want = "-";
                }
                assertEquals(want, m.get(x.getKey()), x.getKey());
            }
        }
    }

    private static String randomString(Random random) {
        int n = random.nextInt(12);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(switch (random.nextInt(4)) {
                case 0 -> (char) random.nextInt(0x80); // ASCII incl. controls, quote, backslash
                case 1 -> (char) (0xd800 + random.nextInt(0x800)); // surrogates, paired or not
                default -> (char) random.nextInt(0x10000);
            });
        }
        return b.toString();
    }

    private static String withoutLoneSurrogates(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else {
                b.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return b.toString();
    }
}
