package dev.weft.bench.report;

import java.util.List;
import java.util.Map;

/**
 * One run of {@code ./weft bench load}: where it ran, with what, and what every target measured. Serialized as
 * {@code report.json} ({@link ReportJson}); rendered as {@code report.html} ({@link ReportHtml}); two of them are
 * compared by {@link Compare}.
 *
 * <p>Units everywhere: latencies in milliseconds, rates in requests per second, memory in bytes, CPU in core-seconds
 * or cores (CPU seconds per wall second). A value that was not measured is {@code NaN} (JSON {@code null}) or
 * {@code -1} for counts and bytes.
 *
 * @param schema    format version of this file, {@link #SCHEMA}
 * @param createdAt ISO-8601 UTC time the run started
 * @param machine   the host
 * @param tools     tool name to its version line, e.g. {@code "wrk" -> "wrk 4.1.0"}, {@code "nginx" -> "nginx/1.22.1"}
 * @param weft      the Weft build measured
 * @param settings  how the run was driven
 * @param configs   target name to the configuration text it ran with (Weft YAML, nginx.conf, haproxy.cfg)
 * @param scenarios one entry per scenario x body size x connection count, in run order
 */
public record Report(int schema, String createdAt, Machine machine, Map<String, String> tools, Build weft,
                     Settings settings, Map<String, String> configs, List<ScenarioResult> scenarios) {

    public static final int SCHEMA = 1;

    /** The scenario whose {@link ScenarioResult#key()} is {@code key}, or null. */
    public ScenarioResult scenario(String key) {
        for (ScenarioResult s : scenarios) {
            if (s.key().equals(key)) {
                return s;
            }
        }
        return null;
    }

    /**
     * @param cpuModel    from /proc/cpuinfo
     * @param cores       online CPUs
     * @param kernel      {@code uname -r}
     * @param os          PRETTY_NAME from /etc/os-release
     * @param jdk         java.vm.vendor + java.runtime.version of the JVM running Weft
     * @param memoryBytes MemTotal
     */
    public record Machine(String cpuModel, int cores, String kernel, String os, String jdk, long memoryBytes) {
    }

    /** @param dirty the working tree had uncommitted changes */
    public record Build(String version, String commit, boolean dirty) {
    }

    /**
     * @param durationSeconds  measured period of each closed- and open-loop run
     * @param warmupSeconds    unrecorded load before each measured run
     * @param rateFractions    open-loop rates as fractions of the target's measured maximum, e.g. 0.25, 0.5, 0.75
     * @param pinning          human-readable CPU placement, e.g. "proxy: CPU 0; load generator + origin: CPU 1",
     *                         or "none (taskset not available)"
     * @param origin           what served the responses: "nginx" or "builtin"
     * @param closedLoopTools  scenario to closed-loop tool, e.g. "h1" -> "wrk", "h2" -> "h2load"
     * @param openLoopTool     the open-loop generator and its method, e.g. "weft OpenLoopClient (intended-time latency)"
     * @param docker           the load tools ran from container images
     */
    public record Settings(double durationSeconds, double warmupSeconds, List<Double> rateFractions, String pinning,
                           String origin, Map<String, String> closedLoopTools, String openLoopTool, boolean docker) {
    }

    /**
     * @param scenario    h1, h1-close, h2, tls, mtls
     * @param body        response body size label as given, e.g. "0", "4k", "1m"
     * @param bodyBytes   the same in bytes
     * @param connections concurrent connections of the load generators
     * @param targets     "direct" (the origin without a proxy, the floor), "weft", then peers ("nginx", "haproxy")
     */
    public record ScenarioResult(String scenario, String body, int bodyBytes, int connections,
                                 List<TargetResult> targets) {

        /** "h1 body=4k c=50": the key that matches scenarios across reports. */
        public String key() {
            return scenario + " body=" + body + " c=" + connections;
        }

        /** The result of the target named {@code name}, or null. */
        public TargetResult target(String name) {
            for (TargetResult t : targets) {
                if (t.target().equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * @param target      "direct", "weft", "nginx", "haproxy"
     * @param unavailable null when measured; otherwise why not (e.g. "weft has no HTTP/2 listener yet",
     *                    "haproxy not installed (apt-get install haproxy)"); the other fields are then null
     * @param max         closed-loop maximum throughput
     * @param rates       open-loop runs at fixed rates, in increasing rate order
     * @param footprint   the proxy process's footprint (null for "direct")
     */
    public record TargetResult(String target, String unavailable, Throughput max, List<RatePoint> rates,
                               Footprint footprint) {

        /** True when the target was measured ({@link #unavailable()} is null). */
        public boolean available() {
            return unavailable == null;
        }

        /** The open-loop run at {@code fraction} of the maximum (within 1e-9), or null. */
        public RatePoint rate(double fraction) {
            if (rates != null) {
                for (RatePoint r : rates) {
                    if (Math.abs(r.fraction() - fraction) < 1e-9) {
                        return r;
                    }
                }
            }
            return null;
        }
    }

    /**
     * @param tool                  "wrk" or "h2load"
     * @param requestsPerSecond     completed requests per second
     * @param proxyCores            CPU the proxy used during the run, in cores (NaN for "direct")
     * @param requestsPerProxyCore  requestsPerSecond / proxyCores (NaN for "direct")
     * @param requests              completed requests
     * @param errors                connect/read/write/timeout errors reported by the tool
     * @param non2xx                responses with a status outside 2xx
     * @param latency               the closed-loop tool's own latency percentiles (coordinated omission NOT
     *                              corrected; may be partly NaN)
     */
    public record Throughput(String tool, double requestsPerSecond, double proxyCores, double requestsPerProxyCore,
                             long requests, long errors, long non2xx, Latency latency) {
    }

    /**
     * @param fraction      of the target's maximum, e.g. 0.5
     * @param targetRate    requests per second scheduled
     * @param achievedRate  responses per second received
     * @param requests      responses received
     * @param errors        requests without a response
     * @param non2xx        responses with a status outside 2xx
     * @param proxyCores    CPU the proxy used during the run, in cores (NaN for "direct")
     * @param latency       corrected latency (from each request's intended send time)
     * @param distribution  the corrected latency distribution as (percentile, value) points for plotting, from 0 to
     *                      100 percent, denser towards the tail (HdrHistogram's percentile iteration)
     * @param hgrm          file name, relative to the report folder, of the full distribution in HdrHistogram's
     *                      {@code .hgrm} text format (values in ms)
     */
    public record RatePoint(double fraction, double targetRate, double achievedRate, long requests, long errors,
                            long non2xx, double proxyCores, Latency latency, List<Point> distribution, String hgrm) {
    }

    /** One point of a latency distribution: {@code percentile} in [0, 100], {@code valueMs} in milliseconds. */
    public record Point(double percentile, double valueMs) {
    }

    /** Latency percentiles in milliseconds (NaN where unknown). */
    public record Latency(double p50, double p90, double p99, double p999, double p9999, double max) {
    }

    /**
     * @param idleRssBytes          resident set after start, before any load
     * @param peakRssBytes          highest resident set sampled during the scenario's runs
     * @param cpuSecondsPer10k      proxy CPU seconds per 10,000 requests in the closed-loop run
     * @param startupMillis         from process start to the first request proxied successfully (NaN if unknown)
     */
    public record Footprint(long idleRssBytes, long peakRssBytes, double cpuSecondsPer10k, double startupMillis) {
    }
}
