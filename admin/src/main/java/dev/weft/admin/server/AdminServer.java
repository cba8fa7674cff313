package dev.weft.admin.server;

import dev.weft.admin.stats.StatsStore;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Weft's admin HTTP/1.1 server: Envoy's admin endpoints over the codec's strict parser. One virtual thread accepts,
 * one virtual thread serves each connection ({@link AdminConnection}). It binds loopback by default, refuses
 * cross-site state changes, and can require a bearer token and restrict paths (see {@link Options}).
 */
public final class AdminServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminServer.class.getName());

    /** Concurrent admin connections; more are closed at once. Operators and scrapers need a handful. */
    static final int MAX_CONNECTIONS = 64;
    private static final int ACCEPT_BACKLOG = 64;
    private static final long ACCEPT_ERROR_PAUSE_MILLIS = 50; // e.g. out of file descriptors: do not spin
    private static final long CLOSE_JOIN_MILLIS = 2_000;

    /**
     * Where and how the admin server listens.
     *
     * @param address      the IP address or host name to bind; loopback keeps the admin plane off the network
     * @param port         the TCP port, 0 for an ephemeral one
     * @param bearerToken  when non-null, every endpoint except {@code /ready} requires
     *                     {@code authorization: Bearer <token>}
     * @param allowedPaths when non-empty, the only paths served (exact match); others get 403
     */
    public record Options(String address, int port, String bearerToken, List<String> allowedPaths) {
        public Options {
            Objects.requireNonNull(address, "address");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("admin port must be 0..65535: " + port);
            }
            if (bearerToken != null && (bearerToken.isBlank() || !bearerToken.strip().equals(bearerToken))) {
                throw new IllegalArgumentException("admin bearer token must be non-blank without surrounding spaces");
            }
            allowedPaths = allowedPaths == null ? List.of() : List.copyOf(allowedPaths);
        }

        /** Loopback port 9901 (Envoy's customary admin port), no token, every path. */
        public static Options defaults() {
            return new Options("127.0.0.1", 9901, null, List.of());
        }

        @Override
        public String toString() {
            return "Options[address=" + address + ", port=" + port + ", bearerToken="
                    + (bearerToken == null ? "none" : "<redacted>") + ", allowedPaths=" + allowedPaths + "]";
        }
    }

    private final ServerSocket serverSocket;
    private final AdminRouter router;
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS);
    /** Added by the acceptor, removed by each connection's thread, drained by {@link #close()}. */
    private final Set<AdminConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionIds = new AtomicLong();
    private final Thread acceptor;
    /** Written by {@link #close()}, read by the acceptor to tell a shutdown from an accept failure. */
    private volatile boolean closed;

    private AdminServer(ServerSocket serverSocket, Options options, StatsStore stats, AdminViews views) {
        this.serverSocket = serverSocket;
        AdminEndpoints endpoints = new AdminEndpoints(stats, views, this::openConnections);
        AdminGuard guard = new AdminGuard(options.bearerToken(), options.allowedPaths(),
                serverSocket.getInetAddress().isLoopbackAddress());
        this.router = new AdminRouter(guard, endpoints);
        this.acceptor = Thread.ofVirtual().name("weft-admin-accept").unstarted(this::acceptLoop);
    }

    /** Binds and starts serving; returns once the socket is bound, so {@link #address()} is known. */
    public static AdminServer start(Options options, StatsStore stats, AdminViews views) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(stats, "stats");
        Objects.requireNonNull(views, "views");
        InetAddress bindAddress = InetAddress.getByName(options.address());
        ServerSocket socket = new ServerSocket();
        try {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(bindAddress, options.port()), ACCEPT_BACKLOG);
        } catch (IOException e) {
            socket.close();
            throw new IOException("admin server cannot bind " + options.address() + ":" + options.port(), e);
        }
        AdminServer server = new AdminServer(socket, options, stats, views);
        server.acceptor.start();
        return server;
    }

    /** The bound address (with the actual port when 0 was asked for). */
    public InetSocketAddress address() {
        return (InetSocketAddress) serverSocket.getLocalSocketAddress();
    }

    /** Stops accepting, closes every open admin connection and waits briefly for the acceptor to end. */
    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            // closing a listening socket does not fail in a way we could act on
        }
        for (AdminConnection c : connections) {
            c.close();
        }
        if (Thread.currentThread() != acceptor) {
            try {
                acceptor.join(CLOSE_JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Open admin connections, for {@code /memory}. */
    int openConnections() {
        return connections.size();
    }

    /** Called by a connection's thread as its last act. */
    void released(AdminConnection connection) {
        if (connections.remove(connection)) {
            permits.release();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LOG.log(Level.WARNING, "admin accept failed", e);
                pause();
                continue;
            }
            if (!permits.tryAcquire()) {
                closeQuietly(socket); // at the connection limit: refuse rather than queue
                continue;
            }
            try {
                socket.setTcpNoDelay(true); // whole responses are written at once; do not wait for ACKs
            } catch (IOException e) {
                permits.release();
                closeQuietly(socket);
                continue;
            }
            AdminConnection connection = new AdminConnection(socket, router, this);
            connections.add(connection);
            if (closed) {
                connection.close(); // close() may have drained the set before this add
            }
            Thread.ofVirtual().name("weft-admin-" + connectionIds.incrementAndGet()).start(connection);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to release
        }
    }
}
