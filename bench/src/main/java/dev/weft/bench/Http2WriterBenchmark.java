package dev.weft.bench;

import dev.weft.codec.http2.FrameType;
import dev.weft.codec.http2.FrameWriter;
import dev.weft.core.http2.FrameOutput;
import dev.weft.core.io.Transport;
import dev.weft.core.pool.HeaderBlockEncoder;
import dev.weft.core.time.Deadline;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The write side of one downstream HTTP/2 connection under concurrent streams, with each {@link FrameOutput} mode:
 * 1 or 16 virtual threads (the streams' handlers) each send {@link #RESPONSES} responses, a HEADERS frame
 * (HPACK-encoded under the connection lock, as {@code Http2Connection.sendHeaders}) then one DATA frame of
 * {@code body} bytes with END_STREAM (as {@code sendData}), to a loopback TCP connection whose other end a platform
 * thread reads and discards. One operation is one response; the score includes starting and joining the threads
 * (the same for both modes, and small against {@link #RESPONSES} responses each).
 *
 * <ul>
 *   <li>{@code queue}: Weft's {@link FrameOutput}: frames go through an MPSC queue to one writer virtual thread that
 *       gathers what is queued into one write; a body up to 1015 bytes is copied and its sender goes on, a larger one
 *       is written from the sender's buffer while the sender waits.</li>
 *   <li>{@code lock}: the design it replaced, kept here as the baseline ({@link LockedWrites}): the thread that holds
 *       the connection's lock writes, two system calls per response.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class Http2WriterBenchmark {
    static final int RESPONSES = 200;
    private static final int MAX_FRAME_SIZE = 16384;

    @Param({"lock", "queue"})
    public String mode;

    @Param({"100", "16384"})
    public int body;

    private ServerSocketChannel server;
    private SocketChannel client;
    private SocketChannel accepted;
    private Thread drainer;
    private volatile boolean stop;

    private final ReentrantLock lock = new ReentrantLock();
    private final HeaderBlockEncoder headerBlocks = new HeaderBlockEncoder(16L * 1024 * 1024);
    private final ByteBuffer out = ByteBuffer.allocateDirect(16 * 1024);
    /** One of the two, by {@link #mode}. */
    private FrameOutput output;
    private LockedWrites locked;
    private final HeaderBlockEncoder.Flush flusher = this::flush;
    private List<String[]> headers;
    private final Thread[] workers = new Thread[16];
    private final ByteBuffer[] payloads = new ByteBuffer[16];

    @Setup(Level.Trial)
    public void setup() throws IOException {
        server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        client = SocketChannel.open(server.getLocalAddress());
        accepted = server.accept();
        accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
        drainer = Thread.ofPlatform().daemon().name("h2-bench-drain").start(() -> {
            ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
            try {
                while (!stop && client.read(sink.clear()) >= 0) {
                    // discard
                }
            } catch (IOException ignored) {
                // closed at tear-down
            }
        });
        Deadline never = new Deadline() {
            @Override
            protected void onExpired(int reason) {
                // never registered with a timer
            }
        };
        Transport transport = Transport.plain(accepted);
        if (mode.equals("queue")) {
            output = new FrameOutput(transport, lock, never, TimeUnit.SECONDS.toNanos(30), () -> { });
        } else {
            locked = new LockedWrites(transport, never);
        }
        headers = List.of(new String[] {":status", "200"}, new String[] {"content-type", "application/json"},
                new String[] {"content-length", Integer.toString(body)});
        for (int t = 0; t < payloads.length; t++) {
            payloads[t] = ByteBuffer.allocateDirect(body);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        if (output != null) {
            output.close(TimeUnit.SECONDS.toNanos(5));
        }
        stop = true;
        accepted.close();
        client.close();
        server.close();
        drainer.join(5000);
    }

    @Benchmark
    @OperationsPerInvocation(RESPONSES)
    public void streams1() throws InterruptedException {
        run(1);
    }

    @Benchmark
    @OperationsPerInvocation(RESPONSES * 16)
    public void streams16() throws InterruptedException {
        run(16);
    }

    private void run(int threads) throws InterruptedException {
        for (int t = 0; t < threads; t++) {
            int first = 1 + 2 * RESPONSES * t;
            ByteBuffer payload = payloads[t];
            workers[t] = Thread.ofVirtual().start(() -> stream(first, payload));
        }
        for (int t = 0; t < threads; t++) {
            workers[t].join();
        }
    }

    /** One stream thread: RESPONSES responses on stream ids first, first + 2, ... */
    private void stream(int first, ByteBuffer payload) {
        try {
            for (int i = 0; i < RESPONSES; i++) {
                int id = first + 2 * i;
                lock.lock();
                try {
                    if (output != null) {
                        output.awaitRoom();
                    }
                    headerBlocks.encode(out, flusher, id, headers, false, MAX_FRAME_SIZE);
                    flush();
                } finally {
                    lock.unlock();
                }
                payload.clear();
                FrameOutput.Frame pending = null;
                lock.lock();
                try {
                    if (output != null) {
                        output.awaitRoom();
                        pending = output.data(id, payload, true);
                    } else {
                        locked.data(id, payload, true);
                    }
                } finally {
                    lock.unlock();
                }
                if (pending != null) {
                    output.await(pending);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Holds the lock. */
    private void flush() throws IOException {
        out.flip();
        try {
            if (output != null) {
                output.flush(out);
            } else {
                locked.write(out);
            }
        } finally {
            out.clear();
        }
    }

    /**
     * The baseline: frames written by the thread that holds the connection's lock, as Http2Connection did before
     * {@link FrameOutput} (a flush is one write; a DATA frame is its header and payload in one gathering write).
     */
    static final class LockedWrites {
        private final Transport channel;
        private final Deadline writeDeadline;
        private final ByteBuffer dataHeader = ByteBuffer.allocateDirect(9);
        private final ByteBuffer[] gather = new ByteBuffer[2];

        LockedWrites(Transport channel, Deadline writeDeadline) {
            this.channel = channel;
            this.writeDeadline = writeDeadline;
        }

        /** Holds the lock. */
        void write(ByteBuffer b) throws IOException {
            writeDeadline.arm(TimeUnit.SECONDS.toNanos(30), 2);
            try {
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            } finally {
                writeDeadline.disarm();
            }
        }

        /** Holds the lock. */
        void data(int streamId, ByteBuffer payload, boolean endStream) throws IOException {
            dataHeader.clear();
            FrameWriter.writeFrameHeader(dataHeader, payload.remaining(), FrameType.DATA, endStream ? 0x1 : 0,
                    streamId);
            dataHeader.flip();
            gather[0] = dataHeader;
            gather[1] = payload;
            writeDeadline.arm(TimeUnit.SECONDS.toNanos(30), 2);
            try {
                while (dataHeader.hasRemaining() || payload.hasRemaining()) {
                    channel.write(gather);
                }
            } finally {
                writeDeadline.disarm();
                gather[1] = null;
            }
        }
    }
}
