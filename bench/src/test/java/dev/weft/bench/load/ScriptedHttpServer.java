package dev.weft.bench.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Minimal HTTP/1.1 server for the load client tests: a raw {@link ServerSocket}, one virtual thread per connection,
 * and a script deciding each response by the global index of the request (0, 1, 2... across all connections).
 */
final class ScriptedHttpServer implements AutoCloseable {

    /** Writes the response to request {@code index}; returns false to close the connection afterwards. */
    @FunctionalInterface
    interface Script {
        boolean respond(int index, OutputStream out) throws IOException, InterruptedException;
    }

    static final byte[] OK = ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/plain\r\n\r\nhello")
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final Script script;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    ScriptedHttpServer(Script script) throws IOException {
        this.script = script;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofVirtual().name("scripted-accept").start(this::acceptLoop);
    }

    /** Always 200 with a 5-byte Content-Length body, keep-alive. */
    static ScriptedHttpServer ok() throws IOException {
        return new ScriptedHttpServer((index, out) -> {
            out.write(OK);
            return true;
        });
    }

    InetSocketAddress address() {
        return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
    }

    int requestsSeen() {
        return requests.get();
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                Thread.ofVirtual().name("scripted-conn").start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (readRequestHead(in)) {
                boolean keep = script.respond(requests.getAndIncrement(), out);
                out.flush();
                if (!keep) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // client went away or the server is closing
        } finally {
            open.remove(s);
        }
    }

    /** Reads up to the blank line ending the request head (the client sends GETs without bodies). */
    private static boolean readRequestHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        try {
            acceptor.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
