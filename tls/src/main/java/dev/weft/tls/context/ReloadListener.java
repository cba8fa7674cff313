package dev.weft.tls.context;

/** Told about every reload attempt, e.g. to count {@code ssl.reload_ok} / {@code ssl.reload_failed}. */
public interface ReloadListener {

    ReloadListener NONE = new ReloadListener() { };

    /** New material is in use for new handshakes. */
    default void onReload() { }

    /** The new material was rejected; the previous one keeps serving. The cause names files, never key material. */
    default void onReloadFailure(Exception cause) { }
}
