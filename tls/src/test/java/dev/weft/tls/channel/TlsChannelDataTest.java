package dev.weft.tls.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Data both ways over real loopback sockets, against the JDK's SSLSocket and against another TlsChannel. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsChannelDataTest {
    private static final int LARGE = 10 << 20;
    private static final int ECHO = 20 << 20;
    private static final int SMALL_WRITES = 5_000;
    private static final long HANDSHAKE_TIMEOUT = TimeUnit.SECONDS.toNanos(10);

    private final TestPki pki = TestPki.get();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void serverExchangesLargeAndSmallWritesWithSslSocketClient(String protocol) throws Exception {
        byte[] up = Loopback.payload(LARGE, 1);
        byte[] down = Loopback.payload(LARGE, 2);
        try (Loopback loopback = new Loopback()) {
            Future<byte[]> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server), protocol))) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    assertEquals(protocol, channel.session().getProtocol());
                    byte[] received = Loopback.readFully(channel, LARGE);
                    assertEquals(LARGE, channel.write(ByteBuffer.wrap(down)));
                    byte[] small = Loopback.readFully(channel, smallTotal());
                    for (int i = 0; i < SMALL_WRITES; i++) {
                        channel.write(ByteBuffer.wrap(small, smallOffset(i), smallSize(i)));
                    }
                    assertEquals(-1, channel.read(ByteBuffer.allocate(16)));
                    assertTrue(channel.closeNotifyReceived());
                    return received;
                }
            });
            try (SSLSocket client = loopback.sslSocketClient(pki.context(null), protocol, loopback.rawClient())) {
                OutputStream out = client.getOutputStream();
                DataInputStream in = new DataInputStream(client.getInputStream());
                out.write(up);
                byte[] received = new byte[LARGE];
                in.readFully(received);
                assertArrayEquals(down, received);
                byte[] small = smallPattern();
                for (int i = 0; i < SMALL_WRITES; i++) {
                    out.write(small, smallOffset(i), smallSize(i));
                }
                byte[] echoed = new byte[smallTotal()];
                in.readFully(echoed);
                assertArrayEquals(small, echoed);
            }
            assertArrayEquals(up, server.get());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void clientExchangesLargeAndSmallWritesWithSslSocketServer(String protocol) throws Exception {
        byte[] up = Loopback.payload(LARGE, 3);
        byte[] down = Loopback.payload(LARGE, 4);
        SSLContext serverContext = pki.context(pki.server);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            listener.setEnabledProtocols(new String[] {protocol});
            Future<byte[]> server = threads.submit(() -> {
                try (Socket socket = listener.accept()) {
                    DataInputStream in = new DataInputStream(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    byte[] received = new byte[LARGE];
                    in.readFully(received);
                    out.write(down);
                    byte[] small = smallPattern();
                    for (int i = 0; i < SMALL_WRITES; i++) {
                        out.write(small, smallOffset(i), smallSize(i));
                    }
                    out.flush();
                    byte[] echoed = new byte[smallTotal()];
                    in.readFully(echoed);
                    assertArrayEquals(small, echoed);
                    return received;
                }
            });
            SocketChannel socket = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    listener.getLocalPort()));
            try (TlsChannel client = TlsChannel.client(socket,
                    Loopback.clientEngine(pki.context(null), listener.getLocalPort(), protocol))) {
                client.handshake(HANDSHAKE_TIMEOUT);
                assertEquals(protocol, client.session().getProtocol());
                assertEquals(LARGE, client.write(ByteBuffer.wrap(up)));
                assertArrayEquals(down, Loopback.readFully(client, LARGE));
                byte[] small = Loopback.readFully(client, smallTotal());
                for (int i = 0; i < SMALL_WRITES; i++) {
                    client.write(ByteBuffer.wrap(small, smallOffset(i), smallSize(i)));
                }
                assertArrayEquals(up, server.get());
                assertEquals(-1, client.read(ByteBuffer.allocate(16)));
                assertTrue(client.closeNotifyReceived());
            }
        }
    }

    /**
     * One virtual thread writes 20 MiB while another reads the echo on the same TlsChannel: the peer only reads as
     * fast as it can write back, so a channel that serialised reads behind writes would deadlock here.
     */
    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void concurrentReaderAndWriterEchoTwentyMebibytes(String protocol) throws Exception {
        byte[] data = Loopback.payload(ECHO, 5);
        try (Loopback loopback = new Loopback()) {
            Future<Long> echo = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server), protocol))) {
                    long total = 0;
                    ByteBuffer buffer = ByteBuffer.allocate(20_000); // above one record: decrypts in place
                    while (channel.read(buffer.clear()) >= 0) {
                        total += buffer.flip().remaining();
                        channel.write(buffer);
                    }
                    channel.shutdownOutput();
                    return total;
                }
            });
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port(), protocol))) {
                client.handshake(HANDSHAKE_TIMEOUT);
                Future<?> writer = threads.submit(() -> {
                    SplittableRandom sizes = new SplittableRandom(7);
                    int offset = 0;
                    while (offset < data.length) {
                        int n = Math.min(data.length - offset, 1 + sizes.nextInt(40_000));
                        client.write(ByteBuffer.wrap(data, offset, n));
                        offset += n;
                    }
                    client.shutdownOutput();
                    return null;
                });
                Future<byte[]> reader = threads.submit(() -> {
                    MessageDigest digest = Loopback.sha256();
                    ByteBuffer buffer = ByteBuffer.allocate(3_000); // below one record: goes through appIn
                    long total = 0;
                    int n;
                    while ((n = client.read(buffer.clear())) >= 0) {
                        digest.update(buffer.array(), 0, n);
                        total += n;
                    }
                    assertEquals(ECHO, total);
                    assertTrue(client.closeNotifyReceived());
                    return digest.digest();
                });
                writer.get();
                assertArrayEquals(Loopback.sha256().digest(data), reader.get());
                assertEquals(ECHO, echo.get());
            }
        }
    }

    /** A gathering write of many small buffers becomes one TLS record, counted by a relay that parses the stream. */
    @Test
    void gatheringWriteSendsSmallBuffersAsOneRecord() throws Exception {
        try (Loopback loopback = new Loopback(); RecordCountingRelay relay = new RecordCountingRelay(loopback)) {
            CountDownLatch handshakeSeenByServer = new CountDownLatch(1);
            Future<byte[]> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    handshakeSeenByServer.countDown(); // the client's Finished went through the relay
                    return Loopback.readToEnd(channel);
                }
            });
            ByteBuffer[] pieces = new ByteBuffer[100];
            byte[] expected = new byte[1_000];
            for (int i = 0; i < pieces.length; i++) {
                byte[] piece = Loopback.payload(10, i);
                System.arraycopy(piece, 0, expected, i * 10, 10);
                pieces[i] = ByteBuffer.wrap(piece);
            }
            try (TlsChannel client = TlsChannel.client(relay.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port()))) {
                client.handshake(HANDSHAKE_TIMEOUT);
                assertTrue(handshakeSeenByServer.await(10, TimeUnit.SECONDS));
                int before = relay.applicationRecordsUp.get();
                assertEquals(1_000, client.write(pieces));
                client.shutdownOutput();
                assertArrayEquals(expected, server.get());
                // the data record, plus close_notify (an encrypted application_data record in TLS 1.3)
                assertEquals(2, relay.applicationRecordsUp.get() - before);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "http/1.1"})
    void negotiatedAlpnProtocolIsVisibleOnBothSides(String clientPreference) throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<String> server = threads.submit(() -> {
                SSLEngine engine = Loopback.serverEngine(pki.context(pki.server));
                SSLParameters parameters = engine.getSSLParameters();
                parameters.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                engine.setSSLParameters(parameters);
                try (TlsChannel channel = TlsChannel.server(loopback.accept(), engine)) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    return channel.applicationProtocol();
                }
            });
            SSLEngine engine = Loopback.clientEngine(pki.context(null), loopback.port());
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {clientPreference});
            engine.setSSLParameters(parameters);
            try (TlsChannel client = TlsChannel.client(loopback.connect(), engine)) {
                client.handshake(HANDSHAKE_TIMEOUT);
                assertEquals(clientPreference, client.applicationProtocol());
                assertEquals(clientPreference, server.get());
            }
        }
    }

    @Test
    void noAlpnMeansNullApplicationProtocol() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<String> server = threads.submit(() -> {
                try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                        Loopback.serverEngine(pki.context(pki.server)))) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    return String.valueOf(channel.applicationProtocol());
                }
            });
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port()))) {
                client.handshake(HANDSHAKE_TIMEOUT);
                assertNull(client.applicationProtocol());
                assertEquals("null", server.get());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.2", "TLSv1.3"})
    void mutualTlsExposesTheClientCertificate(String protocol) throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<String> server = threads.submit(() -> {
                SSLEngine engine = Loopback.serverEngine(pki.context(pki.server), protocol);
                engine.setNeedClientAuth(true);
                try (TlsChannel channel = TlsChannel.server(loopback.accept(), engine)) {
                    channel.handshake(HANDSHAKE_TIMEOUT);
                    byte[] hello = Loopback.readFully(channel, 5);
                    channel.write(ByteBuffer.wrap(hello));
                    return channel.session().getPeerPrincipal().getName();
                }
            });
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(pki.client), loopback.port(), protocol))) {
                client.write(ByteBuffer.wrap("hello".getBytes())); // implicit handshake
                assertEquals("hello", new String(Loopback.readFully(client, 5)));
                assertEquals("CN=client", server.get());
            }
        }
    }

    @Test
    void releasedBuffersAreReallocatedOnDemand() throws Exception {
        try (Loopback loopback = new Loopback()) {
            Future<?> echo = threads.submit(() -> echoLines(loopback));
            try (TlsChannel client = TlsChannel.client(loopback.connect(),
                    Loopback.clientEngine(pki.context(null), loopback.port()))) {
                client.handshake(HANDSHAKE_TIMEOUT);
                for (int round = 0; round < 3; round++) {
                    client.write(ByteBuffer.wrap("ping".getBytes()));
                    assertEquals("ping", new String(Loopback.readFully(client, 4)));
                    assertTrue(client.bufferedCapacity() > 0);
                    assertTrue(client.releaseBuffers());
                    assertEquals(0, client.bufferedCapacity());
                }
                client.shutdownOutput();
                echo.get();
            }
        }
    }

    private Void echoLines(Loopback loopback) throws IOException {
        try (TlsChannel channel = TlsChannel.server(loopback.accept(),
                Loopback.serverEngine(pki.context(pki.server)))) {
            ByteBuffer buffer = ByteBuffer.allocate(100);
            while (channel.read(buffer.clear()) >= 0) {
                channel.write(buffer.flip());
            }
        }
        return null;
    }

    private static int smallSize(int i) {
        return 1 + i % 17;
    }

    private static int smallOffset(int i) {
        int offset = 0;
        for (int j = 0; j < i; j++) {
            offset += smallSize(j);
        }
        return offset;
    }

    private static int smallTotal() {
        return smallOffset(SMALL_WRITES);
    }

    private static byte[] smallPattern() {
        return Loopback.payload(smallTotal(), 9);
    }

    /** A TCP relay in front of the server that counts TLS application_data records (type 23) sent upstream. */
    private final class RecordCountingRelay implements AutoCloseable {
        final AtomicInteger applicationRecordsUp = new AtomicInteger();
        private final Loopback front = new Loopback();
        private final Loopback target;

        RecordCountingRelay(Loopback target) throws IOException {
            this.target = target;
            threads.submit((Callable<Void>) this::relay);
        }

        SocketChannel connect() throws IOException {
            return front.connect();
        }

        private Void relay() throws IOException {
            try (Socket down = front.server.accept().socket();
                    Socket up = new Socket(InetAddress.getLoopbackAddress(), target.port())) {
                Future<?> downstream = threads.submit(() -> {
                    up.getInputStream().transferTo(down.getOutputStream());
                    down.shutdownOutput();
                    return null;
                });
                DataInputStream in = new DataInputStream(down.getInputStream());
                OutputStream out = up.getOutputStream();
                byte[] header = new byte[5];
                while (readHeader(in, header)) {
                    int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff); // RFC 8446 section 5.1
                    byte[] body = new byte[length];
                    in.readFully(body);
                    if (header[0] == 23) {
                        applicationRecordsUp.incrementAndGet();
                    }
                    out.write(header);
                    out.write(body);
                }
                up.shutdownOutput();
                downstream.get(); // let the server's reply drain before the sockets close
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
            return null;
        }

        private static boolean readHeader(InputStream in, byte[] header) throws IOException {
            int first = in.read();
            if (first < 0) {
                return false;
            }
            header[0] = (byte) first;
            new DataInputStream(in).readFully(header, 1, 4);
            return true;
        }

        @Override
        public void close() throws IOException {
            front.close();
        }
    }
}
