package dev.weft.tls.channel;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/** Loopback sockets, engines and payloads for the channel tests. */
final class Loopback implements AutoCloseable {
    final ServerSocketChannel server;

    Loopback() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    int port() throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    SocketChannel connect() throws IOException {
        return SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()));
    }

    SocketChannel accept() throws IOException {
        return server.accept();
    }

    /** A plain JDK SSLSocket client layered over a raw socket (so tests can also cut TCP under it). */
    SSLSocket sslSocketClient(SSLContext context, String protocol, Socket raw) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(raw, "localhost", port(), true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setProtocols(new String[] {protocol});
        socket.setSSLParameters(parameters);
        return socket;
    }

    Socket rawClient() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), port());
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    static SSLEngine serverEngine(SSLContext context, String... protocols) {
        SSLEngine engine = context.createSSLEngine();
        engine.setUseClientMode(false);
        if (protocols.length > 0) {
            engine.setEnabledProtocols(protocols);
        }
        return engine;
    }

    /** A client engine for "localhost" that verifies the server's identity like an HTTPS client. */
    static SSLEngine clientEngine(SSLContext context, int port, String... protocols) {
        return clientEngine(context, "localhost", port, protocols);
    }

    /** A client engine that sends {@code host} as SNI and expects it in the server certificate. */
    static SSLEngine clientEngine(SSLContext context, String host, int port, String... protocols) {
        SSLEngine engine = context.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** Deterministic pseudo-random bytes; the same seed gives the same stream. */
    static byte[] payload(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads exactly {@code n} bytes or fails on early end of stream. */
    static byte[] readFully(TlsChannel channel, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new IOException("end of stream after " + buffer.position() + " of " + n + " bytes");
            }
        }
        return buffer.array();
    }

    /** Reads until end of stream. */
    static byte[] readToEnd(TlsChannel channel) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (channel.read(buffer.clear()) >= 0) {
            out.write(buffer.array(), 0, buffer.position());
        }
        return out.toByteArray();
    }
}
