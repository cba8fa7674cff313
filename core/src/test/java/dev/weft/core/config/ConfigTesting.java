package dev.weft.core.config;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Shared helpers of the config tests. */
final class ConfigTesting {
    /** A valid config of one listener and one cluster; tests append to or replace parts of it. */
    static final String MINIMAL = """
            listeners:
              - name: main
                port: 10000
                virtual_hosts:
                  - name: default
                    domains: ["*"]
                    routes:
                      - match: {prefix: /}
                        route: {cluster: backend}
            clusters:
              - name: backend
                endpoints:
                  - {address: 127.0.0.1, port: 8080}
            """;

    private ConfigTesting() {
    }

    static WeftConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "test.yaml");
        } catch (ConfigException e) {
            return fail("expected a valid config, got:\n" + e.getMessage());
        }
    }

    static List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml")).problems();
    }

    /**
     * A config with one route whose YAML (a flow map, e.g. {@code {match: {prefix: /}, route: {cluster: backend}}})
     * is given; the route's path is {@code listeners[0].virtual_hosts[0].routes[0]}.
     */
    static String withRoute(String route) {
        return """
                listeners:
                  - name: main
                    port: 10000
                    virtual_hosts:
                      - name: default
                        domains: ["*"]
                        routes:
                          - %s
                clusters:
                  - name: backend
                    endpoints:
                      - {address: 127.0.0.1, port: 8080}
                """.formatted(route);
    }

    static final String ROUTE = "listeners[0].virtual_hosts[0].routes[0]";

    static String resource(String name) {
        try (InputStream in = ConfigTesting.class.getResourceAsStream("/config/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource config/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
