package dev.weft.codec.http1;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadWriterTest {

    private static String text(HeadWriter w) {
        return new String(w.toByteArray(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void writtenRequestRoundTripsThroughTheParser() throws Http1Exception {
        HeadWriter w = new HeadWriter(16)
                .requestLine("POST", "/upload?x=1")
                .field("Host", "example.com")
                .field("Content-Length", 1234567890123L)
                .field("X-Latin", "caf\u00e9")
                .endHead();
        assertEquals("POST /upload?x=1 HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1234567890123\r\n"
                + "X-Latin: caf\u00e9\r\n\r\n", text(w));
        RequestHeadParser parser = new RequestHeadParser(Http1Limits.DEFAULTS);
        ByteBuffer in = w.buffer();
        assertTrue(parser.parse(in));
        RequestHead h = parser.head();
        assertSame("POST", h.method());
        assertEquals("/upload", h.path());
        assertEquals(1234567890123L, h.contentLength());
        assertEquals("caf\u00e9", h.firstValue("x-latin"));

        HeadWriter copy = new HeadWriter().requestLine(h.method(), h.target());
        for (int i = 0; i < h.fieldCount(); i++) {
            h.copyField(i, copy);
        }
        assertEquals(text(w), text(copy.endHead()));
    }

    @Test
    void writtenResponseRoundTripsThroughTheParser() throws Http1Exception {
        HeadWriter w = new HeadWriter().statusLine(404, null).field("Content-Length", 0).endHead();
        assertEquals("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", text(w));
        ResponseHeadParser parser = new ResponseHeadParser(Http1Limits.DEFAULTS);
        assertTrue(parser.parse(w.buffer()));
        assertEquals(404, parser.head().status());
        assertEquals("Not Found", parser.head().reason());
        assertEquals(0, parser.head().contentLength());
    }

    @Test
    void unknownStatusHasEmptyReason() {
        assertEquals("HTTP/1.1 599 \r\n", text(new HeadWriter().statusLine(599, null)));
        assertEquals("HTTP/1.1 200 Fine\r\n", text(new HeadWriter().statusLine(200, "Fine")));
    }

    @Test
    void writesNegativeAndZeroNumbers() {
        assertEquals("A: -42\r\nB: 0\r\nC: " + Long.MIN_VALUE + "\r\n",
                text(new HeadWriter().field("A", -42).field("B", 0).field("C", Long.MIN_VALUE)));
    }

    @Test
    void refusesHeaderInjection() {
        HeadWriter w = new HeadWriter();
        assertThrows(IllegalArgumentException.class, () -> w.field("X", "a\r\nEvil: 1"));
        assertThrows(IllegalArgumentException.class, () -> w.field("X", "a\nb"));
        assertThrows(IllegalArgumentException.class, () -> w.field("X", "a\u0000b"));
        assertThrows(IllegalArgumentException.class, () -> w.field("X", "\u0100"));
        assertThrows(IllegalArgumentException.class, () -> w.field("X Y", "v"));
        assertThrows(IllegalArgumentException.class, () -> w.field("", "v"));
        assertThrows(IllegalArgumentException.class, () -> w.field("X:", "v"));
        assertThrows(IllegalArgumentException.class, () -> w.requestLine("GET", "/a b"));
        assertThrows(IllegalArgumentException.class, () -> w.requestLine("G T", "/"));
        assertThrows(IllegalArgumentException.class, () -> w.statusLine(200, "OK\r\n"));
        assertThrows(IllegalArgumentException.class, () -> w.statusLine(99, "x"));
        assertEquals(0, w.size());
    }

    @Test
    void bufferIsReadReadyAndReusedAfterReset() {
        HeadWriter w = new HeadWriter();
        w.field("A", "b");
        ByteBuffer first = w.buffer();
        assertEquals(0, first.position());
        assertEquals(6, first.limit());
        w.reset();
        w.field("C", "dd");
        ByteBuffer second = w.buffer();
        assertSame(first, second);
        assertEquals(7, second.remaining());
    }

    @Test
    void growsPastInitialCapacity() {
        HeadWriter w = new HeadWriter(16);
        String big = "v".repeat(5000);
        w.field("Big", big);
        assertEquals("Big: " + big + "\r\n", text(w));
        assertEquals(w.size(), w.buffer().remaining());
    }
}
