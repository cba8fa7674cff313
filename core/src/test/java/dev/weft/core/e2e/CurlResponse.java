package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One request with curl over HTTP/1.1 ({@code h1}) or HTTP/2 with prior knowledge ({@code h2}), and its response as
 * {@code curl -i} printed it: the status, the protocol, the header fields in order, the body.
 */
record CurlResponse(int status, String version, List<String[]> fields, String body) {
    private static final Duration RUN = Duration.ofSeconds(30);

    /** Sends a GET; {@code headers} are "name: value" lines. The response's protocol is checked against the ask. */
    static CurlResponse get(String proto, String url, String... headers) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.curl(), "-sS", "-i", "--max-time", "20",
                proto.equals("h2") ? "--http2-prior-knowledge" : "--http1.1"));
        for (String h : headers) {
            cmd.add("-H");
            cmd.add(h);
        }
        cmd.add(url);
        E2E.Run run = E2E.runBounded(cmd, RUN);
        assertEquals(0, run.exitCode(), "curl failed: " + run.err());
        String text = new String(run.out(), StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        assertTrue(end > 0, text);
        String[] lines = text.substring(0, end).split("\r\n");
        List<String[]> fields = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            fields.add(new String[] {lines[i].substring(0, colon), lines[i].substring(colon + 1).trim()});
        }
        String[] statusLine = lines[0].split(" ");
        CurlResponse r = new CurlResponse(Integer.parseInt(statusLine[1]), statusLine[0], fields,
                text.substring(end + 4));
        assertEquals(proto.equals("h2") ? "HTTP/2" : "HTTP/1.1", r.version());
        return r;
    }

    String header(String name) {
        for (String[] f : fields) {
            if (f[0].equalsIgnoreCase(name)) {
                return f[1];
            }
        }
        return null;
    }
}
