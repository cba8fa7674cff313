package dev.weft.tls.pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test PKI made with {@code /usr/bin/openssl} at test time: a CA, keys in every supported encoding, leaf certificates
 * with DNS / URI / IP SANs, and certificates outside their validity window. Shared by the pem, identity and context
 * tests; fails (never skips) when openssl is missing.
 */
public final class TestPki {
    public static final Path OPENSSL = Path.of("/usr/bin/openssl");

    /** Key encodings the loader supports, and a few it must refuse. */
    public enum KeyKind { RSA_PKCS8, RSA_PKCS1, EC_SEC1, EC_PKCS8, ED25519 }

    private final Path dir;
    private final Path caKey;
    private final Path caCert;
    private final AtomicInteger serial = new AtomicInteger(1000);

    private TestPki(Path dir, Path caKey, Path caCert) {
        this.dir = dir;
        this.caKey = caKey;
        this.caCert = caCert;
    }

    /** A fresh CA named {@code name} in {@code dir}. */
    public static TestPki create(Path dir, String name) {
        if (!Files.isExecutable(OPENSSL)) {
            throw new AssertionError("these tests generate certificates with " + OPENSSL
                    + ", which is missing; install openssl");
        }
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve(name + "-req.cnf");
            Files.writeString(config, """
                    [req]
                    distinguished_name = dn
                    prompt = no
                    [dn]
                    CN = unused
                    [v3_ca]
                    basicConstraints = critical,CA:TRUE
                    keyUsage = critical,keyCertSign,cRLSign
                    subjectKeyIdentifier = hash
                    """);
            Path key = dir.resolve(name + ".key");
            run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key.toString());
            Path cert = dir.resolve(name + ".crt");
            run(dir, "req", "-x509", "-new", "-config", config.toString(), "-extensions", "v3_ca", "-key",
                    key.toString(), "-subj", "/CN=" + name, "-days", "3650", "-out", cert.toString());
            return new TestPki(dir, key, cert);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public Path dir() {
        return dir;
    }

    public Path caCert() {
        return caCert;
    }

    /** A new key named {@code name} in the given encoding. */
    public Path key(String name, KeyKind kind) {
        Path out = dir.resolve(name + ".key");
        String file = out.toString();
        switch (kind) {
            case RSA_PKCS8 -> run(dir, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", file);
            case RSA_PKCS1 -> run(dir, "genrsa", "-traditional", "-out", file, "2048");
            case EC_SEC1 -> run(dir, "ecparam", "-name", "prime256v1", "-genkey", "-out", file);
            case EC_PKCS8 -> run(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
                    file);
            case ED25519 -> run(dir, "genpkey", "-algorithm", "ED25519", "-out", file);
            default -> throw new IllegalArgumentException(kind.toString());
        }
        return out;
    }

    /** A leaf valid from now for 30 days, signed by this CA; {@code sans} like {@code DNS:a.example,URI:spiffe://x}. */
    public Path cert(String name, Path key, String commonName, String sans) {
        Path csr = csr(name, key, commonName);
        Path ext = extFile(name, sans);
        Path out = dir.resolve(name + ".crt");
        run(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
                "-set_serial", Integer.toString(serial.incrementAndGet()), "-days", "30", "-extfile", ext.toString(),
                "-extensions", "v3", "-out", out.toString());
        return out;
    }

    /**
     * A leaf valid only between {@code start} and {@code end} ({@code YYYYMMDDHHMMSSZ}); openssl 3.0's x509 has no
     * -not_before, so this goes through {@code openssl ca}, which takes -startdate / -enddate.
     */
    public Path certWithDates(String name, Path key, String commonName, String sans, String start, String end) {
        try {
            Path db = dir.resolve(name + "-ca-db");
            Files.createDirectories(db.resolve("new"));
            Files.writeString(db.resolve("index.txt"), "");
            Files.writeString(db.resolve("serial"), String.format("%06X%n", serial.incrementAndGet() + 0x100000));
            Path config = db.resolve("ca.cnf");
            Files.writeString(config, """
                    [ca]
                    default_ca = weft
                    [weft]
                    database = %s
                    new_certs_dir = %s
                    serial = %s
                    default_md = sha256
                    policy = any
                    unique_subject = no
                    [any]
                    commonName = supplied
                    """.formatted(db.resolve("index.txt"), db.resolve("new"), db.resolve("serial")));
            Path csr = csr(name, key, commonName);
            Path out = dir.resolve(name + ".crt");
            run(dir, "ca", "-batch", "-config", config.toString(), "-cert", caCert.toString(), "-keyfile",
                    caKey.toString(), "-in", csr.toString(), "-out", out.toString(), "-startdate", start, "-enddate",
                    end, "-extfile", extFile(name, sans).toString(), "-extensions", "v3", "-notext");
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A file holding the leaf followed by the CA, as servers usually present it. */
    public Path chain(String name, Path leaf) {
        try {
            Path out = dir.resolve(name + "-chain.crt");
            Files.writeString(out, Files.readString(leaf) + Files.readString(caCert));
            return out;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs openssl with {@code args} in {@code dir}; fails the test with openssl's stderr on a non-zero exit. */
    public static String run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(OPENSSL.toString());
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("openssl timed out: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("openssl failed (" + process.exitValue() + "): " + command + "\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private Path csr(String name, Path key, String commonName) {
        Path config = dir.resolve(name + "-csr.cnf");
        try {
            Files.writeString(config, "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\nCN = " + commonName + "\n");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Path csr = dir.resolve(name + ".csr");
        run(dir, "req", "-new", "-config", config.toString(), "-key", key.toString(), "-out", csr.toString());
        return csr;
    }

    private Path extFile(String name, String sans) {
        Path ext = dir.resolve(name + ".ext");
        StringBuilder text = new StringBuilder("[v3]\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\n"
                + "extendedKeyUsage = serverAuth,clientAuth\n");
        if (sans != null && !sans.isEmpty()) {
            text.append("subjectAltName = ").append(sans).append('\n');
        }
        try {
            Files.writeString(ext, text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return ext;
    }
}
