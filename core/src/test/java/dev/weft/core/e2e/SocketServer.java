package dev.weft.core.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The accepting side of the tests' plain-socket servers: a loopback listening socket whose virtual thread accepts
 * connections and serves each on its own virtual thread, counting them; {@link #close} closes the listening socket
 * and every connection still open.
 */
final class SocketServer implements AutoCloseable {
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    /** Starts accepting; {@code serve} owns the socket it is given (and closes it). */
    SocketServer(String name, int backlog, Consumer<Socket> serve) throws IOException {
        this(name, backlog, 0, serve);
    }

    /**
     * The same with a receive buffer of {@code receiveBufferBytes} for every accepted socket (set before the bind,
     * so accepted sockets inherit it), 0 for the system's.
     */
    SocketServer(String name, int backlog, int receiveBufferBytes, Consumer<Socket> serve) throws IOException {
        server = new ServerSocket();
        if (receiveBufferBytes > 0) {
            server.setReceiveBufferSize(receiveBufferBytes);
        }
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        acceptor = Thread.ofVirtual().name(name).start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.incrementAndGet();
                    sockets.add(s);
                    Thread.ofVirtual().start(() -> {
                        try {
                            serve.accept(s);
                        } finally {
                            sockets.remove(s);
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
    }

    int port() {
        return server.getLocalPort();
    }

    /** TCP connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    boolean isClosed() {
        return server.isClosed();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        acceptor.interrupt();
    }
}
