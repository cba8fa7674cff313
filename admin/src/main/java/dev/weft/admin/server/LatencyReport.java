package dev.weft.admin.server;

import dev.weft.admin.stats.HistogramSnapshot;
import dev.weft.admin.stats.LatencyHistogram;
import dev.weft.admin.stats.StatsStore;

import java.util.Comparator;
import java.util.List;

/**
 * {@code /latency}: every latency histogram's percentiles, cumulative and recent, as JSON ({@code ?format=json}) or
 * as a page that plots them and refreshes itself from the JSON.
 */
final class LatencyReport {
    /** Page template next to this class; {@code {{NONCE}}} is replaced per response. */
    private static final String PAGE = Html.resource("latency.html");

    private final StatsStore stats;

    LatencyReport(StatsStore stats) {
        this.stats = stats;
    }

    AdminResponse handle(AdminRequest request) {
        if (request.wantsJson()) {
            return AdminResponse.json(json(stats.histograms()));
        }
        String nonce = Html.nonce();
        return Html.page(PAGE.replace("{{NONCE}}", nonce), nonce);
    }

    /**
     * <pre>{"percentiles":[50,...,100],
     *  "histograms":[{"name":"cluster.backend.upstream_rq_time","group":"cluster",
     *                 "cumulative":{"count":n,"sum_ms":s,"max_ms":m,"values_ms":[...]},"recent":{...}}]}</pre>
     * {@code values_ms} lines up with {@code percentiles}; an empty snapshot has count 0 and null values.
     */
    static String json(List<LatencyHistogram> histograms) {
        Json json = new Json().beginObject().name("percentiles").beginArray();
        for (double p : HistogramSnapshot.PERCENTILES) {
            json.value(p);
        }
        json.endArray().name("histograms").beginArray();
        List<LatencyHistogram> sorted = histograms.stream()
                .sorted(Comparator.comparing(h -> h.name().flat()))
                .toList();
        for (LatencyHistogram h : sorted) {
            String name = h.name().flat();
            int dot = name.indexOf('.');
            json.beginObject()
                    .field("name", name)
                    .field("group", dot < 0 ? "other" : name.substring(0, dot));
            snapshot(json.name("cumulative"), h.cumulative());
            snapshot(json.name("recent"), h.recent());
            json.endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static void snapshot(Json json, HistogramSnapshot s) {
        json.beginObject()
                .field("count", s.count())
                .field("sum_ms", s.sumMillis())
                .field("max_ms", s.maxMillis())
                .name("values_ms").beginArray();
        for (double p : HistogramSnapshot.PERCENTILES) {
            json.value(s.count() == 0 ? Double.NaN : s.percentileMillis(p)); // NaN is written as null
        }
        json.endArray().endObject();
    }
}
