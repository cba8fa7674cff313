package dev.weft.core.tls;

import dev.weft.core.io.Transport;
import dev.weft.tls.channel.TlsChannel;
import dev.weft.tls.context.ServerTlsContext;
import dev.weft.tls.identity.PeerIdentity;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A TLS connection as a {@link Transport}; the peer identity is read once, after the handshake. */
public final class TlsTransport implements Transport {
    private final TlsChannel channel;
    private final PeerIdentity peer;
    private final String sni;

    public TlsTransport(TlsChannel channel) {
        this.channel = channel;
        PeerIdentity p;
        try {
            p = ServerTlsContext.peer(channel.session());
        } catch (RuntimeException e) {
            p = PeerIdentity.NONE;
        }
        this.peer = p == null ? PeerIdentity.NONE : p;
        String name = null;
        try {
            if (channel.session() instanceof javax.net.ssl.ExtendedSSLSession ext) {
                for (javax.net.ssl.SNIServerName n : ext.getRequestedServerNames()) {
                    if (n instanceof javax.net.ssl.SNIHostName h) {
                        name = h.getAsciiName().toLowerCase(java.util.Locale.ROOT);
                    }
                }
            }
        } catch (RuntimeException e) {
            name = null;
        }
        this.sni = name;
    }

    @Override
    public PeerIdentity peer() {
        return peer;
    }

    @Override
    public String requestedServerName() {
        return sni;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        return channel.write(srcs, offset, length);
    }

    @Override
    public long write(ByteBuffer[] srcs) throws IOException {
        return channel.write(srcs);
    }

    @Override
    public void shutdownInput() throws IOException {
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public SocketChannel socket() {
        return channel.socket();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public boolean secure() {
        return true;
    }

    @Override
    public void idle() {
        channel.releaseBuffers();
    }

    @Override
    public String peerUriSan() {
        return peer.uriSans().isEmpty() ? null : peer.uriSans().get(0);
    }

    @Override
    public String peerSubject() {
        return peer.subject();
    }

    @Override
    public String tlsVersion() {
        return channel.session().getProtocol();
    }

    @Override
    public String tlsCipher() {
        return channel.session().getCipherSuite();
    }
}
