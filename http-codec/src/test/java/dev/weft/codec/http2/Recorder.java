package dev.weft.codec.http2;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A listener that records every callback as a line of text. It reads payload buffers with relative gets, moving
 * their position, to check that the reader does not depend on it.
 */
class Recorder implements FrameListener {
    final List<String> events = new ArrayList<>();

    private static String drain(ByteBuffer b) {
        String shown = Bytes.show(b);
        while (b.hasRemaining()) {
            b.get();
        }
        return "[" + shown + "]";
    }

    @Override
    public void onData(int streamId, ByteBuffer data, int flowControlledLength, boolean endStream)
            throws Http2Exception {
        events.add("DATA s=" + streamId + " end=" + endStream + " flow=" + flowControlledLength + " " + drain(data));
    }

    @Override
    public void onHeaders(int streamId, ByteBuffer headerBlock, boolean endStream, int streamDependency,
                          boolean exclusive, int weight) throws Http2Exception {
        events.add("HEADERS s=" + streamId + " end=" + endStream + " dep=" + streamDependency + " excl=" + exclusive
                + " w=" + weight + " " + drain(headerBlock));
    }

    @Override
    public void onDiscardedHeaders(int streamId, ByteBuffer headerBlock) throws Http2Exception {
        events.add("DISCARDED_HEADERS s=" + streamId + " " + drain(headerBlock));
    }

    @Override
    public void onPriority(int streamId, int dependency, boolean exclusive, int weight) throws Http2Exception {
        events.add("PRIORITY s=" + streamId + " dep=" + dependency + " excl=" + exclusive + " w=" + weight);
    }

    @Override
    public void onRstStream(int streamId, long errorCode) throws Http2Exception {
        events.add("RST_STREAM s=" + streamId + " code=" + errorCode);
    }

    @Override
    public void onSettings(boolean ack, ByteBuffer payload) throws Http2Exception {
        events.add("SETTINGS ack=" + ack + " " + drain(payload));
    }

    @Override
    public void onPushPromise(int streamId, int promisedStreamId, ByteBuffer headerBlock) throws Http2Exception {
        events.add("PUSH_PROMISE s=" + streamId + " promised=" + promisedStreamId + " " + drain(headerBlock));
    }

    @Override
    public void onPing(boolean ack, long opaque) throws Http2Exception {
        events.add("PING ack=" + ack + " opaque=" + Long.toHexString(opaque));
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) throws Http2Exception {
        events.add("GOAWAY last=" + lastStreamId + " code=" + errorCode + " " + drain(debugData));
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        events.add("WINDOW_UPDATE s=" + streamId + " inc=" + increment);
    }

    @Override
    public void onUnknownFrame(int type, int streamId, int flags, ByteBuffer payload) throws Http2Exception {
        events.add("UNKNOWN type=" + type + " s=" + streamId + " flags=" + flags + " " + drain(payload));
    }

    /** The line recorded for an error thrown by the reader or a listener. */
    static String describe(Http2Exception e) {
        return (e.isConnectionError() ? "connection " : "stream " + e.streamId() + " ") + e.error() + ": "
                + e.getMessage();
    }
}
