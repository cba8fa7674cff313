package dev.weft.bench.report;

import static dev.weft.bench.report.Fixtures.H1;
import static dev.weft.bench.report.Fixtures.TLS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.bench.report.CompareResult.Flag;
import dev.weft.bench.report.CompareResult.Row;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The regression rules: what must be flagged, what is noise, what is context. */
class CompareTest {

    /**
     * The baseline with weft's h1 throughput 20% lower and its p99 at 50% of the maximum 60% higher (p99.9 30%,
     * p99.99 20%); its tls throughput 25% higher; nginx 3% lower, haproxy 25% lower in h1 (peers: context only).
     */
    static Report regressedCandidate(Report a) {
        Report b = Fixtures.mapTarget(a, H1, "weft", t -> Fixtures.rate(Fixtures.throughput(t, 0.8), 0.5,
                x -> Fixtures.latency(x, Fixtures.latency(x.latency().p50(), x.latency().p90(),
                        x.latency().p99() * 1.6, x.latency().p999() * 1.3, x.latency().p9999() * 1.2,
                        x.latency().max()), 1.3)));
        b = Fixtures.mapTarget(b, TLS, "weft", t -> Fixtures.throughput(t, 1.25));
        b = Fixtures.mapTarget(b, H1, "nginx", t -> Fixtures.throughput(t, 0.97));
        b = Fixtures.mapTarget(b, TLS, "nginx", t -> Fixtures.throughput(t, 0.97));
        b = Fixtures.mapTarget(b, H1, "haproxy", t -> Fixtures.throughput(t, 0.75));
        return new Report(b.schema(), "2025-06-08T09:00:00Z", b.machine(), b.tools(),
                new Report.Build("0.2.0-SNAPSHOT", "f00dfeedcafe0123", true), b.settings(), b.configs(),
                b.scenarios());
    }

    /** The baseline with its p99 at 50% set to {@code p99} for a regression-test pair. */
    private static Report withWeftLatency(Report r, String key, double fraction, Report.Latency l) {
        return Fixtures.mapTarget(r, key, "weft",
                t -> Fixtures.rate(t, fraction, x -> Fixtures.latency(x, l, 1)));
    }

    private static Row row(CompareResult r, String scenario, String target, String metric) {
        return r.rows().stream()
                .filter(x -> x.scenario().equals(scenario) && x.target().equals(target) && x.metric().equals(metric))
                .findFirst().orElse(null);
    }

    @Test
    void identicalReportsHaveNoFlags() {
        Report a = Fixtures.report();
        CompareResult r = Compare.compare(a, a);
        assertFalse(r.hasRegression());
        assertTrue(r.rows().stream().allMatch(x -> x.flag() == Flag.NONE));
        assertTrue(r.missing().contains(TLS + ": haproxy: measured in neither (haproxy not installed "
                + "(apt-get install haproxy))"), r.missing().toString());
        // every metric the brief lists is there for weft
        for (String metric : List.of("max requests/s", "requests/s per proxy core", "errors (closed loop)",
                "at 25%: p50 ms", "at 50%: p90 ms", "at 75%: p99 ms", "at 75%: p99.9 ms", "at 75%: p99.99 ms",
                "at 75%: max ms", "at 75%: errors", "idle RSS", "peak RSS", "CPU s per 10k requests")) {
            assertTrue(row(r, H1, "weft", metric) != null, metric);
        }
        assertNull(row(r, H1, "direct", "requests/s per proxy core"), "NaN on both sides: no row");
        assertNull(row(r, H1, "direct", "idle RSS"), "direct has no footprint");
    }

    @Test
    void flagsRealRegressionsOfWeft() {
        Report a = Fixtures.report();
        a = withWeftLatency(a, H1, 0.5, latencyOf(a, 0.5, 10 / 3.0)); // so that +60% is +2 ms
        Report b = regressedCandidate(a);
        CompareResult r = Compare.compare(a, b);
        assertTrue(r.hasRegression());
        Row max = row(r, H1, "weft", "max requests/s");
        assertEquals(Flag.REGRESSION, max.flag());
        assertEquals(-20.0, max.changePct(), 1e-9);
        assertEquals(Flag.REGRESSION, row(r, H1, "weft", "requests/s per proxy core").flag());
        Row p99 = row(r, H1, "weft", "at 50%: p99 ms");
        assertEquals(Flag.REGRESSION, p99.flag());
        assertEquals(2.0, p99.change(), 1e-9);
        assertEquals(60.0, p99.changePct(), 1e-9);
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 50%: p99.9 ms").flag(), "+30% is not more than 30%");
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 50%: p99.99 ms").flag());
        assertEquals(Flag.IMPROVEMENT, row(r, TLS, "weft", "max requests/s").flag());
        assertEquals(Flag.NONE, row(r, H1, "nginx", "max requests/s").flag(), "-3% is noise");
        assertEquals(Flag.MOVED, row(r, H1, "haproxy", "max requests/s").flag(), "peers are never flagged");
        assertEquals(3, r.regressions().size(), r.text());
        assertTrue(r.regressions().stream().allMatch(x -> x.target().equals("weft")));
    }

