package dev.weft.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.weft.codec.hpack.HeaderSink;
import dev.weft.codec.hpack.HpackDecoder;
import dev.weft.codec.hpack.HpackEncoder;
import dev.weft.codec.hpack.HpackException;
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
 * Cost of HPACK-decoding and -encoding one Chrome-like request header block (the header set of {@link
 * Http1RequestParseBenchmark}'s "browser" request, Huffman-coded as browsers send it):
 * <ul>
 *   <li>{@code first}: the first request on a connection. Decoding: a block of literals with incremental indexing,
 *       decoded again and again by one decoder, so each operation Huffman-decodes the strings and inserts 12 entries
 *       into a full 4096-octet table, evicting as many. Encoding: an encoder whose 512-octet table is too small to
 *       keep any entry until the same field comes round again, so each operation Huffman-encodes and inserts.</li>
 *   <li>{@code repeat}: the same request again on the connection: all indexed but :path (not indexed) and cookie
 *       (never indexed).</li>
 * </ul>
 * Expected allocation: 0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class HpackDecodeBenchmark {
    private static final String[][] REQUEST = {
            {":method", "GET"},
            {":scheme", "https"},
            {":authority", "www.example.com"},
            {":path", "/search?q=weft&lang=en"},
            {"sec-ch-ua", "\"Chromium\";v=\"124\", \"Google Chrome\";v=\"124\", \"Not-A.Brand\";v=\"99\""},
            {"sec-ch-ua-mobile", "?0"},
            {"sec-ch-ua-platform", "\"Linux\""},
            {"upgrade-insecure-requests", "1"},
            {"user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/124.0.0.0 Safari/537.36"},
            {"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
            {"sec-fetch-site", "same-origin"},
            {"sec-fetch-mode", "navigate"},
            {"referer", "https://www.example.com/"},
            {"accept-encoding", "gzip, deflate, br, zstd"},
            {"accept-language", "en-US,en;q=0.9,fr;q=0.8"},
            {"cookie", "_ga=GA1.1.123456789.1700000000; session=3f9a1c2b7d8e4f60a1b2c3d4e5f60718; "
                    + "theme=dark; consent=analytics%3Dfalse%26ads%3Dfalse"}};

    @Param({"first", "repeat"})
    public String request;

    private HpackDecoder decoder;
    private ByteBuffer block;
    private final CountingSink sink = new CountingSink();

    private HpackEncoder encoder;
    private byte[][] names;
    private byte[][] values;
    private final ByteBuffer out = ByteBuffer.allocate(4096);

    @Setup
    public void setup() throws HpackException {
        names = new byte[REQUEST.length][];
        values = new byte[REQUEST.length][];
        for (int i = 0; i < REQUEST.length; i++) {
            names[i] = REQUEST[i][0].getBytes(StandardCharsets.ISO_8859_1);
            values[i] = REQUEST[i][1].getBytes(StandardCharsets.ISO_8859_1);
        }
        HpackEncoder peer = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
        ByteBuffer first = encodeRequest(peer);
        ByteBuffer repeat = encodeRequest(peer);
        decoder = new HpackDecoder(HpackDecoder.DEFAULT_TABLE_SIZE, 64 * 1024);
        decoder.decode(first.duplicate(), sink);
        block = "first".equals(request) ? first : repeat;

        encoder = new HpackEncoder("first".equals(request) ? 512 : HpackEncoder.DEFAULT_TABLE_SIZE);
        encode(); // a repeat encoder has seen the request once
    }

    private ByteBuffer encodeRequest(HpackEncoder e) {
        ByteBuffer b = ByteBuffer.allocate(4096);
        e.beginBlock(b);
        for (int i = 0; i < names.length; i++) {
            e.encodeField(b, names[i], values[i], false);
        }
        return b.flip();
    }

    @Benchmark
    public void decode(Blackhole bh) throws HpackException {
        block.position(0);
        decoder.decode(block, sink);
        bh.consume(sink.octets);
    }

    @Benchmark
    public int encode() {
        out.clear();
        encoder.beginBlock(out);
        for (int i = 0; i < names.length; i++) {
            encoder.encodeField(out, names[i], values[i], false);
        }
        return out.position();
    }

    private static final class CountingSink implements HeaderSink {
        long octets;

        @Override
        public void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset,
                          int valueLength, boolean neverIndexed) {
            octets += nameLength + valueLength + name[nameOffset];
        }
    }
}
