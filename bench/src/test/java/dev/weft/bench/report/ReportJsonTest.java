package dev.weft.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.json: round trips, the on-disk form, and error messages that say where the problem is. */
class ReportJsonTest {

    @TempDir
    Path tmp;

    @Test
    void roundTripIsExact() throws IOException {
        Report r = Fixtures.report();
        String json = ReportJson.write(r);
        Report back = ReportJson.parse(json, "mem");
        assertEquals(r, back);
        assertEquals(json, ReportJson.write(back), "writing what was read gives the same text");
    }

    @Test
    void roundTripKeepsNaNUnmeasuredCountsUnavailableTargetsAndOddText() throws IOException {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("weft", "quote \" backslash \\ tab \t newline \n cr \r nul \u0000 bell \u0007 del \u007f");
        configs.put("unicode: caf\u00e9 \u65e5\u672c \uD83D\uDE80", "line sep \u2028 para sep \u2029 </script>");
        configs.put("lone surrogate", "\uD800 x \uDC00");
        Report base = Fixtures.report();
        Report r = new Report(base.schema(), base.createdAt(), base.machine(), base.tools(), base.weft(),
                base.settings(), configs, List.of(new Report.ScenarioResult("h2", "1m", 1 << 20, 10, List.of(
                new Report.TargetResult("weft", "weft has no HTTP/2 listener yet", null, null, null),
                new Report.TargetResult("nginx", null,
                        new Report.Throughput("h2load", 1234.5, Double.NaN, Double.NaN, -1, 0, -1,
                                new Report.Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                                        Double.NaN)),
                        List.of(), new Report.Footprint(-1, -1, Double.NaN, Double.NaN))))));
        String json = ReportJson.write(r);
        assertTrue(json.contains("\"proxyCores\": null"), json);
        assertTrue(json.contains("\"requests\": -1"), json);
        assertTrue(json.contains("\"idleRssBytes\": -1"), json);
        assertTrue(json.contains("\\u0000") && json.contains("\\u2028") && json.contains("\\ud800"), json);
        assertTrue(json.contains("caf\u00e9 \u65e5\u672c \uD83D\uDE80"), "non-ASCII is written as is");
        Report back = ReportJson.parse(json, "mem");
        assertEquals(r, back);
        Report.TargetResult nginx = back.scenarios().get(0).target("nginx");
        assertTrue(Double.isNaN(nginx.max().proxyCores()));
        assertEquals(-1, nginx.footprint().peakRssBytes());
        assertEquals("weft has no HTTP/2 listener yet", back.scenarios().get(0).target("weft").unavailable());
        assertNull(back.scenarios().get(0).target("weft").max());
    }

    @Test
    void keysFollowTheRecordOrderAndSmallThingsStayOnOneLine() {
        String json = ReportJson.write(Fixtures.report());
        assertTrue(json.startsWith("{\n  \"schema\": 1,\n  \"createdAt\": \"2025-06-01T10:15:30Z\",\n  \"machine\": {"),
                json.substring(0, 200));
        int last = -1;
        for (String key : List.of("\"schema\"", "\"createdAt\"", "\"machine\"", "\"tools\"", "\"weft\"",
                "\"settings\"", "\"configs\"", "\"scenarios\"")) {
            int at = json.indexOf("\n  " + key + ": ");
            assertTrue(at > last, key + " in record order");
            last = at;
        }
        assertTrue(json.contains("\"rateFractions\": [0.25, 0.5, 0.75]"), "arrays of numbers on one line");
        assertTrue(json.contains("{\"percentile\": 0, \"valueMs\": "), "points on one line");
        assertTrue(json.contains("\"closedLoopTools\": {\"h1\": \"wrk\", \"tls\": \"wrk\"}"),
                "a Map.of is written sorted, so the file does not change from run to run");
        assertTrue(json.endsWith("}\n"));
    }

    @Test
    void readsTheFolderOrTheFile() throws IOException {
        Report r = Fixtures.report();
        Path folder = tmp.resolve("perf-reports/0.2.0");
        ReportWriter.write(r, folder);
        assertTrue(Files.exists(folder.resolve("report.html")));
        assertEquals(r, ReportJson.read(folder));
        assertEquals(r, ReportJson.read(folder.resolve("report.json")));
    }

    @Test
    void readsTheCheckedInFixture() throws Exception {
        Report r = ReportJson.read(resource("sample-0.1.0"));
        assertEquals(1, r.schema());
        assertEquals("a10b976", r.weft().commit());
        assertTrue(r.weft().dirty());
        assertEquals(List.of(0.5), r.settings().rateFractions());
        assertEquals(List.of("wrk", "nginx"), List.copyOf(r.tools().keySet()), "object order kept");
        assertTrue(r.configs().get("weft").contains("caf\u00e9 \"quoted\" \\ backslash"));
        Report.ScenarioResult s = r.scenario("h1 body=0 c=50");
        Report.TargetResult direct = s.target("direct");
        assertEquals(85014.2, direct.max().requestsPerSecond());
        assertTrue(Double.isNaN(direct.max().proxyCores()), "null reads as NaN");
        assertTrue(Double.isNaN(direct.max().latency().p999()));
        assertNull(direct.footprint());
        Report.TargetResult weft = s.target("weft");
        assertEquals(-1, weft.footprint().peakRssBytes(), "-1 kept");
        assertTrue(Double.isNaN(weft.footprint().startupMillis()));
        assertEquals(3, weft.rate(0.5).errors());
        assertEquals(new Report.Point(99.9, 6.1), weft.rate(0.5).distribution().get(4));
        assertEquals("haproxy not installed (apt-get install haproxy)", s.target("haproxy").unavailable());
        assertEquals(r, ReportJson.parse(ReportJson.write(r), "mem"));
    }

    @Test
    void wrongTypeNamesTheFileAndTheJsonPath() throws Exception {
        Path file = variant("\"requestsPerSecond\": 69213", "\"requestsPerSecond\": \"fast\"");
        IOException e = assertThrows(IOException.class, () -> ReportJson.read(file.getParent()));
        assertEquals(file + ": scenarios[0].targets[1].max.requestsPerSecond: expected a number, got the string "
                + "\"fast\"", e.getMessage());
    }

    @Test
    void missingMemberNamesItsPath() throws Exception {
        Path file = variant("              \"errors\": 3,\n", "");
        IOException e = assertThrows(IOException.class, () -> ReportJson.read(file));
        assertEquals(file + ": scenarios[0].targets[1].rates[0].errors: missing", e.getMessage());
    }

    @Test
    void otherWrongValuesNameTheirPaths() throws Exception {
        assertError("\"cores\": 2,", "\"cores\": 2.5,", "machine.cores: expected an integer, got 2.5");
        assertError("\"dirty\": true", "\"dirty\": null", "weft.dirty: expected true or false, got null");
        assertError("\"rateFractions\": [0.5]", "\"rateFractions\": 0.5",
                "settings.rateFractions: expected an array, got the number 0.5");
        assertError("\"rateFractions\": [0.5]", "\"rateFractions\": [\"half\"]",
                "settings.rateFractions[0]: expected a number, got the string \"half\"");
        assertError("\"tools\": {", "\"tools\": {\"h2 load\": 7,",
                "tools[\"h2 load\"]: expected a string, got the number 7");
        assertError("{\"percentile\": 90.0, \"valueMs\": 0.7}", "[90, 0.7]",
                "scenarios[0].targets[1].rates[0].distribution[2]: expected an object, got an array");
        assertError("\"schema\": 1,", "\"schema\": 2,", "schema: 2 is not supported; this reader knows schema 1");
        assertError("\"schema\": 1,", "", "schema: missing");
    }

    @Test
    void syntaxErrorsHaveLineAndColumn() throws Exception {
        assertError("\"cores\": 2,", "\"cores\": 2,,", "line 6, column 16: unexpected ',', expected a member name "
                + "in double quotes");
        assertError("\"docker\": false", "\"docker\": False", "line 25, column 15: unexpected 'F', expected a value");
        IOException e = assertThrows(IOException.class, () -> ReportJson.parse("{\"a\": 1} x", "f.json"));
        assertEquals("f.json: line 1, column 10: unexpected 'x' after the JSON value", e.getMessage());
        e = assertThrows(IOException.class, () -> ReportJson.parse("{\"a\": \"x", "f.json"));
        assertEquals("f.json: line 1, column 9: unterminated string", e.getMessage());
        e = assertThrows(IOException.class, () -> ReportJson.parse("{\"a\": 1, \"a\": 2}", "f.json"));
        assertEquals("f.json: line 1, column 10: duplicate member \"a\"", e.getMessage());
        e = assertThrows(IOException.class, () -> ReportJson.parse("[1, 2]", "f.json"));
        assertEquals("f.json: (top level): expected an object, got an array", e.getMessage());
    }

    @Test
    void readsAFileAnEditorSavedWithAByteOrderMark() throws IOException {
        Report r = Fixtures.report();
        Path file = tmp.resolve("bom.json");
        Files.writeString(file, "\uFEFF" + ReportJson.write(r), StandardCharsets.UTF_8);
        assertEquals(r, ReportJson.read(file));
    }

    @Test
    void missingFilesSayWhat() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("perf-reports/x"));
        IOException e = assertThrows(IOException.class, () -> ReportJson.read(empty));
        assertEquals(empty + ": no report.json there", e.getMessage());
        Path nothing = tmp.resolve("perf-reports/nothing");
        e = assertThrows(IOException.class, () -> ReportJson.read(nothing));
        assertEquals(nothing + ": no such file or folder", e.getMessage());
        Path latin1 = tmp.resolve("latin1.json");
        Files.write(latin1, new byte[] {'{', '"', (byte) 0xe9, '"', ':', '1', '}'});
        e = assertThrows(IOException.class, () -> ReportJson.read(latin1));
        assertEquals(latin1 + ": not UTF-8 text", e.getMessage());
    }

    private void assertError(String find, String replace, String expected) throws Exception {
        Path file = variant(find, replace);
        IOException e = assertThrows(IOException.class, () -> ReportJson.read(file), expected);
        assertEquals(file + ": " + expected, e.getMessage());
    }

    /** The checked-in fixture with one edit, as {@code <tmp>/variant/report.json}. */
    private Path variant(String find, String replace) throws Exception {
        String text = Files.readString(resource("sample-0.1.0").resolve("report.json"));
        assertTrue(text.contains(find), find);
        Path folder = Files.createDirectories(tmp.resolve("variant"));
        Path file = folder.resolve("report.json");
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(find),
                java.util.regex.Matcher.quoteReplacement(replace)), StandardCharsets.UTF_8);
        return file;
    }

    static Path resource(String name) throws URISyntaxException {
        return Path.of(ReportJsonTest.class.getResource("/report/" + name).toURI());
    }
}
