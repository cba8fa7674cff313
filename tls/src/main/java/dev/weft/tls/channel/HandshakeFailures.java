package dev.weft.tls.channel;

import dev.weft.tls.channel.TlsHandshakeException.Reason;
import java.io.EOFException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Maps what the JDK threw during a handshake to a {@link Reason}, and spots plaintext HTTP on a TLS port. */
final class HandshakeFailures {
    /** Bytes needed to recognise an HTTP/1.x method or the HTTP/2 preface ("PRI "). */
    static final int PLAINTEXT_PROBE_BYTES = 4;

    /** RFC 9110 section 9 methods, first four bytes; "PRI " is the RFC 9113 section 3.4 prior-knowledge preface. */
    private static final List<String> PLAINTEXT_PREFIXES = List.of(
            "GET ", "HEAD", "POST", "PUT ", "DELE", "CONN", "OPTI", "TRAC", "PATC", "PRI ");

    /** TLS alert names (RFC 8446 section 6) that mean "the peer did not accept a certificate". */
    private static final List<String> CERTIFICATE_ALERTS = List.of(
            "bad_certificate", "unsupported_certificate", "certificate_revoked", "certificate_expired",
            "certificate_unknown", "unknown_ca", "certificate_required", "access_denied");

    /** JDK messages and alert names that mean "we could not agree on TLS itself". */
    private static final List<String> PROTOCOL_MARKERS = List.of(
            "protocol", "unrecognized ssl message", "cipher suite", "handshake_failure", "insufficient_security",
            "unexpected_message", "decode_error", "illegal_parameter", "no_application_protocol",
            "unsupported_extension", "record_overflow");

    private HandshakeFailures() {
    }

    /**
     * True if the first bytes of a connection look like plaintext HTTP. {@code in} is in write mode (position = end of
     * data) and is not modified.
     */
    static boolean looksLikePlaintextHttp(ByteBuffer in) {
        if (in.position() < PLAINTEXT_PROBE_BYTES) {
            return false;
        }
        byte[] head = new byte[PLAINTEXT_PROBE_BYTES];
        in.get(0, head);
        return PLAINTEXT_PREFIXES.contains(new String(head, StandardCharsets.ISO_8859_1));
    }

    static TlsHandshakeException classify(Throwable failure) {
        if (failure instanceof TlsHandshakeException already) {
            return already;
        }
        Reason reason = reasonOf(failure);
        String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        return new TlsHandshakeException(reason, message, failure);
    }

    private static Reason reasonOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof CertPathValidatorException
                    || t instanceof CertPathBuilderException) {
                return Reason.CERTIFICATE;
            }
        }
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        if (failure instanceof SSLException) {
            if (message.contains("close_notify")) {
                return Reason.PEER_CLOSED;
            }
            // "Empty client certificate chain", "Received fatal alert: certificate_required", ...
            if (message.contains("certificate") || CERTIFICATE_ALERTS.stream().anyMatch(message::contains)) {
                return Reason.CERTIFICATE;
            }
            if (PROTOCOL_MARKERS.stream().anyMatch(message::contains)) {
                return Reason.PROTOCOL;
            }
            if (failure.getCause() instanceof SocketException || failure.getCause() instanceof EOFException) {
                return Reason.PEER_CLOSED;
            }
            return Reason.OTHER;
        }
        if (failure instanceof EOFException || failure instanceof SocketException
                || failure instanceof ClosedChannelException) {
            return Reason.PEER_CLOSED;
        }
        if (message.contains("connection reset") || message.contains("broken pipe")) {
            return Reason.PEER_CLOSED;
        }
        return Reason.OTHER;
    }
}
