package dev.weft.codec.http2;

/**
 * Stream identifier rules of RFC 9113 section 5.1.1 for one connection: clients open odd streams, servers even ones,
 * each side in strictly increasing order; using a new identifier implicitly closes every idle stream of that side
 * below it. The caller tracks the streams it keeps state for; this class answers for the others, and allocates our
 * own identifiers.
 */
public final class StreamIds {
    private final boolean server;
    private int lastRemote;
    private int lastLocal;

    /** @param server true on the server side: the peer opens odd streams and we open (push) even ones */
    public StreamIds(boolean server) {
        this.server = server;
    }

    /** Whether {@code streamId} is of the peer's parity: odd on a server, even (and not 0) on a client. */
    public boolean isRemoteInitiated(int streamId) {
        return streamId > 0 && ((streamId & 1) == 1) == server;
    }

    /** The highest stream id the peer opened (or we accepted a promise for), 0 if none: GOAWAY's last stream id. */
    public int lastRemoteStreamId() {
        return lastRemote;
    }

    /** The highest stream id we opened or promised, 0 if none. */
    public int lastLocalStreamId() {
        return lastLocal;
    }

    /**
     * The peer opens stream {@code streamId}, with HEADERS on a stream the caller does not track, or (on a client)
     * with the promised id of a PUSH_PROMISE.
     *
     * @throws Http2Exception a connection PROTOCOL_ERROR if the id is not of the peer's parity or is not above every
     *                        id the peer used before (RFC 9113 section 5.1.1)
     */
    public void remoteOpened(int streamId) throws Http2Exception {
        if (!isRemoteInitiated(streamId)) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "stream " + streamId + " opened by a "
                    + (server ? "client must be odd" : "server must be even"));
        }
        if (streamId <= lastRemote) {
            throw Http2Exception.connection(ErrorCode.PROTOCOL_ERROR, "new stream " + streamId
                    + " is not above the last stream " + lastRemote + " the " + (server ? "client" : "server")
                    + " opened");
        }
        lastRemote = streamId;
    }

    /**
     * The state of a stream the caller does not track: {@link StreamState#IDLE} if its id has not been used yet,
     * {@link StreamState#CLOSED} if an id at or above it was (it was either closed and forgotten, or implicitly closed
     * while idle). Then see {@link StreamStateMachine#received} on a fresh machine for an idle stream, or
     * {@link StreamStateMachine#receivedOnForgottenStream} for a closed one.
     */
    public StreamState untrackedState(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id " + streamId + " must be positive");
        }
        int last = isRemoteInitiated(streamId) ? lastRemote : lastLocal;
        return streamId <= last ? StreamState.CLOSED : StreamState.IDLE;
    }

    /**
     * Allocates the next id for a stream we open or promise: 1, 3, 5... on a client, 2, 4, 6... on a server.
     *
     * @return the id, or -1 when the identifier space is exhausted (RFC 9113 section 5.1.1: open a new connection)
     */
    public int nextLocalStreamId() {
        int next = lastLocal == 0 ? (server ? 2 : 1) : lastLocal + 2;
        if (next <= 0) { // past 2^31-1
            return -1;
        }
        lastLocal = next;
        return next;
    }
}
