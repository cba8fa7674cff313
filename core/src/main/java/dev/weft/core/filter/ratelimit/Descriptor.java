package dev.weft.core.filter.ratelimit;

import dev.weft.core.filter.FilterRequest;
import dev.weft.tls.identity.PeerIdentity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What splits a limit into per-key buckets ({@code descriptor}): a request header's value, the client address, or
 * the TLS peer's identity. A request without that key uses the limit's shared bucket. Immutable.
 *
 * @param kind   which part of the request is the key
 * @param header the lower-case header name for {@link Kind#HEADER}, else null
 */
public record Descriptor(Kind kind, String header) {
    /**
     * Keys longer than this are replaced by their SHA-256 (a bucket table of {@code max_buckets} keys must stay small
     * however long the header values an attacker sends).
     */
    static final int MAX_KEY_CHARS = 128;

    /** The request part that keys a bucket. */
    public enum Kind {
        /** The value of a request header, as earlier filters left it. */
        HEADER,
        /** {@link FilterRequest#remoteIp()}: the peer, or the trusted x-forwarded-for hop. */
        REMOTE_ADDRESS,
        /** The client certificate's first URI SAN (a SPIFFE ID), else its subject. */
        PEER_IDENTITY
    }

    /** The bucket key of this request, or null when it has none. */
    String key(FilterRequest request) {
        String key = switch (kind) {
            case HEADER -> request.header(header);
            case REMOTE_ADDRESS -> request.remoteIp();
            case PEER_IDENTITY -> peerKey(request.peer());
        };
        if (key == null || key.isEmpty()) {
            return null;
        }
        return key.length() > MAX_KEY_CHARS ? "sha256:" + sha256Hex(key) : key;
    }

    private static String peerKey(PeerIdentity peer) {
        if (!peer.uriSans().isEmpty()) {
            return peer.uriSans().get(0);
        }
        return peer.subject().isEmpty() ? null : peer.subject();
    }

    /**
     * How the access log names the bucket of {@code key}. A header value may be a secret (an API key), so it is shown
     * only as a fingerprint: the first 12 hex digits of its SHA-256, which an operator can compute from a key they
     * hold to find its lines.
     */
    String describe(String key) {
        if (key == null) {
            return "shared";
        }
        return switch (kind) {
            case HEADER -> header + ":sha256=" + sha256Hex(key).substring(0, 12);
            case REMOTE_ADDRESS -> "remote_address:" + key;
            case PEER_IDENTITY -> "peer:" + key;
        };
    }

    static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
