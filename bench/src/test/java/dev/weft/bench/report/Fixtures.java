package dev.weft.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.HdrHistogram.Histogram;

/**
 * Realistic reports built in code: direct, weft, nginx and haproxy in two scenarios (haproxy not installed for the
 * second), three open-loop rates each with a latency distribution that has a tail, and helpers to derive a changed
 * candidate report from it.
 */
final class Fixtures {

    static final String H1 = "h1 body=0 c=50";
    static final String TLS = "tls body=4k c=50";
    static final List<Double> FRACTIONS = List.of(0.25, 0.5, 0.75);
    static final long MIB = 1024 * 1024;

    private Fixtures() {
    }

    /** A report with the given seed for its latency samples (equal seeds give equal reports). */
    static Report report(long seed) {
        Random random = new Random(seed);
        Map<String, String> tools = new LinkedHashMap<>();
        tools.put("wrk", "wrk 4.1.0 [epoll] Copyright (C) 2012 Will Glozer");
        tools.put("nginx", "nginx version: nginx/1.22.1");
        tools.put("haproxy", "HAProxy version 2.6.12-1+deb12u1 2023/12/16");
        tools.put("taskset", "taskset from util-linux 2.38.1");
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("weft", """
                listeners:
                  - name: main
                    address: 127.0.0.1:8080
                    routes:
                      - match: { prefix: "/" }
                        route: { cluster: origin }
                clusters:
                  - name: origin
                    endpoints: [ "127.0.0.1:8081" ]
                """);
        configs.put("nginx", """
                worker_processes 1;
                events { worker_connections 1024; }
                http {
                    upstream origin { server 127.0.0.1:8081; keepalive 128; }
                    server {
                        listen 8082;
                        location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection ""; }
                    }
                }
                """);
        configs.put("haproxy", "global\n\tmaxconn 4096\ndefaults\n\tmode http\n\ttimeout connect 5s\n"
                + "frontend f\n\tbind 127.0.0.1:8083\n\tdefault_backend origin\nbackend origin\n"
                + "\tserver o 127.0.0.1:8081 # <weights & \"quotes\">\n");

        List<Report.ScenarioResult> scenarios = List.of(
                new Report.ScenarioResult("h1", "0", 0, 50, List.of(
                        target(random, H1, "direct", 86_000, Double.NaN, 0.22, 1.0, null),
                        target(random, H1, "weft", 56_000, 1.0, 0.42, 2.2,
                                new Report.Footprint(48 * MIB, 92 * MIB, 0.179, 310)),
                        target(random, H1, "nginx", 65_000, 0.99, 0.31, 1.3,
                                new Report.Footprint(6 * MIB, 9 * MIB, 0.152, 12)),
                        target(random, H1, "haproxy", 70_000, 1.0, 0.29, 1.2,
                                new Report.Footprint(9 * MIB, 14 * MIB, 0.143, Double.NaN)))),
                new Report.ScenarioResult("tls", "4k", 4096, 50, List.of(
                        target(random, TLS, "direct", 41_000, Double.NaN, 0.35, 1.0, null),
                        target(random, TLS, "weft", 23_500, 1.0, 0.81, 2.6,
                                new Report.Footprint(51 * MIB, 118 * MIB, 0.426, 335)),
                        target(random, TLS, "nginx", 28_400, 1.0, 0.62, 1.5,
                                new Report.Footprint(7 * MIB, 12 * MIB, 0.352, 14)),
                        new Report.TargetResult("haproxy", "haproxy not installed (apt-get install haproxy)", null,
                                null, null))));
        return new Report(Report.SCHEMA, "2025-06-01T10:15:30Z",
                new Report.Machine("AMD EPYC 7B13", 2, "6.18.0-1-amd64", "Debian GNU/Linux 12 (bookworm)",
                        "Eclipse Adoptium 25.0.3+9-LTS", 24L * 1024 * MIB),
                tools, new Report.Build("0.1.0", "d32b783a4c1e2f3b5a6978877665544332211009", false),
                new Report.Settings(10, 3, FRACTIONS, "proxy: CPU 0; load generator + origin: CPU 1", "nginx",
                        Map.of("h1", "wrk", "tls", "wrk"), "weft OpenLoopClient (intended-time latency)", false),
                configs, scenarios);
    }

    /** The default report. */
    static Report report() {
        return report(42);
    }

