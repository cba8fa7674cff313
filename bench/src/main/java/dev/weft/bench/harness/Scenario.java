package dev.weft.bench.harness;

import java.util.Arrays;
import java.util.Locale;

/** The traffic shapes the harness can drive, and which listener of a proxy each one uses. */
enum Scenario {
    /** HTTP/1.1 keep-alive, plaintext. */
    H1("h1", Listener.PLAIN),
    /** HTTP/1.1 with a new TCP connection per request ({@code Connection: close}). */
    H1_CLOSE("h1-close", Listener.PLAIN),
    /** HTTP/1.1 keep-alive over TLS (server authentication only). */
    TLS("tls", Listener.TLS),
    /** HTTP/1.1 keep-alive over mutual TLS: the client presents a certificate with a SPIFFE ID. */
    MTLS("mtls", Listener.MTLS),
    /** HTTP/2 over TLS (ALPN h2), several streams per connection. */
    H2("h2", Listener.H2);

    /** The listeners a proxy under test opens, one per kind. */
    enum Listener { PLAIN, TLS, MTLS, H2 }

    final String id;
    final Listener listener;

    Scenario(String id, Listener listener) {
        this.id = id;
        this.listener = listener;
    }

    boolean tls() {
        return listener != Listener.PLAIN;
    }

    static Scenario of(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id.toLowerCase(Locale.ROOT).strip())) {
                return s;
            }
        }
        throw new HarnessException("--scenario: unknown scenario '" + id + "' (known: "
                + String.join(", ", Arrays.stream(values()).map(s -> s.id).toList()) + ")");
    }
}
