package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Helpers of the HTTP filter end-to-end tests: the JDK's HttpClient over HTTP/1.1 (cleartext) and HTTP/2 (TLS, h2 by
 * ALPN), curl runs, admin stats and access-log lines.
 */
final class FilterE2E {
    private FilterE2E() {
    }

    /** The downstream protocol a test runs over. */
    enum Proto {
        HTTP_1_1,
        HTTP_2
    }

    /** A response as the client saw it. */
    record Resp(int status, HttpClient.Version version, Map<String, List<String>> headers, String body) {
        /** The first value of a header, or null. */
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        List<String> all(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }
    }

    /** An SSLContext trusting only the CA in {@code caPem}. */
    static SSLContext trusting(String caPem) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(caPem))) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** The JDK client of a protocol: HTTP/1.1 in cleartext, or HTTP/2 over TLS trusting {@code caPem}. */
    static HttpClient client(Proto proto, String caPem) throws Exception {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        return proto == Proto.HTTP_1_1 ? b.version(HttpClient.Version.HTTP_1_1).build()
                : b.version(HttpClient.Version.HTTP_2).sslContext(trusting(caPem)).build();
    }

    /** Sends a request (no body) and checks it went over the protocol asked for. */
    static Resp send(HttpClient client, String method, String url, String... headerPairs) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .method(method, HttpRequest.BodyPublishers.noBody());
        for (int i = 0; i < headerPairs.length; i += 2) {
            b.header(headerPairs[i], headerPairs[i + 1]);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(client.version(), r.version(), "protocol of " + method + " " + url);
        return new Resp(r.statusCode(), r.version(), r.headers().map(), r.body());
    }

    /** A counter of the admin server's /stats; 0 when it was never incremented. */
    static long stat(HttpClient admin, int adminPort, String name) throws Exception {
        String s = admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** Waits (bounded) until a counter reaches {@code expected}: some are counted just after the response is sent. */
    static void awaitStat(HttpClient admin, int adminPort, String name, long expected) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long value;
        while ((value = stat(admin, adminPort, name)) < expected && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(expected, value, name);
    }

    /** The access-log lines containing {@code marker}, once there are {@code count} of them (bounded wait). */
    static List<String> awaitLog(Path file, String marker, int count) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        List<String> lines = List.of();
        while (System.nanoTime() < end) {
            lines = Files.exists(file) ? Files.readAllLines(file).stream().filter(l -> l.contains(marker)).toList()
                    : List.of();
            if (lines.size() >= count) {
                return lines;
            }
            Thread.sleep(10);
        }
        return fail("expected " + count + " access log lines with " + marker + ", got " + lines);
    }

    /** Runs curl (bounded) with the given arguments after {@code -sS --max-time 10}. */
    static E2E.Run curl(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(E2E.curl(), "-sS", "--max-time", "10"));
        cmd.addAll(args);
        return E2E.runBounded(cmd, Duration.ofSeconds(30));
    }
}
