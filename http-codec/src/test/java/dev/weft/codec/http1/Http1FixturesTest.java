package dev.weft.codec.http1;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * Byte-level fixtures under {@code src/test/resources/http1/}: raw messages with CRLF preserved ({@code *.http},
 * binary in git). A valid fixture has a sibling {@code .expect} file of {@code key: value} lines; an invalid fixture
 * is named {@code <Http1Violation>--<description>.http}. Every fixture runs whole, byte by byte and split in two at
 * every offset.
 */
class Http1FixturesTest {

    static Stream<Path> requestsValid() throws Exception {
        return fixtures("requests/valid");
    }

    static Stream<Path> requestsInvalid() throws Exception {
        return fixtures("requests/invalid");
    }

    static Stream<Path> responsesValid() throws Exception {
        return fixtures("responses/valid");
    }

    static Stream<Path> responsesInvalid() throws Exception {
        return fixtures("responses/invalid");
    }

    static Stream<Path> chunkedValid() throws Exception {
        return fixtures("chunked/valid");
    }

    static Stream<Path> chunkedInvalid() throws Exception {
        return fixtures("chunked/invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void requestsValid(Path fixture) throws IOException {
        Map<String, String> expect = expectations(fixture);
        RequestHeads.assertParses(Http1Limits.DEFAULTS, Files.readAllBytes(fixture), h -> {
            check(expect, "method", h.method());
            check(expect, "form", String.valueOf(h.targetForm()));
            check(expect, "path", h.path());
            check(expect, "query", h.query());
            check(expect, "host", h.host());
            check(expect, "version", String.valueOf(h.versionMinor()));
            check(expect, "fields", String.valueOf(h.fieldCount()));
            check(expect, "keepAlive", String.valueOf(h.keepAlive()));
            check(expect, "contentLength", String.valueOf(h.contentLength()));
            check(expect, "expectContinue", String.valueOf(h.expectContinue()));
            check(expect, "body", BodyFraming.request(h).name());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void requestsInvalid(Path fixture) throws IOException {
        RequestHeads.assertRejected(Http1Limits.DEFAULTS, Files.readAllBytes(fixture), violation(fixture));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void responsesValid(Path fixture) throws IOException {
        Map<String, String> expect = expectations(fixture);
        ResponseHeadParserTest.assertParses(Http1Limits.DEFAULTS, Files.readAllBytes(fixture), p -> {
            ResponseHead h = p.head();
            check(expect, "status", String.valueOf(h.status()));
            check(expect, "reason", h.reason());
            check(expect, "keepAlive", String.valueOf(h.keepAlive()));
            check(expect, "ambiguous", String.valueOf(p.framingAmbiguous()));
            check(expect, "body", BodyFraming.response("GET", h).name());
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void responsesInvalid(Path fixture) throws IOException {
        ResponseHeadParserTest.assertRejected(Http1Limits.DEFAULTS, Files.readAllBytes(fixture), violation(fixture));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void chunkedValid(Path fixture) throws IOException {
        Map<String, String> expect = expectations(fixture);
        byte[] data = Files.readAllBytes(fixture);
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        Random random = new Random(fixture.hashCode());
        Splits.allWays(data, plan -> {
            decoder.reset();
            byte[][] rest = new byte[1][];
            byte[] payload = Splits.decodeChunked(decoder, data, plan, random, rest);
            assertEquals(expect.get("payload").replace("\\r", "\r").replace("\\n", "\n"),
                    new String(payload, StandardCharsets.ISO_8859_1));
            assertEquals(0, rest[0].length);
            check(expect, "trailers", String.valueOf(decoder.trailerCount()));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void chunkedInvalid(Path fixture) throws IOException {
        byte[] data = Files.readAllBytes(fixture);
        Http1Violation expected = violation(fixture);
        ChunkedDecoder decoder = new ChunkedDecoder(Http1Limits.DEFAULTS);
        Random random = new Random(fixture.hashCode());
        Splits.allWays(data, plan -> {
            decoder.reset();
            try {
                Splits.decodeChunked(decoder, data, plan, random, new byte[1][]);
                throw new AssertionError("accepted, expected " + expected);
            } catch (Http1Exception e) {
                assertEquals(expected, e.violation());
            }
        });
    }

    private static Stream<Path> fixtures(String folder) throws IOException, URISyntaxException {
        URL url = Http1FixturesTest.class.getResource("/http1/" + folder);
        assertNotNull(url, folder);
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of(url.toURI()))) {
            files = list.filter(p -> p.toString().endsWith(".http")).sorted().toList();
        }
        assertFalse(files.isEmpty(), folder);
        return files.stream();
    }

    private static Http1Violation violation(Path fixture) {
        String name = fixture.getFileName().toString();
        return Http1Violation.valueOf(name.substring(0, name.indexOf("--")));
    }

    private static Map<String, String> expectations(Path fixture) throws IOException {
        Path file = fixture.resolveSibling(fixture.getFileName().toString().replace(".http", ".expect"));
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                map.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        assertFalse(map.isEmpty(), file.toString());
        return map;
    }

    private static void check(Map<String, String> expect, String key, String actual) {
        if (expect.containsKey(key)) {
            assertEquals(expect.get(key), String.valueOf(actual), key);
        }
    }
}
