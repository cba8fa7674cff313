package dev.weft.core.server;

import dev.weft.admin.server.AdminViews;
import dev.weft.admin.server.CertificateInfo;
import dev.weft.admin.server.ClusterInfo;
import dev.weft.admin.server.EndpointInfo;
import dev.weft.admin.server.ListenerInfo;
import dev.weft.core.cluster.Cluster;
import dev.weft.core.cluster.Host;
import dev.weft.core.filter.rbac.AuthzAdmin;
import dev.weft.core.listener.Listener;
import dev.weft.tls.context.CertInfo;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the admin server sees of the running proxy: read from thread-safe state, never blocking the data plane. */
final class AdminBridge implements AdminViews {
    private final WeftServer server;

    AdminBridge(WeftServer server) {
        this.server = server;
    }

    @Override
    public String serverState() {
        if (!server.started()) {
            return "PRE_INITIALIZING";
        }
        return server.draining() ? "DRAINING" : "LIVE";
    }

    @Override
    public boolean ready() {
        return server.started() && !server.draining();
    }

    @Override
    public String configDumpJson() {
        return ConfigJson.of(server.config());
    }

    @Override
    public List<ListenerInfo> listeners() {
        List<ListenerInfo> out = new ArrayList<>();
        for (Listener l : server.listeners()) {
            InetSocketAddress a = l.localAddress();
            out.add(new ListenerInfo(l.config().name(), a.getAddress().getHostAddress(), a.getPort(),
                    l.openConnections()));
        }
        return out;
    }

    @Override
    public List<ClusterInfo> clusters() {
        List<ClusterInfo> out = new ArrayList<>();
        for (Cluster c : server.clusters()) {
            List<EndpointInfo> endpoints = new ArrayList<>();
            for (Host h : c.hosts()) {
                endpoints.add(new EndpointInfo(h.toString(), true, h.activeRequests(), h.pool().openConnections(),
                        h.pool().idleConnections(), h.successes(), h.errors()));
            }
            out.add(new ClusterInfo(c.name(), endpoints));
        }
        return out;
    }

    @Override
    public List<CertificateInfo> certificates() {
        Instant now = Instant.now();
        List<CertificateInfo> out = new ArrayList<>();
        for (Listener l : server.listeners()) {
            for (CertInfo c : l.certInfo(now)) {
                out.add(info("listener " + l.config().name(), c));
            }
        }
        for (Cluster c : server.clusters()) {
            for (CertInfo i : c.certInfo(now)) {
                out.add(info("cluster " + c.name(), i));
            }
        }
        return out;
    }

    private static CertificateInfo info(String owner, CertInfo c) {
        return new CertificateInfo(owner + ": " + c.name(), c.subject(), c.sans(), c.serial(), c.notAfter().toString(),
                c.daysLeft());
    }

    @Override
    public int downstreamConnections() {
        return server.downstreamConnections();
    }

    @Override
    public void drainListeners() {
        server.drainListeners();
    }

    @Override
    public void quit() {
        server.quit();
    }

    @Override
    public void healthcheckFail(boolean fail) {
        server.healthcheckFail(fail);
    }

    @Override
    public boolean healthcheckFailed() {
        return server.healthcheckFailed();
    }

    @Override
    public String version() {
        return WeftVersion.get();
    }

    @Override
    public String authzDenialsJson(int last) {
        return AuthzAdmin.denialsJson(server.filterState(), last);
    }

    @Override
    public String authzExplainJson(String requestJson) {
        return AuthzAdmin.explainJson(requestJson, this::explainTarget);
    }

    /** The listener an explanation is about: the named one, or the only one when none is named. */
    private AuthzAdmin.Target explainTarget(String name) {
        List<Listener> all = server.listeners();
        Listener found = null;
        if (name == null && all.size() == 1) {
            found = all.get(0);
        }
        for (Listener l : all) {
            if (l.config().name().equals(name)) {
                found = l;
            }
        }
        if (found == null) {
            List<String> names = all.stream().map(l -> l.config().name()).toList();
            throw new IllegalArgumentException(name == null ? "listener: is required (listeners: "
                    + String.join(", ", names) + ")" : "listener: no listener named '" + name + "' (listeners: "
                    + String.join(", ", names) + ")");
        }
        return new AuthzAdmin.Target(found.config().name(), found.localAddress(),
                found.config().http().xffNumTrustedHops(), found.config().http().rejectNonCanonicalPaths(),
                found.router(), found.filters());
    }
}
