package dev.weft.bench.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The server behind every proxy: nginx serving static files when installed (fast, and not the bottleneck), else the
 * harness's own {@code OriginServer} in a separate JVM. Both answer {@code GET /bytes/N} with N bytes and keep
 * connections alive for a million requests.
 */
final class Origin implements AutoCloseable {

    final String kind;
    final int port;
    final String configText;
    private final ManagedProcess process;

    private Origin(String kind, int port, String configText, ManagedProcess process) {
        this.kind = kind;
        this.port = port;
        this.configText = configText;
        this.process = process;
    }

    static Origin start(String wanted, Path work, String cpus, int workers, List<Integer> sizes)
            throws IOException, InterruptedException {
        boolean nginx = wanted.equals("nginx") || (wanted.equals("auto") && Tools.installed("nginx"));
        int port = Ports.free();
        Origin o = nginx ? nginx(work, cpus, workers, sizes, port) : builtin(work, cpus, port);
        o.awaitListening();
        return o;
    }

    private static Origin nginx(Path work, String cpus, int workers, List<Integer> sizes, int port) throws IOException {
        Path dir = Files.createDirectories(work.resolve("origin"));
        Path www = Files.createDirectories(dir.resolve("www/bytes"));
        for (Path p : new Path[] {dir, dir.resolve("www"), www}) {
            p.toFile().setReadable(true, false);
            p.toFile().setExecutable(true, false);
        }
        for (int size : sizes) {
            byte[] body = new byte[size];
            for (int i = 0; i < size; i++) {
                body[i] = (byte) ('a' + i % 26);
            }
            Files.write(www.resolve(Integer.toString(size)), body);
        }
        String conf = "worker_processes " + workers + "; daemon off; pid " + dir.resolve("nginx.pid")
                + "; error_log " + dir.resolve("error.log") + " warn;\n"
                + "events { worker_connections 20000; }\n"
                + "http {\n  access_log off; sendfile on; tcp_nopush on; open_file_cache max=64;\n"
                + "  client_body_temp_path " + dir + "/body; proxy_temp_path " + dir + "/proxy; fastcgi_temp_path "
                + dir + "/fcgi; uwsgi_temp_path " + dir + "/uwsgi; scgi_temp_path " + dir + "/scgi;\n"
                + "  keepalive_requests 1000000; keepalive_timeout 120s;\n"
                + "  server {\n    listen 127.0.0.1:" + port + " backlog=4096;\n    root " + dir.resolve("www") + ";\n"
                + "    location = / { return 200 \"ok\\n\"; }\n"
                + "    location /bytes/ { default_type application/octet-stream; }\n  }\n}\n";
        Path config = dir.resolve("nginx.conf");
        Files.writeString(config, conf);
        ManagedProcess p = ManagedProcess.start("origin", cpus, List.of(Tools.require("nginx", null).toString(),
                "-p", dir.toString(), "-c", config.toString()), work.resolve("origin.log"), Map.of());
        return new Origin("nginx", port, conf, p);
    }

    private static Origin builtin(Path work, String cpus, int port) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), "dev.weft.bench.load.OriginServer", "127.0.0.1:" + port));
        ManagedProcess p = ManagedProcess.start("origin", cpus, cmd, work.resolve("origin.log"), Map.of());
        return new Origin("builtin", port, String.join(" ", cmd.subList(0, 3)) + " ... OriginServer", p);
    }

    private void awaitListening() throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new HarnessException("the " + kind + " origin exited at start:\n" + process.logTail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(10);
            }
        }
        throw new HarnessException("the " + kind + " origin did not listen on 127.0.0.1:" + port + " within 20 s:\n"
                + process.logTail());
    }

    @Override
    public void close() {
        process.close();
    }
}
