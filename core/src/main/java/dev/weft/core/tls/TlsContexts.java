package dev.weft.core.tls;

import dev.weft.core.config.TlsConfig;
import dev.weft.tls.context.ClientTlsContext;
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
    private TlsContexts() {
    }

    public static ServerTlsContext server(TlsConfig.Downstream c, Runnable onSanMismatch) throws IOException {
        try {
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
        } catch (PemException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    public static ClientTlsContext client(TlsConfig.Upstream c, String defaultSni, Runnable onSanMismatch)
            throws IOException {
        try {
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
        } catch (PemException e) {
            throw new IOException(e.getMessage(), e);
        }
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
