package dev.weft.core.e2e;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 origin server for the end-to-end tests, written on plain sockets and independent of Weft's codec,
 * so that what the proxy sends is checked by a second implementation. One virtual thread per connection; keep-alive
 * unless the request or the behaviour says otherwise. Every response carries {@code x-upstream: <name>}.
 *
 * <p>Behaviours by path: {@code /echo-headers}, {@code /sink}, {@code /download?size=N[&chunked=1]},
 * {@code /delay?ms=N}, {@code /close-before-response}, {@code /reset}, {@code /until-close[?size=N]},
 * {@code /connection-close}, {@code /status/N}, {@code /early-413}, {@code /then-close[?reset=1]} (200 {@code ok}
 * without {@code connection: close}, then the upstream closes, or resets, the connection), {@code /close-if-reused}
 * (on a connection that served a request before: close without answering; else 200 {@code ok}),
 * {@code /truncated?size=N&send=M[&chunked=1]} (a head with {@code content-length: N}, or chunked, then M body bytes,
 * as one chunk when chunked, and close), {@code /bad-response/KIND} (an invalid response head, see
 * {@link #badResponse}; the connection is kept open), {@code /no-read[?ms=N]} (reads the head, then neither reads the
 * body nor answers for N ms, default 30 s, or until this upstream closes), {@code /trailers} (200, chunked body
 * {@code hello} with the trailers of {@link #RESPONSE_TRAILERS}), {@code /coded?size=N[&close=1]} (N pattern bytes
 * with {@code transfer-encoding: gzip, chunked}, or with {@code close=1} {@code transfer-encoding: gzip} and the body
 * until close); anything else answers 200 {@code ok}. {@code /delay?ms=N&watch=1} waits by reading the connection, so
 * a close by the proxy during the delay is seen (and counted in {@link #closedByPeer()}) at once.
 */
final class TestUpstream implements AutoCloseable {
    /** One request as received: request line, header lines in order, and the body (kept whole up to 64 KiB). */
    record Request(String requestLine, List<String> headerLines, long bodyLength, String bodySha256, byte[] body,
                   List<String> trailerLines) {
        String path() {
            String target = requestLine.split(" ")[1];
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        String target() {
            return requestLine.split(" ")[1];
        }

        /** Values of a header (case-insensitive name), in order. */
        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                int colon = line.indexOf(':');
                if (line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        /** The first value, or null. */
        String header(String name) {
            List<String> v = headers(name);
            return v.isEmpty() ? null : v.get(0);
        }
    }

    private static final int KEEP_BODY = 64 * 1024;

    /**
     * The trailer section of {@code /trailers}: one allowed field, then fields RFC 9110 section 6.5.1 keeps out of
     * trailers (framing, routing, hop-by-hop, authentication, cookies), some with mixed-case names.
     */
    static final List<String> RESPONSE_TRAILERS = List.of("x-checksum: abc", "Content-Length: 5", "host: evil",
            "Transfer-Encoding: chunked", "connection: close", "authorization: x", "set-cookie: a=b",
            "WWW-Authenticate: Basic");

    private final String name;
    private final SocketServer server;
    /** Connections that ended because the peer (the proxy) closed or reset them, not the upstream itself. */
    private final AtomicInteger closedByPeer = new AtomicInteger();
    /** Connections that ended, for whatever reason. */
    private final AtomicInteger ended = new AtomicInteger();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private TestUpstream(String name) throws IOException {
        this.name = name;
        this.server = new SocketServer("upstream-" + name, 512, this::serve);
    }

    static TestUpstream start(String name) throws IOException {
        return new TestUpstream(name);
    }

    int port() {
        return server.port();
    }

    String name() {
        return name;
    }

    /** TCP connections accepted so far. */
    int acceptedConnections() {
        return server.accepted();
    }

    /**
     * Connections the proxy closed (a read returned end of stream, or the connection was reset) while the upstream
     * still wanted it: between requests or inside one.
     */
    int closedByPeer() {
        return closedByPeer.get();
    }

    /** Connections that ended for any reason (the peer closed them, or the upstream did). */
    int endedConnections() {
        return ended.get();
    }

    /** Waits until at least {@code n} connections were closed by the proxy. */
    void awaitClosedByPeer(int n, long timeoutMillis) throws InterruptedException {
        awaitCount(closedByPeer, n, timeoutMillis, "connections closed by the proxy");
    }

    /** Waits until at least {@code n} connections have ended. */
    void awaitEndedConnections(int n, long timeoutMillis) throws InterruptedException {
        awaitCount(ended, n, timeoutMillis, "ended connections");
    }

    private void awaitCount(AtomicInteger counter, int n, long timeoutMillis, String what)
            throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (counter.get() < n) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("upstream " + name + ": expected at least " + n + " " + what + ", saw "
                        + counter.get() + " within " + timeoutMillis + " ms");
            }
            Thread.sleep(5);
        }
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    Request lastRequest() {
        return requests.isEmpty() ? null : requests.get(requests.size() - 1);
    }

    /** Requests whose path is {@code path}. */
    List<Request> requestsTo(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Waits until a request for {@code path} has been received (its head and, where read, its body). */
    void awaitRequest(String path, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (requestsTo(path).isEmpty()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("upstream " + name + " never received a request for " + path);
            }
            Thread.sleep(5);
        }
    }

    // ---- one connection ---------------------------------------------------------------------------------------

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = s.getOutputStream();
            int served = 0;
            while (true) {
                List<String> head = readHead(in);
                if (head == null) {
                    closedByPeer.incrementAndGet(); // the read returned -1 between requests
                    return;
                }
                if (!handle(s, in, out, head, served++)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the proxy went away (end of stream inside a request, or a reset), unless this upstream is closing
            if (!server.isClosed()) {
                closedByPeer.incrementAndGet();
            }
        } finally {
            ended.incrementAndGet();
        }
    }

    /** Reads a head as lines (CRLF-terminated); null at a clean end of stream before any byte. */
    static List<String> readHead(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            String line = readLine(in, lines.isEmpty());
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (lines.isEmpty()) {
                    continue; // tolerated empty line before a request
                }
                return lines;
            }
            lines.add(line);
        }
    }

    /** A CRLF-terminated line without its CRLF; null at end of stream when {@code eofOk} and nothing was read. */
    static String readLine(InputStream in, boolean eofOk) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                if (eofOk && b.size() == 0) {
                    return null;
                }
                throw new EOFException("end of stream inside a line");
            }
            if (c == '\r') {
                int lf = in.read();
                if (lf != '\n') {
                    throw new IOException("CR without LF");
                }
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            b.write(c);
        }
    }

    private static String headerValue(List<String> head, String name) {
        for (int i = 1; i < head.size(); i++) {
            String line = head.get(i);
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static String query(String target, String param) {
        int q = target.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String kv : target.substring(q + 1).split("&")) {
            int eq = kv.indexOf('=');
            String k = eq < 0 ? kv : kv.substring(0, eq);
            if (k.equals(param)) {
                return eq < 0 ? "" : kv.substring(eq + 1);
            }
        }
        return null;
    }

    /** Handles one request; false when the connection is to be closed. */
    private boolean handle(Socket s, InputStream in, OutputStream out, List<String> head, int servedBefore)
            throws IOException {
        String requestLine = head.get(0);
        String[] parts = requestLine.split(" ");
        String target = parts[1];
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        List<String> headerLines = List.copyOf(head.subList(1, head.size()));
        boolean clientClose = "close".equalsIgnoreCase(headerValue(head, "connection"));

        switch (path) {
            case "/close-before-response" -> {
                requests.add(new Request(requestLine, headerLines, -1, null, null, List.of()));
                s.close();
                return false;
            }
            case "/close-if-reused" -> {
                if (servedBefore > 0) {
                    // the keep-alive race: the upstream gave up on the connection just as a request arrived
                    requests.add(new Request(requestLine, headerLines, -1, null, null, List.of()));
                    s.close();
                    return false;
                }
            }
            case "/reset" -> {
                requests.add(new Request(requestLine, headerLines, -1, null, null, List.of()));
                s.setSoLinger(true, 0);
                s.close();
                return false;
            }
            case "/no-read" -> {
                // an upstream that stops reading the request: the body fills the socket buffers and stays there
                requests.add(new Request(requestLine, headerLines, -1, null, null, List.of()));
                String ms = query(target, "ms");
                long end = System.nanoTime() + (ms == null ? 30_000 : Long.parseLong(ms)) * 1_000_000L;
                while (!s.isClosed() && !server.isClosed() && System.nanoTime() - end < 0) {
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                return false;
            }
            case "/early-413" -> {
                requests.add(new Request(requestLine, headerLines, -1, null, null, List.of()));
                byte[] body = "too large\n".getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 413 Payload Too Large\r\nx-upstream: " + name + "\r\ncontent-length: "
                        + body.length + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                // lingering close: stop sending, discard what still comes so the peer is not reset
                s.shutdownOutput();
                s.setSoTimeout(10_000);
                try {
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException ignored) {
                    // the proxy closed its side
                }
                return false;
            }
            default -> {
            }
        }

        // read the whole body
        MessageDigest sha = sha256();
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        long[] length = {0};
        List<String> trailers = new ArrayList<>();
        OutputStream bodySink = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                sha.update(b, off, len);
                length[0] += len;
                if (kept.size() < KEEP_BODY) {
                    kept.write(b, off, Math.min(len, KEEP_BODY - kept.size()));
                }
            }
        };
        String te = headerValue(head, "transfer-encoding");
        String cl = headerValue(head, "content-length");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            readChunked(in, bodySink, trailers);
        } else if (cl != null) {
            copyExactly(in, Long.parseLong(cl), bodySink);
        }
        String bodySha = hex(sha.digest());
        Request request = new Request(requestLine, headerLines, length[0], bodySha, kept.toByteArray(),
                List.copyOf(trailers));
        requests.add(request);

        if (path.equals("/echo-headers")) {
            StringBuilder b = new StringBuilder(requestLine).append("\r\n");
            for (String h : headerLines) {
                b.append(h).append("\r\n");
            }
            return respond(out, 200, "text/plain", b.toString(), "", clientClose);
        }
        if (path.equals("/sink")) {
            return respond(out, 200, "text/plain", "bytes=" + length[0] + " sha256=" + bodySha, "", clientClose);
        }
        if (path.equals("/download")) {
            long size = Long.parseLong(query(target, "size"));
            boolean chunked = "1".equals(query(target, "chunked"));
            download(out, size, chunked, parts[0].equals("HEAD"));
            return !clientClose;
        }
        if (path.equals("/delay") && "1".equals(query(target, "watch"))) {
            // wait by reading: an end of stream or a reset during the delay means the proxy closed the connection
            s.setSoTimeout(Integer.parseInt(query(target, "ms")));
            in.mark(1);
            try {
                if (in.read() < 0) {
                    closedByPeer.incrementAndGet();
                    return false;
                }
                in.reset(); // a pipelined request: answer early, then serve it
            } catch (java.net.SocketTimeoutException e) {
                // the delay passed with the connection open
            } finally {
                if (!s.isClosed()) {
                    s.setSoTimeout(0);
                }
            }
            return respond(out, 200, "text/plain", "delayed", "", clientClose);
        }
        if (path.equals("/delay")) {
            try {
                Thread.sleep(Long.parseLong(query(target, "ms")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return respond(out, 200, "text/plain", "delayed", "", clientClose);
        }
        if (path.equals("/until-close")) {
            String size = query(target, "size");
            byte[] body = size == null ? "until close".getBytes(StandardCharsets.US_ASCII)
                    : Pattern.bytes(0, Integer.parseInt(size));
            out.write(("HTTP/1.1 200 OK\r\nx-upstream: " + name + "\r\ncontent-type: application/octet-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return false;
        }
        if (path.equals("/connection-close")) {
            respond(out, 200, "text/plain", "closing", "connection: close\r\n", true);
            return false;
        }
        if (path.equals("/then-close")) {
            // a complete keep-alive response, then the upstream closes the (now idle) connection on its own;
            // with reset=1 it resets it instead
            respond(out, 200, "text/plain", "ok", "", false);
            if ("1".equals(query(target, "reset"))) {
                s.setSoLinger(true, 0);
            }
            return false;
        }
        if (path.equals("/truncated")) {
            int send = Integer.parseInt(query(target, "send"));
            boolean chunked = "1".equals(query(target, "chunked"));
            out.write(("HTTP/1.1 200 OK\r\nx-upstream: " + name + "\r\ncontent-type: application/octet-stream\r\n"
                    + (chunked ? "transfer-encoding: chunked\r\n" : "content-length: " + query(target, "size") + "\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (chunked) {
                out.write((Integer.toHexString(send) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(Pattern.bytes(0, send));
                out.write(CRLF); // one whole chunk, then close without the last chunk
            } else {
                out.write(Pattern.bytes(0, send));
            }
            out.flush();
            return false;
        }
        if (path.equals("/trailers")) {
            StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\nx-upstream: ").append(name)
                    .append("\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\ntrailer: x-checksum\r\n\r\n")
                    .append("5\r\nhello\r\n0\r\n");
            for (String t : RESPONSE_TRAILERS) {
                b.append(t).append("\r\n");
            }
            out.write(b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return !clientClose;
        }
        if (path.equals("/coded")) {
            int size = Integer.parseInt(query(target, "size"));
            boolean untilClose = "1".equals(query(target, "close"));
            out.write(("HTTP/1.1 200 OK\r\nx-upstream: " + name + "\r\ncontent-type: application/octet-stream\r\n"
                    + (untilClose ? "transfer-encoding: gzip\r\n" : "transfer-encoding: gzip, chunked\r\n")
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] body = Pattern.bytes(0, size);
            if (untilClose) {
                out.write(body);
                out.flush();
                return false;
            }
            for (int off = 0; off < size; off += 10_000) { // several chunks
                int n = Math.min(10_000, size - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body, off, n);
                out.write(CRLF);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return !clientClose;
        }
        if (path.startsWith("/bad-response/")) {
            out.write(badResponse(path.substring("/bad-response/".length())));
            out.flush();
            return true; // keep the connection: a proxy that wrongly reused it would read garbage
        }
        if (path.equals("/with-cors-headers")) {
            // an upstream that answers CORS itself, with a wildcard the proxy's policy must replace, not repeat
            return respond(out, 200, "text/plain", "own cors", "access-control-allow-origin: *\r\n"
                    + "access-control-expose-headers: x-own\r\nvary: accept-encoding\r\n", clientClose);
        }
        if (path.startsWith("/status/")) {
            int status = Integer.parseInt(path.substring("/status/".length()));
            return respond(out, status, "text/plain", "status " + status, "", clientClose);
        }
        return respond(out, 200, "text/plain", "ok", "", clientClose);
    }

    /** The bytes of an invalid response head of the given kind. */
    private byte[] badResponse(String kind) {
        String up = "x-upstream: " + name + "\r\n";
        String text = switch (kind) {
            case "status-line" -> "HELLO WORLD\r\n" + up + "content-length: 2\r\n\r\nok";
            case "status-code" -> "HTTP/1.1 2x0 OK\r\n" + up + "content-length: 2\r\n\r\nok";
            case "huge-head" -> {
                StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\n").append(up);
                String filler = "f".repeat(1000);
                for (int i = 0; i < 70; i++) { // about 70 KiB of fields, under the 100-field count limit
                    b.append("x-filler-").append(i).append(": ").append(filler).append("\r\n");
                }
                yield b.append("content-length: 2\r\n\r\nok").toString();
            }
            case "bare-lf" -> "HTTP/1.1 200 OK\n" + up.replace("\r\n", "\n") + "content-length: 2\n\nok";
            case "bare-lf-in-field" -> "HTTP/1.1 200 OK\r\n" + up + "x-lf: a\ncontent-length: 2\r\n\r\nok";
            case "differing-cl" -> "HTTP/1.1 200 OK\r\n" + up + "content-length: 2\r\ncontent-length: 3\r\n\r\nok";
            default -> throw new IllegalArgumentException("unknown bad response " + kind);
        };
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private boolean respond(OutputStream out, int status, String type, String body, String extraHeaders,
                            boolean close) throws IOException {
        boolean noBody = status == 204 || status == 304 || status < 200;
        byte[] b = noBody ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                + "x-upstream: " + name + "\r\n"
                + (noBody ? "" : "content-type: " + type + "\r\n" + "content-length: " + b.length + "\r\n")
                + extraHeaders
                + (close && extraHeaders.isEmpty() ? "connection: close\r\n" : "")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        return !close;
    }

    private void download(OutputStream out, long size, boolean chunked, boolean headOnly) throws IOException {
        String head = "HTTP/1.1 200 OK\r\nx-upstream: " + name + "\r\ncontent-type: application/octet-stream\r\n"
                + (chunked ? "transfer-encoding: chunked\r\ntrailer: x-checksum\r\n" : "content-length: " + size + "\r\n")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        if (headOnly) {
            out.flush();
            return;
        }
        MessageDigest sha = sha256();
        byte[] buf = new byte[64 * 1024];
        long sent = 0;
        while (sent < size) {
            int n = (int) Math.min(buf.length, size - sent);
            Pattern.fill(sent, buf, n);
            sha.update(buf, 0, n);
            if (chunked) {
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(buf, 0, n);
                out.write(CRLF);
            } else {
                out.write(buf, 0, n);
            }
            sent += n;
        }
        if (chunked) {
            out.write(("0\r\nx-checksum: " + hex(sha.digest()) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    private static final byte[] CRLF = {'\r', '\n'};

    static void copyExactly(InputStream in, long n, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long left = n;
        while (left > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (r < 0) {
                throw new EOFException("end of stream with " + left + " body bytes missing");
            }
            out.write(buf, 0, r);
            left -= r;
        }
    }

    /** Decodes a chunked body into {@code out}; trailer lines go to {@code trailers}. */
    static void readChunked(InputStream in, OutputStream out, List<String> trailers) throws IOException {
        while (true) {
            String line = readLine(in, false);
            int semi = line.indexOf(';');
            long size = Long.parseLong((semi < 0 ? line : line.substring(0, semi)).trim(), 16);
            if (size == 0) {
                while (true) {
                    String t = readLine(in, false);
                    if (t.isEmpty()) {
                        return;
                    }
                    trailers.add(t);
                }
            }
            copyExactly(in, size, out);
            if (!readLine(in, false).isEmpty()) {
                throw new IOException("no CRLF after chunk data");
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 404 -> "Not Found";
            case 413 -> "Payload Too Large";
            case 500 -> "Internal Server Error";
            case 503 -> "Service Unavailable";
            default -> "Status";
        };
    }

    @Override
    public void close() {
        server.close();
    }

    /** The deterministic body pattern of {@code /download} and of the uploads: a fixed pseudo-random block. */
    static final class Pattern {
        /** A prime length, so that buffer and chunk boundaries never line up with the block. */
        private static final int BLOCK_LENGTH = 65_521;
        private static final byte[] BLOCK = new byte[BLOCK_LENGTH];

        static {
            new java.util.Random(0x5EEDL).nextBytes(BLOCK);
        }

        private Pattern() {
        }

        /** Fills {@code buf[0..n)} with the pattern bytes at {@code offset..offset+n)}. */
        static void fill(long offset, byte[] buf, int n) {
            int pos = (int) (offset % BLOCK_LENGTH);
            int done = 0;
            while (done < n) {
                int k = Math.min(n - done, BLOCK_LENGTH - pos);
                System.arraycopy(BLOCK, pos, buf, done, k);
                done += k;
                pos = 0;
            }
        }

        static byte[] bytes(long offset, int n) {
            byte[] b = new byte[n];
            fill(offset, b, n);
            return b;
        }

        /** SHA-256 (hex) of the first {@code size} pattern bytes. */
        static String sha256(long size) {
            MessageDigest sha = TestUpstream.sha256();
            byte[] buf = new byte[64 * 1024];
            long done = 0;
            while (done < size) {
                int n = (int) Math.min(buf.length, size - done);
                fill(done, buf, n);
                sha.update(buf, 0, n);
                done += n;
            }
            return hex(sha.digest());
        }
    }
}
