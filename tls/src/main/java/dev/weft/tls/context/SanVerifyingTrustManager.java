package dev.weft.tls.context;

import dev.weft.tls.identity.PeerIdentity;
import dev.weft.tls.identity.SanMatcher;
import java.net.Socket;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The JDK's PKIX trust manager followed by a SAN check on the peer's leaf, so a peer with a trusted but unexpected
 * certificate fails the handshake with a certificate error instead of being rejected after it.
 */
final class SanVerifyingTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager delegate;
    private final List<SanMatcher> allowed;
    private final Runnable onSanMismatch;

    SanVerifyingTrustManager(KeyStore trusted, List<SanMatcher> allowed, Runnable onSanMismatch) {
        this.delegate = pkix(trusted);
        this.allowed = List.copyOf(allowed);
        this.onSanMismatch = onSanMismatch;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkClientTrusted(chain, authType, socket);
        verifySans(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkClientTrusted(chain, authType, engine);
        verifySans(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkClientTrusted(chain, authType);
        verifySans(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        delegate.checkServerTrusted(chain, authType, socket);
        verifySans(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        delegate.checkServerTrusted(chain, authType, engine);
        verifySans(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        delegate.checkServerTrusted(chain, authType);
        verifySans(chain);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private void verifySans(X509Certificate[] chain) throws CertificateException {
        if (allowed.isEmpty()) {
            return;
        }
        PeerIdentity peer = PeerIdentity.of(chain[0]);
        if (!SanMatcher.anyMatches(allowed, peer)) {
            onSanMismatch.run();
            throw new CertificateException("SAN mismatch: peer certificate " + peer.subject() + " with SANs "
                    + peer.describeSans() + " matches none of the " + allowed.size() + " allowed SAN matchers");
        }
    }

    private static X509ExtendedTrustManager pkix(KeyStore trusted) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(trusted);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK's PKIX TrustManagerFactory gave no X509ExtendedTrustManager");
        } catch (NoSuchAlgorithmException | KeyStoreException e) {
            throw new IllegalStateException("cannot build a PKIX trust manager: " + e, e);
        }
    }
}
