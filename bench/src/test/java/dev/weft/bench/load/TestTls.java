package dev.weft.bench.load;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * TLS material for the tests: one self-signed EC certificate for {@code localhost} / 127.0.0.1, made once per JVM
 * with the running JDK's keytool into a temporary PKCS12 file.
 */
final class TestTls {
    private static final String PASSWORD = "changeit";
    private static KeyStore keyStore;

    private TestTls() {
    }

    /** A server context whose key manager records the SNI host name each handshake asked for ("" for none). */
    static Server server() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), PASSWORD.toCharArray());
        SniRecordingKeyManager keys = new SniRecordingKeyManager((X509ExtendedKeyManager) kmf.getKeyManagers()[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new javax.net.ssl.KeyManager[] {keys}, null, null);
        return new Server(context, keys.requested);
    }

    /** A client context that trusts exactly the test certificate. */
    static SSLContext trustingClient() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("origin", keyStore().getCertificate("origin"));
        return clientTrusting(trust);
    }

    /** A client context that trusts nothing: every handshake fails on the server's certificate. */
    static SSLContext untrustingClient() throws Exception {
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        return clientTrusting(empty);
    }

    private static SSLContext clientTrusting(KeyStore trust) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * A server context and the SNI each of its handshakes received, by engine.
     *
     * @param requestedSni SNI host name per server engine that chose a certificate ("" when the client sent none)
     */
    record Server(SSLContext context, Map<SSLEngine, String> requestedSni) {
    }

    static synchronized KeyStore keyStore() throws Exception {
        if (keyStore == null) {
            Path dir = Files.createTempDirectory("weft-origin-tls");
            Path file = dir.resolve("origin.p12");
            try {
                Process p = new ProcessBuilder(keytool().toString(), "-genkeypair", "-alias", "origin",
                        "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
                        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                        "-storetype", "PKCS12", "-keystore", file.toString(),
                        "-storepass", PASSWORD, "-keypass", PASSWORD)
                        .redirectErrorStream(true).start();
                String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    p.destroyForcibly();
                    throw new IllegalStateException("keytool failed: " + output);
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(file)) {
                    ks.load(in, PASSWORD.toCharArray());
                }
                keyStore = ks;
            } finally {
                Files.deleteIfExists(file);
                Files.deleteIfExists(dir);
            }
        }
        return keyStore;
    }

    /** keytool next to the java binary running this test, else in java.home. */
    private static Path keytool() {
        Path fromCommand = ProcessHandle.current().info().command()
                .map(c -> Path.of(c).resolveSibling("keytool"))
                .orElse(null);
        if (fromCommand != null && Files.isExecutable(fromCommand)) {
            return fromCommand;
        }
        return Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    /** Delegates everything; records, per engine, the SNI host name the client sent when a certificate is chosen. */
    private static final class SniRecordingKeyManager extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;
        final Map<SSLEngine, String> requested = new ConcurrentHashMap<>();

        SniRecordingKeyManager(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            SSLSession session = engine.getHandshakeSession();
            String sni = "";
            if (session instanceof ExtendedSSLSession extended) {
                List<SNIServerName> names = extended.getRequestedServerNames();
                for (SNIServerName name : names) {
                    if (name instanceof SNIHostName host) {
                        sni = host.getAsciiName();
                    }
                }
            }
            requested.put(engine, sni);
            return delegate.chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return delegate.getClientAliases(keyType, issuers);
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseClientAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }
}
