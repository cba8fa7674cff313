package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The listener {@code http} options and a few route options not covered elsewhere: {@code xff_append},
 * {@code generate_request_id}, {@code server_header}, the request head limits, {@code case_sensitive},
 * {@code port_redirect}. One listener per option set, all in one proxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class HttpOptionsE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress opts;
    private InetSocketAddress kb;
    private InetSocketAddress count;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: opts
                    port: 0
                    http:
                      xff_append: false
                      generate_request_id: false
                      server_header: "custom-proxy/1.0"
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /caseless, case_sensitive: false}
                            route: {cluster: a}
                          - match: {prefix: /Sensitive}
                            route: {cluster: a}
                          - match: {path: /Exact-Caseless, case_sensitive: false}
                            route: {cluster: a}
                          - match: {prefix: /port-redirect}
                            redirect: {port_redirect: 8443}
                          - match: {prefix: /https-port-redirect}
                            redirect: {https_redirect: true, port_redirect: 8443}
                          - match: {prefix: /host-port-redirect}
                            redirect: {host_redirect: other.example.com, port_redirect: 9090, response_code: 302}
                          - match: {prefix: /direct}
                            direct_response: {status: 200, body: "direct\\n"}
                          - match: {prefix: /up/}
                            route: {cluster: a}
                  - name: kb
                    port: 0
                    http: {max_request_headers_kb: 1}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                  - name: count
                    port: 0
                    http: {max_request_headers_count: 5}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port())));
        opts = proxy.address("opts");
        kb = proxy.address("kb");
        count = proxy.address("count");
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstream.close();
    }

    // ---- xff_append: false -------------------------------------------------------------------------------------

    @Test
    void xffAppendFalseSendsNoXForwardedForWhenTheClientSentNone() throws Exception {
        assertEquals(200, Wire.get(opts, "example.com", "/up/echo-headers").status());
        assertEquals(List.of(), upstream.lastRequest().headers("x-forwarded-for"));
    }

    @Test
    void xffAppendFalsePassesTheClientsXForwardedForUnchanged() throws Exception {
        assertEquals(200, Wire.get(opts, "example.com", "/up/echo-headers", "X-Forwarded-For: 203.0.113.7").status());
        assertEquals(List.of("203.0.113.7"), upstream.lastRequest().headers("x-forwarded-for"));
    }

    @Test
    void xffAppendFalseStillMergesSeveralXForwardedForFields() throws Exception {
        Wire.get(opts, "example.com", "/up/echo-headers", "X-Forwarded-For: 203.0.113.7",
                "X-Forwarded-For: 198.51.100.1");
        assertEquals(List.of("203.0.113.7, 198.51.100.1"), upstream.lastRequest().headers("x-forwarded-for"));
    }

    @Test
    void xForwardedProtoIsStillSetWithTheOptionsOff() throws Exception {
        Wire.get(opts, "example.com", "/up/echo-headers");
        assertEquals(List.of("http"), upstream.lastRequest().headers("x-forwarded-proto"));
    }

    // ---- generate_request_id: false ----------------------------------------------------------------------------

    @Test
    void generateRequestIdFalseAddsNoXRequestId() throws Exception {
        Wire.get(opts, "example.com", "/up/echo-headers");
        assertEquals(List.of(), upstream.lastRequest().headers("x-request-id"));
    }

    @Test
    void generateRequestIdFalseStillPassesTheClientsXRequestId() throws Exception {
        Wire.get(opts, "example.com", "/up/echo-headers", "X-Request-Id: client-id-1");
        assertEquals(List.of("client-id-1"), upstream.lastRequest().headers("x-request-id"));
    }

    // ---- server_header -----------------------------------------------------------------------------------------

    @Test
    void serverHeaderIsUsedOnLocalErrorReplies() throws Exception {
        Wire.Response r = Wire.get(opts, "example.com", "/no-such-route");
        assertEquals(404, r.status());
        assertEquals(List.of("custom-proxy/1.0"), r.headers("server"));
    }

    @Test
    void serverHeaderIsUsedOnDirectResponsesAndRedirects() throws Exception {
        Wire.Response direct = Wire.get(opts, "example.com", "/direct");
        assertEquals(200, direct.status());
        assertEquals("direct\n", direct.bodyText());
        assertEquals(List.of("custom-proxy/1.0"), direct.headers("server"));
        Wire.Response redirect = Wire.get(opts, "example.com", "/port-redirect");
        assertEquals(List.of("custom-proxy/1.0"), redirect.headers("server"));
    }

    @Test
    void serverHeaderIsNotAddedToProxiedResponses() throws Exception {
        Wire.Response r = Wire.get(opts, "example.com", "/up/x");
        assertEquals(200, r.status());
        assertEquals("a", r.header("x-upstream"));
        assertNull(r.header("server"), "the upstream sent no server header and the proxy adds none");
    }

    @Test
    void malformedRequestReplyCarriesTheServerHeaderToo() throws Exception {
        try (Wire w = Wire.connect(opts)) {
            Wire.Response r = w.exchange("GET /up/x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
            assertEquals(400, r.status());
            assertEquals(List.of("custom-proxy/1.0"), r.headers("server"));
        }
    }

    // ---- max_request_headers_kb / max_request_headers_count ---------------------------------------------------

    @Test
    void headerSectionOverMaxRequestHeadersKbIs431AndTheConnectionCloses() throws Exception {
        int before = upstream.requests().size();
        try (Wire w = Wire.connect(kb)) {
            Wire.Response r = w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\nX-Big: " + "a".repeat(2048)
                    + "\r\n\r\n");
            assertEquals(431, r.status(), r.bodyText());
            assertTrue(r.bodyText().contains("http1.headers_too_large"), r.bodyText());
            assertTrue(r.closes());
            w.assertClosedByPeer(5_000);
        }
        assertEquals(before, upstream.requests().size(), "the request never reached the upstream");
    }

    @Test
    void headerSectionUnderMaxRequestHeadersKbPasses() throws Exception {
        Wire.Response r = Wire.get(kb, "example.com", "/echo-headers", "X-Medium: " + "a".repeat(600));
        assertEquals(200, r.status());
        assertEquals("a".repeat(600), upstream.lastRequest().header("x-medium"));
    }

    @Test
    void longRequestLineCountsTowardsMaxRequestHeadersKb() throws Exception {
        try (Wire w = Wire.connect(kb)) {
            Wire.Response r = w.exchange("GET /" + "p".repeat(1100) + " HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertEquals(431, r.status(), r.bodyText());
            assertTrue(r.bodyText().contains("http1.headers_too_large"), r.bodyText());
            w.assertClosedByPeer(5_000);
        }
    }

    @Test
    void requestLineAndFieldsTogetherOverMaxRequestHeadersKbAre431() throws Exception {
        // each part alone is under 1 KiB; the head as a whole is not
        try (Wire w = Wire.connect(kb)) {
            Wire.Response r = w.exchange("GET /" + "p".repeat(600) + " HTTP/1.1\r\nHost: example.com\r\nX-Pad: "
                    + "q".repeat(600) + "\r\n\r\n");
            assertEquals(431, r.status(), r.bodyText());
        }
    }

    @Test
    void sixHeadersOverMaxRequestHeadersCountOfFiveIs431() throws Exception {
        int before = upstream.requests().size();
        try (Wire w = Wire.connect(count)) {
            Wire.Response r = w.exchange("GET / HTTP/1.1\r\nHost: example.com\r\nX-1: 1\r\nX-2: 2\r\nX-3: 3\r\n"
                    + "X-4: 4\r\nX-5: 5\r\n\r\n");
            assertEquals(431, r.status(), r.bodyText());
            assertTrue(r.bodyText().contains("http1.too_many_headers"), r.bodyText());
            w.assertClosedByPeer(5_000);
        }
        assertEquals(before, upstream.requests().size());
    }

    @Test
    void fiveHeadersWithMaxRequestHeadersCountOfFivePass() throws Exception {
        Wire.Response r = Wire.get(count, "example.com", "/echo-headers", "X-1: 1", "X-2: 2", "X-3: 3", "X-4: 4");
        assertEquals(200, r.status());
        assertEquals("4", upstream.lastRequest().header("x-4"));
    }

    // ---- case_sensitive ----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "/caseless/x, 200",
        "/CASELESS/x, 200",
        "/CaseLess, 200",
        "/Sensitive/x, 200",
        "/sensitive/x, 404",
        "/SENSITIVE/x, 404",
        "/exact-caseless, 200",
        "/EXACT-CASELESS, 200",
        "/exact-caseless/more, 404",
    })
    void caseSensitiveFalseMatchesIgnoringCaseAndTheDefaultDoesNot(String target, int status) throws Exception {
        Wire.Response r = Wire.get(opts, "example.com", target);
        assertEquals(status, r.status(), r.bodyText());
        if (status == 200) {
            assertEquals("a", r.header("x-upstream"));
            assertEquals("GET " + target + " HTTP/1.1", upstream.lastRequest().requestLine(),
                    "the path is forwarded with its case");
        }
    }

    // ---- port_redirect -----------------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0} {1} -> {3}")
    @CsvSource(delimiter = '|', textBlock = """
            example.com:8080 | /port-redirect/a?x=1      | 301 | http://example.com:8443/port-redirect/a?x=1
            example.com      | /port-redirect            | 301 | http://example.com:8443/port-redirect
            example.com:8080 | /https-port-redirect/a    | 301 | https://example.com:8443/https-port-redirect/a
            example.com:8080 | /host-port-redirect/b?q=2 | 302 | http://other.example.com:9090/host-port-redirect/b?q=2
            [::1]:8080       | /port-redirect/v6         | 301 | http://[::1]:8443/port-redirect/v6
            """)
    void portRedirectReplacesThePort(String host, String target, int status, String location) throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(opts, host, target);
        assertEquals(status, r.status(), r.bodyText());
        assertEquals(location, r.header("location"));
        assertEquals(before, upstream.requests().size());
    }
}
