package dev.weft.codec.http1;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hot path allocates nothing once the parser's arrays have grown: measured with the thread allocation counter. */
class SteadyStateAllocationTest {
    /** How long rounds go on: the JIT's compiler threads may get little CPU on a busy machine. */
    private static final long STEADY_STATE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(20);
    private static final String REQUEST = "POST /api/v1/items?id=7 HTTP/1.1\nHost: api.internal:8080\n"
            + "User-Agent: curl/8.5.0\nAccept: */*\nConnection: keep-alive, X-Hop\nX-Hop: 1\n"
            + "Content-Type: application/json\nContent-Length: 27\nExpect: 100-continue\n"
            + "Cookie: a=1; b=two; session=abcdef0123456789\n\n";
    private static final String CHUNKED = "5;ext=1\nhello\n6\n world\n0\nX-Sum: 1\n\n";

    @Test
    void parsingARequestHeadAllocatesNothingAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = threadBean();
        ByteBuffer in = ByteBuffer.wrap(Splits.crlf(REQUEST));
        RequestHeadParser parser = new RequestHeadParser(Http1Limits.DEFAULTS);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += parseOnce(parser, in);
        }
        // Steady state is when the JIT has finished with this code (escape analysis may remove an allocation only
        // then): measure rounds until one allocates nothing. A real per-operation allocation shows in every round.
        long allocated = Long.MAX_VALUE;
        long end = System.nanoTime() + STEADY_STATE_BUDGET_NANOS;
        while (allocated != 0 && System.nanoTime() - end < 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                sink += parseOnce(parser, in);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(sink > 0);
        assertEquals(0, allocated, "bytes allocated by 10,000 parses in the last round");
    }

    @Test
    void decodingAChunkedBodyAllocatesNothingAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = threadBean();
        ByteBuffer in = ByteBuffer.wrap(Splits.crlf(CHUNKED));
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += decodeOnce(decoder, in);
        }
        // Steady state is when the JIT has finished with this code (escape analysis may remove an allocation only
        // then): measure rounds until one allocates nothing. A real per-operation allocation shows in every round.
        long allocated = Long.MAX_VALUE;
        long end = System.nanoTime() + STEADY_STATE_BUDGET_NANOS;
        while (allocated != 0 && System.nanoTime() - end < 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                sink += decodeOnce(decoder, in);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(sink > 0);
        assertEquals(0, allocated, "bytes allocated by 10,000 decodes in the last round");
    }

    private static long parseOnce(RequestHeadParser parser, ByteBuffer in) throws Http1Exception {
        parser.reset();
        in.position(0);
        parser.parse(in);
        RequestHead h = parser.head();
        return h.fieldCount() + h.contentLength() + (h.keepAlive() ? 1 : 0) + (h.isHopByHop(5) ? 1 : 0)
                + (h.expectContinue() ? 1 : 0) + h.method().length();
    }

    private static long decodeOnce(ChunkedDecoder decoder, ByteBuffer in) throws Http1Exception {
        decoder.reset();
        in.position(0);
        long total = 0;
        long n;
        while ((n = decoder.next(in)) > 0) {
            in.position(in.position() + (int) n);
            total += n;
        }
        return total + decoder.trailerCount();
    }

    private static com.sun.management.ThreadMXBean threadBean() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        // a test that needs the allocation counter fails without it rather than skipping
        assertTrue(bean instanceof com.sun.management.ThreadMXBean, "no allocation counter on this JVM");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(),
                "thread allocation accounting is off");
        return threads;
    }
}
