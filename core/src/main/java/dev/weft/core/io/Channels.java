package dev.weft.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Blocking writes that always write everything. */
public final class Channels {
    private Channels() {
    }

    public static void writeFully(java.nio.channels.WritableByteChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    public static void writeFully(java.nio.channels.GatheringByteChannel ch, ByteBuffer[] bs) throws IOException {
        long left = 0;
        for (ByteBuffer b : bs) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= ch.write(bs);
        }
    }

    /** Closes without throwing. */
    public static void closeQuietly(java.io.Closeable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing useful to do: the peer is gone
        }
    }
}
