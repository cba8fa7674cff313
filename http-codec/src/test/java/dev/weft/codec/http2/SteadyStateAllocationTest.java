package dev.weft.codec.http2;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.weft.codec.http2.HeaderValidator.Mode;

import static dev.weft.codec.http2.Bytes.cat;
import static dev.weft.codec.http2.Bytes.filled;
import static dev.weft.codec.http2.Bytes.frame;
import static dev.weft.codec.http2.Bytes.setting;
import static dev.weft.codec.http2.Bytes.u32;
import static dev.weft.codec.http2.Bytes.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frame layer's hot paths allocate nothing once buffers have grown: measured with the allocation counter. */
class SteadyStateAllocationTest {
    /** How long rounds go on: the JIT's compiler threads may get little CPU on a busy machine. */
    private static final long STEADY_STATE_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(20);
    /** Every frame type a connection sees in steady state, including a field block split over CONTINUATION frames. */
    private static final byte[] FRAMES = cat(
            frame(FrameType.HEADERS, FrameFlags.PRIORITY, 1, u32(0), 15, filled(3000, 'h')),
            frame(FrameType.CONTINUATION, 0, 1, filled(2000, 'c')),
            frame(FrameType.CONTINUATION, FrameFlags.END_HEADERS, 1, "end"),
            frame(FrameType.HEADERS, FrameFlags.END_HEADERS | FrameFlags.END_STREAM, 3, filled(40, 'H')),
            frame(FrameType.DATA, FrameFlags.PADDED, 1, 4, filled(1000, 'd'), zeros(4)),
            frame(FrameType.DATA, FrameFlags.END_STREAM, 1, filled(100, 'e')),
            frame(FrameType.WINDOW_UPDATE, 0, 0, u32(65_535)),
            frame(FrameType.WINDOW_UPDATE, 0, 1, u32(1000)),
            frame(FrameType.SETTINGS, 0, 0, setting(4, 1 << 20)),
            frame(FrameType.SETTINGS, FrameFlags.ACK, 0),
            frame(FrameType.PING, 0, 0, zeros(8)),
            frame(FrameType.PRIORITY, 0, 5, u32(1), 15),
            frame(FrameType.RST_STREAM, 0, 3, u32(8)),
            frame(0xc, 0, 0, "ext"),
            frame(FrameType.GOAWAY, 0, 0, u32(3), u32(0), "debug"));

    /** Sums what a connection would look at, reading buffers with absolute gets only. */
    private static final class Summing implements FrameListener {
        long sum;

        @Override
        public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream) {
            sum += streamId + data.remaining() + flowControlledLength + data.get(data.position());
        }

