package dev.weft.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.core.json.JsonParser.Errors;
import dev.weft.core.json.JsonParser.NumberText;
import dev.weft.core.json.JsonParser.Numbers;
import dev.weft.core.json.JsonParser.Options;
import dev.weft.core.json.JsonParser.Strings;
import dev.weft.core.json.JsonParser.SyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON parser in both of its uses: untrusted input (JOSE headers, claims, JWK sets: Long/Double numbers, opaque
 * errors) and documents (bench reports, the RBAC explain body: numbers as text, line and column in errors).
 */
class JsonParserTest {

    private static final Options UNTRUSTED = Options.untrusted(8);
    /** As the bench report reader: numbers as written, any Java string, descriptive errors. */
    private static final Options DOCUMENT = new Options(8, Numbers.TEXT, Strings.UTF16, Errors.DESCRIPTIVE);

    private static String opaqueError(String text) {
        return assertThrows(SyntaxException.class, () -> JsonParser.parse(text, UNTRUSTED)).getMessage();
    }

    private static String descriptiveError(String text) {
        return assertThrows(SyntaxException.class, () -> JsonParser.parse(text, DOCUMENT)).getMessage();
    }

    // ---- values ---------------------------------------------------------------------------------------------------

    private static final String EVERY_KIND = "{\"s\":\"a\\u00e9\\n\\\"\\/\",\"i\":-12,\"big\":12345678901234567890,"
            + "\"d\":1.5e3,\"t\":true,\"f\":false,\"n\":null,\"a\":[1,[2]],\"o\":{\"k\":{}}}";

    @Test
    void parsesEveryKindOfValueWithLongOrDoubleNumbers() throws Exception {
        Map<?, ?> m = (Map<?, ?>) JsonParser.parse(EVERY_KIND, UNTRUSTED);
        assertEquals(List.of("s", "i", "big", "d", "t", "f", "n", "a", "o"), List.copyOf(m.keySet()), "order kept");
        assertEquals("a\u00e9\n\"/", m.get("s"));
        assertEquals(-12L, m.get("i"));
        assertEquals(1.2345678901234567e19, m.get("big"));
        assertEquals(1500.0, m.get("d"));
        assertEquals(true, m.get("t"));
        assertEquals(false, m.get("f"));
        assertNull(m.get("n"));
        assertEquals(List.of(1L, List.of(2L)), m.get("a"));
        assertEquals(Map.of("k", Map.of()), m.get("o"));
    }

    @Test
    void keepsNumbersAsWrittenWhenAskedTo() throws Exception {
        Map<?, ?> m = (Map<?, ?>) JsonParser.parse(EVERY_KIND, DOCUMENT);
        assertEquals(new NumberText("-12"), m.get("i"));
        assertEquals(new NumberText("12345678901234567890"), m.get("big"));
        assertEquals(new NumberText("1.5e3"), m.get("d"));
        assertEquals(List.of(new NumberText("1"), List.of(new NumberText("2"))), m.get("a"));
        assertEquals("a\u00e9\n\"/", m.get("s"));
    }

    @Test
    void integersAreLongsUpToTheEdgesOfTheLongRange() throws Exception {
        assertEquals(Long.MAX_VALUE, JsonParser.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, JsonParser.parse("-9223372036854775808"));
        assertEquals(9.223372036854775808e18, JsonParser.parse("9223372036854775808"));
        assertEquals(-9.223372036854775809e18, JsonParser.parse("-9223372036854775809"));
        assertEquals(0L, JsonParser.parse("-0"));
        assertEquals(1.0, JsonParser.parse("1.0"), "a fraction makes a double, even a zero one");
        assertEquals(Double.POSITIVE_INFINITY, JsonParser.parse("1e400"));
    }

    @Test
    void containersAreUnmodifiable() throws Exception {
        Map<?, ?> m = (Map<?, ?>) JsonParser.parse("{\"a\":[1]}");
        assertThrows(UnsupportedOperationException.class, () -> m.remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> ((List<?>) m.get("a")).clear());
    }

