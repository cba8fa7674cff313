package dev.weft.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A proxy under test and how to run it: its configuration (written to the work folder and kept in the report), its
 * command line, one port per listener kind, and which listener kinds it has. Every proxy is configured alike: one
 * worker (one core), upstream keep-alive to the origin, the same certificates, TLS 1.2 and 1.3.
 */
final class ProxyTarget {

    final String name;
    final String configText;
    final Path config;
    final List<String> command;
    final Map<Scenario.Listener, Integer> ports;
    /** Listener kinds the target cannot serve, with the reason (reported as unavailable). */
    final Map<Scenario.Listener, String> missing;

    private ProxyTarget(String name, String configText, Path config, List<String> command,
                        Map<Scenario.Listener, Integer> ports, Map<Scenario.Listener, String> missing) {
        this.name = name;
        this.configText = configText;
        this.config = config;
        this.command = command;
        this.ports = ports;
        this.missing = missing;
    }

    String unavailable(Scenario s) {
        return missing.get(s.listener);
    }

    int port(Scenario s) {
        return ports.get(s.listener);
    }

    private static Map<Scenario.Listener, Integer> freePorts() throws IOException {
        Map<Scenario.Listener, Integer> ports = new EnumMap<>(Scenario.Listener.class);
        for (Scenario.Listener l : Scenario.Listener.values()) {
            ports.put(l, Ports.free());
        }
        return ports;
    }

    /** Weft from the given java command (JVM options included) and classpath or jar arguments. */
    static ProxyTarget weft(Path work, List<String> javaCommand, int originPort, Pki pki) throws IOException {
        Map<Scenario.Listener, Integer> ports = freePorts();
        StringBuilder y = new StringBuilder("listeners:\n");
        listener(y, "h1", ports.get(Scenario.Listener.PLAIN), null);
        if (pki != null) {
            listener(y, "tls", ports.get(Scenario.Listener.TLS), "    tls:\n"
                    + "      certificates:\n"
                    + "        - cert_file: " + pki.serverCert + "\n"
                    + "          key_file: " + pki.serverKey + "\n");
            listener(y, "mtls", ports.get(Scenario.Listener.MTLS), "    tls:\n"
                    + "      certificates:\n"
                    + "        - cert_file: " + pki.serverCert + "\n"
                    + "          key_file: " + pki.serverKey + "\n"
                    + "      ca_file: " + pki.ca + "\n"
                    + "      require_client_certificate: true\n"
                    + "      match_subject_alt_names:\n"
                    + "        - type: URI\n"
                    + "          exact: spiffe://bench.local/ns/default/sa/loadgen\n");
            listener(y, "h2", ports.get(Scenario.Listener.H2), "    codec: http2\n"
                    + "    tls:\n"
                    + "      certificates:\n"
                    + "        - cert_file: " + pki.serverCert + "\n"
                    + "          key_file: " + pki.serverKey + "\n");
        }
        y.append("clusters:\n"
                + "  - name: origin\n"
                + "    endpoints: [{ address: 127.0.0.1, port: ").append(originPort).append(" }]\n");
        Path config = work.resolve("weft.yaml");
        Files.writeString(config, y.toString());
        List<String> cmd = new ArrayList<>(javaCommand);
        cmd.addAll(List.of("run", "-c", config.toString()));
        return new ProxyTarget("weft", y.toString(), config, cmd, ports, tlsMissing(pki));
    }

    private static void listener(StringBuilder y, String name, int port, String tls) {
        y.append("  - name: ").append(name).append('\n')
                .append("    address: 127.0.0.1\n")
                .append("    port: ").append(port).append('\n');
        if (tls != null) {
            y.append(tls);
        }
        y.append("    virtual_hosts:\n"
                + "      - name: all\n"
                + "        domains: [\"*\"]\n"
                + "        routes:\n"
                + "          - match: { prefix: / }\n"
                + "            route: { cluster: origin }\n");
    }

