package dev.weft.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.snakeyaml.engine.v2.nodes.Node;

/** Binds {@code listeners[i].tls} and {@code clusters[i].tls}; files must exist and be readable at load time. */
final class TlsBinder {
    static final String[] DOWNSTREAM_FIELDS = {"certificates", "ca_file", "require_client_certificate",
            "match_subject_alt_names", "alpn", "min_version", "max_version", "cipher_suites", "handshake_timeout"};
    static final String[] UPSTREAM_FIELDS = {"sni", "ca_file", "match_subject_alt_names", "cert_file", "key_file",
            "alpn", "min_version", "max_version", "cipher_suites"};
    private static final String[] CERTIFICATE_FIELDS = {"cert_file", "key_file", "server_names"};
    private static final String[] SAN_FIELDS = {"type", "exact", "prefix", "suffix", "safe_regex"};
    /** TLS 1.2 and newer only: older versions are broken or deprecated (RFC 8996). */
    private static final List<String> VERSIONS = List.of("TLSv1_2", "TLSv1_3");
    private static final List<String> ALPN = List.of("http/1.1");
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final NodeReader reader;
    /** Relative file names are resolved against this (the config file's folder); null: the working directory. */
    private final Path baseDir;

    TlsBinder(NodeReader reader, Path baseDir) {
        this.reader = reader;
        this.baseDir = baseDir;
    }

    TlsConfig.Downstream downstream(YamlMap m) {
        if (m == null) {
            return null;
        }
        List<TlsConfig.Certificate> certificates = new ArrayList<>();
        List<Node> nodes = m.requiredList("certificates");
        int defaults = 0;
        for (int i = 0; i < nodes.size(); i++) {
            String path = NodeReader.item(m.path("certificates"), i);
            YamlMap c = reader.map(nodes.get(i), path, CERTIFICATE_FIELDS);
            if (c == null) {
                continue;
            }
            String cert = file(c, "cert_file", true);
            String key = file(c, "key_file", true);
            List<String> names = strings(c, "server_names");
            for (String n : names) {
                if (!Syntax.isDomain(n.toLowerCase(Locale.ROOT)) || n.endsWith("*") && !n.equals("*")) {
                    c.problem("server_names", "invalid server name '" + n + "': must be a host or *.suffix");
                }
            }
            if (names.isEmpty()) {
                defaults++;
                if (defaults > 1) {
                    c.problem("server_names", "only one certificate may be the default (without server_names)");
                }
            }
            certificates.add(new TlsConfig.Certificate(cert, key, names));
        }
        boolean require = m.bool("require_client_certificate", false);
        String ca = m.has("ca_file") ? file(m, "ca_file", true) : null;
        if (require && !m.has("ca_file")) {
            m.problem("ca_file", "is required with require_client_certificate: true");
        }
        List<TlsConfig.SanMatch> sans = sans(m);
        if (!sans.isEmpty() && !require) {
            m.problem("match_subject_alt_names", "needs require_client_certificate: true");
        }
        String[] versions = versions(m);
        Duration timeout = m.duration("handshake_timeout", HANDSHAKE_TIMEOUT);
        if (timeout.isZero()) {
            m.problem("handshake_timeout", "must be greater than 0");
        }
        return new TlsConfig.Downstream(certificates, ca, require, sans, alpn(m, true), versions[0], versions[1],
                strings(m, "cipher_suites"), timeout);
    }

    TlsConfig.Upstream upstream(YamlMap m) {
        if (m == null) {
            return null;
        }
        String sni = m.string("sni", null);
        if (sni != null && !Syntax.isHostName(sni)) {
            m.problem("sni", "must be a host name");
        }
        String ca = m.require("ca_file") ? file(m, "ca_file", true) : null;
        String cert = m.has("cert_file") ? file(m, "cert_file", true) : null;
        String key = m.has("key_file") ? file(m, "key_file", true) : null;
        if (m.has("cert_file") != m.has("key_file")) {
            m.problem(m.has("cert_file") ? "key_file" : "cert_file", "cert_file and key_file go together");
        }
        String[] versions = versions(m);
        return new TlsConfig.Upstream(sni, ca, sans(m), cert, key, alpn(m, false), versions[0], versions[1],
                strings(m, "cipher_suites"));
    }

