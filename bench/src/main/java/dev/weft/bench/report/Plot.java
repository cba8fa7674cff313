package dev.weft.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The inline SVG charts of the report pages: latency percentile plots in the style of HdrHistogram's plotter and
 * horizontal bar charts. Pure functions from data to SVG text; all text escaped.
 */
final class Plot {

    /** One line of a percentile plot. */
    record Series(String label, String color, boolean dashed, List<Report.Point> points) {
    }

    /**
     * One bar. {@code reference} bars (the origin without a proxy) are drawn pale with a dashed outline and a dashed
     * line across the chart. A bar whose value is NaN shows {@code valueText} without a bar. A non-null {@code group}
     * different from the previous bar's starts a labelled group.
     */
    record Bar(String group, String label, String color, double value, String valueText, boolean reference) {
    }

    static final int PLOT_WIDTH = 600;
    static final int PLOT_HEIGHT = 360;
    private static final int LEFT = 64;
    private static final int RIGHT = 30;
    private static final int TOP = 36;
    private static final int BOTTOM = 48;
    /** Decades of the x axis at least shown (up to 99%) and at most (up to 99.9999%). */
    private static final int MIN_DECADES = 2;
    private static final int MAX_DECADES = 6;

    private Plot() {
    }

    /**
     * The x position of a percentile on HdrHistogram's log scale: {@code log10(1 / (1 - p / 100))}, so 0% is 0, 90% is
     * 1, 99% is 2, 99.9% is 3; 100% is positive infinity.
     */
    static double logPercentileX(double percentile) {
        if (percentile >= 100) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.log10(1 / (1 - percentile / 100));
    }

    /** The label of decade {@code k} of the x axis: 0%, 90%, 99%, 99.9%, ... */
    static String decadeLabel(int k) {
        if (k == 0) {
            return "0%";
        }
        if (k == 1) {
            return "90%";
        }
        return k == 2 ? "99%" : "99." + "9".repeat(k - 2) + "%";
    }

