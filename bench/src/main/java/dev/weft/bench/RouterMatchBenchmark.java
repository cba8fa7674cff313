package dev.weft.bench;

import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.router.RequestView;
import dev.weft.core.router.Route;
import dev.weft.core.router.Router;
import java.util.concurrent.TimeUnit;
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

/**
 * Cost of routing one request: virtual host by Host (exact, then suffix wildcard), then the first matching route of
 * 20 (prefixes, an exact path, a regex, a method and a header matcher), as an API gateway's table. {@code first} hits
 * the first route, {@code last} the twentieth (every route before it is tried), {@code regex} a regex route.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class RouterMatchBenchmark {

    @Param({"first", "last", "regex"})
    public String request;

    private Router router;
    private View view;

    @Setup
    public void setup() throws Exception {
        StringBuilder routes = new StringBuilder();
        routes.append("          - match: {prefix: /api/v1/users, headers: [{name: x-tenant, exact: acme}]}\n"
                + "            route: {cluster: backend}\n");
        for (int i = 0; i < 16; i++) {
            routes.append("          - match: {prefix: /svc").append(i).append("/}\n")
                    .append("            route: {cluster: backend}\n");
        }
        routes.append("          - match: {safe_regex: \"^/items/[0-9]+/detail$\"}\n"
                + "            route: {cluster: backend}\n");
        routes.append("          - match: {path: /health, methods: [GET]}\n"
                + "            direct_response: {status: 200, body: ok}\n");
        routes.append("          - match: {prefix: /static/}\n"
                + "            route: {cluster: backend}\n");
        String yaml = "listeners:\n"
                + "  - name: bench\n"
                + "    port: 0\n"
                + "    virtual_hosts:\n"
                + "      - name: other\n"
                + "        domains: [\"other.example.com\", \"*.other.example.com\"]\n"
                + "        routes:\n"
                + "          - match: {prefix: /}\n"
                + "            route: {cluster: backend}\n"
                + "      - name: api\n"
                + "        domains: [\"api.example.com\", \"*.example.com\"]\n"
                + "        routes:\n" + routes
                + "clusters:\n"
                + "  - name: backend\n"
                + "    endpoints: [{address: 127.0.0.1, port: 8080}]\n";
        WeftConfig config = ConfigLoader.parse(yaml, "router-bench");
        router = new Router(config.listeners().get(0).virtualHosts());
        view = switch (request) {
            case "first" -> new View("GET", "api.example.com", "/api/v1/users/42", "acme");
            case "last" -> new View("GET", "www.example.com", "/static/app.js", null);
            default -> new View("GET", "api.example.com", "/items/12345/detail", null);
        };
        if (router.route(view) == null) {
            throw new IllegalStateException("no route for " + request);
        }
    }

    @Benchmark
    public Route route() {
        return router.route(view);
    }

    /** A request as the router sees it. */
    private record View(String method, String host, String path, String tenant) implements RequestView {
        @Override
        public String query() {
            return null;
        }

        @Override
        public String header(String lowerName) {
            return lowerName.equals("x-tenant") ? tenant : null;
        }
    }
}
