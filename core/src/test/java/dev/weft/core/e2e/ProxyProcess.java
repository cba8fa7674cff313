package dev.weft.core.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;

/**
 * Weft run as the real command ({@code dev.weft.core.cli.Main run -c FILE}) in a separate JVM with a small heap, the
 * way an operator runs it. The listener address is taken from the {@code listener NAME: http://host:port/} line.
 */
final class ProxyProcess implements AutoCloseable {
    private static final java.util.regex.Pattern LISTENER_LINE =
            java.util.regex.Pattern.compile("listener (\\S+): https?://([^/]+):(\\d+)/");

    final Process process;
    private final Path config;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<InetSocketAddress> address = new CompletableFuture<>();
    private final Thread reader;

    private ProxyProcess(Process process, Path config, String listener) {
        this.process = process;
        this.config = config;
        this.reader = Thread.ofPlatform().daemon().name("weft-process-output").start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    Matcher m = LISTENER_LINE.matcher(line);
                    if (m.find() && m.group(1).equals(listener)) {
                        address.complete(new InetSocketAddress(m.group(2), Integer.parseInt(m.group(3))));
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
            address.completeExceptionally(new IllegalStateException("weft exited before printing its listener: "
                    + output));
        });
    }

    /** Starts {@code java -Xmx<heap> ... Main run -c <yaml in a temp file>}. */
    static ProxyProcess start(String yaml, String listener, String heap) throws IOException {
        Path config = Files.createTempFile("weft-e2e", ".yaml");
        Files.writeString(config, yaml);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx" + heap,
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "-cp", classPath, "dev.weft.core.cli.Main", "run", "-c", config.toString())
                .redirectErrorStream(true);
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        return new ProxyProcess(pb.start(), config, listener);
    }

    /** The listener's address, once the process printed it. */
    InetSocketAddress address() throws Exception {
        try {
            return address.get(30, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("weft did not print its listener in 30 s; output: " + output, e);
        }
    }

    List<String> output() {
        return List.copyOf(output);
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    int terminate(long timeoutSeconds) throws InterruptedException {
        // ProcessHandle.destroy() sends SIGTERM like Process.destroy(), but leaves the output pipe open to be read
        process.toHandle().destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            throw new AssertionError("weft did not exit " + timeoutSeconds + " s after SIGTERM; output: " + output);
        }
        reader.join(5_000); // every line printed before the exit is in output()
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(config);
    }
}
