package dev.weft.bench;

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
 *   <li>{@code lock}: the thread that holds the lock writes (two system calls per response).</li>
 *   <li>{@code queue}: frames go through an MPSC queue to one writer virtual thread that gathers what is queued into
 *       one write; a body up to 1015 bytes is copied and its sender goes on, a larger one is written from the
 *       sender's buffer while the sender waits.</li>
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
    private FrameOutput output;
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
        output = FrameOutput.create(FrameOutput.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT)),
                Transport.plain(accepted), lock, never, TimeUnit.SECONDS.toNanos(30), () -> { });
        headers = List.of(new String[] {":status", "200"}, new String[] {"content-type", "application/json"},
                new String[] {"content-length", Integer.toString(body)});
        for (int t = 0; t < payloads.length; t++) {
            payloads[t] = ByteBuffer.allocateDirect(body);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException, InterruptedException {
        output.close(TimeUnit.SECONDS.toNanos(5));
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
                    output.awaitRoom();
                    headerBlocks.encode(out, flusher, id, headers, false, MAX_FRAME_SIZE);
                    flush();
                } finally {
                    lock.unlock();
                }
                payload.clear();
                FrameOutput.Pending pending;
                lock.lock();
                try {
                    output.awaitRoom();
                    pending = output.data(id, payload, true);
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
            output.flush(out);
        } finally {
            out.clear();
        }
    }
}
