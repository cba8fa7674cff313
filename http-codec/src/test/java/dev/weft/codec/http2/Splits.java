package dev.weft.codec.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs a {@link FrameReader} over the same bytes many ways: whole, byte by byte, and split in two at every offset,
 * in heap and direct buffers, the way a connection does it (append, read, compact). The recorded events, errors and
 * the unconsumed rest must not depend on where the network cut the input.
 */
final class Splits {
    /** One way to cut the input: slice boundaries, ascending, excluding 0 and length. */
    record Plan(String name, int[] cuts, boolean direct) {
        List<byte[]> slices(byte[] data) {
            List<byte[]> out = new ArrayList<>();
            int from = 0;
            for (int cut : cuts) {
                out.add(Arrays.copyOfRange(data, from, cut));
                from = cut;
            }
            out.add(Arrays.copyOfRange(data, from, data.length));
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private Splits() {
    }

    static List<Plan> plans(int length) {
        List<Plan> plans = new ArrayList<>();
        plans.add(new Plan("whole", new int[0], false));
        plans.add(new Plan("whole, direct", new int[0], true));
        int[] everyByte = new int[Math.max(0, length - 1)];
        for (int i = 1; i < length; i++) {
            everyByte[i - 1] = i;
        }
        plans.add(new Plan("byte by byte", everyByte, true));
        int stride = length <= 4096 ? 1 : length / 512;
        for (int cut = 1; cut < length; cut += stride) {
            plans.add(new Plan("split at " + cut, new int[] {cut}, cut % 2 == 0));
        }
        return plans;
    }

    /**
     * Feeds {@code data} cut by {@code plan} into a fresh reader. After a stream error the connection goes on (the
     * reader must have consumed the frame); a connection error ends the run.
     *
     * @return the events, each error as a line (see {@link Recorder#describe}), then {@code "rest N"}: the bytes left
     *         unconsumed at the end
     */
    static List<String> run(Supplier<FrameReader> readers, byte[] data, Plan plan) {
        FrameReader reader = readers.get();
        Recorder recorder = new Recorder();
        // a heap buffer with a non-zero array offset, or a direct one: the reader must only use absolute indexes
        ByteBuffer buffer = plan.direct() ? ByteBuffer.allocateDirect(data.length + 16)
                : ByteBuffer.allocate(data.length + 19).position(3).slice();
        for (byte[] slice : plan.slices(data)) {
            buffer.put(slice).flip();
            while (true) {
                try {
                    reader.read(buffer, recorder);
                    break;
                } catch (Http2Exception e) {
                    recorder.events.add(Recorder.describe(e));
                    if (e.isConnectionError()) {
                        return recorder.events;
                    }
                }
            }
            buffer.compact();
        }
        recorder.events.add("rest " + buffer.position());
        return recorder.events;
    }

    /** Runs every plan and asserts they all record the same as the whole input; returns that. */
    static List<String> allWays(Supplier<FrameReader> readers, byte[] data) {
        List<String> whole = run(readers, data, plans(data.length).get(0));
        for (Plan plan : plans(data.length)) {
            assertEquals(whole, run(readers, data, plan), "input cut " + plan);
        }
        return whole;
    }

    static Supplier<FrameReader> server() {
        return () -> new FrameReader(true, 16_384, 65_536);
    }

    static Supplier<FrameReader> client() {
        return () -> new FrameReader(false, 16_384, 65_536);
    }
}
