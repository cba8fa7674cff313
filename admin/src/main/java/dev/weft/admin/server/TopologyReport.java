package dev.weft.admin.server;

import java.util.List;

/** {@code /clusters} and {@code /listeners} in Envoy's text layout ({@code a::b::c}) and as JSON. */
final class TopologyReport {
    private final AdminViews views;

    TopologyReport(AdminViews views) {
        this.views = views;
    }

    /**
     * Text: one {@code cluster::endpoint::stat::value} line per endpoint stat (e.g.
     * {@code backend::127.0.0.1:8080::rq_active::0}), after a {@code cluster::observability_name::cluster} line so
     * that a cluster without endpoints still shows.
     */
    AdminResponse clusters(AdminRequest request) {
        List<ClusterInfo> clusters = views.clusters();
        return request.wantsJson() ? AdminResponse.json(clustersJson(clusters))
                : AdminResponse.text(200, clustersText(clusters));
    }

    /** Text: {@code name::address:port} per listener, as Envoy prints; JSON adds the open connections. */
    AdminResponse listeners(AdminRequest request) {
        List<ListenerInfo> listeners = views.listeners();
        if (request.wantsJson()) {
            Json json = new Json().beginObject().name("listener_statuses").beginArray();
            for (ListenerInfo l : listeners) {
                json.beginObject().field("name", l.name()).field("address", l.address()).field("port", l.port())
                        .field("open_connections", l.openConnections()).endObject();
            }
            return AdminResponse.json(json.endArray().endObject().toString());
        }
        StringBuilder text = new StringBuilder();
        for (ListenerInfo l : listeners) {
            text.append(l.name()).append("::").append(hostPort(l.address(), l.port())).append('\n');
        }
        return AdminResponse.text(200, text.toString());
    }

    static String clustersText(List<ClusterInfo> clusters) {
        StringBuilder text = new StringBuilder();
        for (ClusterInfo c : clusters) {
            text.append(c.name()).append("::observability_name::").append(c.name()).append('\n');
            for (EndpointInfo e : c.endpoints()) {
                String prefix = c.name() + "::" + e.address() + "::";
                line(text, prefix, "cx_active", e.openConnections());
                line(text, prefix, "cx_idle", e.idleConnections());
                line(text, prefix, "rq_active", e.activeRequests());
                line(text, prefix, "rq_success", e.successes());
                line(text, prefix, "rq_error", e.errors());
                line(text, prefix, "rq_total", e.successes() + e.errors());
                text.append(prefix).append("health_flags::").append(e.healthy() ? "healthy" : "unhealthy").append('\n');
            }
        }
        return text.toString();
    }

    static String clustersJson(List<ClusterInfo> clusters) {
        Json json = new Json().beginObject().name("cluster_statuses").beginArray();
        for (ClusterInfo c : clusters) {
            json.beginObject().field("name", c.name()).name("host_statuses").beginArray();
            for (EndpointInfo e : c.endpoints()) {
                json.beginObject().field("address", e.address()).field("healthy", e.healthy())
                        .name("stats").beginObject()
                        .field("cx_active", e.openConnections())
                        .field("cx_idle", e.idleConnections())
                        .field("rq_active", e.activeRequests())
                        .field("rq_success", e.successes())
                        .field("rq_error", e.errors())
                        .field("rq_total", e.successes() + e.errors())
                        .endObject().endObject();
            }
            json.endArray().endObject();
        }
        return json.endArray().endObject().toString();
    }

    /** {@code address:port}, with an IPv6 address in brackets (RFC 3986 section 3.2.2). */
    static String hostPort(String address, int port) {
        boolean ipv6 = address.indexOf(':') >= 0 && !address.startsWith("[");
        return (ipv6 ? "[" + address + "]" : address) + ":" + port;
    }

    private static void line(StringBuilder text, String prefix, String stat, long value) {
        text.append(prefix).append(stat).append("::").append(value).append('\n');
    }
}
