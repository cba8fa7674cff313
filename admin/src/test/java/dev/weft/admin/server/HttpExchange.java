package dev.weft.admin.server;

import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.ResponseHead;
import dev.weft.codec.http1.ResponseHeadParser;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A raw HTTP/1.1 client for the tests: writes exactly the bytes given and reads responses with the codec's
 * response parser, so the tests see the wire, not a library's interpretation of it.
 */
final class HttpExchange implements AutoCloseable {
    private static final int TIMEOUT_MILLIS = 10_000;

    /** A response: status, fields by lower-case name, and the body as UTF-8. */
    record Response(int status, Map<String, List<String>> fields, String body) {
        String field(String lowerName) {
            List<String> values = fields.get(lowerName);
            return values == null ? null : values.get(0);
        }

        String contentType() {
            return field("content-type");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).flip();

    HttpExchange(InetSocketAddress address) throws IOException {
        socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(TIMEOUT_MILLIS);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** One GET (or other bodiless request) on a fresh connection with the given extra field lines. */
    static Response request(InetSocketAddress address, String method, String target, String... fieldLines)
            throws IOException {
        try (HttpExchange exchange = new HttpExchange(address)) {
            exchange.send(raw(method, target, address, fieldLines));
            return exchange.read(method.equals("HEAD"));
        }
    }

    static Response get(InetSocketAddress address, String target, String... fieldLines) throws IOException {
        return request(address, "GET", target, fieldLines);
    }

    static Response post(InetSocketAddress address, String target, String... fieldLines) throws IOException {
        String[] withLength = new String[fieldLines.length + 1];
        System.arraycopy(fieldLines, 0, withLength, 0, fieldLines.length);
        withLength[fieldLines.length] = "content-length: 0";
        return request(address, "POST", target, withLength);
    }

    /** A request head with Host set to the server's address. */
    static String raw(String method, String target, InetSocketAddress address, String... fieldLines) {
        StringBuilder s = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("host: 127.0.0.1:").append(address.getPort()).append("\r\n");
        for (String line : fieldLines) {
            s.append(line).append("\r\n");
        }
        return s.append("\r\n").toString();
    }

    void send(String raw) throws IOException {
        send(raw.getBytes(StandardCharsets.ISO_8859_1));
    }

    void send(byte[] raw) throws IOException {
        out.write(raw);
        out.flush();
    }

    /** Reads one final response (skipping 1xx) with a Content-Length body, or none for HEAD. */
    Response read(boolean headRequest) throws IOException {
        while (true) {
            ResponseHeadParser parser = new ResponseHeadParser(Http1Limits.DEFAULTS);
            try {
                while (!parser.parse(buffer)) {
                    fill();
                }
            } catch (Http1Exception e) {
                throw new IOException("bad response head: " + e.getMessage(), e);
            }
            ResponseHead head = parser.head();
            if (head.isInformational()) {
                continue;
            }
            Map<String, List<String>> fields = new TreeMap<>();
            for (int i = 0; i < head.fieldCount(); i++) {
                fields.computeIfAbsent(head.name(i).toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(head.value(i));
            }
            long length = head.contentLength();
            if (length < 0) {
                throw new IOException("admin responses always carry content-length");
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            long left = headRequest ? 0 : length;
            while (left > 0) {
                if (!buffer.hasRemaining()) {
                    fill();
                }
                int n = (int) Math.min(left, buffer.remaining());
                body.write(buffer.array(), buffer.position(), n);
                buffer.position(buffer.position() + n);
                left -= n;
            }
            return new Response(head.status(), fields, body.toString(StandardCharsets.UTF_8));
        }
    }

    /** Whether the server has closed the connection (end of stream within the timeout, nothing else to read). */
    boolean closedByPeer() throws IOException {
        if (buffer.hasRemaining()) {
            return false;
        }
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private void fill() throws IOException {
        buffer.compact();
        try {
            int n = in.read(buffer.array(), buffer.position(), buffer.remaining());
            if (n < 0) {
                throw new EOFException("server closed the connection");
            }
            buffer.position(buffer.position() + n);
        } finally {
            buffer.flip();
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