        @Override
        public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int dependency,
                              boolean exclusive, int weight) {
            sum += streamId + headerBlock.remaining() + weight + headerBlock.get(headerBlock.limit() - 1);
        }

        @Override
        public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) {
            sum -= 1;
        }

        @Override
        public void onPriority(int streamId, int dependency, boolean exclusive, int weight) {
            sum += weight;
        }

        @Override
        public void onRstStream(int streamId, long errorCode) {
            sum += errorCode;
        }

        @Override
        public void onSettings(boolean ack, ByteBuffer payload) {
            sum += payload.remaining();
        }

        @Override
        public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) {
            sum -= 1;
        }

        @Override
        public void onPing(boolean ack, long opaque) {
            sum += opaque + 1;
        }

        @Override
        public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
            sum += lastStreamId + debugData.remaining();
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            sum += increment;
        }

        @Override
        public void onUnknownFrame(int type, int streamId, int flags, ByteBuffer payload) {
            sum += type;
        }
    }

    @Test
    void readingFramesAllocatesNothingAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = threadBean();
        FrameReader reader = new FrameReader(true, 16_384, 16_384);
        Summing listener = new Summing();
        reader.read(ByteBuffer.wrap(Bytes.clientStart()), listener);
        ByteBuffer heap = ByteBuffer.wrap(FRAMES);
        ByteBuffer direct = ByteBuffer.allocateDirect(FRAMES.length).put(FRAMES).flip();
        for (int i = 0; i < 20_000; i++) {
            readOnce(reader, heap, listener);
            readOnce(reader, direct, listener);
        }
        // Steady state is when the JIT has finished with this code (escape analysis may remove an allocation only
        // then): measure rounds until one allocates nothing. A real per-operation allocation shows in every round.
        long allocated = Long.MAX_VALUE;
        long end = System.nanoTime() + STEADY_STATE_BUDGET_NANOS;
        while (allocated != 0 && System.nanoTime() - end < 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                readOnce(reader, heap, listener);
                readOnce(reader, direct, listener);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(listener.sum != 0);
        assertEquals(0, allocated, "bytes allocated by 20,000 reads of 15 frames in the last round");
    }

    @Test
    void writingFramesAllocatesNothingAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = threadBean();
        ByteBuffer out = ByteBuffer.allocateDirect(64 * 1024);
        ByteBuffer block = ByteBuffer.wrap(filled(40_000, 'b'));
        ByteBuffer data = ByteBuffer.wrap(filled(1000, 'd'));
        Http2Settings settings = new Http2Settings().maxConcurrentStreams(100).initialWindowSize(1 << 20);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += writeOnce(out, block, data, settings);
        }
        long allocated = Long.MAX_VALUE;
        long end = System.nanoTime() + STEADY_STATE_BUDGET_NANOS;
        while (allocated != 0 && System.nanoTime() - end < 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                sink += writeOnce(out, block, data, settings);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(sink > 0);
        assertEquals(0, allocated, "bytes allocated by 10,000 rounds of writes in the last round");
    }

    @Test
    void validatingARequestAllocatesNothingAfterWarmUp() throws Exception {
        com.sun.management.ThreadMXBean threads = threadBean();
        String[] request = {":method", "POST", ":scheme", "https", ":authority", "api.internal:8443", ":path",
                "/api/v1/items?id=7", "user-agent", "curl/8.5.0", "accept", "*/*", "content-type", "application/json",
                "content-length", "27", "te", "trailers", "host", "API.internal:8443",
                "cookie", "a=1; b=two; session=abcdef0123456789"};
        byte[][] bytes = new byte[request.length][];
        for (int i = 0; i < request.length; i++) {
            bytes[i] = request[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        long[] forwarded = new long[1];
        HeaderValidator validator = new HeaderValidator((n, no, nl, v, vo, vl, ni) -> forwarded[0] += nl + vl);
        long sink = 0;
        for (int i = 0; i < 20_000; i++) {
            sink += validateOnce(validator, bytes);
        }
        long allocated = Long.MAX_VALUE;
        long end = System.nanoTime() + STEADY_STATE_BUDGET_NANOS;
        while (allocated != 0 && System.nanoTime() - end < 0) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 10_000; i++) {
                sink += validateOnce(validator, bytes);
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        assertTrue(sink > 0 && forwarded[0] > 0);
        assertEquals(0, allocated, "bytes allocated by 10,000 validations in the last round");
    }

    private static void readOnce(FrameReader reader, ByteBuffer in, FrameListener listener) throws Http2Exception {
        in.position(0);
        reader.read(in, listener);
    }

    private static long writeOnce(ByteBuffer out, ByteBuffer block, ByteBuffer data, Http2Settings settings) {
        out.clear();
        block.position(0);
        data.position(0);
        FrameWriter.writeHeaders(out, 1, block, false, 16_384, 0, false, 16);
        FrameWriter.writeData(out, 1, data, false, 8);
        data.position(0);
        FrameWriter.writeData(out, 1, data, true);
        FrameWriter.writeSettings(out, settings);
        FrameWriter.writeSettingsAck(out);
        FrameWriter.writePing(out, true, 42);
        FrameWriter.writeWindowUpdate(out, 0, 1 << 20);
        FrameWriter.writeRstStream(out, 3, ErrorCode.CANCEL);
        FrameWriter.writePriority(out, 5, 1, true, 32);
        FrameWriter.writeGoAway(out, 7, ErrorCode.NO_ERROR, null);
        return out.position();
    }

    private static long validateOnce(HeaderValidator validator, byte[][] fields) throws Http2Exception {
        validator.reset(Mode.REQUEST, 1);
        for (int i = 0; i < fields.length; i += 2) {
            validator.field(fields[i], 0, fields[i].length, fields[i + 1], 0, fields[i + 1].length, false);
        }
        validator.finish();
        return validator.contentLength() + validator.headerListSize();
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
