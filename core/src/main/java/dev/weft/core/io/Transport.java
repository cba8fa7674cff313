package dev.weft.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SocketChannel;

/**
 * The byte stream of one connection, plain TCP or TLS, as the HTTP code reads and writes it: blocking, one reader
 * and one writer at a time (they may be two threads), half-close in both directions.
 */
public interface Transport extends ByteChannel, GatheringByteChannel {

    /** Makes the current or next read return -1 (used to stop a blocked reader). */
    void shutdownInput() throws IOException;

    /** Ends the write direction (for TLS after a close_notify). */
    void shutdownOutput() throws IOException;

    /** The TCP connection underneath: addresses and options. */
    SocketChannel socket();

    /**
     * The connection is about to wait for its peer with nothing in flight: drop per-connection buffers that can be
     * made again (TLS record buffers). Plain TCP holds none.
     */
    default void idle() {
    }

    /** True over TLS. */
    default boolean secure() {
        return false;
    }

    /** The peer certificate's first URI SAN (a SPIFFE ID in a mesh), or null. */
    default String peerUriSan() {
        return null;
    }

    /** The peer certificate's subject, or null. */
    default String peerSubject() {
        return null;
    }

    /** The verified peer certificate's identity, or {@code PeerIdentity.NONE}. */
    default dev.weft.tls.identity.PeerIdentity peer() {
        return dev.weft.tls.identity.PeerIdentity.NONE;
    }

    /** The server name the client asked for with SNI, or null. */
    default String requestedServerName() {
        return null;
    }

    /** The negotiated TLS version ("TLSv1.3"), or null. */
    default String tlsVersion() {
        return null;
    }

    /** The negotiated cipher suite, or null. */
    default String tlsCipher() {
        return null;
    }

    /** Plain TCP. */
    static Transport plain(SocketChannel ch) {
        return new Plain(ch);
    }

    /** Plain TCP: every call goes straight to the socket. */
    final class Plain implements Transport {
        private final SocketChannel ch;

        Plain(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return ch.read(dst);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return ch.write(src);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            return ch.write(srcs, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return ch.write(srcs);
        }

        @Override
        public void shutdownInput() throws IOException {
            ch.shutdownInput();
        }

        @Override
        public void shutdownOutput() throws IOException {
            ch.shutdownOutput();
        }

        @Override
        public SocketChannel socket() {
            return ch;
        }

        @Override
        public boolean isOpen() {
            return ch.isOpen();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
