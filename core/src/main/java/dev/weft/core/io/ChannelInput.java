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

    /** Bytes an idle connection reads into while its buffer is back in the pool: a request line's start. */
    static final int IDLE_PROBE_SIZE = 512;

    private final Transport channel;
    private final boolean pooled;
    /** Replaced only by the owner thread, in {@link #fillIdle()}; callers re-read it after that call. */
    private ByteBuffer buffer;

    /** A read side with a buffer borrowed from the shared {@link BufferPool}; give it back with {@link #release()}. */
    public static ChannelInput pooled(Transport channel) {
        return new ChannelInput(channel, BufferPool.acquire(), true);
    }

    public ChannelInput(Transport channel) {
        this(channel, ByteBuffer.allocateDirect(BUFFER_SIZE), false);
    }

    public ChannelInput(Transport channel, ByteBuffer buffer) {
        this(channel, buffer, false);
    }

    private ChannelInput(Transport channel, ByteBuffer buffer, boolean pooled) {
        this.channel = channel;
        this.buffer = buffer;
        this.pooled = pooled;
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

    /**
     * Waits for the peer's next bytes without holding the read buffer (for an idle connection with nothing unread):
     * the buffer goes back to the pool, the wait uses a small probe, and a buffer is borrowed again when bytes come.
     * Returns the count read, or -1 at end of stream. The buffer object changes: callers re-read {@link #buffer()}.
     */
    public int fillIdle() throws IOException {
        if (!pooled || buffer.hasRemaining()) {
            return fill();
        }
        BufferPool.release(buffer);
        buffer = null;
        ByteBuffer probe = ByteBuffer.allocate(IDLE_PROBE_SIZE);
        int n = -1;
        try {
            n = channel.read(probe);
        } finally {
            buffer = BufferPool.acquire();
            probe.flip();
            buffer.put(probe).flip();
        }
        return n;
    }

    /**
     * Makes room for {@code n} unread bytes (a filter reading ahead into a request body): a larger heap buffer, with
     * the unread bytes, replaces a smaller one. The pool's buffer goes back to the pool; the next idle wait
     * ({@link #fillIdle()}) borrows one again, so the larger buffer lives only while that request is read. Callers
     * re-read {@link #buffer()}.
     */
    public void ensureCapacity(int n) {
        if (buffer.capacity() >= n) {
            return;
        }
        ByteBuffer larger = ByteBuffer.allocate(n);
        larger.put(buffer).flip();
        if (pooled) {
            BufferPool.release(buffer); // takes only its own direct buffers, never this heap one
        }
        buffer = larger;
    }

    /** Gives a pooled buffer back; call once, from the owner thread, after the last use. */
    public void release() {
        if (pooled && buffer != null) {
            BufferPool.release(buffer);
            buffer = null;
        }
    }

    /** Like {@link #fill()} but end of stream is an {@link EOFException}. */
    public void fillOrThrow() throws IOException {
        if (fill() < 0) {
            throw new EOFException("peer closed the connection");
        }
    }
}
