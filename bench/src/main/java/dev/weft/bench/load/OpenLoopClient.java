package dev.weft.bench.load;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import org.HdrHistogram.Histogram;

/**
 * Open-loop HTTP/1.1 load generator: sends GET requests at a fixed rate over a fixed set of keep-alive connections and
 * measures each latency from the request's intended send time, so a stalled server cannot hide its stall by slowing
 * the client down (coordinated omission; the wrk2 and Nighthawk method).
 *
 * <p>Each connection is a blocking {@code SocketChannel} (wrapped in a TLS channel if {@link Settings#tls()} is set)
 * owned by one virtual thread ({@link ScheduledConnection}). With {@link Settings#newConnectionPerRequest()} each
 * request opens its own connection instead and asks the server to close it.
 * Requests are never pipelined: a connection whose response is late sends its overdue requests back to back once the
 * response arrives, and each of them is charged from its own intended time. A failed request (refused, failed TLS
 * handshake, reset, closed before the response ended, unparseable) counts as an error and the connection is reopened
 * for the next one.
 *
 * <pre>{@code java -cp weft-benchmarks.jar dev.weft.bench.load.OpenLoopClient 127.0.0.1:8080 2000 16 30 /health}</pre>
 */
public final class OpenLoopClient {

    static final long LOWEST_MICROS = 1;
    static final long HIGHEST_MICROS = TimeUnit.HOURS.toMicros(1);
    static final int SIGNIFICANT_DIGITS = 3;
    /** How long responses may still arrive after the last scheduled send; what is missing then counts as errors. */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);
    /** Time between opening the connections and the first scheduled send, so connection setup is not measured. */
    static final Duration START_DELAY = Duration.ofMillis(20);

    private OpenLoopClient() {
    }

    /**
     * What to load and for how long, and how to connect.
     *
     * <p>With {@code tls} every connection runs a TLS handshake (JDK {@link javax.net.ssl.SSLEngine} over the blocking
     * socket) before its first request. The certificate is checked only by the context's trust managers: the host
     * name is not verified (a benchmark client, pointed at a known address). Engines are created without a peer
     * host, so no session is resumed and every new connection pays a full handshake: the worst case, and the same
     * for every target. ALPN offers only {@code http/1.1}.
     *
     * @param target                  address to connect to
     * @param host                    value of the Host header
     * @param path                    request target, origin-form ({@code /...})
     * @param connections             connections sharing the schedule (keep-alive ones, unless
     *                                {@code newConnectionPerRequest}: then the number of concurrent exchanges)
     * @param ratePerSecond           requests per second over all connections
     * @param duration                measured period
     * @param warmup                  period before it at the same rate whose requests are sent but not recorded
     * @param tls                     context for TLS client connections, or null for plaintext
     * @param sni                     server name to send in the TLS handshake (SNI), or null to send none; needs
     *                                {@code tls}
     * @param newConnectionPerRequest every request goes on a new connection (and TLS handshake) and carries
     *                                {@code Connection: close}; its latency, from the intended send time as always,
     *                                includes connect and handshake
     */
    public record Settings(InetSocketAddress target, String host, String path, int connections, double ratePerSecond,
                           Duration duration, Duration warmup, SSLContext tls, String sni,
                           boolean newConnectionPerRequest) {
        public Settings {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(duration, "duration");
            Objects.requireNonNull(warmup, "warmup");
            if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("host must be a non-empty token: " + host);
            }
            if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
                throw new IllegalArgumentException("path must be origin-form without spaces: " + path);
            }
            if (connections < 1) {
                throw new IllegalArgumentException("connections must be >= 1: " + connections);
            }
            if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
                throw new IllegalArgumentException("ratePerSecond must be positive: " + ratePerSecond);
            }
            if (duration.isNegative() || duration.isZero() || warmup.isNegative()) {
                throw new IllegalArgumentException("duration must be positive and warmup not negative");
            }
            if (sni != null) {
                if (tls == null) {
                    throw new IllegalArgumentException("sni needs tls: " + sni);
                }
                if (sni.indexOf(':') >= 0 || sni.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))) {
                    throw new IllegalArgumentException("sni must be a host name, not an IP literal: " + sni);
                }
                new SNIHostName(sni); // RFC 6066 section 3: a DNS host name; throws if invalid
            }
        }

        /** Plaintext, keep-alive connections. */
        public Settings(InetSocketAddress target, String host, String path, int connections, double ratePerSecond,
                        Duration duration, Duration warmup) {
            this(target, host, path, connections, ratePerSecond, duration, warmup, null, null, false);
        }

        /** Settings without warm-up, Host taken from the target; plaintext, keep-alive connections. */
        public static Settings of(InetSocketAddress target, String path, int connections, double ratePerSecond,
                                  Duration duration) {
            return new Settings(target, target.getHostString() + ":" + target.getPort(), path, connections,
                    ratePerSecond, duration, Duration.ZERO);
        }

        /** The same settings over TLS ({@code tls} null: plaintext, and then {@code sni} must be null too). */
        public Settings withTls(SSLContext tls, String sni) {
            return new Settings(target, host, path, connections, ratePerSecond, duration, warmup, tls, sni,
                    newConnectionPerRequest);
        }

        /** The same settings with a new connection per request ({@code true}) or keep-alive connections. */
        public Settings withNewConnectionPerRequest(boolean newConnectionPerRequest) {
            return new Settings(target, host, path, connections, ratePerSecond, duration, warmup, tls, sni,
                    newConnectionPerRequest);
        }

        /** The same settings with another warm-up period. */
        public Settings withWarmup(Duration warmup) {
            return new Settings(target, host, path, connections, ratePerSecond, duration, warmup, tls, sni,
                    newConnectionPerRequest);
        }
    }

    /**
     * What a run measured, counting only requests scheduled after the warm-up.
     *
     * @param latencyMicros     response end minus intended send time, in microseconds: the latency users saw
     * @param requests          responses received (any status)
     * @param errors            requests without a response: connect and TLS handshake failures, resets, early closes,
     *                          bad framing, and anything still missing {@link #DRAIN_TIMEOUT} after the last
     *                          scheduled send
     * @param non2xx            responses whose status is not 2xx (included in {@code requests})
     * @param achievedRate      responses per second over {@code elapsed}
     * @param elapsed           from the end of warm-up until the last connection finished
     * @param sendLatencyMicros response end minus actual send time: what a closed-loop tool would report, kept only
     *                          to show how much the schedule correction matters. With a new connection per
     *                          request the send starts with the connect, so connect and handshake are included.
     * @param connectionsOpened TCP connections opened for requests scheduled after the warm-up (successful connects,
     *                          handshake failures included): one per request with a new connection per request,
     *                          otherwise the initial connections (if there is no warm-up) plus the reconnects
     */
    public record Result(Histogram latencyMicros, long requests, long errors, long non2xx, double achievedRate,
                         Duration elapsed, Histogram sendLatencyMicros, long connectionsOpened) {

        /** A result that did not count connections. */
        public Result(Histogram latencyMicros, long requests, long errors, long non2xx, double achievedRate,
                      Duration elapsed, Histogram sendLatencyMicros) {
            this(latencyMicros, requests, errors, non2xx, achievedRate, elapsed, sendLatencyMicros, 0);
        }

        /** One line: latency percentiles in milliseconds, achieved rate, errors. */
        public String summary() {
            Histogram h = latencyMicros;
            return String.format(Locale.ROOT,
                    "latency ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f p99.99 %.3f max %.3f | "
                            + "%.1f req/s achieved, %d requests, %d errors, %d non-2xx in %.3f s",
                    ms(h.getValueAtPercentile(50)), ms(h.getValueAtPercentile(90)), ms(h.getValueAtPercentile(99)),
                    ms(h.getValueAtPercentile(99.9)), ms(h.getValueAtPercentile(99.99)), ms(h.getMaxValue()),
                    achievedRate, requests, errors, non2xx, elapsed.toNanos() / 1e9);
        }

        /** Writes the latency distribution in HdrHistogram's {@code .hgrm} text format, values in milliseconds. */
        public void writePercentileDistribution(OutputStream out) {
            PrintStream ps = new PrintStream(out, false, StandardCharsets.UTF_8);
            latencyMicros.outputPercentileDistribution(ps, 1000.0);
            ps.flush();
        }

        /** Writes {@link #writePercentileDistribution(OutputStream)} to a file, e.g. {@code run.hgrm}. */
        public void writePercentileDistribution(Path file) throws IOException {
            try (OutputStream out = Files.newOutputStream(file)) {
                writePercentileDistribution(out);
            }
        }

        private static double ms(long micros) {
            return micros / 1000.0;
        }
    }

    /**
     * Runs the schedule to its end and waits for the responses (at most {@link #DRAIN_TIMEOUT} more).
     *
     * @throws IOException if a connection cannot be opened before the run starts
     */
    public static Result run(Settings s) throws IOException, InterruptedException {
        ByteBuffer request = encodeRequest(s.host(), s.path(), s.newConnectionPerRequest());
        double periodNanos = 1e9 / s.ratePerSecond();
        Histogram template = newHistogram();

        // Probe the target once so a wrong address fails fast instead of turning into a run of errors.
        SocketChannel.open(s.target()).close();

        long start = System.nanoTime() + START_DELAY.toNanos();
        long measureFrom = start + s.warmup().toNanos();
        long end = measureFrom + s.duration().toNanos();
        List<ScheduledConnection> workers = new ArrayList<>(s.connections());
        List<Thread> threads = new ArrayList<>(s.connections());
        for (int i = 0; i < s.connections(); i++) {
            ScheduledConnection w = new ScheduledConnection(s, request, i, periodNanos, start, measureFrom, end,
                    template);
            workers.add(w);
            threads.add(Thread.ofVirtual().name("open-loop-" + i).start(w));
        }

        long drainDeadline = end + DRAIN_TIMEOUT.toNanos();
        try {
            for (Thread t : threads) {
                long left = drainDeadline - System.nanoTime();
                if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                    break;
                }
            }
        } finally {
            workers.forEach(ScheduledConnection::stop); // no-op for finished workers; unblocks stalled reads
            for (Thread t : threads) {
                t.join();
            }
        }
        long finished = System.nanoTime();

        Histogram latency = newHistogram();
        Histogram sendLatency = newHistogram();
        long responses = 0;
        long errors = 0;
        long non2xx = 0;
        long connectionsOpened = 0;
        for (ScheduledConnection w : workers) {
            latency.add(w.intendedLatencyMicros);
            sendLatency.add(w.sendLatencyMicros);
            responses += w.responses;
            errors += w.errors;
            non2xx += w.non2xx;
            connectionsOpened += w.connectionsOpened;
        }
        Duration elapsed = Duration.ofNanos(Math.max(1, finished - measureFrom));
        double achieved = responses / (elapsed.toNanos() / 1e9);
        return new Result(latency, responses, errors, non2xx, achieved, elapsed, sendLatency, connectionsOpened);
    }

    static Histogram newHistogram() {
        return new Histogram(LOWEST_MICROS, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
    }

    static ByteBuffer encodeRequest(String host, String path, boolean close) {
        String head = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: weft-open-loop\r\n"
                + "Accept: */*\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n";
        return ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();
    }

    /** {@code host:port rate connections seconds [path]}: runs without warm-up and prints the summary. */
    public static void main(String[] args) throws Exception {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: OpenLoopClient host:port rate connections seconds [path]");
            System.exit(2);
        }
        int colon = args[0].lastIndexOf(':');
        if (colon <= 0) {
            System.err.println("target must be host:port: " + args[0]);
            System.exit(2);
        }
        String hostName = args[0].substring(0, colon);
        int port = Integer.parseInt(args[0].substring(colon + 1));
        Settings settings = new Settings(new InetSocketAddress(hostName, port), args[0], args.length == 5 ? args[4] : "/",
                Integer.parseInt(args[2]), Double.parseDouble(args[1]),
                Duration.ofMillis(Math.round(Double.parseDouble(args[3]) * 1000)), Duration.ZERO);
        Result result = run(settings);
        System.out.println(result.summary());
    }
}
