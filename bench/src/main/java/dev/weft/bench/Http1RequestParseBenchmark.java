package dev.weft.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.weft.codec.http1.Http1Exception;
import dev.weft.codec.http1.Http1Limits;
import dev.weft.codec.http1.RequestHead;
import dev.weft.codec.http1.RequestHeadParser;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Cost of parsing one HTTP/1.1 request head with a reused {@link RequestHeadParser}: the per-request work of a
 * keep-alive connection. Expected allocation: 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class Http1RequestParseBenchmark {

    @Param({"curl", "browser", "post"})
    public String request;

    private RequestHeadParser parser;
    private ByteBuffer input;

    @Setup
    public void setup() throws Http1Exception {
        String text = switch (request) {
            case "curl" -> "GET /index.html HTTP/1.1\r\nHost: localhost:8080\r\nUser-Agent: curl/8.5.0\r\n"
                    + "Accept: */*\r\n\r\n";
            case "browser" -> "GET /search?q=weft&lang=en HTTP/1.1\r\n"
                    + "Host: www.example.com\r\n"
                    + "Connection: keep-alive\r\n"
                    + "sec-ch-ua: \"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\"\r\n"
                    + "sec-ch-ua-mobile: ?0\r\n"
                    + "sec-ch-ua-platform: \"Linux\"\r\n"
                    + "Upgrade-Insecure-Requests: 1\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/124.0.0.0 Safari/537.36\r\n"
                    + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
                    + "Sec-Fetch-Site: same-origin\r\n"
                    + "Sec-Fetch-Mode: navigate\r\n"
                    + "Referer: https://www.example.com/\r\n"
                    + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
                    + "Accept-Language: en-US,en;q=0.9,fr;q=0.8\r\n"
                    + "Cookie: _ga=GA1.1.123456789.1700000000; session=3f9a1c2b7d8e4f60a1b2c3d4e5f60718; "
                    + "theme=dark; consent=analytics%3Dfalse%26ads%3Dfalse\r\n\r\n";
            case "post" -> "POST /api/v1/orders HTTP/1.1\r\nHost: api.internal:8443\r\n"
                    + "User-Agent: okhttp/4.12.0\r\nAccept: application/json\r\n"
                    + "Content-Type: application/json; charset=utf-8\r\nContent-Length: 348\r\n"
                    + "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3ZWZ0In0.c2lnbmF0dXJl\r\n"
                    + "X-Request-Id: 7b1f2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d\r\n\r\n";
            default -> throw new IllegalArgumentException(request);
        };
        input = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
        parser = new RequestHeadParser(Http1Limits.DEFAULTS);
        if (!parser.parse(input)) {
            throw new IllegalStateException("benchmark input is not a complete head");
        }
    }

    @Benchmark
    public void parse(Blackhole bh) throws Http1Exception {
        parser.reset();
        input.position(0);
        bh.consume(parser.parse(input));
        RequestHead head = parser.head();
        bh.consume(head.fieldCount());
        bh.consume(head.contentLength());
        bh.consume(head.keepAlive());
    }
}
