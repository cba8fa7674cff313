package dev.weft.admin.stats;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.prometheus.client.Collector;
import io.prometheus.client.Collector.MetricFamilySamples;
import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.exporter.common.TextFormat;

/**
 * Renders a {@link StatsStore} the three ways Envoy's admin does: {@code /stats} text, {@code /stats?format=json} and
 * {@code /stats/prometheus}.
 */
public final class StatsFormat {
    /** Content type of {@link #prometheus(StatsStore)}: the text exposition format 0.0.4. */
    public static final String PROMETHEUS_CONTENT_TYPE = TextFormat.CONTENT_TYPE_004;

    private StatsFormat() {
    }

    /**
     * Envoy's {@code /stats} text: counters and gauges as {@code name: value}, one per line, sorted by name; then the
     * histograms sorted by name, each on one line as
     * {@code name: P50(recent,cumulative) P75(..) P90 P95 P99 P99.5 P99.9 P99.99 P100(..)} in milliseconds, where
     * "recent" is the last ~60 s window (Envoy's "interval") and an empty side prints {@code nan}; a histogram with no
     * values at all prints {@code name: No recorded values}, as Envoy does. (Envoy prints P0 P25 ... P100; Weft prints
     * {@link HistogramSnapshot#PERCENTILES}.)
     *
     * @param filter   if not null, only stats whose flat name contains a match ({@link java.util.regex.Matcher#find()},
     *                 like Envoy's {@code std::regex_search})
     * @param usedOnly only stats ever incremented / set non-zero, histograms with at least one value
     */
    public static String text(StatsStore store, Pattern filter, boolean usedOnly) {
        StringBuilder out = new StringBuilder(4096);
        for (StatValue v : countersAndGauges(store, filter, usedOnly)) {
            out.append(v.name().flat()).append(": ").append(v.value()).append('\n');
        }
        for (LatencyHistogram h : store.histograms()) {
            if (!matches(filter, h.name())) {
                continue;
            }
            HistogramSnapshot cumulative = h.cumulative();
            if (usedOnly && cumulative.count() == 0) {
                continue;
            }
            out.append(h.name().flat()).append(':');
            if (cumulative.count() == 0) {
                out.append(" No recorded values\n");
                continue;
            }
            HistogramSnapshot recent = h.recent();
            double[] r = recent.percentiles();
            double[] c = cumulative.percentiles();
            for (int i = 0; i < HistogramSnapshot.PERCENTILES.length; i++) {
                out.append(" P").append(number(HistogramSnapshot.PERCENTILES[i]))
                        .append('(').append(recent.count() == 0 ? "nan" : number(r[i]))
                        .append(',').append(number(c[i])).append(')');
            }
            out.append('\n');
        }
        return out.toString();
    }

    /**
     * Envoy's {@code /stats?format=json}:
     * <pre>
     * {"stats":[{"name":"cluster.a.upstream_rq_total","value":3}, ...,
     *   {"histograms":{"supported_quantiles":[50,75,...],
     *                  "computed_quantiles":[{"name":"cluster.a.upstream_rq_time",
     *                                         "values":[{"interval":1.2,"cumulative":1.1}, ...]}]}}]}
     * </pre>
     * Values are milliseconds; {@code "interval"} is the recent (~60 s) window; an empty side is {@code null}.
     * Same {@code filter} / {@code usedOnly} semantics as {@link #text}.
     */
    public static String json(StatsStore store, Pattern filter, boolean usedOnly) {
        StringBuilder out = new StringBuilder(4096).append("{\"stats\":[");
        for (StatValue v : countersAndGauges(store, filter, usedOnly)) {
            out.append("{\"name\":");
            jsonString(out, v.name().flat());
            out.append(",\"value\":").append(v.value()).append("},");
        }
        out.append("{\"histograms\":{\"supported_quantiles\":[");
        for (int i = 0; i < HistogramSnapshot.PERCENTILES.length; i++) {
            out.append(i == 0 ? "" : ",").append(number(HistogramSnapshot.PERCENTILES[i]));
        }
        out.append("],\"computed_quantiles\":[");
        boolean first = true;
        for (LatencyHistogram h : store.histograms()) {
            if (!matches(filter, h.name())) {
                continue;
            }
            HistogramSnapshot cumulative = h.cumulative();
            if (usedOnly && cumulative.count() == 0) {
                continue;
            }
            HistogramSnapshot recent = h.recent();
            out.append(first ? "" : ",").append("{\"name\":");
            first = false;
            jsonString(out, h.name().flat());
            out.append(",\"values\":[");
            double[] r = recent.percentiles();
            double[] c = cumulative.percentiles();
            for (int i = 0; i < r.length; i++) {
                out.append(i == 0 ? "" : ",").append("{\"interval\":").append(jsonNumber(r[i]))
                        .append(",\"cumulative\":").append(jsonNumber(c[i])).append('}');
            }
            out.append("]}");
        }
        return out.append("]}}]}").toString();
    }

