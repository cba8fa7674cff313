package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/** The pages are well-formed, self-contained, escaped, and show what they should. */
class ReportHtmlTest {

    private static final String SVG_NS = "http://www.w3.org/2000/svg";

    @Test
    void reportPageIsWellFormedSelfContainedAndComplete() throws Exception {
        Report r = Fixtures.report();
        String html = ReportHtml.render(r);
        Document doc = checkSelfContainedXhtml(html);

        String text = doc.getDocumentElement().getTextContent();
        for (String target : List.of("direct", "weft", "nginx", "haproxy")) {
            assertTrue(text.contains(target), target);
        }
        assertTrue(text.contains("haproxy not installed (apt-get install haproxy)"), "unavailable target with reason");
        assertTrue(text.contains("0.1.0 (d32b783a4c1e)"), "version and commit");
        assertTrue(text.contains("AMD EPYC 7B13, 2 CPUs, 24.0 GiB"), "machine");
        assertTrue(text.contains("proxy: CPU 0; load generator + origin: CPU 1"), "pinning");
        assertTrue(text.contains("nginx version: nginx/1.22.1"), "tools");
        assertTrue(text.contains("2025-06-01T10:15:30Z"), "date");

        // a percentile plot per scenario and rate, one line per measured target, in the target's colour
        List<Element> svgs = elements(doc, "svg");
        for (Report.ScenarioResult s : r.scenarios()) {
            long measured = s.targets().stream().filter(Report.TargetResult::available).count();
            for (double f : Fixtures.FRACTIONS) {
                String label = "Latency at " + Html.fraction(f) + " of maximum, " + s.key();
                Element svg = svgs.stream().filter(e -> e.getAttribute("aria-label").equals(label)).findFirst()
                        .orElseThrow(() -> new AssertionError("no plot " + label));
                List<Element> lines = elements(svg, "polyline");
                assertEquals(measured, lines.size(), label);
                for (Element line : lines) {
                    String series = line.getTextContent();
                    String target = series.substring(0, series.indexOf(' '));
                    assertEquals(Html.color(target), line.getAttribute("stroke"), series);
                    assertTrue(line.getAttribute("points").split(" ").length > 20, "a real distribution");
                }
                assertTrue(svg.getTextContent().contains("99.99%"), "log-percentile axis");
                assertTrue(svg.getTextContent().contains("latency (ms)"), "y axis label");
            }
            assertTrue(svgs.stream().anyMatch(e -> e.getAttribute("aria-label").equals("Requests per second")));
        }
        assertTrue(svgs.stream().anyMatch(e -> e.getAttribute("aria-label")
                .equals("Requests per second per core of proxy CPU")));
        for (String footprint : List.of("Idle memory (RSS after start)", "Peak memory under load (RSS)",
                "CPU per 10,000 requests (closed loop)", "Startup to first proxied request")) {
            assertTrue(svgs.stream().anyMatch(e -> e.getAttribute("aria-label").equals(footprint)), footprint);
        }
        // percentile table: every target and rate with p50 .. max and errors
        String table = html.substring(html.indexOf("<th>rate</th>"));
        for (String column : List.of("p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "p99.99 ms", "max ms", "errors")) {
            assertTrue(table.contains(">" + column + "</th>"), column);
        }
        assertTrue(html.contains("href=\"h1-body0-c50-weft-50.hgrm\""), "links to the hgrm files");
    }

    @Test
    void everythingIsEscaped() throws Exception {
        Report r = Fixtures.mapTarget(Fixtures.report(), Fixtures.H1, "nginx", t -> new Report.TargetResult(
                "<b>envoy & \"co\"</b>", t.unavailable(), t.max(), t.rates(), t.footprint()));
        r = Fixtures.mapTarget(r, Fixtures.TLS, "haproxy", t -> new Report.TargetResult("haproxy",
                "<script>alert('x')</script> & \u0001 control", null, null, null));
        String html = ReportHtml.render(r);
        Document doc = checkSelfContainedXhtml(html);
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("<b>envoy & \"co\"</b>"), "the name shows as text");
        assertTrue(text.contains("<script>alert('x')</script> & \uFFFD control"));
        assertTrue(text.contains("# <weights & \"quotes\">"), "config text");
        assertFalse(html.contains("<b>envoy"));
        assertTrue(html.contains("&lt;b&gt;envoy &amp; &quot;co&quot;&lt;/b&gt;"));
    }

