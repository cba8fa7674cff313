package dev.weft.codec.http2;

import java.util.List;

import org.junit.jupiter.api.Test;

import static dev.weft.codec.http2.Bytes.EMPTY_SETTINGS;
import static dev.weft.codec.http2.Bytes.PREFACE;
import static dev.weft.codec.http2.Bytes.cat;
import static dev.weft.codec.http2.Bytes.frame;
import static dev.weft.codec.http2.Bytes.zeros;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** RFC 9113 section 3.4: the client connection preface, then SETTINGS first from both sides. */
class PrefaceTest {
    private static final String HTTP1 =
            "connection PROTOCOL_ERROR: invalid connection preface: looks like an HTTP/1.1 request, not HTTP/2 with "
                    + "prior knowledge";

    @Test
    void serverReadsThePrefaceThenSettings() {
        assertEquals(List.of("SETTINGS ack=false []", "rest 0"),
                Splits.allWays(Splits.server(), cat(PREFACE, EMPTY_SETTINGS)));
    }

    @Test
    void anIncompletePrefaceIsLeftInTheBuffer() {
        for (int n = 0; n < PREFACE.length; n++) {
            byte[] part = java.util.Arrays.copyOf(PREFACE, n);
            assertEquals(List.of("rest " + n), Splits.allWays(Splits.server(), part));
        }
        // the preface alone: consumed, then nothing
        assertEquals(List.of("rest 0"), Splits.allWays(Splits.server(), PREFACE));
    }

    @Test
    void recognisesAnHttp11Request() {
        assertEquals(List.of(HTTP1),
                Splits.allWays(Splits.server(), Bytes.ascii("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")));
        assertEquals(List.of(HTTP1),
                Splits.allWays(Splits.server(), Bytes.ascii("POST /upload HTTP/1.1\r\nContent-Length: 0\r\n\r\n")));
        // the h2c upgrade dance is HTTP/1.1 too
        assertEquals(List.of(HTTP1), Splits.allWays(Splits.server(), Bytes.ascii("PRI * HTTP/1.1\r\n\r\n")));
    }

    @Test
    void waitsForTheSpaceAfterAMethodBeforeCallingItHttp11() {
        // only token bytes so far: no verdict yet, nothing consumed
        assertEquals(List.of("rest 3"), Splits.allWays(Splits.server(), Bytes.ascii("GET")));
        assertEquals(List.of(HTTP1), Splits.allWays(Splits.server(), Bytes.ascii("GET ")));
    }

    @Test
    void recognisesATlsHandshake() {
        assertEquals(List.of("connection PROTOCOL_ERROR: invalid connection preface: looks like a TLS handshake on a "
                        + "cleartext HTTP/2 port"),
                Splits.allWays(Splits.server(), cat(0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03)));
    }

    @Test
    void namesTheFirstDifferingByteOtherwise() {
        assertEquals(List.of("connection PROTOCOL_ERROR: invalid connection preface: byte 0 differs"),
                Splits.allWays(Splits.server(), cat(0, 0, 0, 4, 0, 0, 0, 0, 0)));
        assertEquals(List.of("connection PROTOCOL_ERROR: invalid connection preface: byte 3 differs"),
                Splits.allWays(Splits.server(), Bytes.ascii("PRI\t* HTTP/2.0\r\n\r\nSM\r\n\r\n")));
        // a damaged preface after its request line is not HTTP/1.1
        assertEquals(List.of("connection PROTOCOL_ERROR: invalid connection preface: byte 22 differs"),
                Splits.allWays(Splits.server(), Bytes.ascii("PRI * HTTP/2.0\r\n\r\nSM\r\nX\n")));
        // a long token without a space is not a method
        assertEquals(List.of("connection PROTOCOL_ERROR: invalid connection preface: byte 0 differs"),
                Splits.allWays(Splits.server(), Bytes.ascii("ABCDEFGHIJKLMNOPQRSTUVWXYZ")));
    }

    @Test
    void theFirstFrameFromAClientMustBeSettings() {
        assertEquals(List.of("connection PROTOCOL_ERROR: the first frame after the connection preface must be "
                        + "SETTINGS, got PING"),
                Splits.allWays(Splits.server(), cat(PREFACE, frame(FrameType.PING, 0, 0, zeros(8)), EMPTY_SETTINGS)));
        assertEquals(List.of("connection PROTOCOL_ERROR: the first frame after the connection preface must be "
                        + "SETTINGS, got a SETTINGS ACK"),
                Splits.allWays(Splits.server(), cat(PREFACE, frame(FrameType.SETTINGS, FrameFlags.ACK, 0))));
        assertEquals(List.of("connection PROTOCOL_ERROR: the first frame after the connection preface must be "
                        + "SETTINGS, got type 0xa"),
                Splits.allWays(Splits.server(), cat(PREFACE, frame(0xa, 0, 0))));
    }

    @Test
    void aClientReaderExpectsNoPrefaceButSettingsFirst() {
        assertEquals(List.of("SETTINGS ack=false []", "rest 0"), Splits.allWays(Splits.client(), EMPTY_SETTINGS));
        assertEquals(List.of("connection PROTOCOL_ERROR: the first frame from the server must be SETTINGS, got "
                        + "HEADERS"),
                Splits.allWays(Splits.client(), frame(FrameType.HEADERS, FrameFlags.END_HEADERS, 1)));
        // a client reader must not expect the client preface
        assertEquals(List.of("connection PROTOCOL_ERROR: the first frame from the server must be SETTINGS, got "
                        + "type 0x20"),
                Splits.allWays(Splits.client(), PREFACE));
    }

    @Test
    void recognisesAnHttp11ResponseOnTheClient() {
        assertEquals(List.of("connection PROTOCOL_ERROR: the first frame from the server must be SETTINGS, got what "
                        + "looks like an HTTP/1.1 response"),
                Splits.allWays(Splits.client(), Bytes.ascii("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")));
    }

    @Test
    void settingsIsOnlyRequiredFirst() {
        assertEquals(List.of("SETTINGS ack=false []", "PING ack=false opaque=0", "SETTINGS ack=true []", "rest 0"),
                Splits.allWays(Splits.server(), cat(PREFACE, EMPTY_SETTINGS, frame(FrameType.PING, 0, 0, zeros(8)),
                        frame(FrameType.SETTINGS, FrameFlags.ACK, 0))));
    }
}
