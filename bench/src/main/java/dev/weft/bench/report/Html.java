package dev.weft.bench.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link ReportHtml} and {@link CompareHtml} share: escaping, number formats, the colour of each target, the page
 * frame and its style sheet. Pages are HTML5 that is also well-formed XML (void elements closed, no named entities
 * other than XML's), self-contained (inline CSS and SVG, no scripts, no external references) so they open offline
 * and can be checked with an XML parser.
 */
final class Html {

    /** Fixed colours of the usual targets (Okabe-Ito based, distinguishable with the common colour blindnesses). */
    private static final Map<String, String> COLORS = Map.of(
            "weft", "#0a6ebd",
            "nginx", "#009e73",
            "haproxy", "#e69f00",
            "direct", "#6b7280");
    /** Colours of any other target, picked by a stable hash of its name so it is the same on every page. */
    private static final List<String> OTHER_COLORS = List.of("#cc79a7", "#d55e00", "#56b4e9", "#8c564b", "#7b3294",
            "#1b1b1b");

    private Html() {
    }

    /** The colour of a target, the same in every chart and report. */
    static String color(String target) {
        String c = COLORS.get(target);
        return c != null ? c : OTHER_COLORS.get(Math.floorMod(target.hashCode(), OTHER_COLORS.size()));
    }

    /** Text for element content and attribute values; characters XML cannot carry become U+FFFD. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    boolean invalid = (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0xfffe || c == 0xffff
                            || (Character.isHighSurrogate(c)
                                && !(i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))))
                            || (Character.isLowSurrogate(c) && !(i > 0 && Character.isHighSurrogate(s.charAt(i - 1))));
                    b.append(invalid ? '\uFFFD' : c);
                }
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------------------ numbers

    /** Milliseconds with three significant digits or more: 0.412, 4.05, 41.2, 412. "-" when unknown. */
    static String ms(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String f = a == 0 ? "%.0f" : a < 1 ? "%.3f" : a < 10 ? "%.2f" : a < 100 ? "%.1f" : "%.0f";
        return String.format(Locale.ROOT, f, v);
    }

    /** A rate or count with thousands separators and no decimals (some below 100 if it has them): 85,014, 7.5, 3. */
    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a != 0 && a < 10 && v != Math.rint(v)) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a < 100 && v != Math.rint(v)) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%,.0f", v);
    }

    /** A count; -1 (not measured) as "-". */
    static String count(long v) {
        return v < 0 ? "-" : String.format(Locale.ROOT, "%,d", v);
    }

    /** Bytes as MiB with one decimal; -1 (not measured) as "-". */
    static String mib(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    /** A fraction as a percentage: 0.25 as "25%", 0.125 as "12.5%". */
    static String fraction(double f) {
        double p = f * 100;
        return (p == Math.rint(p) ? String.format(Locale.ROOT, "%.0f", p) : String.format(Locale.ROOT, "%.1f", p))
                + "%";
    }

    /** A signed percentage change with one decimal: "+12.5%", "-4.0%"; "-" when unknown. */
    static String signedPct(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%+.1f%%", v);
    }

    // ------------------------------------------------------------------------------------------------ page

    /** Opens the page: doctype, head with the style sheet, body. */
    static void open(StringBuilder b, String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n");
    }

    /** Closes what {@link #open} opened. */
    static void close(StringBuilder b) {
        b.append("</body>\n</html>\n");
    }

    /** Coloured name chips of the targets, as a legend for the whole page. */
    static void chips(StringBuilder b, List<String> targets) {
        b.append("<p class=\"chips\">");
        for (String t : targets) {
            b.append("<span class=\"chip\"><span class=\"swatch\" style=\"background:").append(color(t))
                    .append("\"></span>").append(esc(t)).append("</span> ");
        }
        b.append("</p>\n");
    }

    /** A table cell, right-aligned when {@code numeric}. */
    static void td(StringBuilder b, String text, boolean numeric) {
        b.append(numeric ? "<td class=\"n\">" : "<td>").append(esc(text)).append("</td>");
    }

    /** The target name in a table, with its colour swatch. */
    static void targetCell(StringBuilder b, String target) {
        b.append("<td class=\"t\"><span class=\"swatch\" style=\"background:").append(color(target))
                .append("\"></span>").append(esc(target)).append("</td>");
    }

    private static final String CSS = """
            :root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-soft: #f6f8fa; }
            * { box-sizing: border-box; }
            body { margin: 0 auto; max-width: 1320px; padding: 24px 28px 48px; color: var(--fg); background: #fff;
                   font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            h1 { font-size: 26px; margin: 0 0 4px; }
            h2 { font-size: 20px; margin: 36px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
            h3 { font-size: 15px; margin: 22px 0 6px; color: var(--muted); text-transform: uppercase;
                 letter-spacing: .04em; }
            p.sub { margin: 0 0 14px; color: var(--muted); font-size: 15px; }
            code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 18px; margin: 10px 0 14px; }
            dl.facts dt { color: var(--muted); }
            dl.facts dd { margin: 0; }
            .scroll { overflow-x: auto; max-width: 100%; }
            table { border-collapse: collapse; margin: 8px 0 14px; font-size: 13px; }
            th, td { padding: 3px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
            th { background: var(--bg-soft); font-weight: 600; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
            td.t { font-weight: 600; }
            tr.group td { background: var(--bg-soft); font-weight: 600; border-top: 1px solid var(--line); }
            .bad { color: #b42318; font-weight: 600; }
            .good { color: #067647; font-weight: 600; }
            tr.regression td { background: #fde8e7; }
            tr.improvement td { background: #e3f6ea; }
            tr.moved td { color: var(--muted); }
            .swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px;
                      vertical-align: -1px; }
            p.chips { margin: 6px 0 0; }
            .chip { display: inline-block; margin-right: 14px; font-weight: 600; }
            .charts { display: flex; flex-wrap: wrap; gap: 18px 26px; align-items: flex-start; }
            .charts svg { max-width: 100%; height: auto; }
            svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: #1f2328; }
            .note { color: var(--muted); font-size: 13px; margin: 4px 0 10px; }
            ul.unavailable { margin: 4px 0 10px; padding-left: 20px; }
            ul.unavailable li { color: var(--muted); }
            nav.toc { margin: 14px 0; font-size: 13px; }
            nav.toc a { margin-right: 14px; }
            a { color: #0a6ebd; }
            details { margin: 6px 0; }
            details summary { cursor: pointer; font-weight: 600; }
            pre { background: var(--bg-soft); padding: 10px 12px; overflow-x: auto; border-radius: 4px; }
            footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
            .verdict { font-size: 16px; font-weight: 600; padding: 8px 12px; border-radius: 4px;
                       display: inline-block; }
            .verdict.bad { background: #fde8e7; }
            .verdict.good { background: #e3f6ea; color: #067647; }
            """;
}
