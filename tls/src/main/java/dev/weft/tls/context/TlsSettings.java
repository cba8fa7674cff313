package dev.weft.tls.context;

import dev.weft.tls.identity.PeerIdentity;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;

/** What server and client contexts share: protocol and cipher-suite checks, SSLContext creation, peer lookup. */
final class TlsSettings {
    /** TLS 1.0 and 1.1 are deprecated by RFC 8996; SSLv3 and below are broken. */
    static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    private static final Set<String> ALLOWED_PROTOCOLS = Set.copyOf(DEFAULT_PROTOCOLS);
    private static final String PEER_IDENTITY_KEY = "dev.weft.tls.peer";

    private TlsSettings() {}

    static List<String> protocols(List<String> protocols) {
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("no TLS protocols enabled");
        }
        for (String protocol : protocols) {
            if (!ALLOWED_PROTOCOLS.contains(protocol)) {
                throw new IllegalArgumentException("unsupported TLS protocol '" + protocol + "' (allowed: "
                        + DEFAULT_PROTOCOLS + ")");
            }
        }
        return List.copyOf(protocols);
    }

    static List<String> cipherSuites(SSLContext context, List<String> suites) {
        if (suites.isEmpty()) {
            return List.of();
        }
        List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
        for (String suite : suites) {
            if (!supported.contains(suite)) {
                throw new IllegalArgumentException("unsupported cipher suite '" + suite + "'");
            }
        }
        return List.copyOf(suites);
    }

    static List<String> alpn(List<String> protocols) {
        for (String protocol : protocols) {
            // RFC 7301 section 3.1: protocol names are 1..255 bytes
            if (protocol.isEmpty() || protocol.length() > 255) {
                throw new IllegalArgumentException("ALPN protocol name must be 1..255 bytes: '" + protocol + "'");
            }
        }
        return List.copyOf(protocols);
    }

    static SSLContext sslContext(KeyManager keyManager, TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManager == null ? null : new KeyManager[] {keyManager},
                    trustManager == null ? null : new TrustManager[] {trustManager}, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS SSLContext: " + e, e);
        }
    }

    /** An in-memory trust store of {@code cas}, so a bundle is read once per context build. */
    static KeyStore trustStore(List<X509Certificate> cas) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            return store;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build an in-memory trust store: " + e, e);
        }
    }

    /** The peer identity of a completed handshake, cached in the session; NONE without a peer certificate. */
    static PeerIdentity peer(SSLSession session) {
        if (session == null) {
            return PeerIdentity.NONE;
        }
        if (session.getValue(PEER_IDENTITY_KEY) instanceof PeerIdentity cached) {
            return cached;
        }
        Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (SSLPeerUnverifiedException e) {
            return PeerIdentity.NONE;
        }
        PeerIdentity identity = chain.length > 0 && chain[0] instanceof X509Certificate leaf
                ? PeerIdentity.of(leaf)
                : PeerIdentity.NONE;
        session.putValue(PEER_IDENTITY_KEY, identity);
        return identity;
    }

    /** RFC 6066 section 3: SNI carries host names only, never IP literals. */
    static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        return host.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
    }
}
