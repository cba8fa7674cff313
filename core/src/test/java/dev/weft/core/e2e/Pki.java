package dev.weft.core.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A throwaway PKI made with the real openssl: CAs and certificates with DNS, IP and SPIFFE URI SANs. */
final class Pki {
    static final String OPENSSL = "/usr/bin/openssl";
    private final Path dir;

    Pki(Path dir) {
        this.dir = dir;
        assertTrue(Files.isExecutable(Path.of(OPENSSL)), "openssl is required: apt-get install openssl");
    }

    Path dir() {
        return dir;
    }

    private void openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(OPENSSL);
        cmd.addAll(List.of(args));
        E2E.Run r = E2E.run(cmd, Duration.ofSeconds(30));
        assertEquals(0, r.exitCode(), String.join(" ", cmd) + "\n" + r.err());
    }

    /** A self-signed CA: {name}.crt and {name}.key. */
    Pki ca(String name) throws IOException, InterruptedException {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-days", "2", "-subj", "/CN=" + name, "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return this;
    }

    /** A leaf {name}.crt / {name}.key signed by {ca}, with the given subjectAltName value. */
    Pki leaf(String name, String ca, String san, int days) throws IOException, InterruptedException {
        Path ext = dir.resolve(name + ".ext");
        Files.writeString(ext, "subjectAltName=" + san + "\nextendedKeyUsage=serverAuth,clientAuth\n");
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".csr").toString(),
                "-subj", "/CN=" + name);
        openssl("x509", "-req", "-in", dir.resolve(name + ".csr").toString(),
                "-CA", dir.resolve(ca + ".crt").toString(), "-CAkey", dir.resolve(ca + ".key").toString(),
                "-CAcreateserial", "-out", dir.resolve(name + ".crt").toString(), "-days", String.valueOf(days),
                "-extfile", ext.toString());
        return this;
    }

    /**
     * A leaf like {@link #leaf} but with explicit validity dates (openssl {@code YYMMDDHHMMSSZ}), issued with
     * {@code openssl ca} since {@code openssl x509} (3.0) cannot set notBefore: for expired and not-yet-valid
     * certificates.
     */
    Pki leafWithDates(String name, String ca, String san, String notBefore, String notAfter)
            throws IOException, InterruptedException {
        Path db = dir.resolve("ca-db-" + name);
        Files.createDirectories(db);
        Files.writeString(db.resolve("index.txt"), "");
        Files.writeString(db.resolve("serial"), String.format("%016X%n", System.nanoTime()));
        Path conf = db.resolve("ca.cnf");
        Files.writeString(conf, """
                [ ca ]
                default_ca = this_ca
                [ this_ca ]
                database = %s
                serial = %s
                new_certs_dir = %s
                default_md = sha256
                policy = any
                unique_subject = no
                copy_extensions = none
                [ any ]
                commonName = supplied
                [ leaf ]
                subjectAltName = %s
                extendedKeyUsage = serverAuth,clientAuth
                """.formatted(db.resolve("index.txt"), db.resolve("serial"), db, san));
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".csr").toString(),
                "-subj", "/CN=" + name);
        openssl("ca", "-batch", "-notext", "-config", conf.toString(), "-extensions", "leaf",
                "-cert", dir.resolve(ca + ".crt").toString(), "-keyfile", dir.resolve(ca + ".key").toString(),
                "-startdate", notBefore, "-enddate", notAfter,
                "-in", dir.resolve(name + ".csr").toString(), "-out", dir.resolve(name + ".crt").toString());
        return this;
    }

    String crt(String name) {
        return dir.resolve(name + ".crt").toString();
    }

    String key(String name) {
        return dir.resolve(name + ".key").toString();
    }
}
