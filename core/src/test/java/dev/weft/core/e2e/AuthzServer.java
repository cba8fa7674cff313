package dev.weft.core.e2e;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An HTTP/1.1 external authorization server for the end-to-end tests, on plain sockets (independent of Weft's codec):
 * it records every check request and answers like a typical token checker.
 *
 * <p>By the checked request's path (after the filter's prefix): a path containing {@code /hang} is never answered
 * (until the proxy gives up and closes); {@code /fail} gets 503; {@code /close-after} gets the allowing answer, then
 * the server closes the connection 20 ms later without having said {@code connection: close} (an idle keep-alive
 * timeout). A check whose body holds {@code evil} gets 403. Otherwise {@code authorization: Bearer good} is allowed
 * (200 with {@code x-user}, {@code x-auth-role}, {@code x-other}, {@code x-authz-trace}, {@code x-request-tag}, a
 * {@code content-type} and a body), and anything else is denied: 401 with {@code www-authenticate},
 * {@code x-deny-reason}, {@code x-internal}, a JSON body.
 */
final class AuthzServer implements AutoCloseable {
    /** One check request as received. */
    record Check(String method, String target, List<String> headerLines, byte[] body) {
        /** The first value of a header (case-insensitive name), or null. */
        String header(String name) {
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    static final String DENY_BODY = "{\"error\":\"invalid token\"}";

    private final List<Check> checks = new CopyOnWriteArrayList<>();
    private final SocketServer server;

    private AuthzServer() throws IOException {
        server = new SocketServer("authz-server", 128, this::serve);
    }

    static AuthzServer start() throws IOException {
        return new AuthzServer();
    }

    int port() {
        return server.port();
    }

    int acceptedConnections() {
        return server.accepted();
    }

    /** The checks whose target starts with {@code prefix}. */
    List<Check> checksTo(String prefix) {
        return checks.stream().filter(c -> c.target().startsWith(prefix)).toList();
    }

    /** The one check whose target starts with {@code prefix}; fails when there is not exactly one. */
    Check onlyCheck(String prefix) {
        List<Check> found = checksTo(prefix);
        if (found.size() != 1) {
            throw new AssertionError("expected one check for " + prefix + ", got " + found.size() + ": " + checks);
        }
        return found.get(0);
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                List<String> head = TestUpstream.readHead(in);
                if (head == null) {
                    return;
                }
                String[] line = head.get(0).split(" ");
                List<String> fields = List.copyOf(head.subList(1, head.size()));
                Check probe = new Check(line[0], line[1], fields, new byte[0]);
                String length = probe.header("content-length");
                byte[] body = length == null ? new byte[0] : in.readNBytes(Integer.parseInt(length));
                Check check = new Check(line[0], line[1], fields, body);
                checks.add(check);
                if (!answer(s, in, out, check)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection (a timed-out check): nothing to answer
        }
    }

    /** Answers one check; false when the connection is done. */
    private boolean answer(Socket s, InputStream in, OutputStream out, Check check) throws IOException {
        String target = check.target();
        if (target.contains("/hang")) {
            in.read(); // blocks until the proxy closes the connection (its timeout) or this server closes
            return false;
        }
        if (target.contains("/fail")) {
            write(out, check, "HTTP/1.1 503 Service Unavailable", List.of("content-type: text/plain"), "busy\n");
            return true;
        }
        if (new String(check.body(), StandardCharsets.ISO_8859_1).contains("evil")) {
            write(out, check, "HTTP/1.1 403 Forbidden", List.of("content-type: text/plain"), "evil body\n");
            return true;
        }
        if ("Bearer good".equals(check.header("authorization"))) {
            write(out, check, "HTTP/1.1 200 OK", List.of("x-user: alice", "x-auth-role: admin", "x-other: not-for-upstream",
                    "x-authz-trace: t-1", "x-request-tag: from-authz", "content-type: text/plain",
                    "x-envoy-auth-headers-to-remove: x-drop-me"), "allowed\n");
            if (target.contains("/close-after")) {
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(20);
                        s.close();
                    } catch (InterruptedException | IOException ignored) {
                        // closing anyway
                    }
                });
                return false;
            }
            return true;
        }
        write(out, check, "HTTP/1.1 401 Unauthorized", List.of("www-authenticate: Bearer realm=\"weft\"",
                "x-deny-reason: token", "x-internal: secret-detail", "content-type: application/json",
                "set-cookie: a=1", "set-cookie: b=2"), DENY_BODY);
        return true;
    }

    /** Writes a response; to a HEAD check without its body (RFC 9110 section 9.3.2), with the length it would have. */
    private static void write(OutputStream out, Check check, String statusLine, List<String> headers, String body)
            throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(statusLine).append("\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        head.append("content-length: ").append(b.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!check.method().equals("HEAD")) {
            out.write(b);
        }
        out.flush();
    }

    @Override
    public void close() {
        server.close();
    }
}
