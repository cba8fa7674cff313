package dev.weft.tls.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.channel.TlsHandshakeException.Reason;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code openssl s_client} (a non-JDK TLS stack) completes a handshake with a TlsChannel server and gets an echo. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpensslInteropTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    private final TestPki pki = TestPki.get();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"-tls1_2", "-tls1_3"})
    void opensslClientGetsAnEchoedLine(String versionFlag) throws Exception {
        assertTrue(Files.isExecutable(OPENSSL), "this test needs " + OPENSSL + " (install openssl)");
        try (Loopback loopback = new Loopback()) {
            Future<String> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
                    channel.handshake(TimeUnit.SECONDS.toNanos(20));
                    ByteBuffer line = ByteBuffer.allocate(1024);
                    while (line.position() == 0 || line.get(line.position() - 1) != '\n') {
                        if (channel.read(line) < 0) {
                            throw new AssertionError("end of stream before a line");
                        }
                    }
                    channel.write(line.flip());
                    return channel.session().getProtocol();
                }
            });
            Process openssl = new ProcessBuilder(List.of(OPENSSL.toString(), "s_client",
                    "-connect", "127.0.0.1:" + loopback.port(), "-servername", "localhost",
                    "-CAfile", pki.caPem().toString(), "-verify_return_error", "-quiet", versionFlag))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try {
                OutputStream stdin = openssl.getOutputStream();
                stdin.write("hello over openssl\n".getBytes(StandardCharsets.US_ASCII));
                stdin.flush();
                BufferedReader stdout = new BufferedReader(
                        new InputStreamReader(openssl.getInputStream(), StandardCharsets.US_ASCII));
                assertEquals("hello over openssl", stdout.readLine());
                assertEquals(versionFlag.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3", server.get());
            } finally {
                openssl.destroy();
                openssl.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * openssl's interactive "K" command sends a TLS 1.3 KeyUpdate with update_requested (RFC 8446 section 4.6.3): the
     * reading side must answer with its own KeyUpdate (the post-handshake wrap path) and data keeps flowing both ways.
     */
    @Test
    void keyUpdateRequestedByOpensslIsAnsweredTransparently() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<Integer> server = threads.submit(() -> echoLinesUntilEnd(loopback));
            try (Interactive client = new Interactive(loopback.port(), "-tls1_3", "-msg")) {
                client.send("before\n");
                client.expectLine("before");
                client.send("K\n"); // openssl takes a whole stdin read as the command: wait before more input
                client.expectLine("KEYUPDATE");
                client.send("after\n");
                client.expectLine("after");
                assertTrue(client.seen.stream().anyMatch(l -> l.startsWith("<<<") && l.contains("KeyUpdate")),
                        "openssl should have received our KeyUpdate: " + client.seen);
            }
            assertEquals(2, server.get());
        }
    }

    /** openssl's "R" command starts a TLS 1.2 renegotiation: the server refuses it and drops the connection. */
    @Test
    void renegotiationRequestedByOpensslIsRefused() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<Integer> server = threads.submit(() -> echoLinesUntilEnd(loopback));
            try (Interactive client = new Interactive(loopback.port(), "-tls1_2")) {
                client.send("before\n");
                client.expectLine("before");
                client.send("R\n");
                java.util.concurrent.ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                        java.util.concurrent.ExecutionException.class, () -> server.get(20, TimeUnit.SECONDS));
                assertTrue(failure.getCause() instanceof SSLException
                        && failure.getCause().getMessage().contains("renegotiation"), failure.getCause().toString());
                assertTrue(client.process.waitFor(20, TimeUnit.SECONDS), "openssl should see the connection end");
            }
        }
    }

    /** openssl can still speak TLS 1.1 (at security level 0), which the JDK client cannot: the server says PROTOCOL. */
    @Test
    void tls11ClientHelloFromOpensslIsAProtocolFailure() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<Reason> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
                    return org.junit.jupiter.api.Assertions.assertThrows(TlsHandshakeException.class,
                            () -> channel.handshake(TimeUnit.SECONDS.toNanos(20))).reason();
                }
            });
            try (Interactive client = new Interactive(loopback.port(), "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0")) {
                assertEquals(Reason.PROTOCOL, server.get());
                assertTrue(client.process.waitFor(20, TimeUnit.SECONDS));
                assertTrue(client.process.exitValue() != 0, "openssl's handshake must fail");
            }
        }
    }

    /** Echoes lines until end of stream; returns how many were echoed. */
    private int echoLinesUntilEnd(Loopback loopback) throws IOException {
        try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                Loopback.serverEngine(pki.context(pki.server)))) {
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            int lines = 0;
            int n;
            while ((n = channel.read(buffer.clear())) >= 0) {
                for (int i = 0; i < n; i++) {
                    lines += buffer.get(i) == '\n' ? 1 : 0;
                }
                channel.write(buffer.flip());
            }
            return lines;
        }
    }

    /** openssl s_client in interactive mode (commands enabled), its stdout collected line by line. */
    private final class Interactive implements AutoCloseable {
        final Process process;
        final List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final OutputStream stdin;

        Interactive(int port, String... extra) throws IOException {
            assertTrue(Files.isExecutable(OPENSSL), "this test needs " + OPENSSL + " (install openssl)");
            List<String> command = new ArrayList<>(List.of(OPENSSL.toString(), "s_client",
                    "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", pki.caPem().toString()));
            command.addAll(List.of(extra));
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
            stdin = process.getOutputStream();
            threads.submit(() -> {
                BufferedReader stdout = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
                for (String line = stdout.readLine(); line != null; line = stdout.readLine()) {
                    seen.add(line);
                    lines.add(line);
                }
                return null;
            });
        }

        void send(String text) throws IOException {
            stdin.write(text.getBytes(StandardCharsets.US_ASCII));
            stdin.flush();
        }

        void expectLine(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < deadline) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (expected.equals(line)) {
                    return;
                }
            }
            throw new AssertionError("no line '" + expected + "' from openssl; saw " + seen);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
