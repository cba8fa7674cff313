package dev.weft.admin.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

import org.agrona.BitUtil;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.status.CountersReader;

/**
 * Owns every counter, gauge and latency histogram of one Weft process.
 *
 * <p>Counters and gauges live in an agrona {@link CountersManager} over two buffers of cache-line-aligned direct memory
 * sized for {@code maxCounters} slots (metadata {@value CountersReader#METADATA_LENGTH} bytes and value
 * {@value CountersReader#COUNTER_LENGTH} bytes per slot, so no two values share a cache line).
 *
 * <p>Registration ({@link #counter}, {@link #gauge}, {@link #histogram}) happens when a component is built, never per
 * request: it takes a lock, allocates, and is idempotent (the same {@link StatName} returns the same handle). It also
 * rejects names whose Prometheus rendering would clash with an already registered stat, so the exposition is always
 * valid. Reading ({@link #counters()}, {@link #gauges()}, {@link #histograms()}) takes snapshots without blocking
 * writers.
 *
 * <p>A daemon thread rolls every histogram every {@value LatencyHistogram#INTERVAL_MILLIS} ms so the recent window
 * advances even when nobody reads it; {@link #close()} stops it. The direct memory is not freed on close (handles may
 * still be reachable from components being torn down); the GC reclaims it with the store.
 */
public final class StatsStore implements AutoCloseable {
    /** Agrona type id of counter slots, for tools reading the buffers. */
    public static final int COUNTER_TYPE_ID = 1;
    /** Agrona type id of gauge slots. */
    public static final int GAUGE_TYPE_ID = 2;

    private enum Kind { COUNTER, GAUGE, HISTOGRAM }

    /** What the Prometheus exposition knows about one metric family; guarded by registrationLock. */
    private record Family(Kind kind, List<String> labelNames, String help, Set<List<String>> labelValues) {
    }

    private final int maxCounters;
    private final long startTimeMillis = System.currentTimeMillis();
    private final LongSupplier clockMillis;
    private final CountersManager countersManager;
    private final ReentrantLock registrationLock = new ReentrantLock();
    private final Map<StatName, Counter> counters = new ConcurrentHashMap<>();
    private final Map<StatName, Gauge> gauges = new ConcurrentHashMap<>();
    private final Map<StatName, LatencyHistogram> histograms = new ConcurrentHashMap<>();
    // Guarded by registrationLock.
    private final Map<String, StatName> byFlat = new HashMap<>();
    private final Map<String, Family> families = new HashMap<>();
    private final Map<String, String> exposedNameOwner = new HashMap<>();
    private final ScheduledExecutorService roller;

    /** A store for up to {@code maxCounters} counters and gauges together (histograms are not limited). */
    public StatsStore(int maxCounters) {
        this(maxCounters, () -> System.nanoTime() / 1_000_000, true);
    }

