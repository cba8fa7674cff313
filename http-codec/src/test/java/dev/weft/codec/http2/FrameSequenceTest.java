package dev.weft.codec.http2;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static dev.weft.codec.http2.Bytes.PREFACE;
import static dev.weft.codec.http2.Bytes.cat;
import static dev.weft.codec.http2.Bytes.filled;
import static dev.weft.codec.http2.Bytes.frame;
import static dev.weft.codec.http2.Bytes.setting;
import static dev.weft.codec.http2.Bytes.u32;
import static dev.weft.codec.http2.Bytes.zeros;
import static dev.weft.codec.http2.FrameFlags.ACK;
import static dev.weft.codec.http2.FrameFlags.END_HEADERS;
import static dev.weft.codec.http2.FrameFlags.END_STREAM;
import static dev.weft.codec.http2.FrameFlags.PADDED;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A realistic mix of frames, cut at every byte offset: the listener sees the same events as for the whole input. */
class FrameSequenceTest {

    @Test
    void aMixedSequenceReadsTheSameHoweverItIsCut() {
        byte[] data = cat(PREFACE,
                frame(FrameType.SETTINGS, 0, 0, setting(Http2Settings.MAX_CONCURRENT_STREAMS, 100),
                        setting(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20)),
                frame(FrameType.WINDOW_UPDATE, 0, 0, u32(15_663_105)),
                frame(FrameType.SETTINGS, ACK, 0),
                frame(FrameType.HEADERS, FrameFlags.PRIORITY, 1, u32(0), 219, "\u0082\u0086"),
                frame(FrameType.CONTINUATION, 0, 1, "\u0084"),
                frame(FrameType.CONTINUATION, END_HEADERS, 1, "\u0041\u0003a.b"),
                frame(FrameType.DATA, PADDED, 1, 3, "body", zeros(3)),
                frame(0xc, 0, 0, "origin"),
                frame(FrameType.PRIORITY, 0, 3, u32(0x8000_0001L), 0),
                frame(FrameType.HEADERS, END_HEADERS | END_STREAM, 3, "\u0082"),
                frame(FrameType.PRIORITY, 0, 3, u32(3), 0), // stream error: the sequence goes on
                frame(FrameType.DATA, END_STREAM, 1, filled(300, 'z')),
                frame(FrameType.PING, 0, 0, u32(0xCAFE_BABEL), u32(1)),
                frame(FrameType.RST_STREAM, 0, 3, u32(8)),
                frame(FrameType.WINDOW_UPDATE, 0, 1, u32(0)), // stream error
                frame(FrameType.GOAWAY, 0, 0, u32(3), u32(0), "bye"),
                Arrays.copyOf(frame(FrameType.DATA, 0, 5, "partial frame"), 15)); // the rest is still on its way
        List<String> events = Splits.allWays(Splits.server(), data);
        assertEquals(List.of(
                "SETTINGS ack=false [\\x00\\x03\\x00\\x00\\x00d\\x00\\x04\\x00\\x10\\x00\\x00]",
                "WINDOW_UPDATE s=0 inc=15663105",
                "SETTINGS ack=true []",
                "HEADERS s=1 end=false dep=0 excl=false w=220 [\\x82\\x86\\x84A\\x03a.b]",
                "DATA s=1 end=false flow=8 [body]",
                "UNKNOWN type=12 s=0 flags=0 [origin]",
                "PRIORITY s=3 dep=1 excl=true w=1",
                "HEADERS s=3 end=true dep=-1 excl=false w=16 [\\x82]",
                "stream 3 PROTOCOL_ERROR: PRIORITY frame on stream 3 depends on itself",
                "DATA s=1 end=true flow=300 [" + "z".repeat(300) + "]",
                "PING ack=false opaque=cafebabe00000001",
                "RST_STREAM s=3 code=8",
                "stream 1 PROTOCOL_ERROR: WINDOW_UPDATE frame with increment 0 on stream 1",
                "GOAWAY last=3 code=0 [bye]",
                "rest 15"), events);
    }
}
