package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.server.WeftServer;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Shared helpers of the end-to-end tests: start a proxy from YAML, YAML snippets, clients. */
final class E2E {
    private E2E() {
    }

    /** Starts an in-process proxy from YAML text. */
    static WeftServer start(String yaml) throws IOException {
        try {
            return WeftServer.start(ConfigLoader.parse(yaml, "e2e.yaml"));
        } catch (ConfigException e) {
            return fail("invalid e2e config:\n" + e.getMessage() + "\n" + yaml);
        }
    }

    /** A STATIC cluster of one endpoint on 127.0.0.1, as a YAML list item (indented for {@code clusters:}). */
    static String cluster(String name, int port) {
        return cluster(name, port, "");
    }

    /** As {@link #cluster(String, int)} with extra cluster fields (each line starting with 4 spaces). */
    static String cluster(String name, int port, String extra) {
        return "  - name: " + name + "\n"
                + "    endpoints:\n"
                + "      - {address: 127.0.0.1, port: " + port + "}\n"
                + extra;
    }

    /** A listener on an ephemeral port with one virtual host "*" routing every path to {@code cluster}. */
    static String simple(String cluster, int port) {
        return """
                listeners:
                  - name: main
                    port: 0
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: %s}
                clusters:
                %s""".formatted(cluster, cluster(cluster, port));
    }

    /** A free port for a server the test starts on it later (bound once, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The sockets that hold {@link #refusedPort()}s: bound, never listening, open while the tests run. */
    private static final List<java.net.Socket> REFUSING = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A port where every connect is refused for as long as the tests run: a socket is bound to it and never listens,
     * so no server started later (by this or another test) can be given it, as a released port could be.
     */
    static int refusedPort() throws IOException {
        java.net.Socket s = new java.net.Socket();
        s.bind(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0));
        REFUSING.add(s);
        return s.getLocalPort();
    }

    static HttpClient httpClient() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** The curl executable: required, never skipped. */
    static String curl() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            File f = new File(dir, "curl");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        File f = new File("/usr/bin/curl");
        assertTrue(f.canExecute(), "curl is required: apt-get install curl");
        return f.getPath();
    }

    /**
     * An executable on the PATH (or in /usr/bin, /usr/sbin): required, never skipped; a missing one fails the test
     * with the Debian package that provides it.
     */
    static String tool(String name, String debianPackage) {
        List<String> dirs = new ArrayList<>(List.of(
                System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin", "/usr/local/bin"));
        for (String dir : dirs) {
            File f = new File(dir, name);
            if (f.isFile() && f.canExecute()) {
                return f.getPath();
            }
        }
        return fail(name + " is required: apt-get install " + debianPackage);
    }

    /**
     * Runs a command with its output in temporary files, so that a command that never ends (or never closes its
     * output) cannot block the test: after {@code timeout} it is killed and the test fails, naming the command.
     */
    static Run runBounded(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("weft-e2e-cmd", ".out");
        Path err = Files.createTempFile("weft-e2e-cmd", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                fail("command did not finish in " + timeout + ": " + command + "\nstdout: "
                        + new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1) + "\nstderr: "
                        + Files.readString(err, StandardCharsets.ISO_8859_1));
            }
            return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.ISO_8859_1));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The result of running a command: exit code and stdout bytes (stderr in {@code err}). */
    record Run(int exitCode, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.ISO_8859_1);
        }
    }

    static Run run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path err = Files.createTempFile("weft-e2e-cmd", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command))
                    .redirectError(err.toFile())
                    .start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                fail("command did not finish in " + timeout + ": " + command);
            }
            return new Run(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
