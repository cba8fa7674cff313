package dev.weft.bench.harness;

import dev.weft.tls.pem.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throwaway PKI for the TLS scenarios, made with openssl: a CA, a server certificate for localhost / 127.0.0.1
 * (ECDSA P-256, what a mesh CA typically issues) and a client certificate whose URI SAN is a SPIFFE ID. The same
 * files serve every proxy; haproxy gets the certificate and key concatenated.
 */
final class Pki {

    final Path ca;
    final Path serverCert;
    final Path serverKey;
    final Path serverCombined;
    final Path clientCert;
    final Path clientKey;

    private Pki(Path dir) {
        ca = dir.resolve("ca.crt");
        serverCert = dir.resolve("server.crt");
        serverKey = dir.resolve("server.key");
        serverCombined = dir.resolve("server.pem");
        clientCert = dir.resolve("client.crt");
        clientKey = dir.resolve("client.key");
    }

    static Pki create(Path dir) throws IOException, InterruptedException {
        String openssl = Tools.require("openssl", "certificates for the tls and mtls scenarios").toString();
        Files.createDirectories(dir);
        Pki pki = new Pki(dir);
        Path caKey = dir.resolve("ca.key");
        Tools.run(List.of(openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", caKey.toString(), "-out", pki.ca.toString(), "-days", "2", "-subj", "/O=weft-bench/CN=bench-ca",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"), 30);
        leaf(openssl, dir, caKey, pki.ca, "server", "DNS:localhost,IP:127.0.0.1", pki.serverCert, pki.serverKey);
        leaf(openssl, dir, caKey, pki.ca, "client", "URI:spiffe://bench.local/ns/default/sa/loadgen", pki.clientCert,
                pki.clientKey);
        Files.writeString(pki.serverCombined, Files.readString(pki.serverCert) + Files.readString(pki.serverKey));
        return pki;
    }

    private static void leaf(String openssl, Path dir, Path caKey, Path ca, String name, String sans, Path cert,
                             Path key) throws IOException, InterruptedException {
        Path ext = dir.resolve(name + ".ext");
        Path csr = dir.resolve(name + ".csr");
        Files.writeString(ext, "subjectAltName=" + sans + "\nextendedKeyUsage=serverAuth,clientAuth\n"
                + "keyUsage=critical,digitalSignature\n", StandardOpenOption.CREATE_NEW);
        Tools.run(List.of(openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/O=weft-bench/CN=" + name), 30);
        Tools.run(List.of(openssl, "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey",
                caKey.toString(), "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile",
                ext.toString()), 30);
    }

    /** A client context trusting the bench CA, presenting the client certificate when {@code withClientCert}. */
    SSLContext clientContext(boolean withClientCert) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(Pem.trustStore(ca));
            KeyManagerFactory kmf = null;
            if (withClientCert) {
                List<X509Certificate> chain = Pem.certificates(clientCert);
                PrivateKey key = Pem.privateKey(clientKey);
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", key, new char[0], chain.toArray(new X509Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException | dev.weft.tls.pem.PemException e) {
            throw new HarnessException("cannot build the client TLS context: " + e.getMessage(), e);
        }
    }
}
