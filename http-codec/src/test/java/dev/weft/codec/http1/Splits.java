package dev.weft.codec.http1;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a parser over the same bytes three ways: whole, byte by byte, and split in two at every offset (sampled above
 * {@link #MAX_EXHAUSTIVE} bytes), so that no decision may depend on where the network cut the input.
 */
final class Splits {
    static final int MAX_EXHAUSTIVE = 4096;

    /** One way to cut the input: slice boundaries, ascending, excluding 0 and length. */
    record Plan(String name, int[] cuts, boolean direct) {
        Plan(String name, int[] cuts) {
            this(name, cuts, false);
        }

        List<ByteBuffer> slices(byte[] data) {
            List<ByteBuffer> out = new ArrayList<>();
            int from = 0;
            for (int cut : cuts) {
                out.add(buffer(Arrays.copyOfRange(data, from, cut)));
                from = cut;
            }
            out.add(buffer(Arrays.copyOfRange(data, from, data.length)));
            return out;
        }

        /** Heap slices are views into a larger array (non-zero arrayOffset); direct slices exercise get(int). */
        private ByteBuffer buffer(byte[] bytes) {
            if (direct) {
                return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
            }
            byte[] padded = new byte[bytes.length + 3];
            System.arraycopy(bytes, 0, padded, 3, bytes.length);
            return ByteBuffer.wrap(padded).position(3).slice();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    interface Step {
        /** Feeds one slice; true when the message is complete. */
        boolean feed(ByteBuffer in) throws Http1Exception;
    }

    interface Check {
        void run(Plan plan) throws Exception;
    }

    private Splits() {
    }

    static List<Plan> plans(int length) {
        List<Plan> plans = new ArrayList<>();
        plans.add(new Plan("whole", new int[0]));
        int[] everyByte = new int[Math.max(0, length - 1)];
        for (int i = 1; i < length; i++) {
            everyByte[i - 1] = i;
        }
        plans.add(new Plan("byte by byte", everyByte, true));
        plans.add(new Plan("whole, direct", new int[0], true));
        int stride = length <= MAX_EXHAUSTIVE ? 1 : length / 512;
        for (int cut = 1; cut < length; cut += stride) {
            plans.add(new Plan("split at " + cut, new int[] {cut}));
        }
        return plans;
    }

    /** Runs {@code check} once per plan, naming the plan on failure. */
    static void allWays(byte[] data, Check check) {
        for (Plan plan : plans(data.length)) {
            try {
                check.run(plan);
            } catch (AssertionError | Exception e) {
                throw new AssertionError("input cut " + plan + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Feeds the slices of {@code plan} until {@code step} reports completion.
     *
     * @return the bytes left over after the message (pipelined input), or null if the input ran out first
     */
    static byte[] feed(byte[] data, Plan plan, Step step) throws Http1Exception {
        List<ByteBuffer> slices = plan.slices(data);
        for (int i = 0; i < slices.size(); i++) {
            ByteBuffer slice = slices.get(i);
            if (step.feed(slice)) {
                int left = slice.remaining();
                for (int j = i + 1; j < slices.size(); j++) {
                    left += slices.get(j).remaining();
                }
                byte[] rest = new byte[left];
                ByteBuffer out = ByteBuffer.wrap(rest);
                out.put(slice);
                for (int j = i + 1; j < slices.size(); j++) {
                    out.put(slices.get(j));
                }
                return rest;
            }
            assertFalse(slice.hasRemaining(), "a parser that needs more input consumes all of it");
        }
        return null;
    }

    /** Asserts that feeding {@code data} cut by {@code plan} fails with exactly {@code expected}. */
    static void assertRejected(byte[] data, Plan plan, Step step, Http1Violation expected) {
        try {
            byte[] rest = feed(data, plan, step);
            fail(rest == null ? "input ran out without " + expected : "accepted, expected " + expected);
        } catch (Http1Exception e) {
            assertEquals(expected, e.violation());
            assertEquals(expected.status(), e.violation().status());
        }
    }

    /**
     * Decodes a chunked body cut by {@code plan}, consuming each payload run in random small pieces.
     *
     * @return the payload followed by nothing; {@code leftover[0]} receives the bytes after the body
     */
    static byte[] decodeChunked(ChunkedDecoder decoder, byte[] data, Plan plan, Random random, byte[][] leftover)
            throws Http1Exception {
        ByteBuffer payload = ByteBuffer.allocate(data.length);
        byte[] rest = feed(data, plan, in -> {
            while (true) {
                long n = decoder.next(in);
                if (n == ChunkedDecoder.END) {
                    return true;
                }
                if (n == 0) {
                    assertFalse(in.hasRemaining());
                    return false;
                }
                assertTrue(n <= in.remaining());
                int left = (int) n;
                while (left > 0) {
                    int piece = Math.min(left, 1 + random.nextInt(3));
                    ByteBuffer part = in.slice(in.position(), piece);
                    payload.put(part);
                    in.position(in.position() + piece);
                    left -= piece;
                }
            }
        });
        if (rest == null) {
            throw new AssertionError("chunked body incomplete");
        }
        leftover[0] = rest;
        return Arrays.copyOf(payload.array(), payload.position());
    }

    /** {@code \n} in test text becomes CRLF; a literal {@code \\n} is unnecessary because tests spell bare LF as {@code <LF>}. */
    static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").replace("<LF>", "\n").replace("<CR>", "\r")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
