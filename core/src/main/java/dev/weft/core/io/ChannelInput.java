package dev.weft.core.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The read side of a blocking channel with its buffer, always in read mode (bytes between position and limit are
 * unread). Owned by one thread at a time.
 */
public final class ChannelInput {
    /** Bytes read per syscall at most; large enough for a typical head plus a body chunk. */
    public static final int BUFFER_SIZE = 16 * 1024;

    private final Transport channel;
    private final ByteBuffer buffer;

    public ChannelInput(Transport channel) {
        this(channel, ByteBuffer.allocateDirect(BUFFER_SIZE));
    }

    public ChannelInput(Transport channel, ByteBuffer buffer) {
        this.channel = channel;
        this.buffer = buffer;
        buffer.clear().flip();
    }

    public ByteBuffer buffer() {
        return buffer;
    }

    public Transport channel() {
        return channel;
    }

    /** Reads more bytes, keeping the unread ones; returns the count read, or -1 at end of stream. */
    public int fill() throws IOException {
        buffer.compact();
        try {
            int n = channel.read(buffer);
            return n;
        } finally {
            buffer.flip();
        }
    }

    /** Like {@link #fill()} but end of stream is an {@link EOFException}. */
    public void fillOrThrow() throws IOException {
        if (fill() < 0) {
            throw new EOFException("peer closed the connection");
        }
    }
}
