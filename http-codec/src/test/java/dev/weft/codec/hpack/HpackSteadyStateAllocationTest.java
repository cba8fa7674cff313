package dev.weft.codec.hpack;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.weft.codec.hpack.Hpack.Field;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Decoding and encoding allocate nothing once warm, including Huffman coding and dynamic table insertion and
 * eviction: measured with the thread allocation counter.
 */
class HpackSteadyStateAllocationTest {
    /** How long rounds go on: the JIT's compiler threads may get little CPU on a busy machine. */
    private static final long STEADY_STATE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(20);
    static final List<Field> BROWSER_REQUEST = List.of(
            new Field(":method", "GET"),
            new Field(":scheme", "https"),
            new Field(":authority", "www.example.com"),
            new Field(":path", "/search?q=weft&lang=en"),
            new Field("sec-ch-ua", "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\""),
            new Field("sec-ch-ua-mobile", "?0"),
            new Field("sec-ch-ua-platform", "\"Linux\""),
            new Field("upgrade-insecure-requests", "1"),
            new Field("user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/124.0.0.0 Safari/537.36"),
            new Field("accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"),
            new Field("sec-fetch-site", "same-origin"),
            new Field("sec-fetch-mode", "navigate"),
            new Field("referer", "https://www.example.com/"),
            new Field("accept-encoding", "gzip, deflate, br, zstd"),
            new Field("accept-language", "en-US,en;q=0.9,fr;q=0.8"),
            new Field("cookie", "_ga=GA1.1.123456789.1700000000; session=3f9a1c2b7d8e4f60a1b2c3d4e5f60718; theme=dark"));

    @Test
    void decodingWithInsertionsAndEvictionsAllocatesNothingAfterWarmUp() throws Exception {
        // the first request of a connection (literals with indexing), then the same request again (indexed): over
        // and over on one decoder whose 1000-octet table evicts on every first-request block and whose entries wrap
        HpackEncoder encoder = new HpackEncoder(1000);
        encoder.setPeerMaxTableSize(1000);
        ByteBuffer first = ByteBuffer.wrap(Hpack.encode(encoder, BROWSER_REQUEST));
        ByteBuffer repeat = ByteBuffer.wrap(Hpack.encode(encoder, BROWSER_REQUEST));
        assertTrue(repeat.remaining() < first.remaining() / 2);
        HpackDecoder decoder = new HpackDecoder(HpackDecoder.DEFAULT_TABLE_SIZE, 16384);
        decoder.decode(ByteBuffer.wrap(Hpack.hex("3fc907")), (n, no, nl, v, vo, vl, ni) -> { }); // 1000
        CountingSink sink = new CountingSink();
        long allocated = measure(() -> {
            first.position(0);
            decoder.decode(first, sink);
            repeat.position(0);
            decoder.decode(repeat, sink);
        });
        assertTrue(sink.octets > 0);
        assertTrue(decoder.dynamicTableSize() > 800, "table size " + decoder.dynamicTableSize());
        assertEquals(0, allocated, "bytes allocated by 10,000 decodes of two blocks in the last round");
    }

    @Test
    void encodingWithInsertionsAndEvictionsAllocatesNothingAfterWarmUp() throws Exception {
        HpackEncoder encoder = new HpackEncoder(4096);
        byte[][] names = new byte[BROWSER_REQUEST.size()][];
        byte[][] values = new byte[BROWSER_REQUEST.size()][];
        for (int i = 0; i < names.length; i++) {
            names[i] = Hpack.bytes(BROWSER_REQUEST.get(i).name());
            values[i] = Hpack.bytes(BROWSER_REQUEST.get(i).value());
        }
        byte[][] ids = new byte[64][]; // a new request id each time: one insertion and, once full, evictions
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Hpack.bytes("7b1f2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c" + (10 + i));
        }
        byte[] requestId = Hpack.bytes("x-request-id");
        ByteBuffer out = ByteBuffer.allocate(4096);
        int[] round = {0};
        long allocated = measure(() -> {
            out.clear();
            encoder.beginBlock(out);
            for (int i = 0; i < names.length; i++) {
                encoder.encodeField(out, names[i], values[i], false);
            }
            encoder.encodeField(out, requestId, ids[round[0]++ & 63], false);
        });
        assertTrue(encoder.dynamicTableSize() > 3000);
        assertEquals(0, allocated, "bytes allocated by 10,000 encodes in the last round");
    }

    interface Operation {
        void run() throws Exception;
    }

    /** Warms up, then measures rounds until one allocates nothing (as SteadyStateAllocationTest does). */
    private static long measure(Operation operation) throws Exception {
        com.sun.management.ThreadMXBean threads = threadBean();
        for (int i = 0; i < 20_000; i++) {
            operation.run();
        }
        // Steady state is when the JIT has finished with this code (escape analysis may remove an allocation only
        // then): measure rounds until one allocates nothing. A real per-operation allocation shows in every round.
        long allocated = Long.MAX_VALUE;
        long end = System.nanoTime() + STEADY_STATE_BUDGET_NANOS;
        while (allocated != 0 && System.nanoTime() - end < 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                operation.run();
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }

    private static final class CountingSink implements HeaderSink {
        long octets;

        @Override
        public void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
                          boolean neverIndexed) {
            octets += nameLength + valueLength + name[nameOffset] + (valueLength > 0 ? value[valueOffset] : 0);
        }
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
