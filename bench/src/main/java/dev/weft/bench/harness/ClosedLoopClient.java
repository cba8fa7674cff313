package dev.weft.bench.harness;

import dev.weft.bench.report.Report;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.HdrHistogram.Recorder;

/**
 * A closed-loop HTTP/1.1 client for what wrk cannot do (a TLS client certificate): {@code connections} keep-alive
 * connections, each sending the next request as soon as the previous response ended, for a fixed time. One virtual
 * thread per connection, JDK sockets (SSLSocket for TLS). Latency is measured from the actual send, like wrk's.
 */
final class ClosedLoopClient {

    private ClosedLoopClient() {
    }

    static ClosedLoopResult run(InetSocketAddress target, String path, SSLContext tls, int connections,
                                double seconds) throws InterruptedException {
        byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + target.getHostString() + ":" + target.getPort()
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        Recorder latency = new Recorder(1, 3_600_000_000L, 3);
        LongAdder done = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder non2xx = new LongAdder();
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    try (Socket s = open(target, tls)) {
                        OutputStream out = s.getOutputStream();
                        InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
                        while (System.nanoTime() < end) {
                            long t0 = System.nanoTime();
                            out.write(request);
                            out.flush();
                            int status = readResponse(in);
                            latency.recordValue(Math.max(1, (System.nanoTime() - t0) / 1000));
                            done.increment();
                            if (status / 100 != 2) {
                                non2xx.increment();
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        errors.increment();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        var h = latency.getIntervalHistogram();
        double ms = 1000.0;
        return new ClosedLoopResult("weft ClosedLoopClient", done.sum() / elapsed, done.sum(), errors.sum(),
                non2xx.sum(), new Report.Latency(h.getValueAtPercentile(50) / ms, h.getValueAtPercentile(90) / ms,
                h.getValueAtPercentile(99) / ms, h.getValueAtPercentile(99.9) / ms,
                h.getValueAtPercentile(99.99) / ms, h.getMaxValue() / ms));
    }

    private static Socket open(InetSocketAddress target, SSLContext tls) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(target, 5000);
        s.setSoTimeout(10_000);
        if (tls == null) {
            return s;
        }
        SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(s, target.getHostString(), target.getPort(),
                true);
        ssl.startHandshake();
        return ssl;
    }

    /** Reads one response with a Content-Length body (what the bench origin sends); returns the status. */
    static int readResponse(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int status = -1;
        long length = -1;
        boolean first = true;
        while (true) {
            line.setLength(0);
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed in the response head");
                }
                if (c != '\r') {
                    line.append((char) c);
                }
            }
            if (line.isEmpty()) {
                break;
            }
            String l = line.toString();
            if (first) {
                status = Integer.parseInt(l.substring(9, 12));
                first = false;
            } else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Long.parseLong(l.substring(15).strip());
            } else if (l.toLowerCase(Locale.ROOT).startsWith("transfer-encoding:")) {
                throw new IOException("chunked responses are not expected from the bench origin");
            }
        }
        if (length < 0) {
            throw new IOException("response without content-length");
        }
        in.skipNBytes(length);
        return status;
    }
}
