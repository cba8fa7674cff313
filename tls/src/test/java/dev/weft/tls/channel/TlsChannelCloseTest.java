package dev.weft.tls.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Half-close, close_notify versus truncation, shutdownInput and a close() that cannot hang. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TlsChannelCloseTest {
    private static final long HANDSHAKE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);
    private static final byte[] REQUEST = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final TestPki pki = TestPki.get();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** TLS 1.3 half-close (RFC 8446 section 6.1): the server answers after the client's close_notify. */
    @Test
    void serverRespondsAfterSslSocketClientHalfCloses() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<Boolean> server = threads.submit(() -> respondAfterRequestEnds(loopback));
            try (SSLSocket client = loopback.sslSocketClient(pki.context(null), "TLSv1.3", loopback.rawClient())) {
                client.getOutputStream().write(REQUEST);
                client.shutdownOutput(); // close_notify, then the JDK keeps the input open on TLS 1.3
                assertArrayEquals(RESPONSE, client.getInputStream().readAllBytes());
            }
            assertTrue(server.get());
        }
    }

    @Test
    void tlsChannelClientReadsResponseAfterItsOwnCloseNotify() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<Boolean> server = threads.submit(() -> respondAfterRequestEnds(loopback));
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port(), "TLSv1.3"))) {
                client.write(ByteBuffer.wrap(REQUEST));
                client.shutdownOutput();
                assertThrows(ClosedChannelException.class, () -> client.write(ByteBuffer.wrap(REQUEST)));
                assertArrayEquals(RESPONSE, Loopback.readToEnd(client));
                assertTrue(client.closeNotifyReceived());
                assertFalse(client.truncated());
            }
            assertTrue(server.get());
        }
    }

    /** Reads the request to its end (close_notify), then writes the response and closes; true if the end was clean. */
    private boolean respondAfterRequestEnds(Loopback loopback) throws IOException {
        try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                Loopback.serverEngine(pki.context(pki.server)))) {
            channel.handshake(HANDSHAKE_TIMEOUT);
            assertArrayEquals(REQUEST, Loopback.readToEnd(channel));
            boolean clean = channel.closeNotifyReceived() && !channel.truncated();
            channel.write(ByteBuffer.wrap(RESPONSE));
            return clean;
        }
    }

    /** TLS 1.2 has no half-close: the JDK answers a close_notify with its own, so the server cannot write after it. */
    @Test
    void tls12CloseNotifyEndsBothDirections() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<?> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server), "TLSv1.2"))) {
                    assertArrayEquals(REQUEST, Loopback.readToEnd(channel));
                    assertTrue(channel.closeNotifyReceived());
                    assertThrows(IOException.class, () -> channel.write(ByteBuffer.wrap(RESPONSE)));
                }
                return null;
            });
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port(), "TLSv1.2"))) {
                client.write(ByteBuffer.wrap(REQUEST));
                client.shutdownOutput();
                assertEquals(0, Loopback.readToEnd(client).length);
                assertTrue(client.closeNotifyReceived());
            }
            server.get();
        }
    }

    /**
     * TLS 1.2: after our close_notify the engine waits for the peer's (NEED_UNWRAP); data the peer sent before it must
     * still be delivered, and must not be mistaken for a renegotiation.
     */
    @Test
    void tls12DataInFlightWhenWeSendCloseNotifyIsStillDelivered() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<?> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server), "TLSv1.2"))) {
                    channel.write(ByteBuffer.wrap(RESPONSE)); // before it reads the client's close_notify
                    assertEquals(0, Loopback.readToEnd(channel).length);
                    assertTrue(channel.closeNotifyReceived());
                }
                return null;
            });
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port(), "TLSv1.2"))) {
                client.handshake(HANDSHAKE_TIMEOUT);
                Thread.sleep(200); // let the response arrive first
                client.shutdownOutput();
                assertArrayEquals(RESPONSE, Loopback.readToEnd(client));
                assertTrue(client.closeNotifyReceived());
            }
            server.get();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void closeNotifyIsACleanEnd(String protocol) throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<TlsChannel> server = threads.submit(() -> readAllThenReport(loopback, protocol));
            try (SSLSocket client = loopback.sslSocketClient(pki.context(null), protocol, loopback.rawClient())) {
                client.getOutputStream().write(REQUEST);
            } // SSLSocket.close() sends close_notify
            TlsChannel channel = server.get();
            assertTrue(channel.closeNotifyReceived());
            assertFalse(channel.truncated());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void tcpEofWithoutCloseNotifyIsReportedAsTruncation(String protocol) throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<TlsChannel> server = threads.submit(() -> readAllThenReport(loopback, protocol));
            Socket raw = loopback.rawClient();
            SSLSocket client = loopback.sslSocketClient(pki.context(null), protocol, raw);
            client.getOutputStream().write(REQUEST);
            client.getOutputStream().flush();
            raw.close(); // FIN without close_notify: what an attacker cutting the stream short would produce
            TlsChannel channel = server.get();
            assertTrue(channel.truncated());
            assertFalse(channel.closeNotifyReceived());
        }
    }

    private TlsChannel readAllThenReport(Loopback loopback, String protocol) throws IOException {
        try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                Loopback.serverEngine(pki.context(pki.server), protocol))) {
            assertArrayEquals(REQUEST, Loopback.readToEnd(channel));
            assertEquals(-1, channel.read(ByteBuffer.allocate(10)), "end of stream is sticky");
            return channel;
        }
    }

    @Test
    void shutdownInputWakesABlockedReaderAndLeavesWritingOpen() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<TlsChannel> accepted = threads.submit(() -> {
                TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)));
                channel.handshake(HANDSHAKE_TIMEOUT);
                return channel;
            });
            try (SSLSocket client = loopback.sslSocketClient(pki.context(null), "TLSv1.3", loopback.rawClient())) {
                client.startHandshake();
                try (TlsChannel server = accepted.get()) {
                    Future<Integer> blockedRead = threads.submit(() -> server.read(ByteBuffer.allocate(100)));
                    Thread.sleep(200);
                    assertFalse(blockedRead.isDone(), "the reader should be blocked");
                    server.shutdownInput();
                    assertEquals(-1, blockedRead.get(5, TimeUnit.SECONDS));
                    assertFalse(server.truncated());
                    assertFalse(server.closeNotifyReceived());
                    assertEquals(-1, server.read(ByteBuffer.allocate(100)));
                    server.write(ByteBuffer.wrap(RESPONSE));
                    InputStream in = client.getInputStream();
                    assertArrayEquals(RESPONSE, in.readNBytes(RESPONSE.length));
                }
            }
        }
    }

    /** A writer stuck on a peer that never reads must not make close() wait: close skips close_notify. */
    @Test
    void closeDoesNotHangWhileAWriterIsBlockedOnAPeerThatDoesNotRead() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<TlsChannel> accepted = threads.submit(() -> {
                TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)));
                channel.handshake(HANDSHAKE_TIMEOUT);
                return channel;
            });
            try (SSLSocket client = loopback.sslSocketClient(pki.context(null), "TLSv1.3", loopback.rawClient())) {
                client.startHandshake(); // and then never reads
                TlsChannel server = accepted.get();
                Future<?> writer = threads.submit(() -> {
                    server.write(ByteBuffer.allocate(64 << 20));
                    return null;
                });
                Thread.sleep(300);
                assertFalse(writer.isDone(), "the writer should be blocked on a full socket buffer");
                long start = System.nanoTime();
                server.close();
                assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2));
                assertFalse(server.isOpen());
                ExecutionException failure = assertThrows(ExecutionException.class,
                        () -> writer.get(5, TimeUnit.SECONDS));
                assertTrue(failure.getCause() instanceof IOException, failure.getCause().toString());
                server.close(); // idempotent
            }
        }
    }

    @Test
    void closeSendsCloseNotifyToAReadingPeer() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<?> server = threads.submit(() -> {
                TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)));
                channel.write(ByteBuffer.wrap(RESPONSE));
                channel.close();
                return null;
            });
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port()))) {
                assertArrayEquals(RESPONSE, Loopback.readToEnd(client));
                assertTrue(client.closeNotifyReceived());
            }
            server.get();
        }
    }
}
