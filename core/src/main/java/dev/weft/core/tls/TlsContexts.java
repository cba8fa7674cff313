package dev.weft.core.tls;

import dev.weft.core.config.TlsConfig;
import dev.weft.tls.context.CertificateWatcher;
import dev.weft.tls.context.ClientTlsContext;
import dev.weft.tls.context.ReloadingClientTls;
import dev.weft.tls.context.ReloadingServerTls;
import dev.weft.tls.context.ServerTlsContext;
import dev.weft.tls.context.TlsMaterial;
import dev.weft.tls.identity.SanMatcher;
import dev.weft.tls.pem.PemException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds the tls module's contexts from the config records; a bad file is an IOException naming it. */
public final class TlsContexts {
    private static final System.Logger LOG = System.getLogger("weft.tls");

    private TlsContexts() {
    }

    public static ServerTlsContext server(TlsConfig.Downstream c, Runnable onSanMismatch) throws IOException {
        try {
            return buildServer(c, onSanMismatch);
        } catch (PemException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Builds and validates a server context; used for the first load and every reload. */
    static ServerTlsContext buildServer(TlsConfig.Downstream c, Runnable onSanMismatch) throws PemException {
        ServerTlsContext.Builder b = ServerTlsContext.builder();
        for (TlsConfig.Certificate cert : c.certificates()) {
            b.certificate(cert.serverNames(), TlsMaterial.load(Path.of(cert.certFile()), Path.of(cert.keyFile())));
        }
        if (c.caFile() != null) {
            b.clientCaBundle(Path.of(c.caFile()));
        }
        b.requireClientCertificate(c.requireClientCertificate());
        b.allowedClientSans(matchers(c.allowedClientSans()));
        b.protocols(protocols(c.minVersion(), c.maxVersion()));
        b.cipherSuites(c.cipherSuites());
        b.alpn(c.alpn());
        b.onSanMismatch(onSanMismatch);
        return b.build();
    }

    public static ClientTlsContext client(TlsConfig.Upstream c, String defaultSni, Runnable onSanMismatch)
            throws IOException {
        try {
            return buildClient(c, defaultSni, onSanMismatch);
        } catch (PemException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Builds and validates a client context; used for the first load and every reload. */
    static ClientTlsContext buildClient(TlsConfig.Upstream c, String defaultSni, Runnable onSanMismatch)
            throws PemException {
        ClientTlsContext.Builder b = ClientTlsContext.builder();
        b.caBundle(Path.of(c.caFile()));
        b.expectedServerSans(matchers(c.expectedSans()));
        if (c.certFile() != null) {
            b.clientCertificate(TlsMaterial.load(Path.of(c.certFile()), Path.of(c.keyFile())));
        }
        b.sniName(c.sni() != null ? c.sni() : defaultSni);
        b.protocols(protocols(c.minVersion(), c.maxVersion()));
        b.cipherSuites(c.cipherSuites());
        b.alpn(c.alpn());
        b.onSanMismatch(onSanMismatch);
        return b.build();
    }

    /**
     * A listener's TLS context that can be rebuilt from its files; the first load happens now and its failure is the
     * caller's startup error (an IOException naming the file).
     */
    public static ReloadingServerTls reloadingServer(String name, TlsConfig.Downstream c, SslStats stats)
            throws IOException {
        try {
            return new ReloadingServerTls(name, () -> buildServer(c, stats::sanMismatch), stats);
        } catch (PemException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** As {@link #reloadingServer} for a cluster's upstream TLS. */
    public static ReloadingClientTls reloadingClient(String name, TlsConfig.Upstream c, String defaultSni,
                                                     SslStats stats) throws IOException {
        try {
            return new ReloadingClientTls(name, () -> buildClient(c, defaultSni, stats::sanMismatch), stats);
        } catch (PemException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Watches a listener's certificate, key and CA files and calls {@code reload} when any changes. */
    public static CertificateWatcher watch(String name, TlsConfig.Downstream c, Runnable reload) {
        return watch(name, files(c), reload);
    }

    /** Watches a cluster's CA, certificate and key files and calls {@code reload} when any changes. */
    public static CertificateWatcher watch(String name, TlsConfig.Upstream c, Runnable reload) {
        return watch(name, files(c), reload);
    }

    /**
     * The watcher, or null when the files' directories cannot be watched (e.g. the inotify instance limit): TLS keeps
     * serving the material loaded at start, and the warning says that rotation is off.
     */
    private static CertificateWatcher watch(String name, List<Path> files, Runnable reload) {
        try {
            return new CertificateWatcher(files, CertificateWatcher.DEFAULT_POLL_INTERVAL, reload);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "{0}: cannot watch the TLS files, certificate rotation is off: {1}",
                    name, e.toString());
            return null;
        }
    }

    /** Every file a listener's TLS reads: certificates, keys and the client CA bundle. */
    static List<Path> files(TlsConfig.Downstream c) {
        List<Path> out = new ArrayList<>();
        for (TlsConfig.Certificate cert : c.certificates()) {
            out.add(Path.of(cert.certFile()));
            out.add(Path.of(cert.keyFile()));
        }
        if (c.caFile() != null) {
            out.add(Path.of(c.caFile()));
        }
        return out;
    }

    /** Every file a cluster's TLS reads: the CA bundle and the client certificate and key. */
    static List<Path> files(TlsConfig.Upstream c) {
        List<Path> out = new ArrayList<>();
        out.add(Path.of(c.caFile()));
        if (c.certFile() != null) {
            out.add(Path.of(c.certFile()));
            out.add(Path.of(c.keyFile()));
        }
        return out;
    }

    static List<String> protocols(String min, String max) {
        List<String> out = new ArrayList<>();
        for (String v : List.of("TLSv1.3", "TLSv1.2")) {
            if (v.compareTo(min) >= 0 && v.compareTo(max) <= 0) {
                out.add(v);
            }
        }
        return out;
    }

    static List<SanMatcher> matchers(List<TlsConfig.SanMatch> config) {
        List<SanMatcher> out = new ArrayList<>();
        for (TlsConfig.SanMatch m : config) {
            out.add(new SanMatcher(SanMatcher.Type.valueOf(m.type()), SanMatcher.Kind.valueOf(m.kind()), m.value(),
                    m.regex()));
        }
        return out;
    }
}
