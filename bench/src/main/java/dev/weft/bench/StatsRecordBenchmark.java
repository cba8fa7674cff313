package dev.weft.bench;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import dev.weft.admin.stats.Counter;
import dev.weft.admin.stats.Gauge;
import dev.weft.admin.stats.LatencyHistogram;
import dev.weft.admin.stats.StatName;
import dev.weft.admin.stats.StatsStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of recording one stat on the request path: a counter increment, a gauge add, a latency record, and a counter
 * shared by two threads (every connection bumps the same {@code upstream_rq_total}). Expected allocation: 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class StatsRecordBenchmark {
    /** Latencies in microseconds: a log-normal-ish spread from ~100 us to ~1 s, as an upstream's response times. */
    private static final int LATENCY_SAMPLES = 4096;

    private StatsStore store;
    private Counter counter;
    private Counter contended;
    private Gauge gauge;
    private LatencyHistogram histogram;
    private final long[] latencies = new long[LATENCY_SAMPLES];

    @Setup(Level.Trial)
    public void setUp() {
        store = new StatsStore(64);
        counter = store.counter(StatName.cluster("backend", "upstream_rq_total"));
        contended = store.counter(StatName.cluster("backend", "upstream_cx_total"));
        gauge = store.gauge(StatName.cluster("backend", "upstream_rq_active"));
        histogram = store.histogram(StatName.cluster("backend", "upstream_rq_time"));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < LATENCY_SAMPLES; i++) {
            latencies[i] = (long) Math.exp(Math.log(100) + random.nextGaussian() * 1.5 + 2); // median ~740 us
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    /** Per-thread cursor over the latency samples, so the benchmark does not measure a shared index. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Benchmark
    public void counterIncrement() {
        counter.increment();
    }

    @Benchmark
    public void gaugeAdd() {
        gauge.add(1);
    }

    @Benchmark
    public void histogramRecordMicros(Cursor cursor) {
        histogram.recordMicros(latencies[cursor.next++ & (LATENCY_SAMPLES - 1)]);
    }

    @Benchmark
    @Group("contendedCounter")
    @GroupThreads(2)
    public void contendedCounterIncrement() {
        contended.increment();
    }

    @Benchmark
    @Group("contendedHistogram")
    @GroupThreads(2)
    public void contendedHistogramRecordMicros(Cursor cursor) {
        histogram.recordMicros(latencies[cursor.next++ & (LATENCY_SAMPLES - 1)]);
    }
}
