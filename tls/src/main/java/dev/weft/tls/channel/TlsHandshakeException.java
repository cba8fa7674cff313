package dev.weft.tls.channel;

import javax.net.ssl.SSLException;

/** A TLS handshake that did not complete, with a {@link Reason} the caller can count and log without parsing text. */
public final class TlsHandshakeException extends SSLException {
    private static final long serialVersionUID = 1L;

    /** Why a handshake failed; one stat per constant is the intended use (e.g. {@code ssl.handshake_error.<reason>}). */
    public enum Reason {
        /** The handshake did not finish within its timeout; the watchdog closed the socket. */
        TIMEOUT,
        /** The peer closed or reset the connection (TCP EOF, RST, close_notify) before the handshake finished. */
        PEER_CLOSED,
        /** Plaintext HTTP ("GET ", "POST", the HTTP/2 preface...) arrived on a TLS port; no TLS alert was sent. */
        PLAINTEXT,
        /** Not TLS, or no common protocol version, cipher suite or ALPN protocol. */
        PROTOCOL,
        /**
         * Certificate verification failed on either side: no certificate, unknown CA, expired, SAN/identity mismatch,
         * or the peer rejected ours with a certificate alert. The JDK exception is the cause.
         */
        CERTIFICATE,
        /** Anything else (internal error, unexpected exception); see the cause. */
        OTHER
    }

    private final Reason reason;

    public TlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
