package dev.weft.bench;

import java.util.concurrent.TimeUnit;

import dev.weft.core.filter.ratelimit.BucketSpec;
import dev.weft.core.filter.ratelimit.Descriptor;
import dev.weft.core.filter.ratelimit.LimitPolicy;
import dev.weft.core.filter.ratelimit.Limiter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the local_rate_limit filter's hot path: taking a token from a {@link Limiter}, monotonic clock read
 * included, by one thread and by two threads sharing the limiter (every operation a CAS on the same word, the
 * contended case):
 * <ul>
 *   <li>{@code bucket=allowed}: a bucket that never runs dry (16.7 M tokens, refilled to full every 50 ms), so every
 *       acquire is a successful CAS; {@code bucket=limited}: an empty bucket (1 token a day), the refusal path, which
 *       reads the word and writes nothing.</li>
 *   <li>{@code keys=shared}: one bucket for all; {@code keys=keyed}: a header descriptor with 1,024 keys taken in turn,
 *       so each acquire is also a ConcurrentHashMap read.</li>
 * </ul>
 * {@code clockOnly} is the {@code System.nanoTime()} read alone, the floor of the others.
 * Expected allocation: 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class TokenBucketBenchmark {
    private static final int KEYS = 1024;

    /** The limiter all threads share (one bucket word, or 1,024 keyed ones). */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"allowed", "limited"})
        public String bucket;

        @Param({"shared", "keyed"})
        public String keys;

        Limiter limiter;
        String[] keyNames;

        @Setup
        public void setup() {
            BucketSpec spec = bucket.equals("allowed")
                    ? new BucketSpec(BucketSpec.MAX_TOKENS, BucketSpec.MAX_TOKENS, BucketSpec.MIN_FILL_INTERVAL_NANOS)
                    : new BucketSpec(1, 1, BucketSpec.MAX_FILL_INTERVAL_NANOS);
            Descriptor descriptor = keys.equals("keyed") ? new Descriptor(Descriptor.Kind.HEADER, "x-api-key") : null;
            limiter = new Limiter(new LimitPolicy(spec, descriptor, 10_000, 100, 100, "bench"), System.nanoTime(),
                    null);
            if (descriptor != null) {
                keyNames = new String[KEYS];
                for (int i = 0; i < KEYS; i++) {
                    keyNames[i] = "key-" + i;
                    limiter.acquire(keyNames[i], System.nanoTime()); // buckets made here, not measured
                }
            } else {
                limiter.acquire(null, System.nanoTime());
            }
        }
    }

    /** Each thread's position in the key cycle. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    @Threads(1)
    public long oneThread(Shared s, Cursor c) {
        return acquire(s, c);
    }

    @Benchmark
    @Threads(2)
    public long twoThreads(Shared s, Cursor c) {
        return acquire(s, c);
    }

    @Benchmark
    @Threads(1)
    public long clockOnly() {
        return System.nanoTime();
    }

    private static long acquire(Shared s, Cursor c) {
        String key = s.keyNames == null ? null : s.keyNames[c.next++ & (KEYS - 1)];
        return s.limiter.acquire(key, System.nanoTime());
    }
}
