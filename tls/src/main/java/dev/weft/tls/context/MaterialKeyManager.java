package dev.weft.tls.context;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Picks which of our certificates to present: on a server by the client's SNI name (exact names, then wildcards,
 * then the default), on a client the one configured certificate. Aliases are {@code weft-<index>}.
 *
 * <p>JSSE asks once per key type it could use ("RSA", "RSASSA-PSS", "EC", "EdDSA"), so an alias is returned only when
 * the entry's key fits that type; the best tier with any name match decides, a lower tier is never used to fill in
 * a missing key type, so a client never gets a certificate for another name while one for its name exists.
 */
final class MaterialKeyManager extends X509ExtendedKeyManager {
    private static final String ALIAS_PREFIX = "weft-";

    private final List<ServerCertificate> entries;

    MaterialKeyManager(List<ServerCertificate> entries) {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("no certificates");
        }
        this.entries = List.copyOf(entries);
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return chooseServer(keyType, engine == null ? null : sniName(engine.getHandshakeSession()));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return chooseServer(keyType, socket instanceof SSLSocket ssl ? sniName(ssl.getHandshakeSession()) : null);
    }

    @Override
    public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
        return chooseClient(keyTypes);
    }

    @Override
    public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
        return chooseClient(keyTypes);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        ServerCertificate entry = entry(alias);
        return entry == null ? null : entry.material().chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        ServerCertificate entry = entry(alias);
        return entry == null ? null : entry.material().key();
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        return aliases(keyType);
    }

    /** The entry a client asking for {@code sni} (null: no SNI) gets for {@code keyType}; package-private for tests. */
    String chooseServer(String keyType, String sni) {
        if (sni != null) {
            String alias = firstOfTier(keyType, e -> e.matchesExactly(sni));
            if (alias == null) {
                alias = firstOfTier(keyType, e -> e.matchesWildcard(sni));
            }
            if (alias != null) {
                return alias.isEmpty() ? null : alias;
            }
        }
        boolean hasDefault = entries.stream().anyMatch(ServerCertificate::isDefault);
        // without an explicit default, the first configured certificate answers unknown names (like nginx)
        String alias = firstOfTier(keyType, hasDefault ? ServerCertificate::isDefault : e -> true);
        return alias == null || alias.isEmpty() ? null : alias;
    }

    /** null: no entry in the tier; "": entries in the tier, none for this key type; else the alias. */
    private String firstOfTier(String keyType, Predicate<ServerCertificate> inTier) {
        boolean any = false;
        for (int i = 0; i < entries.size(); i++) {
            ServerCertificate entry = entries.get(i);
            if (inTier.test(entry)) {
                any = true;
                if (fits(entry, keyType)) {
                    return ALIAS_PREFIX + i;
                }
            }
        }
        return any ? "" : null;
    }

    private String chooseClient(String[] keyTypes) {
        if (keyTypes == null) {
            return null;
        }
        for (String keyType : keyTypes) {
            for (int i = 0; i < entries.size(); i++) {
                if (fits(entries.get(i), keyType)) {
                    return ALIAS_PREFIX + i;
                }
            }
        }
        return null;
    }

    private String[] aliases(String keyType) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            if (fits(entries.get(i), keyType)) {
                out.add(ALIAS_PREFIX + i);
            }
        }
        return out.isEmpty() ? null : out.toArray(String[]::new);
    }

    private ServerCertificate entry(String alias) {
        if (alias == null || !alias.startsWith(ALIAS_PREFIX)) {
            return null;
        }
        try {
            int index = Integer.parseInt(alias.substring(ALIAS_PREFIX.length()));
            return index >= 0 && index < entries.size() ? entries.get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** JSSE key types: "RSA", "RSASSA-PSS", "EC", "EdDSA"; TLS 1.2 static-ECDH types look like "EC_RSA". */
    private static boolean fits(ServerCertificate entry, String keyType) {
        if (keyType == null) {
            return false;
        }
        int underscore = keyType.indexOf('_');
        String wanted = underscore < 0 ? keyType : keyType.substring(0, underscore);
        return keyAlgorithm(entry.material().key().getAlgorithm()).equals(wanted);
    }

    private static String keyAlgorithm(String algorithm) {
        return switch (algorithm) {
            case "Ed25519", "Ed448" -> "EdDSA";
            default -> algorithm;
        };
    }

    static String sniName(SSLSession handshake) {
        if (!(handshake instanceof ExtendedSSLSession extended)) {
            return null;
        }
        for (SNIServerName name : extended.getRequestedServerNames()) {
            if (name instanceof SNIHostName host) {
                return host.getAsciiName();
            }
            if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                try {
                    return new SNIHostName(name.getEncoded()).getAsciiName();
                } catch (IllegalArgumentException e) {
                    return null;
                }
            }
        }
        return null;
    }
}
