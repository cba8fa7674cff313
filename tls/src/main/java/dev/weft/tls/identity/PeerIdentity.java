package dev.weft.tls.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.security.auth.x500.X500Principal;

/**
 * Who the peer is, as its leaf certificate says: subject alternative names by kind, subject DN and SPIFFE ID.
 *
 * @param dnsSans dNSName SANs, as written in the certificate (may include a {@code *.} wildcard)
 * @param uriSans uniformResourceIdentifier SANs
 * @param ipSans iPAddress SANs in the JDK's textual form
 * @param subject the subject DN in RFC 2253 form; empty for {@link #NONE}
 * @param spiffeId the first {@code spiffe://} URI SAN, or null
 */
public record PeerIdentity(List<String> dnsSans, List<String> uriSans, List<String> ipSans, String subject,
                           String spiffeId) {

    /** No certificate was presented. */
    public static final PeerIdentity NONE = new PeerIdentity(List.of(), List.of(), List.of(), "", null);

    // RFC 5280 section 4.2.1.6 GeneralName choice tags, as X509Certificate.getSubjectAlternativeNames reports them
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    public PeerIdentity {
        dnsSans = List.copyOf(dnsSans);
        uriSans = List.copyOf(uriSans);
        ipSans = List.copyOf(ipSans);
        subject = subject == null ? "" : subject;
    }

    public static PeerIdentity of(X509Certificate certificate) {
        List<String> dns = new ArrayList<>();
        List<String> uris = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        Collection<List<?>> sans;
        try {
            sans = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            sans = null; // an unparseable SAN extension gives no names, so no matcher can match it
        }
        if (sans != null) {
            for (List<?> san : sans) {
                if (san.size() < 2 || !(san.get(0) instanceof Integer type) || !(san.get(1) instanceof String value)) {
                    continue;
                }
                switch (type) {
                    case SAN_DNS -> dns.add(value);
                    case SAN_URI -> uris.add(value);
                    case SAN_IP -> ips.add(value);
                    default -> { }
                }
            }
        }
        String spiffe = uris.stream().filter(PeerIdentity::isSpiffe).findFirst().orElse(null);
        return new PeerIdentity(dns, uris, ips, certificate.getSubjectX500Principal().getName(X500Principal.RFC2253),
                spiffe);
    }

    /** All SANs prefixed by kind ({@code DNS:}, {@code URI:}, {@code IP:}), for logs and admin pages. */
    public List<String> describeSans() {
        List<String> out = new ArrayList<>();
        dnsSans.forEach(s -> out.add("DNS:" + s));
        uriSans.forEach(s -> out.add("URI:" + s));
        ipSans.forEach(s -> out.add("IP:" + s));
        return out;
    }

    private static boolean isSpiffe(String uri) {
        return uri.length() > 9 && uri.substring(0, 9).toLowerCase(Locale.ROOT).equals("spiffe://");
    }
}
