package dev.weft.tls.context;

import dev.weft.tls.identity.PeerIdentity;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What an admin page shows about one loaded certificate.
 *
 * @param name where it is used, e.g. {@code server default} or {@code client-ca #0}
 * @param subject RFC 2253 subject DN
 * @param sans {@code DNS:}, {@code URI:}, {@code IP:} prefixed SANs
 * @param notAfter expiry
 * @param daysLeft whole days until expiry, negative once expired
 * @param serial serial number in hex
 */
public record CertInfo(String name, String subject, List<String> sans, Instant notAfter, long daysLeft,
                       String serial) {

    private static final long SECONDS_PER_DAY = 86_400;

    public CertInfo {
        sans = List.copyOf(sans);
    }

    public static CertInfo of(String name, X509Certificate certificate, Instant now) {
        PeerIdentity identity = PeerIdentity.of(certificate);
        Instant notAfter = certificate.getNotAfter().toInstant();
        long daysLeft = Math.floorDiv(notAfter.getEpochSecond() - now.getEpochSecond(), SECONDS_PER_DAY);
        return new CertInfo(name, identity.subject(), identity.describeSans(), notAfter, daysLeft,
                certificate.getSerialNumber().toString(16).toUpperCase(Locale.ROOT));
    }
}