    /**
     * Prometheus text exposition 0.0.4, written by simpleclient's {@link TextFormat#write004}. Families are sorted by
     * name, each with HELP and TYPE lines:
     * <ul>
     *   <li>counters: type counter, samples named {@code <family>_total} (a stat already ending in {@code _total}, as
     *       Envoy's {@code upstream_rq_total}, is not suffixed twice);</li>
     *   <li>gauges: type gauge;</li>
     *   <li>histograms: type histogram from the cumulative distribution, {@code _bucket{le=".."}} cumulative counts for
     *       {@link HistogramSnapshot#BUCKETS_MILLIS} plus {@code le="+Inf"}, {@code _sum}, {@code _count}. The unit is
     *       <b>milliseconds</b>, as Envoy's exposition (no conversion to seconds), so Envoy dashboards carry over after
     *       renaming {@code envoy_} to {@code weft_}.</li>
     * </ul>
     * Label values are escaped by simpleclient ({@code \\}, {@code \"}, {@code \n}).
     */
    public static String prometheus(StatsStore store) {
        Map<String, List<Sample>> counterSamples = new TreeMap<>();
        for (StatValue v : store.counters()) {
            String family = StatsStore.familyNameOfCounter(v.name().prometheus());
            counterSamples.computeIfAbsent(family, k -> new ArrayList<>())
                    .add(sample(family + "_total", v.name(), v.value()));
        }
        Map<String, List<Sample>> gaugeSamples = new TreeMap<>();
        for (StatValue v : store.gauges()) {
            gaugeSamples.computeIfAbsent(v.name().prometheus(), k -> new ArrayList<>())
                    .add(sample(v.name().prometheus(), v.name(), v.value()));
        }
        Map<String, List<Sample>> histogramSamples = new TreeMap<>();
        for (LatencyHistogram h : store.histograms()) {
            StatName name = h.name();
            String family = name.prometheus();
            HistogramSnapshot s = h.cumulative();
            List<Sample> samples = histogramSamples.computeIfAbsent(family, k -> new ArrayList<>());
            List<String> bucketLabels = new ArrayList<>(name.labelNames());
            bucketLabels.add("le");
            long[] buckets = s.bucketCounts();
            for (int i = 0; i < buckets.length; i++) {
                samples.add(bucket(family, name, bucketLabels, number(HistogramSnapshot.BUCKETS_MILLIS[i]), buckets[i]));
            }
            samples.add(bucket(family, name, bucketLabels, "+Inf", s.count()));
            samples.add(new Sample(family + "_sum", name.labelNames(), name.labelValues(), s.sumMillis()));
            samples.add(new Sample(family + "_count", name.labelNames(), name.labelValues(), s.count()));
        }

        Map<String, MetricFamilySamples> all = new TreeMap<>();
        counterSamples.forEach((f, samples) -> all.put(f, family(store, f, Collector.Type.COUNTER, samples)));
        gaugeSamples.forEach((f, samples) -> all.put(f, family(store, f, Collector.Type.GAUGE, samples)));
        histogramSamples.forEach((f, samples) -> all.put(f, family(store, f, Collector.Type.HISTOGRAM, samples)));
        StringWriter writer = new StringWriter(8192);
        try {
            TextFormat.write004(writer, Collections.enumeration(all.values()));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not throw
        }
        return writer.toString();
    }

    private static MetricFamilySamples family(StatsStore store, String family, Collector.Type type,
                                              List<Sample> samples) {
        // Counters register under their un-suffixed family name; the HELP lookup uses the same key.
        String help = store.help(family);
        return new MetricFamilySamples(family, type, help == null ? family : help, samples);
    }

    private static Sample sample(String sampleName, StatName name, long value) {
        return new Sample(sampleName, name.labelNames(), name.labelValues(), value);
    }

    private static Sample bucket(String family, StatName name, List<String> labels, String le, long count) {
        List<String> values = new ArrayList<>(name.labelValues());
        values.add(le);
        return new Sample(family + "_bucket", labels, values, count);
    }

    private static List<StatValue> countersAndGauges(StatsStore store, Pattern filter, boolean usedOnly) {
        List<StatValue> all = new ArrayList<>(store.counters());
        all.addAll(store.gauges());
        all.removeIf(v -> (usedOnly && !v.used()) || !matches(filter, v.name()));
        all.sort((a, b) -> a.name().flat().compareTo(b.name().flat()));
        return all;
    }

    private static boolean matches(Pattern filter, StatName name) {
        return filter == null || filter.matcher(name.flat()).find();
    }

    /** Shortest plain decimal with at most 3 fractional digits (microsecond precision for milliseconds). */
    static String number(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).setScale(3, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    private static String jsonNumber(double v) {
        return Double.isFinite(v) ? number(v) : "null";
    }

    private static void jsonString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
