package dev.weft.core.e2e;

import dev.weft.core.io.BufferPool;
import dev.weft.core.server.WeftServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A keep-alive connection that sits idle gives its read buffer back to the shared pool while it waits, and serves
 * the next request (pipelined ones too) from a freshly borrowed one.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleBufferE2ETest {

    @Test
    void idleConnectionReturnsItsBufferAndStillServes() throws Exception {
        TestUpstream upstream = TestUpstream.start("a");
        try (WeftServer proxy = E2E.start(E2E.simple("a", upstream.port()));
             Wire w = Wire.connect(proxy.address("main"))) {
            assertEquals(200, w.exchange("GET /one HTTP/1.1\r\nHost: x\r\n\r\n").status());
            Thread.sleep(1300); // the wait for request two is long: the wait for request three releases the buffer
            int freeBefore = BufferPool.free();
            assertEquals(200, w.exchange("GET /two HTTP/1.1\r\nHost: x\r\n\r\n").status());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (BufferPool.free() <= freeBefore && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertTrue(BufferPool.free() > freeBefore, "the idle connection's buffer went back to the pool");
            // two pipelined requests arriving at once into the probe, a body included
            w.send("POST /sink HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /three HTTP/1.1\r\nHost: x\r\n\r\n");
            Wire.Response post = w.read();
            assertEquals(200, post.status());
            assertEquals("bytes=5 sha256=" + ProtocolE2ETest.sha("hello"), post.bodyText());
            assertEquals(200, w.read().status());
        } finally {
            upstream.close();
        }
    }
}
