package dev.weft.core.tls;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;
import dev.weft.tls.channel.TlsHandshakeException;
import dev.weft.tls.context.ReloadListener;

import javax.net.ssl.SSLSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Envoy's TLS stats of one listener ({@code listener.<address>.ssl.*}) or cluster ({@code cluster.<name>.ssl.*}).
 * Versions and ciphers are registered the first time they are seen (a handshake, not a request, pays for it).
 * As the {@link ReloadListener} of the reloading context it counts certificate rotations.
 */
public final class SslStats implements ReloadListener {
    private final Counter handshake;
    private final Counter connectionError;
    private final Counter failVerifyNoCert;
    private final Counter failVerifyError;
    private final Counter failVerifySan;
    private final Counter sessionReused;
    private final Counter handshakeTimeout;
    private final Counter plaintext;
    private final Counter reloadSuccess;
    private final Counter reloadFailure;
    private final Function<String, StatName> names;
    private final StatsStore store;
    private final Map<String, Counter> dynamic = new ConcurrentHashMap<>();

    private SslStats(StatsStore store, Function<String, StatName> names) {
        this.store = store;
        this.names = names;
        handshake = store.counter(names.apply("ssl.handshake"), "TLS handshakes completed.");
        connectionError = store.counter(names.apply("ssl.connection_error"),
                "TLS handshakes or connections that failed.");
        failVerifyNoCert = store.counter(names.apply("ssl.fail_verify_no_cert"),
                "Handshakes refused because the peer sent no certificate.");
        failVerifyError = store.counter(names.apply("ssl.fail_verify_error"),
                "Handshakes refused because the peer certificate did not verify (CA, validity).");
        failVerifySan = store.counter(names.apply("ssl.fail_verify_san"),
                "Handshakes refused because the peer certificate's SANs matched no allowed matcher.");
        sessionReused = store.counter(names.apply("ssl.session_reused"), "Handshakes that resumed a session.");
        handshakeTimeout = store.counter(names.apply("ssl.handshake_timeout"),
                "Handshakes abandoned after handshake_timeout.");
        plaintext = store.counter(names.apply("ssl.plaintext"), "Plaintext HTTP received on a TLS port.");
        reloadSuccess = store.counter(names.apply("ssl.reload_success"),
                "Certificate, key or CA files changed on disk and the new material is used for new handshakes.");
        reloadFailure = store.counter(names.apply("ssl.reload_failure"),
                "Changed certificate, key or CA files that were rejected; the previous material keeps serving.");
    }

    public static SslStats listener(StatsStore store, String address) {
        return new SslStats(store, s -> StatName.listener(address, s));
    }

    public static SslStats cluster(StatsStore store, String cluster) {
        return new SslStats(store, s -> StatName.cluster(cluster, s));
    }

    @Override
    public void onReload() {
        reloadSuccess.increment();
    }

    @Override
    public void onReloadFailure(Exception cause) {
        reloadFailure.increment();
    }

    /** Called by the context's trust manager when a SAN check refuses a peer. */
    public void sanMismatch() {
        failVerifySan.increment();
    }

    /**
     * A completed handshake that started at {@code startMillis}: a session created before it was resumed from the
     * session cache or a ticket (the JDK hands back the cached session object).
     */
    public void succeeded(SSLSession session, long startMillis) {
        succeeded(session, session.getCreationTime() < startMillis);
    }

    public void succeeded(SSLSession session, boolean resumed) {
        handshake.increment();
        if (resumed) {
            sessionReused.increment();
        }
        count("ssl.versions." + session.getProtocol());
        count("ssl.ciphers." + session.getCipherSuite());
    }

    private void count(String stat) {
        dynamic.computeIfAbsent(stat, s -> store.counter(names.apply(s))).increment();
    }

    /** A failed handshake, by cause; a SAN mismatch was already counted by {@link #sanMismatch()}. */
    public void failed(Exception e) {
        connectionError.increment();
        if (e instanceof TlsHandshakeException h) {
            switch (h.reason()) {
                case TIMEOUT -> handshakeTimeout.increment();
                case PLAINTEXT -> plaintext.increment();
                case CERTIFICATE -> {
                    String m = String.valueOf(h.getMessage()) + " " + h.getCause();
                    if (m.contains("SAN mismatch")) {
                        return; // counted by sanMismatch()
                    }
                    if (m.contains("bad_certificate") || m.contains("certificate_required")
                            || m.contains("Empty client certificate chain") || m.contains("no certificate")) {
                        failVerifyNoCert.increment();
                    } else {
                        failVerifyError.increment();
                    }
                }
                default -> {
                }
            }
        }
    }
}
