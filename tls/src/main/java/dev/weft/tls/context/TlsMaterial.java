package dev.weft.tls.context;

import dev.weft.tls.identity.PeerIdentity;
import dev.weft.tls.pem.Pem;
import dev.weft.tls.pem.PemException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A certificate chain with its private key, checked to belong together and to be valid when loaded.
 *
 * @param chain leaf first
 * @param key the leaf's private key
 * @param identity what the leaf says about us
 * @param notAfter the earliest expiry in the chain, i.e. when this material stops working
 */
public record TlsMaterial(List<X509Certificate> chain, PrivateKey key, PeerIdentity identity, Instant notAfter) {

    public TlsMaterial {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(notAfter, "notAfter");
    }

    /** Loads and validates at the current time. */
    public static TlsMaterial load(Path certFile, Path keyFile) throws PemException {
        return load(certFile, keyFile, Instant.now());
    }

    /** Loads the chain and key, then checks that the key matches the leaf and that the chain is valid at {@code now}. */
    public static TlsMaterial load(Path certFile, Path keyFile, Instant now) throws PemException {
        List<X509Certificate> chain = Pem.certificates(certFile);
        PrivateKey key = Pem.privateKey(keyFile);
        Pem.checkKeyMatches(certFile, chain.get(0), keyFile, key);
        Pem.checkValidity(certFile, chain, now);
        return of(chain, key);
    }

    /** Wraps an already checked chain and key. */
    public static TlsMaterial of(List<X509Certificate> chain, PrivateKey key) {
        Instant notAfter = chain.stream()
                .map(c -> c.getNotAfter().toInstant())
                .min(Instant::compareTo)
                .orElseThrow(() -> new IllegalArgumentException("empty certificate chain"));
        return new TlsMaterial(chain, key, PeerIdentity.of(chain.get(0)), notAfter);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "TlsMaterial[subject=" + identity.subject() + ", sans=" + identity.describeSans() + ", key="
                + key.getAlgorithm() + ", notAfter=" + notAfter + "]";
    }
}