    /**
     * Test seam (package-private): {@code clockMillis} drives the histogram windows, {@code startRoller == false} leaves
     * rolling to the test.
     */
    StatsStore(int maxCounters, LongSupplier clockMillis, boolean startRoller) {
        if (maxCounters < 1) {
            throw new IllegalArgumentException("maxCounters must be positive: " + maxCounters);
        }
        this.maxCounters = maxCounters;
        this.clockMillis = clockMillis;
        UnsafeBuffer metadata = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                Math.multiplyExact(maxCounters, CountersReader.METADATA_LENGTH), BitUtil.CACHE_LINE_LENGTH));
        UnsafeBuffer values = new UnsafeBuffer(BufferUtil.allocateDirectAligned(
                Math.multiplyExact(maxCounters, CountersReader.COUNTER_LENGTH), BitUtil.CACHE_LINE_LENGTH));
        this.countersManager = new CountersManager(metadata, values);
        if (startRoller) {
            roller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "weft-stats-roller");
                t.setDaemon(true);
                return t;
            });
            roller.scheduleAtFixedRate(this::rollAll, LatencyHistogram.INTERVAL_MILLIS,
                    LatencyHistogram.INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            roller = null;
        }
    }

    /** The counter with this name, registering it on first use. */
    public Counter counter(StatName name) {
        return counter(name, null);
    }

    /** As {@link #counter(StatName)}; {@code help} becomes the Prometheus HELP text if this is the family's first stat. */
    public Counter counter(StatName name, String help) {
        Counter c = counters.get(name);
        return c != null ? c : register(name, help, Kind.COUNTER, counters,
                () -> new Counter(name, allocate(name, COUNTER_TYPE_ID)));
    }

    /** The gauge with this name, registering it on first use. */
    public Gauge gauge(StatName name) {
        return gauge(name, null);
    }

    public Gauge gauge(StatName name, String help) {
        Gauge g = gauges.get(name);
        return g != null ? g : register(name, help, Kind.GAUGE, gauges,
                () -> new Gauge(name, allocate(name, GAUGE_TYPE_ID)));
    }

    /** The latency histogram with this name, registering it on first use. */
    public LatencyHistogram histogram(StatName name) {
        return histogram(name, null);
    }

    public LatencyHistogram histogram(StatName name, String help) {
        LatencyHistogram h = histograms.get(name);
        return h != null ? h : register(name, help, Kind.HISTOGRAM, histograms,
                () -> new LatencyHistogram(name, clockMillis));
    }

    /** A snapshot of every counter, sorted by flat name. */
    public List<StatValue> counters() {
        List<StatValue> out = new ArrayList<>(counters.size());
        for (Counter c : counters.values()) {
            out.add(new StatValue(c.name(), c.get(), c.used()));
        }
        out.sort(Comparator.comparing(v -> v.name().flat()));
        return out;
    }

    /** A snapshot of every gauge, sorted by flat name. */
    public List<StatValue> gauges() {
        List<StatValue> out = new ArrayList<>(gauges.size());
        for (Gauge g : gauges.values()) {
            out.add(new StatValue(g.name(), g.get(), g.used()));
        }
        out.sort(Comparator.comparing(v -> v.name().flat()));
        return out;
    }

    /** Every histogram, sorted by flat name. */
    public List<LatencyHistogram> histograms() {
        List<LatencyHistogram> out = new ArrayList<>(histograms.values());
        out.sort(Comparator.comparing(h -> h.name().flat()));
        return out;
    }

    /** Envoy's {@code /reset_counters}: every counter to 0; gauges and histograms are untouched. */
    public void resetCounters() {
        registrationLock.lock();
        try {
            for (Counter c : counters.values()) {
                c.reset();
            }
        } finally {
            registrationLock.unlock();
        }
    }

    /** Wall-clock time the store was created (the server's start, for {@code server.uptime}). */
    public long startTimeMillis() {
        return startTimeMillis;
    }

    /** Slots for counters and gauges together. */
    public int maxCounters() {
        return maxCounters;
    }

    /** The HELP text of a Prometheus family (by {@link StatName#prometheus()}), or null if none is registered. */
    String help(String prometheusFamily) {
        registrationLock.lock();
        try {
            Family f = families.get(prometheusFamily);
            return f == null ? null : f.help();
        } finally {
            registrationLock.unlock();
        }
    }

    /** Stops the histogram roller. Handles stay usable; they just stop rolling on their own. */
    @Override
    public void close() {
        if (roller != null) {
            roller.shutdownNow();
            try {
                roller.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    void rollAll() {
        for (LatencyHistogram h : histograms.values()) {
            h.roll();
        }
    }

    private interface Factory<T> {
        T create();
    }

    private <T> T register(StatName name, String help, Kind kind, Map<StatName, T> registry, Factory<T> factory) {
        registrationLock.lock();
        try {
            T existing = registry.get(name);
            if (existing != null) {
                return existing;
            }
            StatName sameFlat = byFlat.get(name.flat());
            if (sameFlat != null) {
                throw new IllegalArgumentException("stat '" + name.flat() + "' is already registered"
                        + (sameFlat.equals(name) ? " as another kind" : " with another Prometheus name: " + sameFlat));
            }
            String familyName = familyName(kind, name.prometheus());
            Family family = families.get(familyName);
            if (family == null) {
                for (String exposed : exposedNames(kind, familyName)) {
                    String owner = exposedNameOwner.get(exposed);
                    if (owner != null) {
                        throw new IllegalArgumentException("stat '" + name.flat() + "' would expose Prometheus name '"
                                + exposed + "', which family '" + owner + "' already exposes");
                    }
                }
            } else {
                if (family.kind() != kind || !family.labelNames().equals(name.labelNames())) {
                    throw new IllegalArgumentException("stat '" + name.flat() + "' (" + kind + " " + name.labelNames()
                            + ") conflicts with Prometheus family '" + familyName + "' (" + family.kind() + " "
                            + family.labelNames() + ")");
                }
                if (family.labelValues().contains(name.labelValues())) {
                    throw new IllegalArgumentException("stat '" + name.flat() + "' renders to the same Prometheus "
                            + "series as another stat: " + familyName + name.labelValues());
                }
            }
            T created = factory.create();
            if (family == null) {
                String text = help != null && !help.isBlank() ? help : name.template();
                family = new Family(kind, name.labelNames(), text, new HashSet<>());
                families.put(familyName, family);
                for (String exposed : exposedNames(kind, familyName)) {
                    exposedNameOwner.put(exposed, familyName);
                }
            }
            family.labelValues().add(name.labelValues());
            byFlat.put(name.flat(), name);
            registry.put(name, created);
            return created;
        } finally {
            registrationLock.unlock();
        }
    }

    /**
     * The family name under which a stat is exposed. Counters drop a trailing {@code _total}: the exposition appends
     * it to every counter sample (Prometheus convention, and promtool's lint), so Envoy's {@code upstream_rq_total}
     * comes out once-suffixed as {@code weft_cluster_upstream_rq_total}.
     */
    static String familyName(Kind kind, String prometheus) {
        if (kind == Kind.COUNTER && prometheus.endsWith("_total") && prometheus.length() > "_total".length()) {
            return prometheus.substring(0, prometheus.length() - "_total".length());
        }
        return prometheus;
    }

    static String familyNameOfCounter(String prometheus) {
        return familyName(Kind.COUNTER, prometheus);
    }

    private static List<String> exposedNames(Kind kind, String family) {
        return switch (kind) {
            case COUNTER -> List.of(family, family + "_total");
            case GAUGE -> List.of(family);
            case HISTOGRAM -> List.of(family, family + "_bucket", family + "_sum", family + "_count");
        };
    }

    private AtomicCounter allocate(StatName name, int typeId) {
        if (countersManager.available() < 1) {
            throw full(name, null);
        }
        try {
            return countersManager.newCounter(name.flat(), typeId);
        } catch (IllegalStateException e) {
            throw full(name, e);
        }
    }

    private IllegalStateException full(StatName name, Exception cause) {
        return new IllegalStateException("stats store is full: all " + maxCounters + " counter/gauge slots are in use,"
                + " cannot register '" + name.flat() + "'; raise the store's maxCounters", cause);
    }
}
