package dev.weft.core.io;

import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

import java.nio.ByteBuffer;

/**
 * The shared pool of connection read buffers (direct, {@link ChannelInput#BUFFER_SIZE} bytes). A connection borrows
 * one while bytes are in flight and gives it back while it sits idle or when it closes, so idle connections hold no
 * read buffer. Lock-free (jctools' MPMC queue); when the pool is empty a new buffer is allocated, when it is full a
 * returned buffer is left to the garbage collector.
 *
 * <p>Contract: a buffer is given back only by the one thread that owns it, after its last use.
 */
public final class BufferPool {
    /** Buffers kept for reuse: 4 MiB of direct memory at most. */
    static final int CAPACITY = 256;
    private static final MpmcAtomicArrayQueue<ByteBuffer> FREE = new MpmcAtomicArrayQueue<>(CAPACITY);

    private BufferPool() {
    }

    static ByteBuffer acquire() {
        ByteBuffer b = FREE.poll();
        if (b == null) {
            b = ByteBuffer.allocateDirect(ChannelInput.BUFFER_SIZE);
        }
        b.clear();
        return b;
    }

    static void release(ByteBuffer b) {
        if (b != null && b.isDirect() && b.capacity() == ChannelInput.BUFFER_SIZE) {
            b.clear();
            FREE.offer(b);
        }
    }

    /** Buffers waiting in the pool (for /memory and tests). */
    public static int free() {
        return FREE.size();
    }
}
