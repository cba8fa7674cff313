package dev.weft.bench.harness;

import dev.weft.bench.report.Report;
import java.util.Locale;

/** The terminal summary of a report: per scenario and target, maximum throughput, per-core rate, and tail latency. */
final class Summary {

    private Summary() {
    }

    static String text(Report r) {
        StringBuilder b = new StringBuilder();
        for (Report.ScenarioResult s : r.scenarios()) {
            b.append(s.key()).append('\n');
            b.append(String.format(Locale.ROOT, "  %-9s %12s %8s %14s   %s%n", "target", "max req/s", "cores",
                    "req/s per core", "open loop: rate -> p50 / p99 / p99.9 ms"));
            for (Report.TargetResult t : s.targets()) {
                if (t.unavailable() != null) {
                    b.append(String.format(Locale.ROOT, "  %-9s unavailable: %s%n", t.target(), t.unavailable()));
                    continue;
                }
                Report.Throughput m = t.max();
                b.append(String.format(Locale.ROOT, "  %-9s %,12.0f %8s %14s  ", t.target(), m.requestsPerSecond(),
                        Double.isNaN(m.proxyCores()) ? "-" : String.format(Locale.ROOT, "%.2f", m.proxyCores()),
                        Double.isNaN(m.requestsPerProxyCore()) ? "-"
                                : String.format(Locale.ROOT, "%,.0f", m.requestsPerProxyCore())));
                for (Report.RatePoint p : t.rates()) {
                    b.append(String.format(Locale.ROOT, " %,.0f -> %.2f / %.2f / %.2f;", p.targetRate(),
                            p.latency().p50(), p.latency().p99(), p.latency().p999()));
                }
                b.append('\n');
                if (t.footprint() != null) {
                    Report.Footprint f = t.footprint();
                    b.append(String.format(Locale.ROOT, "  %-9s RSS idle %.1f MiB, peak %.1f MiB; %.3f CPU s per 10k "
                                    + "requests; first response %.0f ms after start%n", "",
                            f.idleRssBytes() / 1048576.0, f.peakRssBytes() / 1048576.0, f.cpuSecondsPer10k(),
                            f.startupMillis()));
                }
            }
        }
        return b.toString();
    }
}
