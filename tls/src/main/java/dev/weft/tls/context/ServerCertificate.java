package dev.weft.tls.context;

import dev.weft.tls.identity.SanMatcher;
import java.util.List;
import java.util.Objects;

/**
 * Material a server presents to clients whose SNI name is one of {@code serverNames}.
 *
 * @param serverNames exact names or {@code *.example.com} wildcards; empty marks the default certificate
 * @param material the chain and key
 */
public record ServerCertificate(List<String> serverNames, TlsMaterial material) {

    public ServerCertificate {
        serverNames = List.copyOf(serverNames);
        Objects.requireNonNull(material, "material");
    }

    public boolean isDefault() {
        return serverNames.isEmpty();
    }

    boolean matchesExactly(String sni) {
        for (String name : serverNames) {
            if (!name.startsWith("*.") && SanMatcher.dnsNameCovers(name, sni)) {
                return true;
            }
        }
        return false;
    }

    boolean matchesWildcard(String sni) {
        for (String name : serverNames) {
            if (name.startsWith("*.") && SanMatcher.dnsNameCovers(name, sni)) {
                return true;
            }
        }
        return false;
    }
}
