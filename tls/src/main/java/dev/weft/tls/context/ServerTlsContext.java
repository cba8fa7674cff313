package dev.weft.tls.context;

import dev.weft.tls.identity.PeerIdentity;
import dev.weft.tls.identity.SanMatcher;
import dev.weft.tls.pem.Pem;
import dev.weft.tls.pem.PemException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An immutable downstream TLS configuration that makes server-mode {@link SSLEngine}s: certificate chosen by SNI,
 * optional or required client certificates checked against a CA bundle and allowed SANs during the handshake,
 * ALPN chosen from our preference list.
 */
public final class ServerTlsContext {
    private final List<ServerCertificate> certificates;
    private final List<X509Certificate> clientCas;
    private final boolean requireClientCertificate;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> alpn;
    private final SSLContext sslContext;

    private ServerTlsContext(Builder builder, List<X509Certificate> clientCas, KeyStore trust) {
        this.certificates = List.copyOf(builder.certificates);
        this.clientCas = clientCas;
        this.requireClientCertificate = builder.requireClientCertificate;
        this.protocols = TlsSettings.protocols(builder.protocols);
        this.alpn = TlsSettings.alpn(builder.alpn);
        SanVerifyingTrustManager trustManager = trust == null
                ? null
                : new SanVerifyingTrustManager(trust, builder.allowedClientSans, builder.onSanMismatch);
        this.sslContext = TlsSettings.sslContext(new MaterialKeyManager(certificates), trustManager);
        this.cipherSuites = TlsSettings.cipherSuites(sslContext, builder.cipherSuites);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A server-mode engine for one accepted connection; {@code peerHost}/{@code peerPort} are only hints. */
    public SSLEngine newEngine(String peerHost, int peerPort) {
        SSLEngine engine = sslContext.createSSLEngine(peerHost, peerPort);
        engine.setUseClientMode(false);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        if (requireClientCertificate) {
            parameters.setNeedClientAuth(true);
        } else if (!clientCas.isEmpty()) {
            parameters.setWantClientAuth(true);
        }
        engine.setSSLParameters(parameters);
        if (!alpn.isEmpty()) {
            engine.setHandshakeApplicationProtocolSelector((e, offered) -> selectAlpn(alpn, offered));
        }
        return engine;
    }

    /**
     * The first of our protocols the client offers. When there is none, null makes JSSE send RFC 7301 section 3.2's
     * no_application_protocol alert rather than silently talking a protocol the client did not ask for.
     */
    static String selectAlpn(List<String> ours, List<String> offered) {
        for (String protocol : ours) {
            if (offered.contains(protocol)) {
                return protocol;
            }
        }
        return null;
    }

    /** The verified client identity of a completed handshake, or {@link PeerIdentity#NONE}. */
    public static PeerIdentity peer(SSLSession session) {
        return TlsSettings.peer(session);
    }

    public List<ServerCertificate> certificates() {
        return certificates;
    }

    public List<String> alpn() {
        return alpn;
    }

    /** Our certificates and the client CAs, for the admin {@code /certs} page. */
    public List<CertInfo> certInfo(Instant now) {
        List<CertInfo> out = new ArrayList<>();
        for (ServerCertificate certificate : certificates) {
            String name = "server " + (certificate.isDefault() ? "default" : String.join(",", certificate.serverNames()));
            out.add(CertInfo.of(name, certificate.material().leaf(), now));
        }
        for (int i = 0; i < clientCas.size(); i++) {
            out.add(CertInfo.of("client-ca #" + i, clientCas.get(i), now));
        }
        return Collections.unmodifiableList(out);
    }

    /** Collects the configuration; {@link #build()} validates it all at once. */
    public static final class Builder {
        private final List<ServerCertificate> certificates = new ArrayList<>();
        private Path clientCaBundle;
        private boolean requireClientCertificate;
        private List<SanMatcher> allowedClientSans = List.of();
        private List<String> protocols = TlsSettings.DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private List<String> alpn = List.of();
        private Runnable onSanMismatch = () -> { };

        private Builder() {}

        /** Presents {@code material} to clients asking for one of {@code serverNames}; empty names = the default. */
        public Builder certificate(List<String> serverNames, TlsMaterial material) {
            certificates.add(new ServerCertificate(serverNames, material));
            return this;
        }

        public Builder clientCaBundle(Path caBundle) {
            this.clientCaBundle = caBundle;
            return this;
        }

        public Builder requireClientCertificate(boolean require) {
            this.requireClientCertificate = require;
            return this;
        }

        public Builder allowedClientSans(List<SanMatcher> matchers) {
            this.allowedClientSans = List.copyOf(matchers);
            return this;
        }

        public Builder protocols(List<String> protocols) {
            this.protocols = List.copyOf(protocols);
            return this;
        }

        public Builder cipherSuites(List<String> cipherSuites) {
            this.cipherSuites = List.copyOf(cipherSuites);
            return this;
        }

        /** ALPN protocols in our order of preference, e.g. {@code ["h2", "http/1.1"]}; empty = no ALPN. */
        public Builder alpn(List<String> protocols) {
            this.alpn = List.copyOf(protocols);
            return this;
        }

        /** Called on the handshake thread each time a client certificate fails the SAN check (a stat counter). */
        public Builder onSanMismatch(Runnable listener) {
            this.onSanMismatch = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * @throws PemException when the client CA bundle cannot be loaded
         * @throws IllegalArgumentException when the configuration is inconsistent
         */
        public ServerTlsContext build() throws PemException {
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("a TLS server needs at least one certificate");
            }
            if (requireClientCertificate && clientCaBundle == null) {
                throw new IllegalArgumentException("requiring client certificates needs a client CA bundle");
            }
            if (!allowedClientSans.isEmpty() && !requireClientCertificate) {
                // otherwise a client without any certificate would pass a check meant to restrict who connects
                throw new IllegalArgumentException("allowed client SANs need requireClientCertificate");
            }
            List<X509Certificate> cas = List.of();
            KeyStore trust = null;
            if (clientCaBundle != null) {
                cas = Pem.certificates(clientCaBundle);
                trust = TlsSettings.trustStore(cas);
            }
            return new ServerTlsContext(this, cas, trust);
        }
    }
}