    @Test
    void doesNotFlagNoise() {
        Report a = Fixtures.report();
        a = withWeftLatency(a, H1, 0.25, Fixtures.latency(0.1, 0.2, 2.0, 5, 9, 20));
        Report b = Fixtures.mapTarget(a, H1, "weft", t -> Fixtures.throughput(t, 0.96));
        // p50 +20% but only 0.02 ms; p90 +10%; p99 +12%; max doubled (one sample)
        b = withWeftLatency(b, H1, 0.25, Fixtures.latency(0.12, 0.22, 2.24, 5.5, 10, 40));
        // tiny tails: +60% of 0.05 ms is 0.03 ms
        a = withWeftLatency(a, TLS, 0.25, Fixtures.latency(0.02, 0.03, 0.05, 0.06, 0.07, 0.1));
        b = withWeftLatency(b, TLS, 0.25, Fixtures.latency(0.02, 0.03, 0.08, 0.09, 0.1, 0.3));
        b = Fixtures.mapTarget(b, H1, "nginx", t -> Fixtures.throughput(t, 0.5));
        b = Fixtures.mapTarget(b, H1, "nginx", t -> Fixtures.rate(t, 0.25,
                p -> Fixtures.errors(Fixtures.latency(p, scaled(p.latency(), 3), 3), 40)));
        CompareResult r = Compare.compare(a, b);
        assertFalse(r.hasRegression(), r.text());
        assertEquals(-4.0, row(r, H1, "weft", "max requests/s").changePct(), 1e-9);
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 25%: p50 ms").flag());
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 25%: p99 ms").flag());
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 25%: max ms").flag());
        assertEquals(Flag.NONE, row(r, TLS, "weft", "at 25%: p99 ms").flag());
        assertEquals(Flag.MOVED, row(r, H1, "nginx", "max requests/s").flag());
        assertEquals(Flag.MOVED, row(r, H1, "nginx", "at 25%: p99 ms").flag());
        assertEquals(Flag.MOVED, row(r, H1, "nginx", "at 25%: errors").flag());
        assertTrue(r.text().contains("No regression"), r.text());
    }

    @Test
    void latencyRegressionNeedsBothThePercentageAndTheAbsoluteDelta() {
        Report a = withWeftLatency(Fixtures.report(), H1, 0.75, Fixtures.latency(1, 2, 4, 8, 16, 30));
        Report b = withWeftLatency(a, H1, 0.75, Fixtures.latency(1.2, 2.2, 6, 8, 16, 30));
        CompareResult r = Compare.compare(a, b);
        assertEquals(Flag.REGRESSION, row(r, H1, "weft", "at 75%: p50 ms").flag(), "+20% and 0.2 ms");
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 75%: p90 ms").flag(), "+10%");
        assertEquals(Flag.REGRESSION, row(r, H1, "weft", "at 75%: p99 ms").flag(), "+50% and 2 ms");
        CompareResult lenient = Compare.compare(a, b,
                CompareOptions.DEFAULTS.withLatencyPct(25).withTailLatencyPct(60));
        assertFalse(lenient.hasRegression(), lenient.text());
        CompareResult strictDelta = Compare.compare(a, b, CompareOptions.DEFAULTS.withMinLatencyDeltaMs(0.5));
        assertEquals(Flag.NONE, row(strictDelta, H1, "weft", "at 75%: p50 ms").flag());
        assertEquals(Flag.REGRESSION, row(strictDelta, H1, "weft", "at 75%: p99 ms").flag());
    }

    @Test
    void improvementsAreMarked() {
        Report a = withWeftLatency(Fixtures.report(), H1, 0.5, Fixtures.latency(1, 2, 4, 8, 16, 30));
        Report b = withWeftLatency(a, H1, 0.5, Fixtures.latency(0.8, 1.9, 2, 8, 16, 3));
        b = Fixtures.mapTarget(b, H1, "weft", t -> Fixtures.footprint(Fixtures.throughput(t, 1.3),
                new Report.Footprint(t.footprint().idleRssBytes() / 2, t.footprint().peakRssBytes(),
                        t.footprint().cpuSecondsPer10k() / 1.3, t.footprint().startupMillis())));
        CompareResult r = Compare.compare(a, b);
        assertFalse(r.hasRegression());
        assertEquals(Flag.IMPROVEMENT, row(r, H1, "weft", "max requests/s").flag());
        assertEquals(Flag.IMPROVEMENT, row(r, H1, "weft", "at 50%: p50 ms").flag());
        assertEquals(Flag.IMPROVEMENT, row(r, H1, "weft", "at 50%: p99 ms").flag());
        assertEquals(Flag.NONE, row(r, H1, "weft", "at 50%: max ms").flag(), "max is never judged");
        assertEquals(Flag.IMPROVEMENT, row(r, H1, "weft", "idle RSS").flag());
        assertEquals(Flag.NONE, row(r, H1, "weft", "CPU s per 10k requests").flag());
        assertTrue(r.text().contains("improved"), r.text());
    }

