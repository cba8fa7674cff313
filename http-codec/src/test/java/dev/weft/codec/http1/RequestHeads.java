package dev.weft.codec.http1;

import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Request-head assertions that run every input whole, byte by byte and split at every offset. */
final class RequestHeads {
    private RequestHeads() {
    }

    static void assertParses(String text, Consumer<RequestHead> check) {
        assertParses(Http1Limits.DEFAULTS, Splits.crlf(text), check);
    }

    static void assertParses(Http1Limits limits, byte[] data, Consumer<RequestHead> check) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        Splits.allWays(data, plan -> {
            parser.reset();
            byte[] rest = Splits.feed(data, plan, parser::parse);
            assertNotNull(rest, "head incomplete");
            assertEquals(0, rest.length, "the parser consumed exactly the head");
            assertEquals(data.length, parser.bytesBuffered());
            check.accept(parser.head());
        });
    }

    static void assertRejected(String text, Http1Violation expected) {
        assertRejected(Http1Limits.DEFAULTS, Splits.crlf(text), expected);
    }

    static void assertRejected(Http1Limits limits, byte[] data, Http1Violation expected) {
        RequestHeadParser parser = new RequestHeadParser(limits);
        Splits.allWays(data, plan -> {
            parser.reset();
            Splits.assertRejected(data, plan, parser::parse, expected);
        });
    }
}