    /** A file that must exist and be readable; reported with its path. Returns the resolved path. */
    private String file(YamlMap m, String field, boolean required) {
        String f = required ? m.requiredString(field) : m.string(field, null);
        if (f == null) {
            return null;
        }
        Path p = baseDir == null ? Path.of(f) : baseDir.resolve(f);
        f = p.toString();
        if (!Files.exists(p)) {
            m.problem(field, "no such file '" + f + "'");
        } else if (!Files.isReadable(p) || Files.isDirectory(p)) {
            m.problem(field, "cannot read '" + f + "'");
        }
        return f;
    }

    private List<String> strings(YamlMap m, String field) {
        List<String> out = new ArrayList<>();
        List<Node> items = m.list(field);
        for (int i = 0; i < items.size(); i++) {
            String s = reader.string(items.get(i), NodeReader.item(m.path(field), i));
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** The listed protocols; when absent, empty for a listener (its codec decides) and http/1.1 for a cluster. */
    private List<String> alpn(YamlMap m, boolean listener) {
        if (!m.has("alpn")) {
            return List.of(); // the listener's codec or the cluster's http2 decides
        }
        List<String> alpn = strings(m, "alpn");
        for (String a : alpn) {
            if (!a.equals("http/1.1") && !a.equals("h2")) {
                m.problem("alpn", "'" + a + "' is not supported (h2 and http/1.1)");
            }
        }
        if (alpn.isEmpty()) {
            m.problem("alpn", "must list at least one protocol");
        }
        return alpn;
    }

    /** {min, max} as JDK names ("TLSv1.2"); only TLS 1.2 and 1.3. */
    private static String[] versions(YamlMap m) {
        String min = m.string("min_version", "TLSv1_2");
        String max = m.string("max_version", "TLSv1_3");
        for (String[] f : new String[][] {{"min_version", min}, {"max_version", max}}) {
            if (f[1] != null && !VERSIONS.contains(f[1])) {
                m.problem(f[0], "must be one of TLSv1_2, TLSv1_3 (older versions are not allowed, RFC 8996)");
            }
        }
        if (min != null && max != null && VERSIONS.contains(min) && VERSIONS.contains(max)
                && VERSIONS.indexOf(min) > VERSIONS.indexOf(max)) {
            m.problem("min_version", "must not be newer than max_version");
        }
        return new String[] {jdk(min), jdk(max)};
    }

    private static String jdk(String v) {
        return v == null ? null : v.replace('_', '.');
    }

    private List<TlsConfig.SanMatch> sans(YamlMap m) {
        List<TlsConfig.SanMatch> out = new ArrayList<>();
        List<Node> items = m.list("match_subject_alt_names");
        for (int i = 0; i < items.size(); i++) {
            String path = NodeReader.item(m.path("match_subject_alt_names"), i);
            YamlMap s = reader.map(items.get(i), path, SAN_FIELDS);
            if (s == null) {
                continue;
            }
            String type = s.string("type", "ANY");
            if (type != null) {
                type = type.toUpperCase(Locale.ROOT);
                if (!List.of("DNS", "URI", "IP", "ANY").contains(type)) {
                    s.problem("type", "must be one of DNS, URI, IP, ANY");
                }
            }
            String kind = null;
            String value = null;
            int given = 0;
            for (String k : new String[] {"exact", "prefix", "suffix", "safe_regex"}) {
                if (s.has(k)) {
                    given++;
                    kind = k.equals("safe_regex") ? "REGEX" : k.toUpperCase(Locale.ROOT);
                    value = s.string(k, null);
                }
            }
            if (given != 1) {
                s.problem("exactly one of exact, prefix, suffix, safe_regex is required");
                continue;
            }
            Pattern regex = null;
            if ("REGEX".equals(kind) && value != null) {
                try {
                    regex = Pattern.compile(value);
                } catch (PatternSyntaxException e) {
                    s.problem("safe_regex", "invalid regex: " + e.getDescription());
                }
            }
            out.add(new TlsConfig.SanMatch(type, kind, value, regex));
        }
        return out;
    }
}
