package dev.weft.core.config;

import java.util.List;

/**
 * The admin server (stats, Prometheus, health, drain). Present only when the config has an {@code admin} block, as
 * in Envoy; always its own listener, never on a data listener.
 *
 * @param address      bind address (default 127.0.0.1: loopback only)
 * @param port         0..65535 (default 9901; 0 binds an ephemeral port)
 * @param bearerToken  when set, every endpoint but /ready needs {@code authorization: Bearer <token>}; null for none.
 *                     Never logged and redacted in /config_dump.
 * @param allowedPaths when not empty, only these paths are served (403 for the rest)
 */
public record AdminConfig(String address, int port, String bearerToken, List<String> allowedPaths) {
    public AdminConfig {
        allowedPaths = List.copyOf(allowedPaths);
    }

    @Override
    public String toString() {
        return "AdminConfig[address=" + address + ", port=" + port + ", bearerToken="
                + (bearerToken == null ? "null" : "<redacted>") + ", allowedPaths=" + allowedPaths + "]";
    }
}
