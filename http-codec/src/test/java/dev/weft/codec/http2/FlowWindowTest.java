package dev.weft.codec.http2;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowWindowTest {

    private static void assertFlowControlError(Http2Exception e, int streamId) {
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.error());
        assertEquals(streamId == 0, e.isConnectionError());
        assertEquals(streamId, e.streamId());
    }

    @Test
    void consumingTheWholeWindowIsAllowed() throws Http2Exception {
        FlowWindow w = new FlowWindow(1, 100);
        w.consume(60);
        w.consume(40);
        w.consume(0);
        assertEquals(0, w.available());
    }

    @Test
    void aPeerExceedingAStreamWindowIsAStreamError() throws Http2Exception {
        FlowWindow w = new FlowWindow(3, 100);
        w.consume(50);
        Http2Exception e = assertThrows(Http2Exception.class, () -> w.consume(51));
        assertFlowControlError(e, 3);
        assertEquals("DATA of 51 bytes exceeds the flow-control window of 50 on stream 3", e.getMessage());
        assertEquals(50, w.available(), "unchanged");
    }

    @Test
    void aPeerExceedingTheConnectionWindowIsAConnectionError() {
        FlowWindow w = new FlowWindow(0, 65_535);
        Http2Exception e = assertThrows(Http2Exception.class, () -> w.consume(65_536));
        assertFlowControlError(e, 0);
        assertEquals("DATA of 65536 bytes exceeds the flow-control window of 65535 on the connection", e.getMessage());
    }

    @Test
    void incrementsUpTo2To31Minus1() throws Http2Exception {
        FlowWindow w = new FlowWindow(1, 65_535);
        w.increment(Integer.MAX_VALUE - 65_535);
        assertEquals(Integer.MAX_VALUE, w.available());
        Http2Exception e = assertThrows(Http2Exception.class, () -> w.increment(1));
        assertFlowControlError(e, 1);
        assertEquals("WINDOW_UPDATE of 1 overflows the flow-control window of 2147483647 on stream 1", e.getMessage());
        assertEquals(Integer.MAX_VALUE, w.available(), "unchanged");

        FlowWindow connection = new FlowWindow(0, 1);
        assertFlowControlError(assertThrows(Http2Exception.class, () -> connection.increment(Integer.MAX_VALUE)), 0);
        assertThrows(IllegalArgumentException.class, () -> connection.increment(0));
    }

    @Test
    void aSmallerInitialWindowCanMakeAWindowNegative() throws Http2Exception {
        FlowWindow w = new FlowWindow(5, 65_535);
        w.spend(60_000);
        w.applyInitialDelta(16_384 - 65_535); // the peer lowered SETTINGS_INITIAL_WINDOW_SIZE to 16384
        assertEquals(5_535 - 49_151, w.available());
        assertTrue(w.available() < 0);
        assertThrows(IllegalStateException.class, () -> w.spend(1), "nothing may be sent below zero");
        w.increment(50_000);
        assertEquals(6_384, w.available());
        w.spend(6_384);
        assertEquals(0, w.available());
    }

    @Test
    void receivingOnANegativeWindowFails() throws Http2Exception {
        FlowWindow w = new FlowWindow(7, 100);
        w.applyInitialDelta(-150);
        assertEquals(-50, w.available());
        assertFlowControlError(assertThrows(Http2Exception.class, () -> w.consume(1)), 7);
        w.consume(0);
    }

    @Test
    void anInitialWindowIncreaseThatOverflowsIsAConnectionError() throws Http2Exception {
        FlowWindow w = new FlowWindow(9, 65_535);
        w.increment(Integer.MAX_VALUE - 65_535 - 10);
        Http2Exception e = assertThrows(Http2Exception.class, () -> w.applyInitialDelta(11));
        assertTrue(e.isConnectionError(), "RFC 9113 section 6.9.2: a connection error whatever the stream");
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR, e.error());
        assertEquals(Integer.MAX_VALUE - 10, w.available(), "unchanged");
        w.applyInitialDelta(10);
        assertEquals(Integer.MAX_VALUE, w.available());
    }

    @Test
    void spendingMoreThanTheWindowIsOurBug() {
        FlowWindow w = new FlowWindow(1, 10);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.spend(11));
        assertEquals("cannot send 11 bytes with a window of 10 on stream 1", e.getMessage());
        w.spend(10);
        assertEquals(0, w.available());
    }

    @Test
    void resetReusesTheObject() {
        FlowWindow w = new FlowWindow(1, 10);
        w.reset(3, 500);
        assertEquals(3, w.streamId());
        assertEquals(500, w.available());
        assertThrows(IllegalArgumentException.class, () -> w.reset(-1, 5));
        assertFalse(w.toString().isEmpty());
    }
}
