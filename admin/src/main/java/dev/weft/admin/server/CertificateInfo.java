package dev.weft.admin.server;

import java.util.List;

/**
 * One loaded certificate as {@code /certs} shows it.
 *
 * @param owner    where it is used, e.g. {@code listener inbound: server default} or {@code cluster mesh: server-ca #0}
 * @param subject  RFC 2253 subject DN
 * @param sans     subject alternative names, {@code DNS:}, {@code URI:} or {@code IP:} prefixed
 * @param serial   serial number in hex
 * @param notAfter expiry, ISO-8601 UTC
 * @param daysLeft whole days until expiry, negative once expired
 */
public record CertificateInfo(String owner, String subject, List<String> sans, String serial, String notAfter,
                              long daysLeft) {
    public CertificateInfo {
        sans = List.copyOf(sans);
    }
}
