package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Raw HTTP/1.1 on a socket for the end-to-end tests: exact request bytes out, responses parsed by an implementation
 * independent of Weft's codec.
 */
final class Wire implements AutoCloseable {
    /** A response: status line parts, header lines in order, the body (unless streamed elsewhere), the trailers. */
    record Response(String statusLine, int status, List<String> headerLines, byte[] body, List<String> trailerLines) {
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

        String header(String name) {
            List<String> v = headers(name);
            return v.isEmpty() ? null : v.get(0);
        }

        String trailer(String name) {
            for (String line : trailerLines) {
                int colon = line.indexOf(':');
                if (line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        boolean closes() {
            String c = header("connection");
            return c != null && c.toLowerCase(Locale.ROOT).contains("close");
        }
    }

    final Socket socket;
    final InputStream in;
    final OutputStream out;

    private Wire(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    static Wire connect(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        s.connect(address, 5_000);
        return new Wire(s);
    }

    /**
     * Connects with a small receive buffer (set before the connect, so the window is small from the handshake on):
     * a client that stops reading then fills up quickly.
     */
    static Wire connect(InetSocketAddress address, int receiveBufferBytes) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBufferBytes);
        s.connect(address, 5_000);
        return new Wire(s);
    }

    Wire send(String ascii) throws IOException {
        out.write(ascii.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    Wire send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    Response read() throws IOException {
        return read(false, null);
    }

    /**
     * Reads one response. 1xx responses are returned like any other (the caller reads again).
     *
     * @param headRequest the request was HEAD: no body whatever the headers say
     * @param bodySink    when non-null the body goes there and {@link Response#body()} is empty
     */
    Response read(boolean headRequest, OutputStream bodySink) throws IOException {
        return readResponse(in, headRequest, bodySink);
    }

    static Response readResponse(InputStream in, boolean headRequest, OutputStream bodySink) throws IOException {
        List<String> head = TestUpstream.readHead(in);
        if (head == null) {
            throw new EOFException("connection closed before a response");
        }
        String statusLine = head.get(0);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        List<String> headers = List.copyOf(head.subList(1, head.size()));
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        OutputStream sink = bodySink != null ? bodySink : kept;
        List<String> trailers = new ArrayList<>();
        Response probe = new Response(statusLine, status, headers, new byte[0], List.of());
        String te = probe.header("transfer-encoding");
        String cl = probe.header("content-length");
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            // no body
        } else if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            TestUpstream.readChunked(in, sink, trailers);
        } else if (cl != null) {
            TestUpstream.copyExactly(in, Long.parseLong(cl), sink);
        } else {
            in.transferTo(sink); // until close
        }
        return new Response(statusLine, status, headers, kept.toByteArray(), List.copyOf(trailers));
    }

    /** Sends a request and reads its response. */
    Response exchange(String request) throws IOException {
        send(request);
        return read(request.startsWith("HEAD "), null);
    }

    /** One GET on a fresh connection with this Host. */
    static Response get(InetSocketAddress proxy, String host, String target, String... extraHeaders)
            throws IOException {
        return request(proxy, "GET", host, target, extraHeaders);
    }

    /** One body-less request on a fresh connection; the connection is closed afterwards. */
    static Response request(InetSocketAddress proxy, String method, String host, String target,
                            String... extraHeaders) throws IOException {
        StringBuilder b = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        b.append("Host: ").append(host).append("\r\n");
        for (String h : extraHeaders) {
            b.append(h).append("\r\n");
        }
        b.append("\r\n");
        try (Wire w = connect(proxy)) {
            return w.exchange(b.toString());
        }
    }

    /** Asserts the peer closes the connection: a read returns end of stream (a reset counts too) in time. */
    void assertClosedByPeer(int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        try {
            int b = in.read();
            assertEquals(-1, b, "expected the connection to be closed, but a byte arrived: " + b);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed within " + timeoutMillis + " ms", e);
        } catch (SocketException e) {
            // connection reset: closed as well
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
