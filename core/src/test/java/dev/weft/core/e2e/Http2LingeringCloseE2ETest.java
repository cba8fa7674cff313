package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.RepeatedTest;

/**
 * A client that breaks the protocol while it still has bytes in flight must get the GOAWAY with the error code: the
 * proxy half-closes and drops the rest of the input for a moment instead of closing a socket with unread bytes, whose
 * TCP reset could destroy the GOAWAY on its way (RFC 9113 section 5.4.1).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class Http2LingeringCloseE2ETest {
    private TestUpstream upstream;
    private WeftServer proxy;
    private InetSocketAddress address;

    @BeforeAll
    void start() throws Exception {
        upstream = TestUpstream.start("a");
        proxy = E2E.start("""
                listeners:
                  - name: h2c
                    port: 0
                    codec: http2
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: a}
                clusters:
                %s""".formatted(E2E.cluster("a", upstream.port())));
        address = proxy.address("h2c");
    }

    @AfterAll
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @RepeatedTest(5)
    void theGoAwayArrivesAlthoughTheClientIsStillSending() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(address, 5000);
            s.setSoTimeout(5000);
            ByteArrayOutputStream first = new ByteArrayOutputStream();
            first.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            first.write(frame(4, 0, 0, new byte[0]));          // SETTINGS
            first.write(frame(0, 0, 0, new byte[] {1}));        // DATA on stream 0: connection PROTOCOL_ERROR
            OutputStream out = s.getOutputStream();
            out.write(first.toByteArray());
            out.flush();
            java.util.concurrent.atomic.AtomicReference<IOException> sendFailure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            // the client goes on sending while the error is read and the GOAWAY sent: no pause, and little enough
            // (64 KiB) that the proxy drops it all well within its 500 ms / 1 MiB budget on a busy machine. Any byte
            // left unread at the close, or arriving after it, is answered with a reset, so it is enough to catch a
            // close without the lingering
            Thread sender = Thread.ofVirtual().start(() -> {
                byte[] junk = frame(0, 0, 1, new byte[16_000]);
                try {
                    for (int i = 0; i < 4; i++) {
                        out.write(junk);
                    }
                    out.flush();
                } catch (IOException e) {
                    sendFailure.set(e); // a reset: the proxy closed with our bytes unread
                }
            });
            DataInputStream in = new DataInputStream(s.getInputStream());
            long goAwayCode = -1;
            while (goAwayCode < 0) {
                int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                in.readUnsignedByte();
                in.readInt();
                byte[] payload = in.readNBytes(length);
                if (type == 7) {
                    goAwayCode = ((payload[4] & 0xffL) << 24) | ((payload[5] & 0xff) << 16) | ((payload[6] & 0xff) << 8)
                            | (payload[7] & 0xff);
                }
            }
            assertEquals(1, goAwayCode, "GOAWAY PROTOCOL_ERROR");
            sender.join(10_000);
            // the proxy read and dropped what we sent after the error
            // instead of closing on unread bytes, which resets the connection and can take the GOAWAY with it
            assertEquals(null, sendFailure.get(), "the client's sending was cut by a reset");
            int n;
            do {
                n = in.read(new byte[4096]); // a reset here throws "Connection reset"
            } while (n > 0);
            assertTrue(n < 0, "then an orderly end of stream");
        }
    }

    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }
}
