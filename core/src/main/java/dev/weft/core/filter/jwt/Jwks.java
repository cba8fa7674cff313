package dev.weft.core.filter.jwt;

import dev.weft.core.json.JsonParser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A JWK set (RFC 7517 section 5) reduced to the usable signing keys, immutable. One instance is one version of a
 * provider's keys: the verified-token cache remembers which instance a token was checked against, so a refreshed set
 * without that key no longer admits the token.
 */
final class Jwks {
    /** JWK sets nest 3 deep ({@code {"keys":[{...}]}}); RSA "oth" members a little more. */
    static final int MAX_DEPTH = 6;
    private static final JsonParser.Options JSON = JsonParser.Options.untrusted(MAX_DEPTH);
    /** More keys than any issuer publishes; a bound on what a JWKS server can make every token try. */
    static final int MAX_KEYS = 64;

    private final Jwk[] keys;

    private Jwks(Jwk[] keys) {
        this.keys = keys;
    }

    /** Why a set as a whole is unusable (not JSON, no {@code keys} array, no usable key). */
    static final class BadJwksException extends Exception {
        BadJwksException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads a set. Keys that cannot be used are left out and described in {@code problems} ("keys[2]: ...");
     * the caller decides whether that is an error (a local set in the config) or a note (a fetched set).
     *
     * @throws BadJwksException when the text is not a JWK set or has no usable key at all
     */
    static Jwks parse(byte[] json, List<String> problems) throws BadJwksException {
        Object root;
        try {
            root = JsonParser.parse(json, JSON);
        } catch (JsonParser.SyntaxException e) {
            throw new BadJwksException("Jwks is an invalid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m) || !m.containsKey("keys")) {
            throw new BadJwksException("Jwks does not have [keys] field");
        }
        if (!(m.get("keys") instanceof List<?> list)) {
            throw new BadJwksException("[keys] in Jwks is not an array");
        }
        if (list.size() > MAX_KEYS) {
            throw new BadJwksException("Jwks has " + list.size() + " keys; at most " + MAX_KEYS + " are read");
        }
        List<Jwk> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            try {
                Jwk k = Jwk.parse(list.get(i));
                if (k != null) {
                    out.add(k);
                }
            } catch (Jwk.BadKeyException e) {
                problems.add("keys[" + i + "]: " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new BadJwksException("Jwks doesn't have any valid public key"
                    + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
        }
        return new Jwks(out.toArray(Jwk[]::new));
    }

    int size() {
        return keys.length;
    }

    Jwk key(int i) {
        return keys[i];
    }
}