    /**
     * A latency distribution plot: x the percentile on a log scale (decades 0%, 90%, 99%, ... as far as the data
     * reaches, at least 99%), y the latency in milliseconds, linear from 0 with round ticks; one polyline per series,
     * the 100% point (the maximum) at the right edge; a legend in the upper left, where latency lines are lowest.
     */
    static String percentiles(String title, List<Series> series) {
        double maxX = 0;
        double maxY = 0;
        for (Series s : series) {
            for (Report.Point p : s.points()) {
                double x = logPercentileX(p.percentile());
                if (!Double.isInfinite(x) && !Double.isNaN(x)) {
                    maxX = Math.max(maxX, x);
                }
                if (!Double.isNaN(p.valueMs())) {
                    maxY = Math.max(maxY, p.valueMs());
                }
            }
        }
        int decades = (int) Math.min(MAX_DECADES, Math.max(MIN_DECADES, Math.ceil(maxX - 1e-9)));
        double[] yTicks = niceTicks(maxY > 0 ? maxY : 1, 6);
        double yMax = yTicks[yTicks.length - 1];

        int w = PLOT_WIDTH;
        int h = PLOT_HEIGHT;
        double pw = w - LEFT - RIGHT;
        double ph = h - TOP - BOTTOM;
        StringBuilder b = new StringBuilder(16 * 1024);
        svgOpen(b, w, h, title);
        text(b, LEFT, 20, "start", "title", title);

        // grid and axes
        for (double t : yTicks) {
            double y = TOP + ph - t / yMax * ph;
            line(b, LEFT, y, LEFT + pw, y, "#e6e9ed", 1, null);
            text(b, LEFT - 6, y + 4, "end", "tick", tickLabel(t, yTicks[1]));
        }
        for (int k = 0; k <= decades; k++) {
            double x = LEFT + k / (double) decades * pw;
            line(b, x, TOP, x, TOP + ph, "#e6e9ed", 1, null);
            text(b, x, TOP + ph + 16, "middle", "tick", decadeLabel(k));
        }
        b.append("<rect x=\"").append(f(LEFT)).append("\" y=\"").append(f(TOP)).append("\" width=\"").append(f(pw))
                .append("\" height=\"").append(f(ph)).append("\" fill=\"none\" stroke=\"#8c959f\"/>\n");
        text(b, LEFT + pw / 2, h - 8, "middle", "axis", "percentile (log scale: each step is 10x rarer)");
        b.append("<text x=\"14\" y=\"").append(f(TOP + ph / 2)).append("\" text-anchor=\"middle\" font-size=\"12\" ")
                .append("transform=\"rotate(-90 14 ").append(f(TOP + ph / 2)).append(")\">latency (ms)</text>\n");

        // lines
        for (Series s : series) {
            StringBuilder pts = new StringBuilder();
            for (Report.Point p : s.points()) {
                if (Double.isNaN(p.valueMs()) || Double.isNaN(p.percentile())) {
                    continue;
                }
                double x = Math.min(logPercentileX(p.percentile()), decades);
                pts.append(pts.isEmpty() ? "" : " ").append(f(LEFT + x / decades * pw)).append(',')
                        .append(f(TOP + ph - Math.min(p.valueMs(), yMax) / yMax * ph));
            }
            if (pts.isEmpty()) {
                continue;
            }
            b.append("<polyline fill=\"none\" stroke=\"").append(s.color()).append("\" stroke-width=\"2\"")
                    .append(" stroke-linejoin=\"round\"");
            if (s.dashed()) {
                b.append(" stroke-dasharray=\"7 4\"");
            }
            b.append(" points=\"").append(pts).append("\"><title>").append(Html.esc(s.label()))
                    .append("</title></polyline>\n");
        }

        // legend
        double lx = LEFT + 10;
        double ly = TOP + 10;
        int legendWidth = 0;
        for (Series s : series) {
            legendWidth = Math.max(legendWidth, textWidth(s.label(), 12));
        }
        b.append("<rect x=\"").append(f(lx)).append("\" y=\"").append(f(ly)).append("\" width=\"")
                .append(f(legendWidth + 44)).append("\" height=\"").append(f(series.size() * 17 + 8))
                .append("\" fill=\"#ffffff\" fill-opacity=\"0.88\" stroke=\"#d1d9e0\"/>\n");
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            double y = ly + 14 + i * 17;
            line(b, lx + 8, y - 4, lx + 32, y - 4, s.color(), 2.5, s.dashed() ? "7 4" : null);
            text(b, lx + 38, y, "start", "legend", s.label());
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /** A horizontal bar chart from 0, with round ticks along the bottom and each value written after its bar. */
    static String bars(String title, String axisLabel, List<Bar> bars) {
        int labelWidth = 60;
        double max = 0;
        for (Bar bar : bars) {
            labelWidth = Math.max(labelWidth, textWidth(bar.label(), 12) + 16);
            if (bar.group() != null) {
                labelWidth = Math.max(labelWidth, textWidth(bar.group(), 12) + 12);
            }
            if (!Double.isNaN(bar.value())) {
                max = Math.max(max, bar.value());
            }
        }
        labelWidth = Math.min(labelWidth, 240);
        double[] ticks = niceTicks(max > 0 ? max : 1, 5);
        double xMax = ticks[ticks.length - 1];
        int w = 520;
        int valueRoom = 86;
        int rowH = 24;
        int groupH = 22;
        int rows = 0;
        int groups = 0;
        String previous = null;
        for (Bar bar : bars) {
            if (bar.group() != null && !bar.group().equals(previous)) {
                groups++;
            }
            previous = bar.group();
            rows++;
        }
        double top = 34;
        double bodyH = rows * rowH + groups * groupH + 6;
        int h = (int) Math.ceil(top + bodyH + 40);
        double x0 = labelWidth;
        double pw = w - labelWidth - valueRoom;

        StringBuilder b = new StringBuilder(4096);
        svgOpen(b, w, h, title);
        text(b, 0, 20, "start", "title", title);
        for (double t : ticks) {
            double x = x0 + t / xMax * pw;
            line(b, x, top, x, top + bodyH, "#e6e9ed", 1, null);
            text(b, x, top + bodyH + 15, "middle", "tick", tickLabel(t, ticks[1]));
        }
        line(b, x0, top, x0, top + bodyH, "#8c959f", 1, null);
        text(b, x0 + pw / 2, h - 6, "middle", "axis", axisLabel);

        double y = top + 3;
        previous = null;
        List<double[]> references = new ArrayList<>();
        List<Bar> referenceBars = new ArrayList<>();
        for (Bar bar : bars) {
            if (bar.group() != null && !bar.group().equals(previous)) {
                text(b, 4, y + 15, "start", "group", bar.group());
                y += groupH;
            }
            previous = bar.group();
            text(b, x0 - 8, y + rowH / 2.0 + 4, "end", "label", bar.label());
            if (!Double.isNaN(bar.value())) {
                double bw = Math.max(bar.value() > 0 ? 1 : 0, bar.value() / xMax * pw);
                b.append("<rect x=\"").append(f(x0)).append("\" y=\"").append(f(y + 3)).append("\" width=\"")
                        .append(f(bw)).append("\" height=\"").append(f(rowH - 6)).append("\" fill=\"")
                        .append(bar.color()).append('"');
                if (bar.reference()) {
                    b.append(" fill-opacity=\"0.25\" stroke=\"").append(bar.color())
                            .append("\" stroke-dasharray=\"4 3\"");
                    references.add(new double[] {x0 + bw});
                    referenceBars.add(bar);
                }
                b.append("><title>").append(Html.esc(bar.label() + ": " + bar.valueText())).append("</title></rect>\n");
                text(b, x0 + bw + 5, y + rowH / 2.0 + 4, "start", "value", bar.valueText());
            } else {
                text(b, x0 + 5, y + rowH / 2.0 + 4, "start", "na", bar.valueText());
            }
            y += rowH;
        }
        for (int i = 0; i < references.size(); i++) {
            double x = references.get(i)[0];
            line(b, x, top, x, top + bodyH, referenceBars.get(i).color(), 1.2, "4 3");
        }
        b.append("</svg>\n");
        return b.toString();
    }

    /**
     * Round tick values from 0 covering {@code max}: steps of 1, 2 or 5 times a power of ten, about {@code target}
     * of them; the last tick is at least {@code max}.
     */
    static double[] niceTicks(double max, int target) {
        if (!(max > 0) || Double.isInfinite(max)) {
            return new double[] {0, 1};
        }
        double rough = max / target;
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = magnitude * 10;
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= rough) {
                step = m * magnitude;
                break;
            }
        }
        int n = (int) Math.ceil(max / step - 1e-9);
        double[] ticks = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            ticks[i] = round(i * step);
        }
        return ticks;
    }

    /** A tick value with as many decimals as its step needs, and thousands separators: 0.25, 1.5, 20, 40,000. */
    static String tickLabel(double v, double step) {
        int decimals = 0;
        while (decimals < 6 && Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals)))
                > 1e-9 * Math.pow(10, decimals)) {
            decimals++;
        }
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    /** Removes binary noise from a tick value (0.30000000000000004 to 0.3). */
    private static double round(double v) {
        return Double.parseDouble(String.format(Locale.ROOT, "%.10g", v));
    }

    // ------------------------------------------------------------------------------------------------ SVG bits

    private static void svgOpen(StringBuilder b, int w, int h, String title) {
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" role=\"img\" aria-label=\"")
                .append(Html.esc(title)).append("\">\n");
        b.append("<rect width=\"").append(w).append("\" height=\"").append(h).append("\" fill=\"#ffffff\"/>\n");
    }

    private static void line(StringBuilder b, double x1, double y1, double x2, double y2, String color, double width,
                             String dash) {
        b.append("<line x1=\"").append(f(x1)).append("\" y1=\"").append(f(y1)).append("\" x2=\"").append(f(x2))
                .append("\" y2=\"").append(f(y2)).append("\" stroke=\"").append(color).append("\" stroke-width=\"")
                .append(f(width)).append('"');
        if (dash != null) {
            b.append(" stroke-dasharray=\"").append(dash).append('"');
        }
        b.append("/>\n");
    }

    private static void text(StringBuilder b, double x, double y, String anchor, String role, String text) {
        String style = switch (role) {
            case "title" -> " font-size=\"14\" font-weight=\"600\"";
            case "group" -> " font-size=\"12\" font-weight=\"600\" fill=\"#59636e\"";
            case "axis" -> " font-size=\"12\"";
            case "legend", "label" -> " font-size=\"12\"";
            case "value" -> " font-size=\"11.5\" font-weight=\"600\"";
            case "na" -> " font-size=\"11.5\" fill=\"#8c959f\" font-style=\"italic\"";
            default -> " font-size=\"11\" fill=\"#59636e\""; // tick
        };
        b.append("<text x=\"").append(f(x)).append("\" y=\"").append(f(y)).append("\" text-anchor=\"").append(anchor)
                .append('"').append(style).append('>').append(Html.esc(text)).append("</text>\n");
    }

    /** Rough rendered width of text in a proportional sans-serif font. */
    static int textWidth(String s, double fontSize) {
        return (int) Math.ceil(s.length() * fontSize * 0.56);
    }

    /** A coordinate with at most one decimal. */
    private static String f(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