    /** nginx as a reverse proxy: one worker, upstream keep-alive, the same listeners (h2 over TLS too). */
    static ProxyTarget nginx(Path work, int originPort, Pki pki) throws IOException {
        Map<Scenario.Listener, Integer> ports = freePorts();
        Path dir = Files.createDirectories(work.resolve("nginx-proxy"));
        String tls = pki == null ? "" : "    ssl_certificate " + pki.serverCert + "; ssl_certificate_key "
                + pki.serverKey + "; ssl_protocols TLSv1.2 TLSv1.3;\n";
        String location = "    location / { proxy_pass http://origin; }\n";
        StringBuilder c = new StringBuilder()
                .append("worker_processes 1; daemon off; pid ").append(dir.resolve("nginx.pid"))
                .append("; error_log ").append(dir.resolve("error.log")).append(" warn;\n")
                .append("events { worker_connections 20000; }\n")
                .append("http {\n  access_log off;\n")
                .append("  client_body_temp_path ").append(dir).append("/body; proxy_temp_path ").append(dir)
                .append("/proxy; fastcgi_temp_path ").append(dir).append("/fcgi; uwsgi_temp_path ").append(dir)
                .append("/uwsgi; scgi_temp_path ").append(dir).append("/scgi;\n")
                .append("  keepalive_requests 1000000;\n")
                .append("  upstream origin { server 127.0.0.1:").append(originPort).append("; keepalive 128; }\n")
                .append("  proxy_http_version 1.1; proxy_set_header Connection \"\";\n")
                .append("  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")
                .append("  server {\n    listen 127.0.0.1:").append(ports.get(Scenario.Listener.PLAIN)).append(";\n")
                .append(location).append("  }\n");
        if (pki != null) {
            c.append("  server {\n    listen 127.0.0.1:").append(ports.get(Scenario.Listener.TLS)).append(" ssl;\n")
                    .append(tls).append(location).append("  }\n");
            c.append("  server {\n    listen 127.0.0.1:").append(ports.get(Scenario.Listener.MTLS)).append(" ssl;\n")
                    .append(tls).append("    ssl_client_certificate ").append(pki.ca)
                    .append("; ssl_verify_client on;\n").append(location).append("  }\n");
            c.append("  server {\n    listen 127.0.0.1:").append(ports.get(Scenario.Listener.H2))
                    .append(" ssl http2;\n").append(tls).append(location).append("  }\n");
        }
        c.append("}\n");
        Path config = dir.resolve("nginx.conf");
        Files.writeString(config, c.toString());
        String nginx = Tools.require("nginx", "--peers nginx").toString();
        return new ProxyTarget("nginx", c.toString(), config,
                List.of(nginx, "-p", dir.toString(), "-c", config.toString()), ports, tlsMissing(pki));
    }

    /** HAProxy: one thread, keep-alive and connection reuse to the origin, the same listeners. */
    static ProxyTarget haproxy(Path work, int originPort, Pki pki) throws IOException {
        Map<Scenario.Listener, Integer> ports = freePorts();
        Path dir = Files.createDirectories(work.resolve("haproxy"));
        StringBuilder c = new StringBuilder()
                .append("global\n  nbthread 1\n  maxconn 8000\n  ssl-default-bind-options ssl-min-ver TLSv1.2\n")
                .append("defaults\n  mode http\n  timeout connect 5s\n  timeout client 60s\n  timeout server 60s\n")
                .append("  option http-keep-alive\n  option forwardfor\n  http-reuse always\n")
                .append("frontend h1\n  bind 127.0.0.1:").append(ports.get(Scenario.Listener.PLAIN))
                .append("\n  default_backend origin\n");
        if (pki != null) {
            c.append("frontend tls\n  bind 127.0.0.1:").append(ports.get(Scenario.Listener.TLS)).append(" ssl crt ")
                    .append(pki.serverCombined).append(" alpn http/1.1\n  default_backend origin\n");
            c.append("frontend mtls\n  bind 127.0.0.1:").append(ports.get(Scenario.Listener.MTLS)).append(" ssl crt ")
                    .append(pki.serverCombined).append(" ca-file ").append(pki.ca)
                    .append(" verify required alpn http/1.1\n  default_backend origin\n");
            c.append("frontend h2\n  bind 127.0.0.1:").append(ports.get(Scenario.Listener.H2)).append(" ssl crt ")
                    .append(pki.serverCombined).append(" alpn h2,http/1.1\n  default_backend origin\n");
        }
        c.append("backend origin\n  server origin 127.0.0.1:").append(originPort).append('\n');
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, c.toString());
        String haproxy = Tools.require("haproxy", "--peers haproxy").toString();
        return new ProxyTarget("haproxy", c.toString(), config, List.of(haproxy, "-db", "-f", config.toString()),
                ports, tlsMissing(pki));
    }

    private static Map<Scenario.Listener, String> tlsMissing(Pki pki) {
        Map<Scenario.Listener, String> missing = new EnumMap<>(Scenario.Listener.class);
        if (pki == null) {
            for (Scenario.Listener l : List.of(Scenario.Listener.TLS, Scenario.Listener.MTLS, Scenario.Listener.H2)) {
                missing.put(l, "no TLS scenario requested");
            }
        }
        return missing;
    }
}
