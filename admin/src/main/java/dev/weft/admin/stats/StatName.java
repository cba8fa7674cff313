package dev.weft.admin.stats;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One stat's identity in both naming schemes: Envoy's dotted flat name ({@code cluster.backend.upstream_rq_total}) for
 * {@code /stats}, and a Prometheus metric name plus labels ({@code weft_cluster_upstream_rq_total{cluster_name="backend"}})
 * for {@code /stats/prometheus}.
 *
 * <p>Cluster names, stat prefixes and listener addresses may themselves contain dots, so the labels are carried
 * structurally from the factory that built the name; nothing is ever parsed back out of {@link #flat()}.
 *
 * @param flat        Envoy-style dotted name, unique within a store
 * @param prometheus  Prometheus metric (family) name, already sanitized to {@code [a-zA-Z_:][a-zA-Z0-9_:]*}
 * @param labelNames  Prometheus label names, same length as {@code labelValues}
 * @param labelValues raw label values; escaping for the text format happens when the exposition is written
 */
public record StatName(String flat, String prometheus, List<String> labelNames, List<String> labelValues) {

    /** Prefix of every Prometheus name Weft exposes (Envoy uses {@code envoy_}). */
    public static final String PROMETHEUS_PREFIX = "weft_";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public StatName {
        Objects.requireNonNull(flat, "flat");
        Objects.requireNonNull(prometheus, "prometheus");
        labelNames = List.copyOf(labelNames);
        labelValues = List.copyOf(labelValues);
        if (flat.isEmpty()) {
            throw new IllegalArgumentException("empty stat name");
        }
        if (!METRIC_NAME.matcher(prometheus).matches()) {
            throw new IllegalArgumentException("invalid Prometheus metric name '" + prometheus + "' for " + flat);
        }
        if (labelNames.size() != labelValues.size()) {
            throw new IllegalArgumentException("label names " + labelNames + " and values " + labelValues
                    + " differ in length for " + flat);
        }
        for (String label : labelNames) {
            // "le" and "quantile" are reserved by the histogram and summary exposition.
            if (!LABEL_NAME.matcher(label).matches() || label.startsWith("__") || label.equals("le")
                    || label.equals("quantile")) {
                throw new IllegalArgumentException("invalid Prometheus label name '" + label + "' for " + flat);
            }
        }
    }

    /** {@code cluster.<cluster>.<stat>} as {@code weft_cluster_<stat>{cluster_name="<cluster>"}}. */
    public static StatName cluster(String cluster, String stat) {
        return labelled("cluster", "cluster_name", cluster, stat);
    }

    /** {@code http.<statPrefix>.<stat>} as {@code weft_http_<stat>{http_conn_manager_prefix="<statPrefix>"}}. */
    public static StatName http(String statPrefix, String stat) {
        return labelled("http", "http_conn_manager_prefix", statPrefix, stat);
    }

    /** {@code listener.<address>.<stat>} (address like {@code 127.0.0.1_10000}) with label {@code listener_address}. */
    public static StatName listener(String address, String stat) {
        return labelled("listener", "listener_address", address, stat);
    }

    /** {@code route.<statPrefix>.<stat>} as {@code weft_route_<stat>{route_stat_prefix="<statPrefix>"}}. */
    public static StatName route(String statPrefix, String stat) {
        return labelled("route", "route_stat_prefix", statPrefix, stat);
    }

    /** {@code server.<stat>} as {@code weft_server_<stat>}, no labels. */
    public static StatName server(String stat) {
        requireSegment("stat", stat);
        return new StatName("server." + stat, PROMETHEUS_PREFIX + "server_" + sanitize(stat), List.of(), List.of());
    }

    /**
     * {@code http.<statPrefix>.response_flags.<FLAG>} as one family {@code weft_http_response_flags} labelled by
     * {@code http_conn_manager_prefix} and {@code response_flag}, so a dashboard sums over flags.
     */
    public static StatName responseFlag(String statPrefix, String flag) {
        requireSegment("stat prefix", statPrefix);
        requireSegment("response flag", flag);
        return new StatName("http." + statPrefix + ".response_flags." + flag,
                PROMETHEUS_PREFIX + "http_response_flags",
                List.of("http_conn_manager_prefix", "response_flag"), List.of(statPrefix, flag));
    }

    /**
     * A stat without structure, e.g. {@code access_log.dropped}: Prometheus name {@code weft_} + the flat name with
     * every character outside {@code [a-zA-Z0-9_]} replaced by {@code _}, no labels.
     */
    public static StatName of(String flat) {
        requireSegment("stat", flat);
        return new StatName(flat, PROMETHEUS_PREFIX + sanitize(flat), List.of(), List.of());
    }

    /**
     * Replaces every character outside {@code [a-zA-Z0-9_]} with {@code _}. Colons are legal in metric names but
     * reserved for recording rules, so they are replaced too. Callers always prepend {@link #PROMETHEUS_PREFIX}, so a
     * leading digit cannot start the result.
     */
    static String sanitize(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            if (!ok && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(ok ? c : '_');
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * The flat name with each label value replaced by {@code <label_name>}, e.g.
     * {@code cluster.<cluster_name>.upstream_rq_total}: the default Prometheus HELP text of a family.
     */
    String template() {
        String t = flat;
        int from = 0;
        for (int i = 0; i < labelNames.size(); i++) {
            String value = labelValues.get(i);
            int at = t.indexOf(value, from);
            if (at < 0 || value.isEmpty()) {
                continue;
            }
            String placeholder = "<" + labelNames.get(i) + ">";
            t = t.substring(0, at) + placeholder + t.substring(at + value.length());
            from = at + placeholder.length();
        }
        return t;
    }

    private static StatName labelled(String scope, String labelName, String labelValue, String stat) {
        requireSegment(labelName, labelValue);
        requireSegment("stat", stat);
        return new StatName(scope + "." + labelValue + "." + stat,
                PROMETHEUS_PREFIX + scope + "_" + sanitize(stat), List.of(labelName), List.of(labelValue));
    }

    private static void requireSegment(String what, String s) {
        if (s == null || s.isEmpty()) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
    }
}