    private static Report.TargetResult target(Random random, String scenario, String name, double rps, double cores,
                                              double baseMs, double tailFactor, Report.Footprint footprint) {
        double perCore = Double.isNaN(cores) ? Double.NaN : rps / cores;
        Report.Throughput max = new Report.Throughput("wrk", rps, cores, perCore, (long) (rps * 10), 0, 0,
                new Report.Latency(baseMs * 1.6, baseMs * 2.4, baseMs * 6 * tailFactor, Double.NaN, Double.NaN,
                        baseMs * 40));
        List<Report.RatePoint> rates = new ArrayList<>();
        for (double f : FRACTIONS) {
            Histogram h = histogram(random, baseMs * (0.8 + f), tailFactor);
            double target = Math.round(rps * f);
            String hgrm = (scenario.replace(' ', '-').replace("=", "") + "-" + name + "-" + Math.round(f * 100))
                    + ".hgrm";
            rates.add(new Report.RatePoint(f, target, target * 0.998, (long) (target * 0.998 * 10), 0, 0,
                    Double.isNaN(cores) ? Double.NaN : cores * f, Distributions.latency(h), Distributions.of(h),
                    hgrm));
        }
        return new Report.TargetResult(name, null, max, rates, footprint);
    }

    /**
     * Latencies around {@code medianMs} (log-normal), 1% of them 3 to 10 times slower scaled by {@code tailFactor},
     * and 0.05% 20 to 60 times: a body and a tail, like a real proxy on a busy machine.
     */
    static Histogram histogram(Random random, double medianMs, double tailFactor) {
        Histogram h = new Histogram(1, 3_600_000_000L, 3);
        for (int i = 0; i < 20_000; i++) {
            double ms = medianMs * Math.exp(0.35 * random.nextGaussian());
            double u = random.nextDouble();
            if (u < 0.0005) {
                ms = medianMs * (20 + 40 * random.nextDouble()) * tailFactor;
            } else if (u < 0.01) {
                ms = medianMs * (3 + 7 * random.nextDouble()) * tailFactor;
            }
            h.recordValue(Math.max(1, Math.round(ms * 1000)));
        }
        return h;
    }

    // ------------------------------------------------------------------------------------------------ editing

    /** {@code r} with the target {@code name} of scenario {@code key} replaced by {@code f(target)}. */
    static Report mapTarget(Report r, String key, String name, UnaryOperator<Report.TargetResult> f) {
        List<Report.ScenarioResult> scenarios = new ArrayList<>();
        for (Report.ScenarioResult s : r.scenarios()) {
            if (!s.key().equals(key)) {
                scenarios.add(s);
                continue;
            }
            List<Report.TargetResult> targets = new ArrayList<>();
            for (Report.TargetResult t : s.targets()) {
                targets.add(t.target().equals(name) ? f.apply(t) : t);
            }
            scenarios.add(new Report.ScenarioResult(s.scenario(), s.body(), s.bodyBytes(), s.connections(), targets));
        }
        return withScenarios(r, scenarios);
    }

    static Report withScenarios(Report r, List<Report.ScenarioResult> scenarios) {
        return new Report(r.schema(), r.createdAt(), r.machine(), r.tools(), r.weft(), r.settings(), r.configs(),
                scenarios);
    }

    /** Maximum and per-core throughput times {@code factor}. */
    static Report.TargetResult throughput(Report.TargetResult t, double factor) {
        Report.Throughput m = t.max();
        return new Report.TargetResult(t.target(), t.unavailable(),
                new Report.Throughput(m.tool(), m.requestsPerSecond() * factor, m.proxyCores(),
                        m.requestsPerProxyCore() * factor, m.requests(), m.errors(), m.non2xx(), m.latency()),
                t.rates(), t.footprint());
    }

    /** The rate point at {@code fraction} replaced by {@code f(point)}. */
    static Report.TargetResult rate(Report.TargetResult t, double fraction, UnaryOperator<Report.RatePoint> f) {
        List<Report.RatePoint> rates = new ArrayList<>();
        for (Report.RatePoint p : t.rates()) {
            rates.add(p.fraction() == fraction ? f.apply(p) : p);
        }
        return new Report.TargetResult(t.target(), t.unavailable(), t.max(), rates, t.footprint());
    }

    /** The point with its latency replaced and its distribution scaled by {@code distributionFactor}. */
    static Report.RatePoint latency(Report.RatePoint p, Report.Latency l, double distributionFactor) {
        List<Report.Point> d = p.distribution().stream()
                .map(x -> new Report.Point(x.percentile(), x.valueMs() * distributionFactor)).toList();
        return new Report.RatePoint(p.fraction(), p.targetRate(), p.achievedRate(), p.requests(), p.errors(),
                p.non2xx(), p.proxyCores(), l, d, p.hgrm());
    }

    static Report.RatePoint errors(Report.RatePoint p, long errors) {
        return new Report.RatePoint(p.fraction(), p.targetRate(), p.achievedRate(), p.requests(), errors, p.non2xx(),
                p.proxyCores(), p.latency(), p.distribution(), p.hgrm());
    }

    static Report.TargetResult footprint(Report.TargetResult t, Report.Footprint f) {
        return new Report.TargetResult(t.target(), t.unavailable(), t.max(), t.rates(), f);
    }

    static Report.Latency latency(double p50, double p90, double p99, double p999, double p9999, double max) {
        return new Report.Latency(p50, p90, p99, p999, p9999, max);
    }
}
