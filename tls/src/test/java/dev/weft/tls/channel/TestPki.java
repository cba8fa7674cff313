package dev.weft.tls.channel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away PKI built once per test JVM with the JDK's {@code keytool} (the JDK has no certificate-building API):
 * a CA, a server and a client certificate it signed, an expired server certificate, and a self-signed server
 * certificate no one trusts. EC P-256 keys keep generation fast.
 */
final class TestPki {
    static final String SERVER_SAN = "dns:localhost,ip:127.0.0.1,uri:spiffe://test/ns/a/sa/b";
    private static final char[] PASSWORD = "changeit".toCharArray();

    final Path dir;
    final X509Certificate ca;
    final KeyStore server;
    final KeyStore client;
    final KeyStore expiredServer;
    final KeyStore selfSignedServer;

    /** Built on first use, once per JVM (class-holder idiom: no lock of ours around the keytool runs). */
    private static final class Holder {
        static final TestPki PKI = build();

        private static TestPki build() {
            try {
                return new TestPki(Files.createTempDirectory("weft-tls-pki"));
            } catch (Exception e) {
                throw new IllegalStateException("cannot build the test PKI", e);
            }
        }
    }

    static TestPki get() {
        return Holder.PKI;
    }

    private TestPki(Path dir) throws Exception {
        this.dir = dir;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> caKey = pool.submit(() -> keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=Weft Test CA", "-ext", "bc:c", "-validity", "30",
                    "-keystore", "ca.p12"));
            Future<?> serverKey = pool.submit(() -> keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "30", "-keystore",
                    "server.p12"));
            Future<?> clientKey = pool.submit(() -> keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=client", "-validity", "30", "-keystore",
                    "client.p12"));
            Future<?> selfSigned = pool.submit(() -> keytool("-genkeypair", "-alias", "leaf", "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=" + SERVER_SAN,
                    "-validity", "30", "-keystore", "selfsigned.p12"));
            caKey.get();
            serverKey.get();
            clientKey.get();
            selfSigned.get();
            List<Future<?>> steps = new ArrayList<>();
            steps.add(pool.submit(() -> keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
                    "-file", "ca.pem")));
            steps.add(pool.submit(() -> keytool("-certreq", "-alias", "leaf", "-keystore", "server.p12",
                    "-file", "server.csr")));
            steps.add(pool.submit(() -> keytool("-certreq", "-alias", "leaf", "-keystore", "client.p12",
                    "-file", "client.csr")));
            for (Future<?> step : steps) {
                step.get();
            }
            steps.clear();
            steps.add(pool.submit(() -> keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
                    "-infile", "server.csr", "-outfile", "server.pem", "-validity", "30",
                    "-ext", "SAN=" + SERVER_SAN, "-ext", "EKU=serverAuth,clientAuth")));
            steps.add(pool.submit(() -> keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
                    "-infile", "server.csr", "-outfile", "expired.pem", "-startdate", "-10d", "-validity", "2",
                    "-ext", "SAN=" + SERVER_SAN, "-ext", "EKU=serverAuth,clientAuth")));
            steps.add(pool.submit(() -> keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12",
                    "-infile", "client.csr", "-outfile", "client.pem", "-validity", "30",
                    "-ext", "SAN=uri:spiffe://test/ns/a/sa/client", "-ext", "EKU=clientAuth,serverAuth")));
            for (Future<?> step : steps) {
                step.get();
            }
        } finally {
            pool.shutdownNow();
        }
        ca = readCert(dir.resolve("ca.pem"));
        server = leafStore("server.p12", readCert(dir.resolve("server.pem")), ca);
        expiredServer = leafStore("server.p12", readCert(dir.resolve("expired.pem")), ca);
        client = leafStore("client.p12", readCert(dir.resolve("client.pem")), ca);
        KeyStore self = load("selfsigned.p12");
        selfSignedServer = self;
    }

    /** An SSLContext with {@code identity} (may be null) and trusting only the test CA. */
    SSLContext context(KeyStore identity) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(identity, PASSWORD);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(identity == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Path caPem() {
        return dir.resolve("ca.pem");
    }

    private KeyStore leafStore(String keystore, X509Certificate leaf, X509Certificate issuer) throws Exception {
        KeyStore source = load(keystore);
        PrivateKey key = (PrivateKey) source.getKey("leaf", PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("leaf", key, PASSWORD, new Certificate[] {leaf, issuer});
        return store;
    }

    private KeyStore load(String name) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(name))) {
            store.load(in, PASSWORD);
        }
        return store;
    }

    private static X509Certificate readCert(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private Void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit",
                "-noprompt"));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
        return null;
    }
}
