package dev.weft.core.pool;

import dev.weft.codec.http1.ChunkedDecoder;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.ResponseHeadParser;
import dev.weft.core.io.ChannelInput;
import dev.weft.core.io.Channels;
import dev.weft.core.io.Transport;
import dev.weft.core.time.Deadline;

import java.nio.channels.SocketChannel;

/**
 * One HTTP/1.1 connection to an upstream endpoint, borrowed exclusively by one request at a time from its
 * {@link Http1Pool}. Its deadline slot bounds connect, response-head and body reads.
 */
public final class UpstreamConnection extends Deadline {
    /** Deadline reasons. */
    public static final int CONNECT = 1;
    public static final int RESPONSE_TIMEOUT = 2;
    public static final int IDLE = 3;

    private final SocketChannel channel;
    private final Transport transport;
    private final Http1Pool pool;
    private final ChannelInput input;
    private final ResponseHeadParser headParser = new ResponseHeadParser(Http1Limits.DEFAULTS);
    private final ChunkedDecoder chunked = new ChunkedDecoder(Http1Limits.DEFAULTS);
    private boolean responseBytesSeen;
    /** Requests served; read by the owner only. */
    int requests;
    /** When it went back to the idle list; guarded by the pool lock. */
    long idleSince;

    UpstreamConnection(SocketChannel channel, Transport transport, Http1Pool pool) {
        this.channel = channel;
        this.transport = transport;
        this.pool = pool;
        this.input = new ChannelInput(transport);
    }

    /** The TCP connection (addresses, options, a hard close). */
    public SocketChannel channel() {
        return channel;
    }

    /** The byte stream requests and responses go through. */
    public Transport transport() {
        return transport;
    }

    public ChannelInput input() {
        return input;
    }

    /**
     * Reads the response head of the request just sent, skipping 1xx interim responses; a 101 is invalid, since no
     * upgrade is ever asked for. {@link #responseBytesSeen} then says whether the upstream sent anything at all, which
     * decides between a retry on a fresh connection and a failure when this throws.
     */
    public dev.weft.codec.http1.ResponseHead readResponseHead() throws java.io.IOException,
            dev.weft.codec.http1.Http1Exception {
        responseBytesSeen = false;
        java.nio.ByteBuffer buf = input.buffer();
        while (true) {
            headParser.reset();
            boolean complete = false;
            while (!complete) {
                if (buf.hasRemaining()) {
                    responseBytesSeen = true;
                    complete = headParser.parse(buf);
                    continue;
                }
                if (input.fill() < 0) {
                    throw new java.io.EOFException("upstream closed before the response head");
                }
            }
            if (!headParser.head().isInformational()) {
                return headParser.head();
            }
            if (headParser.head().status() == 101) {
                throw dev.weft.codec.http1.Http1Exception.of(dev.weft.codec.http1.Http1Violation.INVALID_STATUS_LINE);
            }
        }
    }

    /** True when the last {@link #readResponseHead} got any byte from the upstream. Owner thread only. */
    public boolean responseBytesSeen() {
        return responseBytesSeen;
    }

    public ResponseHeadParser headParser() {
        return headParser;
    }

    public ChunkedDecoder chunked() {
        return chunked;
    }

    public Http1Pool pool() {
        return pool;
    }

    /** True when this connection served a request before (a failure on it may be a stale keep-alive). */
    public boolean reused() {
        return requests > 0;
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    /**
     * True when an idle connection can carry a request: still open, and the upstream has neither closed it nor sent
     * anything unasked. One non-blocking read: on a virtual thread the socket is non-blocking underneath already,
     * so switching modes costs no system call. Envoy watches idle connections for the same reason.
     */
    boolean isUsable() {
        if (!channel.isOpen()) {
            return false;
        }
        if (transport.secure()) {
            // peek at the TCP socket under TLS: end of stream, or any byte (an alert, a close_notify) that arrived
            // while idle, means the upstream is done with this connection; the bytes are lost with it
            try {
                channel.configureBlocking(false);
                try {
                    return channel.read(java.nio.ByteBuffer.allocate(1)) == 0;
                } finally {
                    channel.configureBlocking(true);
                }
            } catch (java.io.IOException e) {
                return false;
            }
        }
        java.nio.ByteBuffer buf = input.buffer();
        if (buf.hasRemaining()) {
            return false; // bytes after the last response: the upstream is confused
        }
        try {
            channel.configureBlocking(false);
            int n;
            try {
                n = input.fill();
            } finally {
                channel.configureBlocking(true);
            }
            return n == 0;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    void close() {
        Channels.closeQuietly(channel);
    }

    @Override
    protected void onExpired(int reason) {
        Channels.closeQuietly(channel);
    }
}