    @Test
    void comparePageIsWellFormedWithOverlaidDistributions() throws Exception {
        Report a = Fixtures.report();
        Report b = CompareTest.regressedCandidate(a);
        CompareResult result = Compare.compare(a, b);
        String html = CompareHtml.render(a, b, result);
        Document doc = checkSelfContainedXhtml(html);
        String text = doc.getDocumentElement().getTextContent();
        assertTrue(text.contains("regressions of weft"), text);
        assertTrue(text.contains("never flagged"));
        for (String target : List.of("direct", "weft", "nginx", "haproxy")) {
            assertTrue(text.contains(target), target);
        }
        List<Element> rows = elements(doc, "tr");
        long red = rows.stream().filter(e -> e.getAttribute("class").equals("regression")).count();
        long green = rows.stream().filter(e -> e.getAttribute("class").equals("improvement")).count();
        assertEquals(result.regressions().size(), red);
        assertEquals(result.improvements().size(), green);
        assertTrue(red > 0 && green > 0);

        List<Element> svgs = elements(doc, "svg");
        for (String key : List.of(Fixtures.H1, Fixtures.TLS)) {
            for (double f : Fixtures.FRACTIONS) {
                String label = "Latency at " + Html.fraction(f) + " of maximum, " + key;
                Element svg = svgs.stream().filter(e -> e.getAttribute("aria-label").equals(label)).findFirst()
                        .orElseThrow(() -> new AssertionError("no plot " + label));
                List<Element> lines = elements(svg, "polyline");
                long dashed = lines.stream().filter(e -> e.hasAttribute("stroke-dasharray")).count();
                assertEquals(lines.size(), 2 * dashed, "A dashed and B solid for every target");
                assertTrue(lines.stream().anyMatch(e -> e.getTextContent().startsWith("weft A")
                        && e.hasAttribute("stroke-dasharray") && e.getAttribute("stroke").equals(Html.color("weft"))));
                assertTrue(lines.stream().anyMatch(e -> e.getTextContent().startsWith("weft B")
                        && !e.hasAttribute("stroke-dasharray")));
            }
        }
    }

    /**
     * Parses the page as XML and checks it needs nothing from outside: no scripts, no external style sheets,
     * images or frames, no {@code url(...)} in CSS, and no {@code http://} or {@code https://} anywhere except the
     * SVG namespace and the configuration texts shown in {@code <pre>}.
     */
    static Document checkSelfContainedXhtml(String html) throws Exception {
        assertTrue(html.startsWith("<!DOCTYPE html>\n<html lang=\"en\">"));
        assertEquals(count(html, "<svg "), count(html, "</svg>"), "balanced svg tags");
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        Document doc = f.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
        for (String tag : List.of("script", "link", "img", "iframe", "object", "embed", "image", "use", "foreignObject",
                "audio", "video", "source", "base", "form")) {
            assertEquals(0, doc.getElementsByTagName(tag).getLength(), "no <" + tag + ">");
        }
        for (Element e : elements(doc, "*")) {
            NamedNodeMap attributes = e.getAttributes();
            for (int i = 0; i < attributes.getLength(); i++) {
                Node a = attributes.item(i);
                String v = a.getNodeValue().toLowerCase(java.util.Locale.ROOT);
                if (a.getNodeName().equals("xmlns") && v.equals(SVG_NS)) {
                    continue;
                }
                assertFalse(v.contains("http:") || v.contains("https:") || v.contains("javascript:")
                        || v.startsWith("//") || v.contains("url("), e.getTagName() + " " + a.getNodeName() + "=" + v);
                assertFalse(a.getNodeName().startsWith("on"), "no event handlers: " + a.getNodeName());
            }
        }
        String style = elements(doc, "style").get(0).getTextContent();
        assertFalse(style.contains("url(") || style.contains("@import"), "no external resources in CSS");
        String outsidePre = html.replaceAll("(?s)<pre>.*?</pre>", "").replace("xmlns=\"" + SVG_NS + "\"", "");
        assertFalse(outsidePre.contains("http://") || outsidePre.contains("https://"), "no external references");
        assertTrue(count(html, "<svg ") > 0, "has charts");
        return doc;
    }

    static List<Element> elements(Node root, String tag) {
        NodeList list = root instanceof Document d ? d.getElementsByTagName(tag)
                : ((Element) root).getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < list.getLength(); i++) {
            out.add((Element) list.item(i));
        }
        return out;
    }

    private static int count(String s, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
