package dev.weft.core.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.core.server.WeftServer;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC through Weft: a real grpc-java server (Netty, h2c; and with TLS) behind clusters with {@code http2: true}, and
 * a real grpc-java client on Weft's listeners (h2c prior knowledge on a codec-auto listener; h2 by ALPN on a TLS one).
 * No protobuf: the methods carry raw bytes. Covers the four call shapes, statuses and messages in trailers (also
 * trailers-only responses), metadata both ways, deadlines (the reset must reach the server), large messages and large
 * metadata, many concurrent calls, and an upstream that goes away gracefully (GOAWAY) and comes back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcE2ETest {
    private static final int MIB = 1024 * 1024;
    private static final String SERVICE = "weft.test.Echo";
    private static final String SLOW = "weft.test.Slow";
    private static final String RESTART = "weft.test.Restart";
    /** The echo service again, routed to a cluster of one upstream connection. */
    private static final String SINGLE = "weft.test.Single";
    /** A description with characters grpc-message must percent-encode. */
    private static final String NOT_FOUND_MESSAGE = "no such thing: /a b 100% \u00fcber \u2603 \"quoted\"";

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    static final Metadata.Key<String> CLIENT_META = Metadata.Key.of("x-client-meta", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> CLIENT_BIN = Metadata.Key.of("x-client-bin", Metadata.BINARY_BYTE_MARSHALLER);
    static final Metadata.Key<String> ECHO_META = Metadata.Key.of("x-echo-meta", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<byte[]> ECHO_BIN = Metadata.Key.of("x-echo-bin", Metadata.BINARY_BYTE_MARSHALLER);
    static final Metadata.Key<String> TRAILER_META =
            Metadata.Key.of("x-trailer-meta", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> LARGE_META = Metadata.Key.of("x-large-meta", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> REASON = Metadata.Key.of("x-reason", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
    static final Metadata.Key<String> XFF = Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);

    static MethodDescriptor<byte[], byte[]> method(String service, String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    static final MethodDescriptor<byte[], byte[]> UNARY = method(SERVICE, "Unary", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> COUNT =
            method(SERVICE, "Count", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> CONCAT =
            method(SERVICE, "Concat", MethodDescriptor.MethodType.CLIENT_STREAMING);
    static final MethodDescriptor<byte[], byte[]> PING = method(SERVICE, "Ping", MethodDescriptor.MethodType.BIDI_STREAMING);
    static final MethodDescriptor<byte[], byte[]> FAIL_AFTER_DATA =
            method(SERVICE, "FailAfterData", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> TRAILERS_ONLY =
            method(SERVICE, "TrailersOnly", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> DIGEST =
            method(SERVICE, "Digest", MethodDescriptor.MethodType.CLIENT_STREAMING);
    static final MethodDescriptor<byte[], byte[]> BLOBS =
            method(SERVICE, "Blobs", MethodDescriptor.MethodType.SERVER_STREAMING);
    static final MethodDescriptor<byte[], byte[]> SLEEP = method(SLOW, "Sleep", MethodDescriptor.MethodType.UNARY);
    static final MethodDescriptor<byte[], byte[]> RESTART_PING =
            method(RESTART, "Ping", MethodDescriptor.MethodType.BIDI_STREAMING);
    static final MethodDescriptor<byte[], byte[]> RESTART_UNARY =
            method(RESTART, "Unary", MethodDescriptor.MethodType.UNARY);

    private Path dir;
    private Pki pki;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** The request headers of the latest Unary and Sleep calls, as the server saw them. */
    private final AtomicReference<Metadata> lastUnaryHeaders = new AtomicReference<>();
    private final AtomicReference<Metadata> lastSleepHeaders = new AtomicReference<>();
    private volatile CountDownLatch sleepCancelled = new CountDownLatch(1);
    private Server server;
    private Server tlsServer;
    private Server restartServer;
    private int restartPort;
    private WeftServer proxy;
    private int port;
    private int tlsPort;
    private int adminPort;
    private ManagedChannel channel;
    private ManagedChannel tlsChannel;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("weft-grpc");
        pki = new Pki(dir).ca("grpcca").leaf("weft", "grpcca", "DNS:localhost,IP:127.0.0.1", 2)
                .leaf("upstream", "grpcca", "DNS:localhost,IP:127.0.0.1", 2);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), InsecureServerCredentials.create())
                .addService(echoService()).addService(slowService()).addService(echoService(SINGLE))
                .build().start();
        tlsServer = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(new File(pki.crt("upstream")),
                        new File(pki.key("upstream"))))
                .addService(echoService())
                .build().start();
        restartPort = E2E.closedPort();
        restartServer = startRestartServer();
        proxy = E2E.start("""
                admin: {address: 127.0.0.1, port: 0}
                listeners:
                  - name: main
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: grpc_plain
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /%s/}
                            request_headers_to_remove: [grpc-timeout]
                            route: {cluster: grpc}
                          - match: {prefix: /%s/}
                            route: {cluster: restart}
                          - match: {prefix: /%s/}
                            route: {cluster: single}
                          - match: {prefix: /}
                            route: {cluster: grpc}
                  - name: tls
                    address: 127.0.0.1
                    port: 0
                    stat_prefix: grpc_tls
                    tls: {certificates: [{cert_file: %s, key_file: %s}]}
                    virtual_hosts:
                      - name: all
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: grpc_tls}
                clusters:
                %s%s%s%s""".formatted(SLOW, RESTART, SINGLE, pki.crt("weft"), pki.key("weft"),
                E2E.cluster("single", server.getPort(), "    http2: true\n    max_connections_per_endpoint: 1\n"),
                E2E.cluster("grpc", server.getPort(), "    http2: true\n"),
                E2E.cluster("restart", restartPort, "    http2: true\n    connect_timeout: 2s\n"),
                E2E.cluster("grpc_tls", tlsServer.getPort(), "    http2: true\n    tls: {ca_file: %s, sni: localhost}\n"
                        .formatted(pki.crt("grpcca")))));
        port = proxy.address("main").getPort();
        tlsPort = proxy.address("tls").getPort();
        adminPort = proxy.adminAddress().getPort();
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create()).build();
        tlsChannel = Grpc.newChannelBuilderForAddress("127.0.0.1", tlsPort,
                TlsChannelCredentials.newBuilder().trustManager(new File(pki.crt("grpcca"))).build()).build();
    }

    @AfterAll
    void stop() throws Exception {
        for (ManagedChannel c : new ManagedChannel[] {channel, tlsChannel}) {
            if (c != null) {
                c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        if (proxy != null) {
            proxy.close();
        }
        for (Server s : new Server[] {server, tlsServer, restartServer}) {
            if (s != null) {
                s.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        timer.shutdownNow();
    }

    // ---- the server ---------------------------------------------------------------------------------------------------

    private ServerServiceDefinition echoService() {
        return echoService(SERVICE);
    }

    /**
     * Unary echoes the request, with response headers {@code x-echo-meta}/{@code x-echo-bin} (the request's
     * {@code x-client-meta}/{@code x-client-bin}), and {@code x-large-meta} in the headers when the request had one,
     * and trailer {@code x-trailer-meta}; Count answers N messages {@code msg-i}; Concat answers the count and the
     * concatenation of its requests; Ping answers {@code pong:M} to each M ({@code bye}: the server ends the call
     * while the client's side is open); FailAfterData sends two messages, then NOT_FOUND; TrailersOnly fails with
     * PERMISSION_DENIED before anything else (a trailers-only response) and trailer {@code x-reason}.
     */
    private ServerServiceDefinition echoService(String service) {
        ServerCallHandler<byte[], byte[]> unary = (call, headers) -> {
            lastUnaryHeaders.set(headers);
            call.request(2);
            return new ServerCall.Listener<>() {
                private byte[] message;

                @Override
                public void onMessage(byte[] m) {
                    message = m;
                }

                @Override
                public void onHalfClose() {
                    Metadata h = new Metadata();
                    String meta = headers.get(CLIENT_META);
                    if (meta != null) {
                        h.put(ECHO_META, meta);
                    }
                    byte[] bin = headers.get(CLIENT_BIN);
                    if (bin != null) {
                        h.put(ECHO_BIN, bin);
                    }
                    String large = headers.get(LARGE_META);
                    if (large != null) {
                        h.put(LARGE_META, large);
                    }
                    call.sendHeaders(h);
                    call.sendMessage(message == null ? new byte[0] : message);
                    Metadata t = new Metadata();
                    t.put(TRAILER_META, "trailer-" + meta);
                    call.close(Status.OK, t);
                }
            };
        };
        return ServerServiceDefinition.builder(service)
                .addMethod(method(service, "Unary", MethodDescriptor.MethodType.UNARY), unary)
                .addMethod(method(service, "Count", MethodDescriptor.MethodType.SERVER_STREAMING),
                        ServerCalls.asyncServerStreamingCall((req, out) -> {
                            int n = Integer.parseInt(new String(req, StandardCharsets.US_ASCII));
                            for (int i = 0; i < n; i++) {
                                out.onNext(("msg-" + i).getBytes(StandardCharsets.US_ASCII));
                            }
                            out.onCompleted();
                        }))
                .addMethod(method(service, "Concat", MethodDescriptor.MethodType.CLIENT_STREAMING),
                        ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<byte[]>() {
                            private final java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
                            private int count;

                            @Override
                            public void onNext(byte[] m) {
                                count++;
                                all.writeBytes(m);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                out.onNext((count + ":" + all.toString(StandardCharsets.US_ASCII))
                                        .getBytes(StandardCharsets.US_ASCII));
                                out.onCompleted();
                            }
                        }))
                .addMethod(method(service, "Ping", MethodDescriptor.MethodType.BIDI_STREAMING),
                        ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<byte[]>() {
                            private boolean over;

                            @Override
                            public void onNext(byte[] m) {
                                if (over) {
                                    return;
                                }
                                String s = new String(m, StandardCharsets.US_ASCII);
                                if (s.equals("bye")) {
                                    over = true;
                                    out.onNext("bye".getBytes(StandardCharsets.US_ASCII));
                                    out.onCompleted();
                                    return;
                                }
                                out.onNext(("pong:" + s).getBytes(StandardCharsets.US_ASCII));
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                if (!over) {
                                    out.onCompleted();
                                }
                            }
                        }))
                .addMethod(method(service, "Digest", MethodDescriptor.MethodType.CLIENT_STREAMING),
                        ServerCalls.asyncClientStreamingCall(out -> new StreamObserver<byte[]>() {
                            private final java.security.MessageDigest sha = sha256();
                            private int count;
                            private long bytes;

                            @Override
                            public void onNext(byte[] m) {
                                count++;
                                bytes += m.length;
                                sha.update(m);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                out.onNext(ascii(count + ":" + bytes + ":"
                                        + java.util.HexFormat.of().formatHex(sha.digest())));
                                out.onCompleted();
                            }
                        }))
                .addMethod(method(service, "Blobs", MethodDescriptor.MethodType.SERVER_STREAMING),
                        ServerCalls.asyncServerStreamingCall((req, out) -> {
                            String[] a = ascii(req).split(":");
                            for (int i = 0; i < Integer.parseInt(a[0]); i++) {
                                byte[] b = new byte[Integer.parseInt(a[1])];
                                java.util.Arrays.fill(b, (byte) i);
                                out.onNext(b);
                            }
                            out.onCompleted();
                        }))
                .addMethod(method(service, "FailAfterData", MethodDescriptor.MethodType.SERVER_STREAMING),
                        ServerCalls.asyncServerStreamingCall((req, out) -> {
                            out.onNext("one".getBytes(StandardCharsets.US_ASCII));
                            out.onNext("two".getBytes(StandardCharsets.US_ASCII));
                            out.onError(Status.NOT_FOUND.withDescription(NOT_FOUND_MESSAGE).asRuntimeException());
                        }))
                .addMethod(method(service, "TrailersOnly", MethodDescriptor.MethodType.UNARY),
                        ServerCalls.asyncUnaryCall((req, out) -> {
                            Metadata t = new Metadata();
                            t.put(REASON, "policy-42");
                            out.onError(Status.PERMISSION_DENIED.withDescription("denied by policy")
                                    .asRuntimeException(t));
                        }))
                .build();
    }

    /** Sleep answers after 20 s unless cancelled; a cancellation (the client's reset, through Weft) is counted. */
    private ServerServiceDefinition slowService() {
        ServerCallHandler<byte[], byte[]> sleep = (call, headers) -> {
            lastSleepHeaders.set(headers);
            call.request(1);
            CountDownLatch cancelled = sleepCancelled;
            return new ServerCall.Listener<>() {
                @Override
                public void onHalfClose() {
                    timer.schedule(() -> {
                        if (!call.isCancelled()) {
                            call.sendHeaders(new Metadata());
                            call.sendMessage("late".getBytes(StandardCharsets.US_ASCII));
                            call.close(Status.OK, new Metadata());
                        }
                    }, 20, TimeUnit.SECONDS);
                }

                @Override
                public void onCancel() {
                    cancelled.countDown();
                }
            };
        };
        return ServerServiceDefinition.builder(SLOW).addMethod(SLEEP, sleep).build();
    }

    private Server startRestartServer() throws IOException {
        return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", restartPort),
                        InsecureServerCredentials.create())
                .withOption(ChannelOption.SO_REUSEADDR, true)
                .addService(echoService(RESTART))
                .build().start();
    }

    // ---- helpers ------------------------------------------------------------------------------------------------------

    static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static CallOptions opts() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    private long stat(String name) throws Exception {
        String s = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + adminPort + "/stats")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + ": (\\d+)$").matcher(s);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** A bidi call whose responses land in a queue (an error as a {@link StatusRuntimeException}, the end as EOF). */
    private static final byte[] EOF = new byte[0];

    private record Bidi(StreamObserver<byte[]> requests, BlockingQueue<Object> responses) {
        Object next() throws InterruptedException {
            Object o = responses.poll(10, TimeUnit.SECONDS);
            assertNotNull(o, "no response within 10 s");
            return o;
        }

        String nextText() throws InterruptedException {
            Object o = next();
            if (o instanceof Throwable t) {
                throw new AssertionError("call failed", t);
            }
            return o == EOF ? null : ascii((byte[]) o);
        }
    }

    private static Bidi bidi(Channel ch, MethodDescriptor<byte[], byte[]> m) {
        BlockingQueue<Object> q = new ArrayBlockingQueue<>(1000);
        StreamObserver<byte[]> req = ClientCalls.asyncBidiStreamingCall(ch.newCall(m, opts()),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        q.add(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        q.add(t);
                    }

                    @Override
                    public void onCompleted() {
                        q.add(EOF);
                    }
                });
        return new Bidi(req, q);
    }

    // ---- tests --------------------------------------------------------------------------------------------------------

    @Test
    void unaryWithMetadataBothWays() throws Exception {
        Metadata md = new Metadata();
        md.put(CLIENT_META, "hello-weft");
        byte[] bin = {0, 1, 2, (byte) 0xff, '\r', '\n', ':'};
        md.put(CLIENT_BIN, bin);
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        byte[] reply = ClientCalls.blockingUnaryCall(ch, UNARY, opts(), ascii("unary request"));
        assertEquals("unary request", ascii(reply));
        // request metadata reached the server, with Weft's own additions
        Metadata seen = lastUnaryHeaders.get();
        assertEquals("hello-weft", seen.get(CLIENT_META));
        assertArrayEquals(bin, seen.get(CLIENT_BIN), "a -bin header passes base64-intact");
        assertEquals("127.0.0.1", seen.get(XFF), "x-forwarded-for appended by Weft");
        // response metadata and trailers reached the client
        assertEquals("hello-weft", headers.get().get(ECHO_META));
        assertArrayEquals(bin, headers.get().get(ECHO_BIN));
        assertEquals("trailer-hello-weft", trailers.get().get(TRAILER_META));
        // an empty message
        assertEquals(0, ClientCalls.blockingUnaryCall(channel, UNARY, opts(), new byte[0]).length);
    }

    @Test
    void serverStreaming() {
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, COUNT, opts(), ascii("100"));
        List<String> got = new ArrayList<>();
        it.forEachRemaining(b -> got.add(ascii(b)));
        assertEquals(100, got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals("msg-" + i, got.get(i));
        }
        Iterator<byte[]> none = ClientCalls.blockingServerStreamingCall(channel, COUNT, opts(), ascii("0"));
        assertTrue(!none.hasNext(), "zero messages, then OK");
    }

    @Test
    void clientStreaming() throws Exception {
        CompletableFuture<String> result = new CompletableFuture<>();
        StreamObserver<byte[]> req = ClientCalls.asyncClientStreamingCall(channel.newCall(CONCAT, opts()),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        result.complete(ascii(value));
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        result.complete("completed without a message");
                    }
                });
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            req.onNext(ascii(i + ","));
            expected.append(i).append(',');
        }
        req.onCompleted();
        assertEquals("50:" + expected, result.get(20, TimeUnit.SECONDS));
    }

    @Test
    void bidiPingPongIsNotBuffered() throws Exception {
        // each pong must arrive before the next ping is sent: a proxy that buffered either direction until the end
        // of the stream would deadlock here (and fail after 10 s)
        Bidi b = bidi(channel, PING);
        for (int i = 0; i < 50; i++) {
            b.requests().onNext(ascii("ping-" + i));
            assertEquals("pong:ping-" + i, b.nextText());
        }
        b.requests().onCompleted();
        assertNull(b.nextText(), "OK after the client's half-close");

        // the server ends the call while the client's side is still open
        Bidi early = bidi(channel, PING);
        early.requests().onNext(ascii("first"));
        assertEquals("pong:first", early.nextText());
        early.requests().onNext(ascii("bye"));
        assertEquals("bye", early.nextText());
        assertNull(early.nextText(), "status OK while the request stream was still open");
        early.requests().onCompleted();
        // the channel (and the upstream connection) is fine afterwards
        assertEquals("after", ascii(ClientCalls.blockingUnaryCall(channel, UNARY, opts(), ascii("after"))));
    }

    @Test
    void errorStatusAndMessagePassThrough() {
        // headers, two messages, then NOT_FOUND in the trailers
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, FAIL_AFTER_DATA, opts(), ascii("x"));
        assertEquals("one", ascii(it.next()));
        assertEquals("two", ascii(it.next()));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::hasNext);
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
        assertEquals(NOT_FOUND_MESSAGE, e.getStatus().getDescription(), "grpc-message passes intact");

        // trailers-only: one HEADERS frame with END_STREAM carrying grpc-status, grpc-message and the trailer
        StatusRuntimeException t = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, TRAILERS_ONLY, opts(), ascii("x")));
        assertEquals(Status.Code.PERMISSION_DENIED, t.getStatus().getCode(), t.toString());
        assertEquals("denied by policy", t.getStatus().getDescription());
        assertEquals("policy-42", t.getTrailers().get(REASON));
    }

    @Test
    void trailersOnlyOnTheWire() throws Exception {
        // nghttp shows the frames: the trailers-only response stays one HEADERS frame with END_STREAM (not HEADERS,
        // then an empty DATA or a second HEADERS), with the grpc-status in it
        Path body = dir.resolve("grpc-request.bin");
        ByteBuffer framed = ByteBuffer.allocate(5 + 1).put((byte) 0).putInt(1).put((byte) 'x');
        Files.write(body, framed.array());
        E2E.Run run = E2E.runBounded(List.of(E2E.tool("nghttp", "nghttp2-client"), "-v", "-t", "20", "-H",
                ":method: POST", "-H", "content-type: application/grpc", "-H", "te: trailers", "-d", body.toString(),
                "http://127.0.0.1:" + port + "/" + SERVICE + "/TrailersOnly"), Duration.ofSeconds(30));
        String out = run.text();
        assertEquals(0, run.exitCode(), out + run.err());
        Matcher m = Pattern.compile("recv HEADERS frame <length=\\d+, flags=(0x[0-9a-f]+), stream_id=\\d+>")
                .matcher(out);
        assertTrue(m.find(), out);
        assertEquals("0x05", m.group(1), "END_STREAM | END_HEADERS: " + out);
        assertTrue(!m.find(), "a single HEADERS frame on the stream: " + out);
        assertTrue(!out.contains("recv DATA frame"), "no DATA: " + out);
        assertTrue(out.contains("grpc-status: 7"), out);
        assertTrue(out.contains("grpc-message: denied by policy"), out);
        assertTrue(out.contains("x-reason: policy-42"), out);
    }

    @Test
    void deadlineExceededResetsTheUpstreamStream() throws Exception {
        // Weft strips grpc-timeout on this route, so the server does not know the deadline: only the client's reset,
        // forwarded by Weft as RST_STREAM upstream, can cancel the call on the server
        // a 2 s deadline: time for the call to reach the server on a busy machine (the server sleeps 20 s, the route
        // timeout is 15 s)
        sleepCancelled = new CountDownLatch(1);
        long t0 = System.nanoTime();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, SLEEP,
                        CallOptions.DEFAULT.withDeadlineAfter(2, TimeUnit.SECONDS), ascii("zzz")));
        assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode(), e.toString());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8), "the deadline, not a proxy timeout");
        assertNotNull(lastSleepHeaders.get(), "the call reached the server before its deadline");
        assertNull(lastSleepHeaders.get().get(GRPC_TIMEOUT), "grpc-timeout removed by the route");
        assertTrue(sleepCancelled.await(5, TimeUnit.SECONDS), "the server saw the call cancelled (RST_STREAM)");
        // the shared upstream connection still works
        assertEquals("ok", ascii(ClientCalls.blockingUnaryCall(channel, UNARY, opts(), ascii("ok"))));
    }

    @Test
    void largeMessagesBothWays() throws Exception {
        byte[] big = new byte[MIB];
        new Random(42).nextBytes(big);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(big, ClientCalls.blockingUnaryCall(channel, UNARY, opts(), big), "1 MiB echoed");
        }
        // 24 MiB up in a client stream (the upstream's flow control paces Weft), 24 MiB down in a server stream
        CompletableFuture<String> digest = new CompletableFuture<>();
        StreamObserver<byte[]> req = ClientCalls.asyncClientStreamingCall(channel.newCall(DIGEST, opts()),
                new StreamObserver<>() {
                    @Override
                    public void onNext(byte[] value) {
                        digest.complete(ascii(value));
                    }

                    @Override
                    public void onError(Throwable t) {
                        digest.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        java.security.MessageDigest sha = sha256();
        for (int i = 0; i < 24; i++) {
            big[0] = (byte) i;
            req.onNext(big.clone());
            sha.update(big);
        }
        req.onCompleted();
        assertEquals("24:" + 24L * MIB + ":" + java.util.HexFormat.of().formatHex(sha.digest()),
                digest.get(60, TimeUnit.SECONDS));
        Iterator<byte[]> blobs = ClientCalls.blockingServerStreamingCall(channel, BLOBS, opts(), ascii("24:" + MIB));
        int n = 0;
        while (blobs.hasNext()) {
            byte[] b = blobs.next();
            assertEquals(MIB, b.length);
            assertEquals((byte) n, b[0]);
            assertEquals((byte) n, b[MIB - 1]);
            n++;
        }
        assertEquals(24, n);
    }

    @Test
    void cancelledStreamsDoNotStarveTheUpstreamConnection() throws Exception {
        // a client that reads one message of a large server stream, stops reading, then cancels: Weft holds up to a
        // stream window of response bytes it could not forward; they must go back to the shared upstream
        // connection's window (16 MiB), or a few such calls stall every call on that connection
        MethodDescriptor<byte[], byte[]> blobs = method(SINGLE, "Blobs", MethodDescriptor.MethodType.SERVER_STREAMING);
        for (int i = 0; i < 24; i++) {
            io.grpc.ClientCall<byte[], byte[]> call = channel.newCall(blobs, opts());
            CountDownLatch first = new CountDownLatch(1);
            CompletableFuture<Status> closed = new CompletableFuture<>();
            call.start(new io.grpc.ClientCall.Listener<>() {
                @Override
                public void onMessage(byte[] message) {
                    first.countDown();
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                    closed.complete(status);
                }
            }, new Metadata());
            call.sendMessage(ascii("64:" + 256 * 1024));
            call.halfClose();
            call.request(1); // one message only: the client's flow-control window stays closed after it
            assertTrue(first.await(10, TimeUnit.SECONDS), "first message of call " + i);
            Thread.sleep(30);
            call.cancel("enough", null);
            assertEquals(Status.Code.CANCELLED, closed.get(10, TimeUnit.SECONDS).getCode());
        }
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(channel, blobs,
                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), ascii("8:" + MIB));
        int n = 0;
        while (it.hasNext()) {
            assertEquals(MIB, it.next().length);
            n++;
        }
        assertEquals(8, n, "the shared upstream connection still flows");
        assertEquals(1, stat("cluster.single.upstream_cx_total"));
    }

    @Test
    void largeMetadataBothWays() throws Exception {
        // header blocks above 4 KiB (HPACK-encoded) in both directions, several times on the same connections
        String large = "v".repeat(3000) + "-" + "w".repeat(3000);
        for (int i = 0; i < 3; i++) {
            Metadata md = new Metadata();
            md.put(CLIENT_META, "large-" + i);
            md.put(LARGE_META, large + i);
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            Channel ch = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(md),
                    MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
            assertEquals("m", ascii(ClientCalls.blockingUnaryCall(ch, UNARY, opts(), ascii("m"))));
            assertEquals(large + i, lastUnaryHeaders.get().get(LARGE_META), "request metadata upstream");
            assertEquals(large + i, headers.get().get(LARGE_META), "response metadata downstream");
            assertEquals("large-" + i, headers.get().get(ECHO_META));
        }
    }

    @Test
    void manyConcurrentCalls() throws Exception {
        List<java.util.concurrent.Future<String>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 200; i++) {
                String m = "c" + i;
                calls.add(pool.submit(() -> ascii(ClientCalls.blockingUnaryCall(channel, UNARY, opts(), ascii(m)))));
            }
            for (int i = 0; i < calls.size(); i++) {
                assertEquals("c" + i, calls.get(i).get(30, TimeUnit.SECONDS));
            }
        }
        assertTrue(stat("cluster.grpc.upstream_cx_total") <= 4,
                "multiplexed on a few upstream connections: " + stat("cluster.grpc.upstream_cx_total"));
    }

    @Test
    void overTlsBothSides() throws Exception {
        // client -> Weft: h2 by ALPN; Weft -> server: TLS with ALPN h2
        Metadata md = new Metadata();
        md.put(CLIENT_META, "tls");
        AtomicReference<Metadata> headers = new AtomicReference<>();
        AtomicReference<Metadata> trailers = new AtomicReference<>();
        Channel ch = ClientInterceptors.intercept(tlsChannel, MetadataUtils.newAttachHeadersInterceptor(md),
                MetadataUtils.newCaptureMetadataInterceptor(headers, trailers));
        assertEquals("secure", ascii(ClientCalls.blockingUnaryCall(ch, UNARY, opts(), ascii("secure"))));
        assertEquals("tls", headers.get().get(ECHO_META));
        assertEquals("trailer-tls", trailers.get().get(TRAILER_META));
        Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(tlsChannel, COUNT, opts(), ascii("20"));
        int n = 0;
        while (it.hasNext()) {
            assertEquals("msg-" + n++, ascii(it.next()));
        }
        assertEquals(20, n);
        Bidi b = bidi(tlsChannel, PING);
        for (int i = 0; i < 10; i++) {
            b.requests().onNext(ascii("t" + i));
            assertEquals("pong:t" + i, b.nextText());
        }
        b.requests().onCompleted();
        assertNull(b.nextText());
        byte[] big = new byte[MIB];
        new Random(7).nextBytes(big);
        assertArrayEquals(big, ClientCalls.blockingUnaryCall(tlsChannel, UNARY, opts(), big));
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(tlsChannel, TRAILERS_ONLY, opts(), ascii("x")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    }

    @Test
    void upstreamGoAwayAndRestart() throws Exception {
        assertEquals("a", ascii(ClientCalls.blockingUnaryCall(channel, RESTART_UNARY, opts(), ascii("a"))));
        // a stream in flight when the server shuts down gracefully (GOAWAY) completes
        Bidi b = bidi(channel, RESTART_PING);
        b.requests().onNext(ascii("before"));
        assertEquals("pong:before", b.nextText());
        restartServer.shutdown();
        Thread.sleep(200); // the GOAWAY reaches Weft
        b.requests().onNext(ascii("during"));
        assertEquals("pong:during", b.nextText(), "a stream below the GOAWAY's last stream id goes on");
        b.requests().onCompleted();
        assertNull(b.nextText());
        assertTrue(restartServer.awaitTermination(10, TimeUnit.SECONDS));

        // no server: the call fails promptly with UNAVAILABLE (Weft's 503)
        StatusRuntimeException down = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, RESTART_UNARY, opts(), ascii("b")));
        assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode(), down.toString());

        // back: Weft dials a new connection
        restartServer = startRestartServer();
        String reply = null;
        for (int i = 0; i < 50 && reply == null; i++) {
            try {
                reply = ascii(ClientCalls.blockingUnaryCall(channel, RESTART_UNARY, opts(), ascii("c")));
            } catch (StatusRuntimeException e) {
                Thread.sleep(100);
            }
        }
        assertEquals("c", reply);
        assertTrue(stat("cluster.restart.upstream_cx_total") >= 2, "a second connection after the GOAWAY");
    }
}
