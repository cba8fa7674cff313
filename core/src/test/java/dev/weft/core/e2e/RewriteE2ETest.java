package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
 * Route actions that change the request or answer locally: prefix and host rewrites, header mutations in both
 * directions, direct responses and redirects.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(30)
class RewriteE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        response_headers_to_add: [{key: x-vhost, value: v}]
                        routes:
                          - match: {prefix: /api/}
                            route: {cluster: a, prefix_rewrite: /v2/}
                          - match: {prefix: /rewrite-host}
                            route: {cluster: a, host_rewrite_literal: "backend.internal:9000"}
                          - match: {prefix: /hdrs}
                            route: {cluster: a}
                            request_headers_to_add:
                              - {key: x-added, value: one}
                              - {key: x-append, value: two, append_action: APPEND_IF_EXISTS_OR_ADD}
                              - {key: x-set, value: new, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
                              - {key: x-absent, value: default, append_action: ADD_IF_ABSENT}
                              - {key: x-absent2, value: default, append_action: ADD_IF_ABSENT}
                            request_headers_to_remove: [x-secret]
                            response_headers_to_add:
                              - {key: x-resp, value: added}
                              - {key: content-type, value: text/override, append_action: OVERWRITE_IF_EXISTS_OR_ADD}
                            response_headers_to_remove: [x-upstream]
                          - match: {path: /direct}
                            direct_response: {status: 418, body: "teapot\\n", content_type: text/x-tea}
                          - match: {prefix: /https}
                            redirect: {https_redirect: true}
                          - match: {prefix: /host-redirect}
                            redirect: {host_redirect: other.example.com}
                          - match: {prefix: /path-redirect}
                            redirect: {path_redirect: /new/place, response_code: 302}
                          - match: {prefix: /old/}
                            redirect: {prefix_rewrite: /new/, response_code: PERMANENT_REDIRECT}
                          - match: {prefix: /strip}
                            redirect: {path_redirect: /stripped, strip_query: true, response_code: 307}
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port())));
        address = proxy.address("main");
    }

    @AfterAll
    void stop() {
        proxy.close();
        upstream.close();
    }

    @Test
    void prefixRewriteReplacesTheMatchedPrefixAndKeepsTheQuery() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/api/users?id=1");
        assertEquals(200, r.status());
        assertEquals("GET /v2/users?id=1 HTTP/1.1", upstream.lastRequest().requestLine());
    }

    @Test
    void hostRewriteLiteralReplacesTheHostHeader() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/rewrite-host/x");
        assertEquals(200, r.status());
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals("GET /rewrite-host/x HTTP/1.1", req.requestLine());
        assertEquals(List.of("backend.internal:9000"), req.headers("host"));
    }

    @Test
    void requestHeadersAreAddedByAppendActionAndRemoved() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/hdrs", "x-append: one", "x-set: old", "x-set: old2",
                "x-absent: client", "x-secret: s3cr3t", "x-other: kept");
        assertEquals(200, r.status());
        TestUpstream.Request req = upstream.lastRequest();
        assertEquals(List.of("one"), req.headers("x-added"));
        assertEquals(List.of("one", "two"), req.headers("x-append"));
        assertEquals(List.of("new"), req.headers("x-set"));
        assertEquals(List.of("client"), req.headers("x-absent"));
        assertEquals(List.of("default"), req.headers("x-absent2"));
        assertEquals(List.of(), req.headers("x-secret"));
        assertEquals(List.of("kept"), req.headers("x-other"));
    }

    @Test
    void responseHeadersAreAddedOverwrittenAndRemovedWithTheVirtualHostsToo() throws Exception {
        Wire.Response r = Wire.get(address, "example.com", "/hdrs");
        assertEquals(200, r.status());
        assertEquals(List.of("added"), r.headers("x-resp"));
        assertEquals(List.of("text/override"), r.headers("content-type"));
        assertEquals(List.of(), r.headers("x-upstream"));
        assertEquals(List.of("v"), r.headers("x-vhost"));
        assertEquals("ok", r.bodyText());
    }

    @Test
    void directResponseIsAnsweredWithoutTheUpstream() throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(address, "example.com", "/direct");
        assertEquals(418, r.status());
        assertEquals("teapot\n", r.bodyText());
        assertEquals("text/x-tea", r.header("content-type"));
        assertEquals("7", r.header("content-length"));
        assertEquals(List.of("v"), r.headers("x-vhost"));
        assertEquals(before, upstream.requests().size());
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            /https/x?q=1          | 301 | https://example.com/https/x?q=1
            /host-redirect/a?b=c  | 301 | http://other.example.com/host-redirect/a?b=c
            /path-redirect/a?x=1  | 302 | http://example.com:8080/new/place?x=1
            /old/page?x=1         | 308 | http://example.com:8080/new/page?x=1
            /old/                 | 308 | http://example.com:8080/new/
            /strip/a?secret=1     | 307 | http://example.com:8080/stripped
            """)
    void redirectBuildsTheLocation(String target, int status, String location) throws Exception {
        int before = upstream.requests().size();
        Wire.Response r = Wire.get(address, "example.com:8080", target);
        assertEquals(status, r.status());
        assertEquals(location, r.header("location"));
        assertEquals(List.of("v"), r.headers("x-vhost"));
        assertEquals(before, upstream.requests().size(), "a redirect never reaches the upstream");
        assertNull(r.header("x-upstream"));
    }
}
