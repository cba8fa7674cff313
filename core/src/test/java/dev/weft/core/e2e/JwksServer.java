package dev.weft.core.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint for the tests, on the JDK's own HTTP server (independent of Weft): serves the current key set at
 * {@link #PATH}, counts the fetches, and can answer slowly, fail, or go away and come back on the same port.
 */
final class JwksServer implements AutoCloseable {
    static final String PATH = "/.well-known/jwks.json";

    private final AtomicInteger fetches = new AtomicInteger();
    private volatile String body;
    private volatile int status = 200;
    private volatile long delayMillis;
    private final int port;
    private HttpServer server;

    private JwksServer(String body, int port) throws IOException {
        this.body = body;
        this.server = bind(port);
        this.port = server.getAddress().getPort();
    }

    static JwksServer start(String body) throws IOException {
        return new JwksServer(body, 0);
    }

    private HttpServer bind(int p) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), p), 50);
        s.createContext(PATH, exchange -> {
            try (exchange) {
                fetches.incrementAndGet();
                if (delayMillis > 0) {
                    try {
                        Thread.sleep(delayMillis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                byte[] b = body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("content-type", "application/json");
                exchange.sendResponseHeaders(status, b.length);
                exchange.getResponseBody().write(b);
            }
        });
        s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        s.start();
        return s;
    }

    int port() {
        return port;
    }

    int fetches() {
        return fetches.get();
    }

    void keys(String jwks) {
        this.body = jwks;
    }

    void status(int s) {
        this.status = s;
    }

    void delayMillis(long ms) {
        this.delayMillis = ms;
    }

    /** Waits (bounded) until at least {@code n} fetches were served. */
    void awaitFetches(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (fetches.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        if (fetches.get() < n) {
            throw new AssertionError("expected " + n + " JWKS fetches, saw " + fetches.get());
        }
    }

    /** Stops listening: connections to the port are refused until {@link #restart}. */
    void stop() {
        server.stop(0);
    }

    /** Listens again on the same port. */
    void restart() throws IOException {
        server = bind(port);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
