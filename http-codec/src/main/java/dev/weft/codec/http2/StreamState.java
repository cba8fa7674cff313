package dev.weft.codec.http2;

/**
 * The stream states of RFC 9113 section 5.1, seen from one endpoint: "local" is us, "remote" the peer. Transitions are
 * in {@link StreamStateMachine}.
 */
public enum StreamState {
    /** Not used yet; every stream starts here. */
    IDLE,
    /** We sent a PUSH_PROMISE reserving this stream. */
    RESERVED_LOCAL,
    /** The peer sent a PUSH_PROMISE reserving this stream. */
    RESERVED_REMOTE,
    /** Both sides may send. */
    OPEN,
    /** We sent END_STREAM; the peer may still send. */
    HALF_CLOSED_LOCAL,
    /** The peer sent END_STREAM; we may still send. */
    HALF_CLOSED_REMOTE,
    /** Terminal: by END_STREAM both ways, or by a RST_STREAM either way. */
    CLOSED
}
