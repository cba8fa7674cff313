package dev.weft.tls.context;

import dev.weft.tls.pem.PemException;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLEngine;

/**
 * A {@link ServerTlsContext} that can be replaced while serving: new handshakes use the newest valid material, open
 * connections keep theirs, and a bad update is rejected, counted and logged while the old material keeps serving.
 * Pair it with a {@link CertificateWatcher} whose callback is {@link #reload()}.
 */
public final class ReloadingServerTls {
    private final Reloader<ServerTlsContext> reloader;

    /** Loads once now; a failure here is the caller's startup error. */
    public ReloadingServerTls(String name, ContextLoader<ServerTlsContext> loader, ReloadListener listener)
            throws PemException {
        this.reloader = new Reloader<>(name, loader, listener);
    }

    public SSLEngine newEngine(String peerHost, int peerPort) {
        return reloader.current().newEngine(peerHost, peerPort);
    }

    public ServerTlsContext current() {
        return reloader.current();
    }

    /** Rebuilds from the loader; true when the new context is now in use. Never throws. */
    public boolean reload() {
        return reloader.reload();
    }

    public long reloads() {
        return reloader.reloads();
    }

    public long reloadFailures() {
        return reloader.failures();
    }

    public List<CertInfo> certInfo(Instant now) {
        return reloader.current().certInfo(now);
    }
}
