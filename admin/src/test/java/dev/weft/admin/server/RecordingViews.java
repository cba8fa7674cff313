package dev.weft.admin.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A fake of the proxy behind {@link AdminViews}: fixed topology, settable state, and a log of the calls it got. */
final class RecordingViews implements AdminViews {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile String state = "LIVE";
    volatile boolean ready = true;
    volatile boolean healthcheckFailed;
    volatile List<ClusterInfo> clusters = List.of(
            new ClusterInfo("backend", List.of(
                    new EndpointInfo("127.0.0.1:8080", true, 0, 2, 1, 41, 1),
                    new EndpointInfo("127.0.0.1:8081", false, 3, 4, 0, 7, 5))),
            new ClusterInfo("empty", List.of()));
    volatile List<ListenerInfo> listeners = List.of(
            new ListenerInfo("ingress", "0.0.0.0", 10000, 12),
            new ListenerInfo("v6", "::1", 10001, 0));
    volatile List<CertificateInfo> certificates = List.of(
            new CertificateInfo("listener ingress: server default", "CN=edge,O=Weft",
                    List.of("DNS:edge.local", "URI:spiffe://mesh/ns/default/sa/edge"), "1A2B", "2031-01-01T00:00:00Z",
                    365),
            new CertificateInfo("cluster backend: server-ca #0", "CN=<mesh \"ca\">", List.of(), "FF",
                    "2020-01-01T00:00:00Z", -3));

    @Override
    public String serverState() {
        return state;
    }

    @Override
    public boolean ready() {
        return ready;
    }

    @Override
    public String configDumpJson() {
        return "{\"listeners\":[{\"name\":\"ingress\"}],\"secret\":\"[redacted]\"}";
    }

    @Override
    public List<ListenerInfo> listeners() {
        return listeners;
    }

    @Override
    public List<ClusterInfo> clusters() {
        return clusters;
    }

    @Override
    public List<CertificateInfo> certificates() {
        return certificates;
    }

    @Override
    public int downstreamConnections() {
        return 12;
    }

    @Override
    public void drainListeners() {
        calls.add("drainListeners");
    }

    @Override
    public void quit() {
        calls.add("quit");
    }

    @Override
    public void healthcheckFail(boolean fail) {
        calls.add("healthcheckFail(" + fail + ")");
        healthcheckFailed = fail;
    }

    @Override
    public boolean healthcheckFailed() {
        return healthcheckFailed;
    }

    @Override
    public String version() {
        return "0.1.0-test";
    }

    @Override
    public String authzDenialsJson(int last) {
        calls.add("authzDenialsJson(" + last + ")");
        return "[{\"last\":" + last + "}]";
    }

    /** Echoes the body it was given as a JSON string; a body of "bad" is a malformed description. */
    @Override
    public String authzExplainJson(String requestJson) {
        calls.add("authzExplainJson");
        if (requestJson.equals("bad")) {
            throw new IllegalArgumentException("path: must start with '/'");
        }
        return "{\"body\":" + Json.quote(requestJson) + "}";
    }
}