    @Test
    void errorsWhereThereWereNoneAndMoreMemoryAreRegressions() {
        Report a = Fixtures.report();
        Report b = Fixtures.mapTarget(a, TLS, "weft", t -> Fixtures.rate(t, 0.75, p -> Fixtures.errors(p, 5)));
        b = Fixtures.mapTarget(b, TLS, "weft", t -> Fixtures.footprint(t, new Report.Footprint(
                t.footprint().idleRssBytes(), (long) (t.footprint().peakRssBytes() * 1.2), 0.5, 300)));
        CompareResult r = Compare.compare(a, b);
        assertEquals(Flag.REGRESSION, row(r, TLS, "weft", "at 75%: errors").flag());
        assertEquals(Flag.REGRESSION, row(r, TLS, "weft", "peak RSS").flag());
        assertEquals(Flag.NONE, row(r, TLS, "weft", "idle RSS").flag());
        CompareResult back = Compare.compare(b, a);
        assertEquals(Flag.IMPROVEMENT, row(back, TLS, "weft", "at 75%: errors").flag());
        // more errors where there already were some: shown, not judged
        Report c = Fixtures.mapTarget(b, TLS, "weft", t -> Fixtures.rate(t, 0.75, p -> Fixtures.errors(p, 50)));
        assertEquals(Flag.NONE, row(Compare.compare(b, c), TLS, "weft", "at 75%: errors").flag());
    }

    @Test
    void missingScenariosTargetsAndRatesAreListed() {
        Report a = Fixtures.report();
        Report b = Fixtures.withScenarios(a, List.of(a.scenario(H1),
                new Report.ScenarioResult("h2", "0", 0, 50, a.scenario(TLS).targets())));
        b = Fixtures.mapTarget(b, H1, "haproxy", t -> new Report.TargetResult("haproxy",
                "haproxy not installed (apt-get install haproxy)", null, null, null));
        b = Fixtures.mapTarget(b, H1, "weft", t -> new Report.TargetResult("weft", null, t.max(),
                t.rates().subList(0, 2), t.footprint()));
        List<Report.TargetResult> withoutNginx = b.scenario(H1).targets().stream()
                .filter(t -> !t.target().equals("nginx")).toList();
        b = Fixtures.withScenarios(b, List.of(new Report.ScenarioResult("h1", "0", 0, 50, withoutNginx),
                b.scenario("h2 body=0 c=50")));
        CompareResult r = Compare.compare(a, b);
        assertFalse(r.hasRegression(), r.text());
        assertTrue(r.missing().contains("scenario " + TLS + ": only in A"), r.missing().toString());
        assertTrue(r.missing().contains("scenario h2 body=0 c=50: only in B"), r.missing().toString());
        assertTrue(r.missing().contains(H1 + ": nginx: only in A"), r.missing().toString());
        assertTrue(r.missing().contains(H1 + ": haproxy: measured only in A (B: haproxy not installed (apt-get "
                + "install haproxy))"), r.missing().toString());
        assertTrue(r.missing().contains(H1 + ": weft: open-loop rate 75% only in A"), r.missing().toString());
        assertTrue(r.text().contains("Not compared:\n") && r.text().contains("\n  scenario " + TLS
                + ": only in A\n"), r.text());
        assertTrue(row(r, H1, "weft", "at 50%: p99 ms") != null, r.text());
    }

    @Test
    void textIsAlignedAndSaysPeersAreContext() {
        Report a = Fixtures.report();
        Report b = regressedCandidate(a);
        String text = Compare.compare(a, b).text();
        assertTrue(text.contains("Only weft is judged."), text);
        assertTrue(text.contains("never flagged"), text);
        assertTrue(text.contains("  nginx  (context, not judged)\n"), text);
        assertTrue(text.contains("== " + H1 + " =="), text);
        assertTrue(text.contains("REGRESSION " + H1 + ": max requests/s 56,000 -> 44,800 (-20.0%)"), text);
        // the change % column ends at the same place on every metric line
        String header = text.lines().filter(l -> l.trim().startsWith("metric")).findFirst().orElseThrow();
        int end = header.indexOf("change %") + "change %".length();
        List<String> metricLines = text.lines().filter(l -> l.startsWith("    ") && !l.trim().startsWith("metric"))
                .toList();
        assertTrue(metricLines.size() > 50, text);
        for (String l : metricLines) {
            assertTrue(l.length() >= end && l.charAt(end - 1) != ' ' && (l.length() == end || l.charAt(end) == ' '),
                    "aligned: '" + l + "'");
        }
    }

    private static Report.Latency latencyOf(Report r, double fraction, double p99) {
        Report.Latency l = r.scenario(H1).target("weft").rate(fraction).latency();
        return Fixtures.latency(l.p50(), l.p90(), p99, l.p999(), l.p9999(), l.max());
    }

    private static Report.Latency scaled(Report.Latency l, double f) {
        return Fixtures.latency(l.p50() * f, l.p90() * f, l.p99() * f, l.p999() * f, l.p9999() * f, l.max() * f);
    }
}
