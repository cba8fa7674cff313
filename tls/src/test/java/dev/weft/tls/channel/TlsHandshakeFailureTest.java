package dev.weft.tls.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.tls.channel.TlsHandshakeException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.util.EnumSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a handshake fails maps to one {@link Reason}, and none of them hangs. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsHandshakeFailureTest {
    private static final long HANDSHAKE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private final TestPki pki = TestPki.get();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        try (Loopback loopback = new Loopback(); Socket silent = loopback.rawClient();
                TlsChannel server = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
            long start = System.nanoTime();
            TlsHandshakeException failure = assertThrows(TlsHandshakeException.class,
                    () -> server.handshake(TimeUnit.MILLISECONDS.toNanos(300)));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(Reason.TIMEOUT, failure.reason());
            assertTrue(elapsedMillis >= 250 && elapsedMillis < 3_000, "took " + elapsedMillis + " ms");
            assertFalse(server.isOpen(), "the watchdog closes the socket");
            assertEquals(-1, silent.getInputStream().read(), "the peer sees the connection close");
            // later calls report the same failure instead of touching the dead engine
            assertEquals(Reason.TIMEOUT, assertThrows(TlsHandshakeException.class,
                    () -> server.read(ByteBuffer.allocate(1))).reason());
        }
    }

    @Test
    void peerStallingMidRecordTimesOut() throws Exception {
        try (Loopback loopback = new Loopback(); Socket stalling = loopback.rawClient();
                TlsChannel server = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
            // a handshake record header announcing 512 bytes, then only 3 of them
            stalling.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01});
            TlsHandshakeException failure = assertThrows(TlsHandshakeException.class,
                    () -> server.handshake(TimeUnit.MILLISECONDS.toNanos(300)));
            assertEquals(Reason.TIMEOUT, failure.reason());
        }
    }

    @Test
    void timeoutIsNotTriggeredByAHandshakeThatFinishesInTime() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<?> client = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.client(loopback.connect(),
                        Loopback.clientEngine(pki.context(null), loopback.port()))) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    channel.write(ByteBuffer.wrap("ok".getBytes()));
                    Loopback.readToEnd(channel);
                }
                return null;
            });
            try (TlsChannel server = TlsChannel.server(loopback.accept(),
                    Loopback.serverEngine(pki.context(pki.server)))) {
                server.handshake(TimeUnit.MILLISECONDS.toNanos(2_000));
                Thread.sleep(2_200); // past the deadline: the cancelled alarm must not close the socket
                assertTrue(server.isOpen());
                assertEquals("ok", new String(Loopback.readFully(server, 2)));
            }
            client.get();
        }
    }

    @Test
    void plaintextHttpIsRecognisedAndTheSocketStaysUsableForAPlaintextReply() throws Exception {
        try (Loopback loopback = new Loopback(); Socket http = loopback.rawClient();
                TlsChannel server = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
            http.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes());
            TlsHandshakeException failure = assertThrows(TlsHandshakeException.class,
                    () -> server.handshake(HANDSHAKE_TIMEOUT));
            assertEquals(Reason.PLAINTEXT, failure.reason());
            byte[] reply = "HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n".getBytes();
            server.socket().write(ByteBuffer.wrap(reply));
            server.socket().shutdownOutput();
            assertEquals(new String(reply), new String(http.getInputStream().readAllBytes()),
                    "no TLS alert precedes the plaintext reply");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST /x HTTP/1.1\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"})
    void otherPlaintextMethodsAndTheHttp2PrefaceAreRecognised(String request) throws Exception {
        assertEquals(Reason.PLAINTEXT, serverFailureFor(request.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void nonTlsGarbageIsAProtocolFailure() throws Exception {
        assertEquals(Reason.PROTOCOL, serverFailureFor("SSH-2.0-OpenSSH_9.6\r\n".getBytes()));
    }

    @Test
    void peerClosingBeforeTheHandshakeIsPeerClosed() throws Exception {
        assertEquals(Reason.PEER_CLOSED, serverFailureFor(new byte[0]));
    }

    /** A raw TLS 1.1 ClientHello: the server must refuse it (TLS 1.1 is disabled in current JDKs and by us). */
    @Test
    void tls11ClientHelloIsAProtocolFailure() throws Exception {
        assertEquals(Reason.PROTOCOL, serverFailureFor(tls11ClientHello()));
    }

    /**
     * A JDK client engine limited to TLS 1.1: the JDK disables TLS 1.1 (jdk.tls.disabledAlgorithms), so the client
     * fails locally, whatever the reason, and the server never sees a usable ClientHello.
     */
    @Test
    void clientOfferingOnlyTls11FailsTheHandshake() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<TlsHandshakeException> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
                    return assertThrows(TlsHandshakeException.class, () -> channel.handshake(HANDSHAKE_TIMEOUT));
                }
            });
            SSLEngine engine = pki.context(null).createSSLEngine("localhost", loopback.port());
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[] {"TLSv1.1"});
            try (TlsChannel client = TlsChannel.client(loopback.connect(), engine)) {
                assertThrows(SSLException.class, () -> client.handshake(HANDSHAKE_TIMEOUT));
            }
            // the client alerts (PROTOCOL/OTHER) or just closes before sending anything (PEER_CLOSED)
            assertTrue(EnumSet.of(Reason.PROTOCOL, Reason.OTHER, Reason.PEER_CLOSED)
                    .contains(server.get().reason()), server.get().toString());
        }
    }

    @Test
    void serverCertificateFromUnknownCaIsACertificateFailure() throws Exception {
        Failures failures = handshakeBoth(pki.selfSignedServer, false, null, "localhost");
        assertEquals(Reason.CERTIFICATE, failures.client.reason());
        assertTrue(hasCause(failures.client, CertificateException.class)
                || hasCause(failures.client, CertPathValidatorException.class), failures.client.toString());
        assertEquals(Reason.CERTIFICATE, failures.server.reason(), "the client's alert names the certificate");
    }

    @Test
    void expiredServerCertificateIsACertificateFailure() throws Exception {
        Failures failures = handshakeBoth(pki.expiredServer, false, null, "localhost");
        assertEquals(Reason.CERTIFICATE, failures.client.reason());
        assertTrue(hasCause(failures.client, CertificateExpiredException.class)
                || String.valueOf(failures.client.getCause()).contains("expired"), failures.client.toString());
    }

    @Test
    void serverIdentityMismatchIsACertificateFailure() throws Exception {
        Failures failures = handshakeBoth(pki.server, false, null, "other.example");
        assertEquals(Reason.CERTIFICATE, failures.client.reason());
        assertTrue(hasCause(failures.client, CertificateException.class), failures.client.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void missingClientCertificateWhenRequiredIsACertificateFailureOnTheServer(String protocol) throws Exception {
        Failures failures = handshakeBoth(pki.server, true, null, "localhost", protocol);
        assertEquals(Reason.CERTIFICATE, failures.server.reason(), failures.server.toString());
    }

    /**
     * A TLS 1.2 client asking to renegotiate mid-stream: the server refuses (the read fails and the connection closes)
     * instead of re-running the handshake, and neither side hangs.
     */
    @Test
    void clientInitiatedRenegotiationIsRefused() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<Throwable> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server), "TLSv1.2"))) {
                    assertEquals("a", new String(Loopback.readFully(channel, 1)));
                    channel.write(ByteBuffer.wrap("b".getBytes()));
                    try {
                        Loopback.readToEnd(channel);
                        return null;
                    } catch (IOException expected) {
                        assertFalse(channel.isOpen());
                        return expected;
                    }
                }
            });
            try (SSLSocket client = loopback.sslSocketClient(pki.context(null), "TLSv1.2", loopback.rawClient())) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                out.write('a');
                assertEquals('b', in.read());
                try {
                    client.startHandshake(); // renegotiation
                    out.write('c');
                    assertEquals(-1, in.read());
                } catch (IOException expected) {
                    // the server closed the connection: what we want
                }
            }
            Throwable refused = server.get();
            assertTrue(refused instanceof SSLException && refused.getMessage().contains("renegotiation"),
                    String.valueOf(refused));
        }
    }

    private Reason serverFailureFor(byte[] firstBytes) throws Exception {
        try (Loopback loopback = new Loopback(); Socket peer = loopback.rawClient();
                TlsChannel server = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
            peer.getOutputStream().write(firstBytes);
            peer.shutdownOutput();
            return assertThrows(TlsHandshakeException.class, () -> server.handshake(HANDSHAKE_TIMEOUT)).reason();
        }
    }

    private record Failures(TlsHandshakeException client, TlsHandshakeException server) {
    }

    private Failures handshakeBoth(KeyStore serverIdentity, boolean needClientAuth, KeyStore clientIdentity,
            String serverName, String... protocols) throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<TlsHandshakeException> server = threads.submit(() -> {
                SSLEngine engine = Loopback.serverEngine(pki.context(serverIdentity), protocols);
                engine.setNeedClientAuth(needClientAuth);
                try (TlsChannel channel = TlsChannel.server(loopback.accept(), engine)) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    channel.read(ByteBuffer.allocate(1)); // TLS 1.3 servers learn of a rejected certificate here
                    return null;
                } catch (TlsHandshakeException e) {
                    return e;
                }
            });
            SSLEngine engine = Loopback.clientEngine(pki.context(clientIdentity), serverName, loopback.port(),
                    protocols);
            TlsHandshakeException clientFailure = null;
            try (TlsChannel client = TlsChannel.client(loopback.connect(), engine)) {
                client.handshake(HANDSHAKE_TIMEOUT);
                client.read(ByteBuffer.allocate(1)); // TLS 1.3 clients learn of a rejected certificate here
            } catch (TlsHandshakeException e) {
                clientFailure = e;
            } catch (IOException e) {
                clientFailure = HandshakeFailures.classify(e); // post-handshake alert (TLS 1.3 client auth)
            }
            try {
                return new Failures(clientFailure, server.get());
            } catch (ExecutionException e) {
                fail(e.getCause());
                return null;
            }
        }
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A minimal TLS 1.1 ClientHello (RFC 4346 section 7.4.1.2) in a TLS 1.0 record, offering two CBC suites and the
     * renegotiation SCSV, no extensions.
     */
    private static byte[] tls11ClientHello() {
        ByteBuffer body = ByteBuffer.allocate(256);
        body.put((byte) 0x03).put((byte) 0x02); // client_version TLS 1.1
        body.put(Loopback.payload(32, 42)); // random
        body.put((byte) 0); // session_id
        body.putShort((short) 6).putShort((short) 0x002f).putShort((short) 0xc009).putShort((short) 0x00ff);
        body.put((byte) 1).put((byte) 0); // compression: null
        body.flip();
        ByteBuffer record = ByteBuffer.allocate(5 + 4 + body.remaining());
        record.put((byte) 0x16).put((byte) 0x03).put((byte) 0x01).putShort((short) (4 + body.remaining()));
        record.put((byte) 0x01).put((byte) 0).putShort((short) body.remaining()); // ClientHello, 24-bit length
        record.put(body);
        return record.array();
    }
}
