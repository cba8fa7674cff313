package dev.weft.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped example configs and the embedded default. Maven runs tests in the module dir: examples is ../examples. */
class ConfigExamplesTest {
    private static final Path EXAMPLES = Path.of("..", "examples");

    @Test
    void embeddedDefaultIsQuickstartByteForByte() throws Exception {
        byte[] example = Files.readAllBytes(EXAMPLES.resolve("quickstart.yaml"));
        byte[] embedded;
        try (InputStream in = ConfigLoader.class.getResourceAsStream(ConfigLoader.DEFAULT_RESOURCE)) {
            embedded = in.readAllBytes();
        }
        assertArrayEquals(example, embedded, "core/src/main/resources" + ConfigLoader.DEFAULT_RESOURCE
                + " must be a copy of examples/quickstart.yaml");
        assertEquals(new String(example, StandardCharsets.UTF_8), ConfigLoader.defaultYaml());
    }

    @Test
    void everyExampleLoads() throws Exception {
        try (var files = Files.list(EXAMPLES)) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(yamls.size() >= 2, "examples: " + yamls);
            // examples with TLS read certs/ next to them: made fresh by the example's own script, in a copy
            Path copy = Files.createTempDirectory("weft-examples");
            ProcessBuilder pb = new ProcessBuilder(EXAMPLES.resolve("certs/make-certs.sh").toString(),
                    copy.resolve("certs").toString()).redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), "examples/certs/make-certs.sh (needs openssl):\n" + out);
            for (Path yaml : yamls) {
                Path target = copy.resolve(yaml.getFileName());
                Files.copy(yaml, target);
                ConfigLoader.load(target);
            }
        }
    }

    @Test
    void exampleOfTheConfigReferenceLoads() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String reference = readme.substring(readme.indexOf("## Configuration reference"));
        int start = reference.indexOf("```yaml\n") + "```yaml\n".length();
        WeftConfig config = ConfigLoader.parse(reference.substring(start, reference.indexOf("```", start)),
                "README.md");
        assertEquals(2, config.listeners().get(0).virtualHosts().size());
    }

    @Test
    void quickstartAnswersLocallyAndPointsToTheReadme() {
        WeftConfig config = ConfigLoader.loadDefault();
        assertEquals(1, config.listeners().size());
        assertEquals(List.of(), config.clusters());
        ListenerConfig listener = config.listeners().get(0);
        assertEquals("quickstart", listener.name());
        assertEquals("127.0.0.1", listener.address());
        assertEquals(10000, listener.port());
        RouteConfig route = listener.virtualHosts().get(0).routes().get(0);
        assertEquals(RouteMatch.PathKind.PREFIX, route.match().pathKind());
        assertEquals("/", route.match().path());
        RouteAction.DirectResponse response = assertInstanceOf(RouteAction.DirectResponse.class, route.action());
        assertEquals(200, response.status());
        assertTrue(response.body().startsWith("Weft is running."), response.body());
        assertTrue(response.body().contains("README.md"), response.body());
        assertTrue(response.body().endsWith("\n"));
        assertEquals("text/plain; charset=utf-8", response.contentType());
    }

    @Test
    void reverseProxyForwardsEverythingToTheBackend() throws Exception {
        WeftConfig config = ConfigLoader.load(EXAMPLES.resolve("reverse-proxy.yaml"));
        ListenerConfig listener = config.listeners().get(0);
        assertEquals("ingress", listener.name());
        assertEquals("127.0.0.1", listener.address());
        assertEquals(10000, listener.port());
        VirtualHostConfig host = listener.virtualHosts().get(0);
        assertEquals(List.of("*"), host.domains());
        assertEquals(1, host.routes().size());
        RouteConfig route = host.routes().get(0);
        assertEquals(RouteMatch.PathKind.PREFIX, route.match().pathKind());
        assertEquals("/", route.match().path());
        assertEquals("backend", assertInstanceOf(RouteAction.Forward.class, route.action()).cluster());
        ClusterConfig backend = config.cluster("backend");
        assertEquals(ClusterConfig.DiscoveryType.STATIC, backend.type());
        assertEquals(ClusterConfig.LbPolicy.ROUND_ROBIN, backend.lbPolicy());
        assertEquals(List.of(new EndpointConfig("127.0.0.1", 8080)), backend.endpoints());
    }

    @Test
    void h2cIsAnHttp2OnlyPlaintextListenerWithTheDefaultLimits() throws Exception {
        WeftConfig config = ConfigLoader.load(EXAMPLES.resolve("h2c.yaml"));
        ListenerConfig listener = config.listeners().get(0);
        assertEquals("h2c", listener.name());
        assertEquals(ListenerConfig.Codec.HTTP2, listener.codec());
        assertNull(listener.tls(), "h2c is HTTP/2 in cleartext");
        assertEquals(Http2Options.DEFAULTS, listener.http2(), "the example says it lists the defaults");
        assertEquals("backend", assertInstanceOf(RouteAction.Forward.class,
                listener.virtualHosts().get(0).routes().get(0).action()).cluster());
    }

    @Test
    void exampleOfTheHttp2SectionLoads(@TempDir Path dir) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String section = readme.substring(readme.indexOf("\n## HTTP/2\n"));
        int start = section.indexOf("```yaml\n") + "```yaml\n".length();
        Files.createDirectories(dir.resolve("certs"));
        Files.createFile(dir.resolve("certs/edge.crt")); // a load only checks that the files exist
        Files.createFile(dir.resolve("certs/edge.key"));
        WeftConfig config = ConfigLoader.parse(section.substring(start, section.indexOf("```", start)), "README.md",
                dir);
        ListenerConfig listener = config.listeners().get(0);
        assertEquals(ListenerConfig.Codec.AUTO, listener.codec());
        assertEquals(List.of("h2", "http/1.1"), listener.tls().alpn());
        assertEquals(250, listener.http2().maxConcurrentStreams());
        assertEquals(java.time.Duration.ofSeconds(60), listener.http2().streamIdleTimeout());
    }
}
