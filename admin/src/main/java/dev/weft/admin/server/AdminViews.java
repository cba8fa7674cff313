package dev.weft.admin.server;

import java.util.List;

/**
 * What the admin server may see of, and ask of, the running proxy; {@code core} implements it so that the admin
 * module never depends on the data plane. Every method may be called from any admin connection's virtual thread
 * at any time, so implementations read immutable snapshots or thread-safe state.
 */
public interface AdminViews {

    /** {@code "LIVE"}, {@code "DRAINING"} or {@code "PRE_INITIALIZING"}, as Envoy's {@code /ready} reports it. */
    String serverState();

    /** Whether the proxy accepts traffic: listeners bound, first config applied, not draining. */
    boolean ready();

    /** The active config as JSON, secrets already redacted. */
    String configDumpJson();

    List<ListenerInfo> listeners();

    List<ClusterInfo> clusters();

    /**
     * Every certificate in use by a listener or cluster (own certificates and CA bundles), the material new
     * handshakes get, so a rotation shows here as soon as it is applied.
     */
    List<CertificateInfo> certificates();

    /** Open downstream connections across all listeners. */
    int downstreamConnections();

    /** Stops accepting on every listener and lets open connections finish. */
    void drainListeners();

    /** Starts a graceful shutdown and returns at once. */
    void quit();

    /** Makes the proxy's health check answer fail ({@code true}) or pass again ({@code false}). */
    void healthcheckFail(boolean fail);

    boolean healthcheckFailed();

    /** The Weft version string. */
    String version();

    /**
     * The last {@code last} authorization denials, newest first, as a JSON array (see {@code GET /authz/denials});
     * "[]" when the proxy has no authorization filter.
     */
    default String authzDenialsJson(int last) {
        return "[]";
    }

    /**
     * How the authorization filters of a listener would decide the request described by {@code requestJson} (see
     * {@code POST /authz/explain}), as JSON. Sends nothing and changes nothing.
     *
     * @throws IllegalArgumentException when the description is malformed or names no listener; its message says
     *                                  what is wrong (the admin server answers 400 with it)
     */
    default String authzExplainJson(String requestJson) {
        throw new IllegalArgumentException("this proxy has no authorization filters to explain");
    }
}
