package dev.weft.core.accesslog;

import static dev.weft.core.accesslog.AccessLogJsonTest.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessLogFormatTest {
    private static String format(String format, AccessLogEntry e) {
        return AccessLogFormat.parse(format).format(e);
    }

    @Test
    void defaultFormatMatchesEnvoysLayout() {
        assertEquals("[2024-05-01T12:34:56.789Z] \"GET /api/v1/items?id=7 HTTP/1.1\" 200 - 12 3456 15 9 \"10.0.0.1\" "
                + "\"curl/8.5.0\" \"req-1\" \"example.com\" \"10.1.2.3:8080\"",
                AccessLogFormat.parse(AccessLogFormat.DEFAULT_FORMAT).format(sample()));
    }

    @Test
    void defaultFormatForALocalReplyWithoutUpstream() {
        AccessLogEntry e = sample().status(503).responseFlags("UH").bytesSent(19).durationMicros(999)
                .upstreamServiceTimeMicros(-1).upstreamHost(null).forwardedFor(null).userAgent(null);
        assertEquals("[2024-05-01T12:34:56.789Z] \"GET /api/v1/items?id=7 HTTP/1.1\" 503 UH 12 19 0 - \"-\" \"-\" "
                + "\"req-1\" \"example.com\" \"-\"", AccessLogFormat.envoyDefault().format(e));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "%START_TIME%                                  | 2024-05-01T12:34:56.789Z",
        "%START_TIME()%                                | 2024-05-01T12:34:56.789Z",
        "%START_TIME(%Y-%m-%dT%H:%M:%E3SZ)%            | 2024-05-01T12:34:56.789Z",
        "%START_TIME(%Y/%m/%d %T.%3f %s %z %Z)%        | 2024/05/01 12:34:56.789 1714566896 +0000 UTC",
        "%START_TIME(%d/%b/%Y:%H:%M:%S %a %j %f)%      | 01/May/2024:12:34:56 Wed 122 789000000",
        "%START_TIME(%%%F%E1S)%                        | %2024-05-0156.7",
        "%START_TIME(yyyy-MM-dd HH:mm:ss.SSS)%         | 2024-05-01 12:34:56.789",
        "%REQ(:METHOD)%                                | GET",
        "%REQ(:PATH)%                                  | /api/v1/items?id=7",
        "%REQ(:AUTHORITY)%                             | example.com",
        "%REQ(host)%                                   | example.com",
        "%REQ(User-Agent)%                             | curl/8.5.0",
        "%REQ(X-REQUEST-ID)%                           | req-1",
        "%REQ(X-FORWARDED-FOR)%                        | 10.0.0.1",
        "%REQ(X-ENVOY-ORIGINAL-PATH)%                  | -",
        "%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%            | /api/v1/items?id=7",
        "%REQ(USER-AGENT?X-REQUEST-ID)%                | curl/8.5.0",
        "%REQ(USER-AGENT):4%                           | curl",
        "%REQ(:PATH):100%                              | /api/v1/items?id=7",
        "%PROTOCOL%                                    | HTTP/1.1",
        "%RESPONSE_CODE%                               | 200",
        "%RESPONSE_FLAGS%                              | -",
        "%RESPONSE_CODE_DETAILS%                       | via_upstream",
        "%BYTES_RECEIVED%                              | 12",
        "%BYTES_SENT%                                  | 3456",
        "%DURATION%                                    | 15",
        "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%         | 9",
        "%RESP(x-envoy-upstream-service-time):1%       | 9",
        "%UPSTREAM_HOST%                               | 10.1.2.3:8080",
        "%UPSTREAM_CLUSTER%                            | items",
        "%ROUTE_NAME%                                  | items-route",
        "%DOWNSTREAM_REMOTE_ADDRESS%                   | 192.168.1.5:51234",
        "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%      | 192.168.1.5",
        "%DOWNSTREAM_LOCAL_ADDRESS%                    | 10.0.0.2:8443",
        "%DOWNSTREAM_PEER_URI_SAN%                     | spiffe://weft.test/ns/default/sa/client",
        "%DOWNSTREAM_PEER_SUBJECT%                     | 'CN=client,O=Weft'",
        "%DOWNSTREAM_TLS_VERSION%                      | TLSv1.3",
        "%DOWNSTREAM_TLS_CIPHER%                       | TLS_AES_128_GCM_SHA256",
        "%POLICY_DECISION%                             | allow",
        "100%% of %PROTOCOL%%%                         | 100% of HTTP/1.1%",
        "'no operators, just text'                     | 'no operators, just text'",
        "''                                            | ''",
    })
    void formatsEachOperator(String format, String expected) {
        assertEquals(expected == null ? "" : expected, format(format == null ? "" : format, sample()));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "%REQ(:METHOD)%", "%REQ(:PATH)%", "%REQ(:AUTHORITY)%", "%REQ(USER-AGENT)%", "%REQ(X-REQUEST-ID)%",
        "%REQ(X-FORWARDED-FOR)%", "%PROTOCOL%", "%RESPONSE_CODE_DETAILS%", "%DURATION%",
        "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%", "%UPSTREAM_HOST%", "%UPSTREAM_CLUSTER%", "%ROUTE_NAME%",
        "%DOWNSTREAM_REMOTE_ADDRESS%", "%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", "%DOWNSTREAM_LOCAL_ADDRESS%",
        "%DOWNSTREAM_PEER_URI_SAN%", "%DOWNSTREAM_PEER_SUBJECT%", "%DOWNSTREAM_TLS_VERSION%", "%DOWNSTREAM_TLS_CIPHER%", "%POLICY_DECISION%",
        "%RESPONSE_FLAGS%",
    })
    void missingValuesPrintADash(String format) {
        AccessLogEntry e = new AccessLogEntry().durationMicros(-1).responseFlags(null);
        assertEquals("-", format(format, e));
        assertEquals("-", format(format, new AccessLogEntry().durationMicros(-1).responseFlags("")));
    }

    @Test
    void emptyEntryNumbersAreZero() {
        assertEquals("0 0 0 0 -", format("%RESPONSE_CODE% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% "
                + "%RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%", new AccessLogEntry()));
    }

    @Test
    void responseFlagsArePrintedAsSet() {
        assertEquals("UF,URX", format("%RESPONSE_FLAGS%", sample().responseFlags("UF,URX")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[::1]:8080       | ::1",
        "10.0.0.1:80      | 10.0.0.1",
        "10.0.0.1         | 10.0.0.1",
        "fe80::1          | fe80::1",
        "/run/weft.sock   | /run/weft.sock",
    })
    void remoteAddressWithoutPort(String address, String expected) {
        assertEquals(expected,
                format("%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%", sample().downstreamRemoteAddress(address)));
    }

    @Test
    void controlCharactersCannotBreakTheLine() {
        String line = format("\"%REQ(USER-AGENT)%\"", sample().userAgent("evil\r\n[fake] entry\t\u007f"));
        assertEquals("\"evil\\x0d\\x0a[fake] entry\\x09\\x7f\"", line);
    }

    @Test
    void truncationDoesNotSplitASurrogatePair() {
        assertEquals("a", format("%REQ(USER-AGENT):2%", sample().userAgent("a\ud83d\ude00b")));
        assertEquals("a\ud83d\ude00", format("%REQ(USER-AGENT):3%", sample().userAgent("a\ud83d\ude00b")));
    }

    @Test
    void startTimeBeforeTheEpochAndAcrossSecondsUsesTheCacheCorrectly() {
        AccessLogFormat f = AccessLogFormat.parse("%START_TIME%");
        long t = Instant.parse("2024-05-01T12:34:56.999Z").toEpochMilli();
        assertEquals("2024-05-01T12:34:56.999Z", f.format(sample().startTimeMillis(t)));
        assertEquals("2024-05-01T12:34:57.000Z", f.format(sample().startTimeMillis(t + 1)));
        assertEquals("2024-05-01T12:34:56.005Z", f.format(sample().startTimeMillis(t - 994)));
        assertEquals("1969-12-31T23:59:59.999Z", f.format(sample().startTimeMillis(-1)));
    }

    @Test
    void unknownOperatorIsNamedWithItsPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessLogFormat.parse("[%START_TIME%] %UPSTREAM_LOCAL_ADDRESS% %PROTOCOL%"));
        assertTrue(e.getMessage().startsWith("unknown command operator %UPSTREAM_LOCAL_ADDRESS% at position 15 "),
                e.getMessage());
        assertTrue(e.getMessage().contains("supported: START_TIME"), e.getMessage());
    }

    @Test
    void lowerCaseOperatorIsUnknown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessLogFormat.parse("%protocol%"));
        assertTrue(e.getMessage().startsWith("unknown command operator %protocol% at position 0 "), e.getMessage());
    }

    @Test
    void requestHeaderThatIsNotKeptIsRejectedListingTheSupportedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AccessLogFormat.parse("x %REQ(:METHOD?X-CUSTOM)%"));
        assertTrue(e.getMessage().startsWith("request header \"X-CUSTOM\" in %REQ(:METHOD?X-CUSTOM)% is not kept in "
                + "the access log entry at position 2 "), e.getMessage());
        assertTrue(e.getMessage().contains(":method, :path, :authority, host, user-agent, x-request-id, "
                + "x-forwarded-for, x-envoy-original-path"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "100% sure                     | '''%'' is not followed by a command operator (write %% for a literal percent) "
                + "at position 3'",
        "trailing %                    | '''%'' is not followed by a command operator'",
        "%PROTOCOL                     | 'command operator %PROTOCOL is not closed by ''%'' at position 0'",
        "a %REQ(:PATH%                 | 'command operator %REQ( has no closing '')'' at position 2'",
        "%REQ()%                       | 'needs a header name'",
        "%REQ(:PATH):%                 | 'expected a length after '':'''",
        "%REQ(:PATH):0%                | 'must be at least 1'",
        "%PROTOCOL:3%                  | 'a length limit (:N) is only allowed on REQ and RESP, got %PROTOCOL:3%'",
        "%PROTOCOL(x)%                 | 'command operator %PROTOCOL% takes no argument, got %PROTOCOL(x)%'",
        "%RESP(CONTENT-TYPE)%          | 'unsupported response header in %RESP(CONTENT-TYPE)% at position 0'",
        "%RESP%                        | 'unsupported response header in %RESP%'",
        "%START_TIME(%Q)%              | 'invalid %START_TIME(%Q)% at position 0'",
        "%START_TIME(%Y %)%            | 'ends with a lone ''%'''",
        "%START_TIME(yyyy-MM-dd bbb)%  | 'invalid START_TIME pattern'",
    })
    void syntaxErrorsAreExplained(String format, String expectedPart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AccessLogFormat.parse(format));
        assertTrue(e.getMessage().contains(expectedPart), e.getMessage());
    }

    @Test
    void jsonFormatIsShared() {
        assertEquals("json", AccessLogFormat.json().toString());
        assertEquals(AccessLogFormat.json(), AccessLogFormat.json());
    }
}
