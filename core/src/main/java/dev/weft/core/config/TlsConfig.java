package dev.weft.core.config;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/** TLS settings: {@code listeners[i].tls} (termination) and {@code clusters[i].tls} (origination). */
public final class TlsConfig {
    private TlsConfig() {
    }

    /**
     * One certificate a listener can present.
     *
     * @param certFile    PEM chain, leaf first
     * @param keyFile     PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC)
     * @param serverNames SNI names it serves (exact or {@code *.suffix}); empty: the default certificate
     */
    public record Certificate(String certFile, String keyFile, List<String> serverNames) {
        public Certificate {
            serverNames = List.copyOf(serverNames);
        }
    }

    /**
     * A subject alternative name matcher (Envoy's {@code match_typed_subject_alt_names}, flattened).
     *
     * @param type  DNS, URI, IP or ANY (any SAN type)
     * @param kind  EXACT, PREFIX, SUFFIX or REGEX
     * @param value the literal, or the regex source
     * @param regex compiled for REGEX, else null
     */
    public record SanMatch(String type, String kind, String value, Pattern regex) {
    }

    /**
     * Downstream TLS of a listener.
     *
     * @param certificates             at least one; one without server names is the default
     * @param caFile                   trusted CAs for client certificates; required with requireClientCertificate
     * @param requireClientCertificate mutual TLS: a client without a valid certificate is refused in the handshake
     * @param allowedClientSans        when not empty, the client certificate must match one
     * @param alpn                     protocols offered (default http/1.1)
     * @param minVersion               "TLSv1.2" (default) or "TLSv1.3"
     * @param maxVersion               "TLSv1.3" (default) or "TLSv1.2"
     * @param cipherSuites             empty: the JDK's defaults for those versions
     * @param handshakeTimeout         a handshake slower than this is abandoned (default 10s)
     */
    public record Downstream(List<Certificate> certificates, String caFile, boolean requireClientCertificate,
                             List<SanMatch> allowedClientSans, List<String> alpn, String minVersion,
                             String maxVersion, List<String> cipherSuites, Duration handshakeTimeout) {
        public Downstream {
            certificates = List.copyOf(certificates);
            allowedClientSans = List.copyOf(allowedClientSans);
            alpn = List.copyOf(alpn);
            cipherSuites = List.copyOf(cipherSuites);
        }
    }

    /**
     * Upstream TLS of a cluster.
     *
     * @param sni               server name sent (default: the endpoint address as configured)
     * @param caFile            trusted CAs for the upstream's certificate (required: no unverified TLS)
     * @param expectedSans      when not empty the upstream certificate must match one; when empty it must match the
     *                          SNI name (standard hostname verification)
     * @param certFile          client certificate for mutual TLS, or null
     * @param keyFile           its key, or null
     * @param alpn              protocols offered (default http/1.1)
     * @param minVersion        see {@link Downstream}
     * @param maxVersion        see {@link Downstream}
     * @param cipherSuites      see {@link Downstream}
     */
    public record Upstream(String sni, String caFile, List<SanMatch> expectedSans, String certFile, String keyFile,
                           List<String> alpn, String minVersion, String maxVersion, List<String> cipherSuites) {
        public Upstream {
            expectedSans = List.copyOf(expectedSans);
            alpn = List.copyOf(alpn);
            cipherSuites = List.copyOf(cipherSuites);
        }
    }
}
