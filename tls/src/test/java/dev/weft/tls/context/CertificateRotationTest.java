package dev.weft.tls.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.tls.pem.PemException;
import dev.weft.tls.pem.TestPki;
import dev.weft.tls.pem.TestPki.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kubernetes secret-volume rotation: {@code tls.crt -> ..data/tls.crt}, {@code ..data -> ..2024_x} swapped by rename. */
class CertificateRotationTest {
    @TempDir
    Path dir;
    TestPki pki;
    Path volume;
    ClientTlsContext client;

    @BeforeEach
    void volume() throws Exception {
        pki = TestPki.create(dir.resolve("pki"), "ca");
        volume = Files.createDirectories(dir.resolve("secret"));
        writeVersion("..2024_a", "first.example.com");
        Files.createSymbolicLink(volume.resolve("..data"), Path.of("..2024_a"));
        Files.createSymbolicLink(volume.resolve("tls.crt"), Path.of("..data/tls.crt"));
        Files.createSymbolicLink(volume.resolve("tls.key"), Path.of("..data/tls.key"));
        client = ClientTlsContext.builder().caBundle(pki.caCert())
                .expectedServerSans(List.of(dev.weft.tls.identity.SanMatcher.suffix(
                        dev.weft.tls.identity.SanMatcher.Type.DNS, ".example.com"))).build();
    }

    @Test
    void atomicSwapOfDataReloadsAndGarbageIsRejectedWhileOldMaterialServes() throws Exception {
        AtomicInteger reloaded = new AtomicInteger();
        List<Exception> failures = new CopyOnWriteArrayList<>();
        ReloadingServerTls tls = new ReloadingServerTls("listener 0.0.0.0:8443", this::load, new ReloadListener() {
            @Override
            public void onReload() {
                reloaded.incrementAndGet();
            }

            @Override
            public void onReloadFailure(Exception cause) {
                failures.add(cause);
            }
        });
        assertEquals("CN=first.example.com", presented(tls.newEngine("c", 1)));
        SSLEngine openedBeforeRotation = tls.newEngine("c", 2);

        // a long poll interval: the WatchService event for the ..data rename must be what triggers the reload
        try (CertificateWatcher watcher = new CertificateWatcher(
                List.of(volume.resolve("tls.crt"), volume.resolve("tls.key")), Duration.ofMinutes(5), tls::reload)) {
            writeVersion("..2024_b", "second.example.com");
            swapData("..2024_b");

            await(() -> tls.reloads() == 1, "reload after the ..data swap");
            assertEquals(1, reloaded.get());
            assertEquals("CN=second.example.com", presented(tls.newEngine("c", 3)));
            assertEquals("CN=first.example.com", presented(openedBeforeRotation),
                    "an engine made before the swap keeps its material");

            Path garbage = Files.createDirectories(volume.resolve("..2024_c"));
            Files.writeString(garbage.resolve("tls.crt"), "garbage\n");
            Files.copy(volume.resolve("..2024_b/tls.key"), garbage.resolve("tls.key"));
            swapData("..2024_c");

            await(() -> tls.reloadFailures() == 1, "rejected reload of garbage");
            assertEquals(1, failures.size());
            PemException cause = (PemException) failures.get(0);
            assertEquals(volume.resolve("tls.crt"), cause.file());
            assertTrue(cause.problem().contains("no PEM block found"), cause.getMessage());
            assertEquals(1, tls.reloads());
            assertEquals("CN=second.example.com", presented(tls.newEngine("c", 4)), "old material keeps serving");
            assertEquals("second.example.com", tls.certInfo(java.time.Instant.now()).get(0).subject()
                    .substring(3));
        }
    }

    @Test
    void pollingFindsAChangeWithoutAnyEventAndUnchangedFilesDoNotCallBack() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        Path plain = Files.writeString(dir.resolve("plain.pem"), "one");
        try (CertificateWatcher watcher = new CertificateWatcher(List.of(plain), Duration.ofMinutes(5),
                changes::incrementAndGet)) {
            assertFalse(watcher.checkNow(), "nothing changed yet");
            Files.writeString(plain, "two");
            await(() -> changes.get() == 1, "event-driven change");
            assertFalse(watcher.checkNow());
            assertEquals(1, changes.get());
        }
    }

    @Test
    void pollIntervalIsAFallbackWhenEventsAreNotSeen() throws Exception {
        AtomicInteger changes = new AtomicInteger();
        // watching a file via a directory symlink: events in the real directory are not delivered for the link's
        // directory, so only the poll can see this change
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("linked"), real);
        Files.writeString(real.resolve("a.pem"), "one");
        Path target = Files.createDirectories(dir.resolve("watched")).resolve("a.pem");
        Files.createSymbolicLink(target, link.resolve("a.pem"));
        try (CertificateWatcher watcher = new CertificateWatcher(List.of(target), Duration.ofMillis(200),
                changes::incrementAndGet)) {
            Files.writeString(real.resolve("a.pem"), "two");
            await(() -> changes.get() == 1, "poll-driven change");
        }
    }

    private ServerTlsContext load() throws PemException {
        TlsMaterial material = TlsMaterial.load(volume.resolve("tls.crt"), volume.resolve("tls.key"));
        return ServerTlsContext.builder().certificate(List.of(), material).build();
    }

    private void writeVersion(String version, String commonName) throws Exception {
        Path target = Files.createDirectories(volume.resolve(version));
        Path key = pki.key(version, KeyKind.EC_PKCS8);
        Path cert = pki.cert(version, key, commonName, "DNS:" + commonName);
        Files.copy(cert, target.resolve("tls.crt"));
        Files.copy(key, target.resolve("tls.key"));
    }

    /** What the kubelet does: a new symlink, renamed over {@code ..data} in one atomic step. */
    private void swapData(String version) throws Exception {
        Path tmp = Files.createSymbolicLink(volume.resolve("..data_tmp"), Path.of(version));
        Files.move(tmp, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    }

    private String presented(SSLEngine server) throws Exception {
        InMemoryHandshake.Result result = InMemoryHandshake.run(client.newEngine("any.example.com", 443), server);
        assertTrue(result.succeeded(), () -> result.clientError() + " / " + result.serverError());
        return result.serverSubject();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
