package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart geometry: HdrHistogram's log-percentile x axis and round ticks. */
class PlotTest {

    @Test
    void logPercentileX() {
        assertEquals(0.0, Plot.logPercentileX(0), 1e-12);
        assertEquals(Math.log10(2), Plot.logPercentileX(50), 1e-12);
        assertEquals(1.0, Plot.logPercentileX(90), 1e-12);
        assertEquals(2.0, Plot.logPercentileX(99), 1e-12);
        assertEquals(3.0, Plot.logPercentileX(99.9), 1e-9);
        assertEquals(4.0, Plot.logPercentileX(99.99), 1e-9);
        assertEquals(5.0, Plot.logPercentileX(99.999), 1e-7);
        assertEquals(Double.POSITIVE_INFINITY, Plot.logPercentileX(100));
    }

    @Test
    void decadeLabels() {
        assertEquals(List.of("0%", "90%", "99%", "99.9%", "99.99%", "99.999%"),
                java.util.stream.IntStream.rangeClosed(0, 5).mapToObj(Plot::decadeLabel).toList());
    }

    @Test
    void niceTicks() {
        assertArrayEquals(new double[] {0, 2, 4, 6, 8, 10}, Plot.niceTicks(9.1, 6));
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75, 1, 1.25, 1.5}, Plot.niceTicks(1.3, 6), 1e-12);
        assertArrayEquals(new double[] {0, 20_000, 40_000, 60_000, 80_000, 100_000}, Plot.niceTicks(86_000, 5));
        assertArrayEquals(new double[] {0, 0.1, 0.2, 0.3}, Plot.niceTicks(0.3, 5), 1e-12);
        assertArrayEquals(new double[] {0, 1}, Plot.niceTicks(0, 5));
    }

    @Test
    void percentilePlotPlacesPointsOnTheLogScale() {
        List<Report.Point> points = List.of(new Report.Point(0, 1), new Report.Point(90, 2), new Report.Point(99, 4),
                new Report.Point(99.9, 8), new Report.Point(100, 10));
        String svg = Plot.percentiles("t", List.of(new Plot.Series("weft", "#000000", false, points)));
        Matcher m = Pattern.compile("<polyline[^>]* points=\"([^\"]*)\"").matcher(svg);
        assertTrue(m.find(), svg);
        String[] xy = m.group(1).split(" ");
        assertEquals(5, xy.length);
        double x0 = Double.parseDouble(xy[0].split(",")[0]);
        double x1 = Double.parseDouble(xy[1].split(",")[0]);
        double x2 = Double.parseDouble(xy[2].split(",")[0]);
        double x3 = Double.parseDouble(xy[3].split(",")[0]);
        double x4 = Double.parseDouble(xy[4].split(",")[0]);
        assertEquals(x1 - x0, x2 - x1, 0.2, "one decade per step");
        assertEquals(x2 - x1, x3 - x2, 0.2);
        assertEquals(x3, x4, 0.01, "data reaches 99.9%, so the axis ends there and the maximum sits at its edge");
        assertTrue(svg.contains(">99.9%<") && !svg.contains(">99.99%<"), "axis from 0% to 99.9%");
        double yBottom = Double.parseDouble(xy[0].split(",")[1]);
        double yTop = Double.parseDouble(xy[4].split(",")[1]);
        assertTrue(yTop < yBottom, "higher latency is drawn higher");
        assertTrue(svg.contains(">latency (ms)<") && svg.contains(">percentile"), "axis labels");
    }
}
