package dev.weft.tls.context;

import dev.weft.tls.identity.PeerIdentity;
import dev.weft.tls.identity.SanMatcher;
import dev.weft.tls.pem.Pem;
import dev.weft.tls.pem.PemException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * An immutable upstream TLS configuration that makes client-mode {@link SSLEngine}s: the server is always verified
 * against a CA bundle (there is deliberately no "insecure" switch), then either against the expected SANs or, when
 * none are configured, by RFC 6125 hostname verification of the SNI name; an optional client certificate gives mTLS.
 */
public final class ClientTlsContext {
    private final List<X509Certificate> serverCas;
    private final TlsMaterial clientCertificate;
    private final List<SanMatcher> expectedServerSans;
    private final String sniName;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final List<String> alpn;
    private final SSLContext sslContext;

    private ClientTlsContext(Builder builder, List<X509Certificate> serverCas) {
        this.serverCas = serverCas;
        this.clientCertificate = builder.clientCertificate;
        this.expectedServerSans = builder.expectedServerSans;
        this.sniName = builder.sniName;
        this.protocols = TlsSettings.protocols(builder.protocols);
        this.alpn = TlsSettings.alpn(builder.alpn);
        MaterialKeyManager keyManager = clientCertificate == null
                ? null
                : new MaterialKeyManager(List.of(new ServerCertificate(List.of(), clientCertificate)));
        SanVerifyingTrustManager trustManager = new SanVerifyingTrustManager(TlsSettings.trustStore(serverCas),
                expectedServerSans, builder.onSanMismatch);
        this.sslContext = TlsSettings.sslContext(keyManager, trustManager);
        this.cipherSuites = TlsSettings.cipherSuites(sslContext, builder.cipherSuites);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A client-mode engine for a connection to {@code host:port}. The SNI name is the configured one or else
     * {@code host} (omitted for IP literals, RFC 6066 section 3).
     */
    public SSLEngine newEngine(String host, int port) {
        String serverName = sniName != null ? sniName : host;
        SSLEngine engine = sslContext.createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(protocols.toArray(String[]::new));
        if (!cipherSuites.isEmpty()) {
            parameters.setCipherSuites(cipherSuites.toArray(String[]::new));
        }
        if (serverName != null && !TlsSettings.isIpLiteral(serverName)) {
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
        }
        // expected SANs replace hostname verification; the SAN check runs in SanVerifyingTrustManager
        parameters.setEndpointIdentificationAlgorithm(expectedServerSans.isEmpty() ? "HTTPS" : null);
        if (!alpn.isEmpty()) {
            parameters.setApplicationProtocols(alpn.toArray(String[]::new));
        }
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** The verified server identity of a completed handshake. */
    public static PeerIdentity peer(SSLSession session) {
        return TlsSettings.peer(session);
    }

    /** Our client certificate (if any) and the server CAs, for the admin {@code /certs} page. */
    public List<CertInfo> certInfo(Instant now) {
        List<CertInfo> out = new ArrayList<>();
        if (clientCertificate != null) {
            out.add(CertInfo.of("client", clientCertificate.leaf(), now));
        }
        for (int i = 0; i < serverCas.size(); i++) {
            out.add(CertInfo.of("server-ca #" + i, serverCas.get(i), now));
        }
        return Collections.unmodifiableList(out);
    }

    /** Collects the configuration; {@link #build()} validates it all at once. */
    public static final class Builder {
        private Path caBundle;
        private List<SanMatcher> expectedServerSans = List.of();
        private TlsMaterial clientCertificate;
        private String sniName;
        private List<String> protocols = TlsSettings.DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private List<String> alpn = List.of();
        private Runnable onSanMismatch = () -> { };

        private Builder() {}

        /** Required: the CAs the server's chain must lead to. */
        public Builder caBundle(Path caBundle) {
            this.caBundle = caBundle;
            return this;
        }

        /** When non-empty, the server's leaf must match one of these instead of the SNI name. */
        public Builder expectedServerSans(List<SanMatcher> matchers) {
            this.expectedServerSans = List.copyOf(matchers);
            return this;
        }

        /** Our certificate for mTLS; null for none. */
        public Builder clientCertificate(TlsMaterial material) {
            this.clientCertificate = material;
            return this;
        }

        /** The SNI name to send (and verify when no SANs are expected); null = the host passed to newEngine. */
        public Builder sniName(String name) {
            this.sniName = name;
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

        /** ALPN protocols to offer, in our order of preference; empty = no ALPN. */
        public Builder alpn(List<String> protocols) {
            this.alpn = List.copyOf(protocols);
            return this;
        }

        /** Called on the handshake thread each time the server certificate fails the SAN check. */
        public Builder onSanMismatch(Runnable listener) {
            this.onSanMismatch = Objects.requireNonNull(listener);
            return this;
        }

        /**
         * @throws PemException when the CA bundle cannot be loaded
         * @throws IllegalArgumentException when the configuration is inconsistent
         */
        public ClientTlsContext build() throws PemException {
            if (caBundle == null) {
                throw new IllegalArgumentException("a TLS client needs a CA bundle to verify servers with");
            }
            if (sniName != null && (sniName.isEmpty() || TlsSettings.isIpLiteral(sniName))) {
                throw new IllegalArgumentException("SNI name must be a host name, not '" + sniName + "'");
            }
            return new ClientTlsContext(this, Pem.certificates(caBundle));
        }
    }
}
