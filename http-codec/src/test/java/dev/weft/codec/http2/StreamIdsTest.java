package dev.weft.codec.http2;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9113 section 5.1.1. */
class StreamIdsTest {

    private static void assertProtocolError(String message, org.junit.jupiter.api.function.Executable call) {
        Http2Exception e = assertThrows(Http2Exception.class, call);
        assertTrue(e.isConnectionError());
        assertEquals(ErrorCode.PROTOCOL_ERROR, e.error());
        assertEquals(message, e.getMessage());
    }

    @Test
    void clientStreamsAreOddAndIncreasing() throws Http2Exception {
        StreamIds ids = new StreamIds(true);
        ids.remoteOpened(1);
        ids.remoteOpened(7); // gaps are allowed: 3 and 5 are now implicitly closed
        assertEquals(7, ids.lastRemoteStreamId());
        assertProtocolError("new stream 7 is not above the last stream 7 the client opened", () -> ids.remoteOpened(7));
        assertProtocolError("new stream 5 is not above the last stream 7 the client opened", () -> ids.remoteOpened(5));
        assertProtocolError("stream 8 opened by a client must be odd", () -> ids.remoteOpened(8));
        assertEquals(7, ids.lastRemoteStreamId(), "a rejected id changes nothing");
        ids.remoteOpened(9);
    }

    @Test
    void untrackedIdsBelowTheHighestAreClosed() throws Http2Exception {
        StreamIds ids = new StreamIds(true);
        assertEquals(StreamState.IDLE, ids.untrackedState(1));
        ids.remoteOpened(5);
        assertEquals(StreamState.CLOSED, ids.untrackedState(1), "skipped, so implicitly closed");
        assertEquals(StreamState.CLOSED, ids.untrackedState(5), "used and forgotten");
        assertEquals(StreamState.IDLE, ids.untrackedState(7));
        assertEquals(StreamState.IDLE, ids.untrackedState(2), "our own ids are tracked separately");
        assertEquals(2, ids.nextLocalStreamId());
        assertEquals(StreamState.CLOSED, ids.untrackedState(2));
        assertThrows(IllegalArgumentException.class, () -> ids.untrackedState(0));
    }

    @Test
    void allocatesLocalIdsByParity() {
        StreamIds server = new StreamIds(true);
        assertEquals(2, server.nextLocalStreamId());
        assertEquals(4, server.nextLocalStreamId());
        assertEquals(4, server.lastLocalStreamId());
        StreamIds client = new StreamIds(false);
        assertEquals(1, client.nextLocalStreamId());
        assertEquals(3, client.nextLocalStreamId());
        assertTrue(client.isRemoteInitiated(2));
        assertFalse(client.isRemoteInitiated(3));
        assertFalse(client.isRemoteInitiated(0));
    }

    @Test
    void theIdSpaceRunsOut() throws Http2Exception {
        StreamIds client = new StreamIds(false);
        int last = 0;
        for (int next = client.nextLocalStreamId(); next > 0; next = client.nextLocalStreamId()) {
            last = next;
        }
        assertEquals(Integer.MAX_VALUE, last, "2^31-1 is the last odd id");
        assertEquals(-1, client.nextLocalStreamId(), "and stays exhausted: open a new connection");
        StreamIds server = new StreamIds(true);
        server.remoteOpened(Integer.MAX_VALUE);
        assertProtocolError("new stream 2147483647 is not above the last stream 2147483647 the client opened",
                () -> server.remoteOpened(Integer.MAX_VALUE));
    }

    @Test
    void aClientAcceptsEvenPromisedIdsFromTheServer() throws Http2Exception {
        StreamIds client = new StreamIds(false);
        client.remoteOpened(2);
        client.remoteOpened(4);
        assertProtocolError("stream 5 opened by a server must be even", () -> client.remoteOpened(5));
    }
}
