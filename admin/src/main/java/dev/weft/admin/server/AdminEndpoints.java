package dev.weft.admin.server;

import dev.weft.admin.stats.StatsStore;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Function;

/**
 * The admin endpoint table, declared once: path, who may call it how, a one-line description (the index page is
 * generated from it) and the handler. Paths and behaviour follow Envoy's admin interface.
 */
final class AdminEndpoints {

    /** How an endpoint may be called. */
    enum Access {
        /** Reads state: GET or HEAD. */
        READ("GET, HEAD"),
        /** Changes state: POST only, so that a link, an image or a prefetch can never trigger it. */
        MUTATE("POST"),
        /**
         * Reads state described by a JSON request body (e.g. {@code /authz/explain}): POST, since GET has no body.
         * It gets MUTATE's cross-site refusal and must be sent as {@code application/json}, which an HTML form
         * cannot send: a cross-site page would need a CORS preflight, which the admin server never grants.
         */
        QUERY("POST");

        private final String allow;

        Access(String allow) {
            this.allow = allow;
        }

        /** Whether a browser page of another site must be refused (state changes and body-carrying queries). */
        boolean crossSiteChecked() {
            return this != READ;
        }

        /** The Allow field of a 405 (RFC 9110 section 15.5.6). */
        String allow() {
            return allow;
        }

        boolean permits(String method) {
            return this == READ ? method.equals("GET") || method.equals("HEAD") : method.equals("POST");
        }
    }

    /**
     * One endpoint.
     *
     * @param examples extra query forms the index page links to, e.g. {@code ?format=json}
     */
    record Endpoint(String path, Access access, String description, List<String> examples,
                    Function<AdminRequest, AdminResponse> handler) {
    }

    private static final String OK = "OK\n";

    private final Map<String, Endpoint> byPath = new LinkedHashMap<>();

    AdminEndpoints(StatsStore stats, AdminViews views, IntSupplier adminConnections) {
        StatsEndpoints statsEndpoints = new StatsEndpoints(stats);
        TopologyReport topology = new TopologyReport(views);
        RuntimeReport runtime = new RuntimeReport(stats, views, adminConnections);
        LatencyReport latency = new LatencyReport(stats);

        add("/", Access.READ, "this page: every admin endpoint", List.of(), r -> IndexPage.render(this));
        add("/stats", Access.READ, "counters, gauges and histogram summaries; ?filter=<regex>, ?usedonly, ?format=json",
                List.of("?format=json", "?usedonly", "?format=prometheus"), statsEndpoints::stats);
        add("/stats/prometheus", Access.READ, "all stats in the Prometheus text exposition format", List.of(),
                statsEndpoints::prometheus);
        add("/clusters", Access.READ, "upstream clusters: per endpoint health, connections and request counts",
                List.of("?format=json"), topology::clusters);
        add("/listeners", Access.READ, "listeners: name, address and open connections", List.of("?format=json"),
                topology::listeners);
        add("/certs", Access.READ, "loaded TLS certificates and CAs: owner, subject, SANs, serial, expiry, days left",
                List.of("?format=json"), r -> CertsReport.handle(views, r));
        add("/config_dump", Access.READ, "the active configuration as JSON, secrets redacted", List.of(),
                r -> AdminResponse.json(views.configDumpJson()));
        add("/server_info", Access.READ, "version, state, uptime, JVM and command line", List.of(),
                runtime::serverInfo);
        add("/memory", Access.READ, "heap, buffer pools, process RSS, threads and connections", List.of(),
                runtime::memory);
        add("/latency", Access.READ, "latency percentile plots for listeners, clusters and routes (live)",
                List.of("?format=json"), latency::handle);
        add("/ready", Access.READ, "200 LIVE when ready to serve, else 503 with the server state", List.of(),
                r -> ready(views));
        add("/authz/denials", Access.READ, "the last RBAC denials, newest first, with why; ?last=N",
                List.of("?last=20"), r -> AuthzEndpoints.denials(views, r));
        add("/authz/explain", Access.QUERY, "how every RBAC filter of a listener would decide a request described "
                + "in the JSON body (nothing is sent)", List.of(), r -> AuthzEndpoints.explain(views, r));
        add("/healthcheck/fail", Access.MUTATE, "make the proxy's health check fail (e.g. before maintenance)",
                List.of(), r -> {
                    views.healthcheckFail(true);
                    return AdminResponse.text(200, OK);
                });
        add("/healthcheck/ok", Access.MUTATE, "make the proxy's health check pass again", List.of(), r -> {
            views.healthcheckFail(false);
            return AdminResponse.text(200, OK);
        });
        add("/drain_listeners", Access.MUTATE, "stop accepting on every listener; open connections finish",
                List.of(), r -> {
                    views.drainListeners();
                    return AdminResponse.text(200, OK);
                });
        add("/reset_counters", Access.MUTATE, "reset every counter to zero", List.of(), r -> {
            stats.resetCounters();
            return AdminResponse.text(200, OK);
        });
        add("/quitquitquit", Access.MUTATE, "shut the proxy down gracefully", List.of(),
                // answer first: the shutdown may close this very connection
                r -> AdminResponse.text(200, OK).closing().then(views::quit));
    }

    /** The endpoint at exactly {@code path}, or null. */
    Endpoint find(String path) {
        return byPath.get(path);
    }

    Collection<Endpoint> all() {
        return byPath.values();
    }

    private static AdminResponse ready(AdminViews views) {
        String state = views.serverState();
        if (views.ready() && !views.healthcheckFailed()) {
            return AdminResponse.text(200, "LIVE\n");
        }
        return AdminResponse.text(503, state + "\n");
    }

    private void add(String path, Access access, String description, List<String> examples,
                     Function<AdminRequest, AdminResponse> handler) {
        byPath.put(path, new Endpoint(path, access, description, examples, handler));
    }
}
