package dev.weft.admin.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.admin.server.HttpExchange.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /authz/denials} and {@code /authz/explain} on the wire: the explain body is read (Content-Length, chunked,
 * 100-continue) and handed to the views whole, within the body limit; the endpoint is refused to other content types
 * and to cross-site pages before any body is read.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AdminAuthzTest {

    private static String post(AdminFixture f, String body, String... fields) {
        StringBuilder head = new StringBuilder("POST /authz/explain HTTP/1.1\r\nhost: 127.0.0.1:"
                + f.address().getPort() + "\r\n");
        for (String field : fields) {
            head.append(field).append("\r\n");
        }
        return head.append("content-length: ").append(body.getBytes(StandardCharsets.UTF_8).length)
                .append("\r\n\r\n").append(body).toString();
    }

    private static Response exchange(AdminFixture f, String raw) throws IOException {
        try (HttpExchange x = new HttpExchange(f.address())) {
            x.send(raw.getBytes(StandardCharsets.UTF_8));
            return x.read(false);
        }
    }

    @Test
    void explainHandsTheWholeJsonBodyToTheProxyAndKeepsTheConnection() throws IOException {
        try (AdminFixture f = new AdminFixture(); HttpExchange x = new HttpExchange(f.address())) {
            String body = "{\"listener\": \"ingress\", \"path\": \"/caf\u00e9\"}";
            x.send(post(f, body, "content-type: application/json").getBytes(StandardCharsets.UTF_8));
            Response r = x.read(false);
            assertEquals(200, r.status(), r.body());
            assertEquals("application/json", r.contentType());
            assertEquals("{\"body\":" + Json.quote(body) + "}", r.body());
            // the body was consumed exactly: the next request on the connection is parsed from its first byte
            x.send(HttpExchange.raw("GET", "/ready", f.address()));
            assertEquals(200, x.read(false).status());
        }
    }

    @Test
    void chunkedAndExpectContinueBodiesAreRead() throws IOException {
        try (AdminFixture f = new AdminFixture(); HttpExchange x = new HttpExchange(f.address())) {
            x.send("POST /authz/explain HTTP/1.1\r\nhost: 127.0.0.1:" + f.address().getPort() + "\r\n"
                    + "content-type: application/json\r\ntransfer-encoding: chunked\r\nexpect: 100-continue\r\n\r\n"
                    + "5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n");
            Response r = x.read(false);
            assertEquals(200, r.status(), r.body());
            assertEquals("{\"body\":\"{\\\"a\\\": 1}\"}", r.body());
        }
    }

    @Test
    void aDescriptionTheProxyRejectsIs400WithItsReason() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            Response r = exchange(f, post(f, "bad", "content-type: application/json"));
            assertEquals(400, r.status());
            assertEquals("bad explain request: path: must start with '/'\n", r.body());
            assertEquals(400, exchange(f, post(f, " ", "content-type: application/json")).status());
            byte[] latin1 = ("POST /authz/explain HTTP/1.1\r\nhost: 127.0.0.1:" + f.address().getPort()
                    + "\r\ncontent-type: application/json\r\ncontent-length: 3\r\n\r\n\"\u00e9\"")
                    .getBytes(StandardCharsets.ISO_8859_1);
            try (HttpExchange x = new HttpExchange(f.address())) {
                x.send(latin1);
                Response notUtf8 = x.read(false);
                assertEquals(400, notUtf8.status());
                assertEquals("bad explain request: the body is not UTF-8\n", notUtf8.body());
            }
        }
    }

    @Test
    void refusalsComeBeforeTheBodyIsRead() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            Response form = exchange(f, post(f, "{}", "content-type: application/x-www-form-urlencoded"));
            assertEquals(415, form.status());
            assertEquals("application/json", form.field("accept-post"));
            assertEquals(415, exchange(f, post(f, "{}")).status(), "no content type");
            assertEquals(403, exchange(f, post(f, "{}", "content-type: application/json",
                    "origin: http://evil.example")).status());
            assertEquals(403, exchange(f, post(f, "{}", "content-type: application/json",
                    "sec-fetch-site: cross-site")).status());
            Response same = exchange(f, post(f, "{}", "content-type: application/json",
                    "origin: http://127.0.0.1:" + f.address().getPort(), "sec-fetch-site: same-origin"));
            assertEquals(200, same.status(), "a same-origin page may ask");
            String big = "{\"p\":\"" + "x".repeat((int) AdminConnection.MAX_BODY_BYTES) + "\"}";
            assertEquals(413, exchange(f, post(f, big, "content-type: application/json")).status());
            assertEquals(405, HttpExchange.get(f.address(), "/authz/explain").status());
            assertEquals(List.of("authzExplainJson"), f.views.calls, "only the same-origin request got through");
        }
    }

    @Test
    void denialsTakeABoundedLast() throws IOException {
        try (AdminFixture f = new AdminFixture()) {
            assertEquals("[{\"last\":1024}]", HttpExchange.get(f.address(), "/authz/denials").body());
            assertEquals("[{\"last\":5}]", HttpExchange.get(f.address(), "/authz/denials?last=5").body());
            for (String bad : new String[] {"0", "-1", "1025", "x", ""}) {
                Response r = HttpExchange.get(f.address(), "/authz/denials?last=" + bad);
                assertEquals(400, r.status(), bad);
                assertTrue(r.body().startsWith("last must be an integer in 1..1024"), r.body());
            }
        }
    }
}