    // ---- refusals in both modes ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"a\":1,}", "[1,]", "{'a':1}", "{\"a\":01}", "{\"a\":1.}",
        "{\"a\":.5}", "{\"a\":+1}", "{\"a\":-}", "{\"a\":1e}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":\"x\ty\"}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":1} x", "{\"a\":tru}", "{\"a\"",
        "{\"a\" 1}", "{a:1}", "[1 2]", "\"abc", "\"abc\\", "", "   ", "{} {}", "\u00a0{}", "\f{}", "// c\n{}",
        "{\"a\":1111111111111111111111111111111111111111111}"})
    void refusesWhatRfc8259DoesNotAllowInBothModes(String text) {
        assertThrows(SyntaxException.class, () -> JsonParser.parse(text, UNTRUSTED));
        assertThrows(SyntaxException.class, () -> JsonParser.parse(text, DOCUMENT));
    }

    @Test
    void refusesDuplicateMemberNamesAlsoWhenAnEscapeSpellsThem() {
        assertEquals("duplicate member at offset 9", opaqueError("{\"a\": 1, \"a\": 2}"));
        assertEquals("line 1, column 10: duplicate member \"a\"", descriptiveError("{\"a\": 1, \"a\": 2}"));
        assertEquals("duplicate member at offset 7", opaqueError("{\"a\":1,\"\\u0061\":{}}"));
        assertEquals("line 1, column 9: duplicate member \"a\"", descriptiveError("{\"a\":{},\"a\":[}"),
                "refused at the name, before its value is read");
        assertThrows(SyntaxException.class, () -> JsonParser.parse("[{\"k\":1},{\"k\":2,\"k\":3}]"));
    }

    @Test
    void refusesNestingBeyondTheCallersLimitWithoutOverflowingTheStack() throws Exception {
        Options three = Options.untrusted(3);
        assertEquals(List.of(List.of(List.of(1L))), JsonParser.parse("[[[1]]]", three));
        assertEquals(Map.of("a", List.of(Map.of())), JsonParser.parse("{\"a\":[{}]}", three));
        SyntaxException e = assertThrows(SyntaxException.class, () -> JsonParser.parse("[[[[1]]]]", three));
        assertEquals("nested deeper than 3 levels at offset 3", e.getMessage());
        e = assertThrows(SyntaxException.class, () -> JsonParser.parse("{\"a\":{\"b\":\n[[1]]}}",
                new Options(3, Numbers.TEXT, Strings.UTF16, Errors.DESCRIPTIVE)));
        assertEquals("line 2, column 2: nested deeper than 3 levels", e.getMessage());
        for (String deep : List.of("[".repeat(100_000), "{\"a\":".repeat(100_000))) {
            assertThrows(SyntaxException.class, () -> JsonParser.parse(deep, UNTRUSTED));
            assertThrows(SyntaxException.class, () -> JsonParser.parse(deep,
                    new Options(JsonParser.MAX_DEPTH_LIMIT, Numbers.TEXT, Strings.UTF16, Errors.DESCRIPTIVE)));
        }
    }

    @Test
    void theDepthLimitItselfIsBounded() {
        assertThrows(IllegalArgumentException.class, () -> Options.untrusted(0));
        assertThrows(IllegalArgumentException.class, () -> Options.untrusted(JsonParser.MAX_DEPTH_LIMIT + 1));
        assertThrows(NullPointerException.class, () -> new Options(4, null, Strings.UNICODE, Errors.OPAQUE));
    }

    @Test
    void refusesNumbersLongerThanTheLimitAtTheirStart() throws Exception {
        String forty = "1." + "0".repeat(JsonParser.MAX_NUMBER_CHARS - 2);
        assertEquals(1.0, JsonParser.parse(forty));
        assertEquals(new NumberText(forty), JsonParser.parse(forty, DOCUMENT));
        assertEquals("number longer than 40 characters at offset 5", opaqueError("{\"a\":" + forty + "0}"));
        assertEquals("line 1, column 6: number longer than 40 characters",
                descriptiveError("{\"a\":-" + "9".repeat(40) + "}"));
        assertThrows(SyntaxException.class, () -> JsonParser.parse("1e" + "9".repeat(39)));
    }

    @Test
    void refusesAByteOrderMarkInBothModes() throws Exception {
        assertEquals("unexpected character, expected a value at offset 0", opaqueError("\uFEFF{}"));
        assertEquals("line 1, column 1: unexpected character U+FEFF, expected a value", descriptiveError("\uFEFF{}"));
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '{', '}'};
        assertThrows(SyntaxException.class, () -> JsonParser.parse(bom, UNTRUSTED));
        assertEquals("\uFEFF", JsonParser.parse("\"\uFEFF\""), "inside a string it is a character like any other");
    }

    @Test
    void refusesTrailingGarbage() {
        assertEquals("unexpected character after the JSON value at offset 9", opaqueError("{\"a\": 1} x"));
        assertEquals("line 1, column 10: unexpected 'x' after the JSON value", descriptiveError("{\"a\": 1} x"));
        assertEquals("line 2, column 1: unexpected ']' after the JSON value", descriptiveError("[1]\n]"));
        assertEquals("unexpected character after the JSON value at offset 3", opaqueError("\"a\"\u0000"));
    }

    // ---- strings and encodings -------------------------------------------------------------------------------------

    @Test
    void pairedSurrogatesAreTextLoneOnesOnlyForJavaStrings() throws Exception {
        assertEquals("\uD83D\uDE00", JsonParser.parse("\"\\ud83d\\ude00\""));
        assertEquals("\uD83D\uDE00", JsonParser.parse("\"\\ud83d\uDE00\""), "an escape may pair with a character");
        for (String lone : List.of("\"\\ud800\"", "\"\\udc00\"", "\"\\ud800x\"", "\"\\ude00\\ud83d\"", "\"a\uD800\"")) {
            assertEquals("unpaired surrogate in a string at offset 0", opaqueError(lone), lone);
        }
        assertEquals("line 1, column 6: unpaired surrogate in a string",
                assertThrows(SyntaxException.class, () -> JsonParser.parse("{\"a\":\"\\ud800\"}",
                        new Options(4, Numbers.TEXT, Strings.UNICODE, Errors.DESCRIPTIVE))).getMessage());
        assertEquals("\uD800 x \uDC00", JsonParser.parse("\"\\ud800 x \\udc00\"", DOCUMENT));
    }

    @Test
    void refusesUnescapedControlCharacters() {
        assertEquals("unescaped control character in a string at offset 2", opaqueError("\"a\tb\""));
        assertEquals("line 1, column 3: unescaped control character U+0009 in a string", descriptiveError("\"a\tb\""));
        assertEquals("line 1, column 6: unescaped control character U+000A in a string",
                descriptiveError("\"a\\\"b\nc\""), "in the slow path after an escape too");
    }

    @Test
    void decodesUtf8AndRefusesInvalidSequencesWithTheirByteOffset() throws Exception {
        assertEquals("caf\u00e9 \uD83D\uDE80", JsonParser.parse("\"caf\u00e9 \uD83D\uDE80\"".getBytes(
                StandardCharsets.UTF_8), UNTRUSTED));
        List<byte[]> invalid = List.of(
                new byte[] {'"', (byte) 0xc3, '"'}, // truncated two-byte sequence
                new byte[] {'"', (byte) 0xc0, (byte) 0xa2, '"'}, // overlong '"'
                new byte[] {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'}, // an encoded surrogate (CESU-8)
                new byte[] {'"', (byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'}, // past U+10FFFF
                new byte[] {'"', (byte) 0xff, '"'},
                new byte[] {'"', 'a', (byte) 0xe2, (byte) 0x82}); // cut at the end
        List<String> messages = new ArrayList<>();
        for (byte[] b : invalid) {
            messages.add(assertThrows(SyntaxException.class, () -> JsonParser.parse(b, DOCUMENT)).getMessage());
            assertThrows(SyntaxException.class, () -> JsonParser.parse(b, UNTRUSTED));
        }
        assertEquals(List.of("invalid UTF-8 at byte 1", "invalid UTF-8 at byte 1", "invalid UTF-8 at byte 1",
                "invalid UTF-8 at byte 1", "invalid UTF-8 at byte 1", "invalid UTF-8 at byte 2"), messages);
    }

    // ---- error messages --------------------------------------------------------------------------------------------

    @Test
    void descriptiveErrorsGiveLineAndColumn() {
        assertEquals("line 3, column 8: unexpected 't', expected a value",
                descriptiveError("{\n  \"a\": 1,\n  \"b\": tru\n}"));
        assertEquals("line 1, column 9: unterminated string", descriptiveError("{\"a\": \"x"));
        assertEquals("line 1, column 6: unexpected end of input, expected a value", descriptiveError("{\"a\":"));
        assertEquals("line 1, column 8: unexpected ',', expected a member name in double quotes",
                descriptiveError("{\"a\":1,,}"));
        assertEquals("line 1, column 5: unexpected '1', expected ':'", descriptiveError("{\"a\"1}"));
        assertEquals("line 1, column 3: unexpected '}', expected ',' or ']'", descriptiveError("[1}"));
        assertEquals("line 1, column 7: invalid escape \\x", descriptiveError("{\"a\":\"\\x\"}"));
        assertEquals("line 1, column 8: invalid number: digit expected after '.'", descriptiveError("{\"a\":1.}"));
    }

    @Test
    void opaqueErrorsSayWhereButNeverQuoteTheInput() {
        String secret = "s3cr3t";
        for (String text : List.of("{\"s3cr3t\":1,\"s3cr3t\":2}", "{\"a\":\"s3cr3t\\q\"}", "s3cr3t", "{\"a\":1} s3cr3t",
                "{\"a\":\"s3cr3t\u0001\"}", "{s3cr3t}", "[\"s3cr3t\" \"x\"]", "{\"a\":\"\\ud800s3cr3t\"}")) {
            String message = opaqueError(text);
            assertFalse(message.contains(secret) || message.contains("\""), message);
            assertFalse(message.contains("U+"), message);
        }
        assertEquals("unexpected end of input, expected a value at offset 5", opaqueError("{\"a\":"));
        assertEquals("unterminated string at offset 9", opaqueError("{\"a\":\"xyz"));
        assertEquals("invalid escape at offset 4", opaqueError("[\"ab\\q\"]"));
    }
}
