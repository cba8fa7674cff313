package dev.weft.admin.server;

import java.util.List;

/** {@code /certs}: every certificate the proxy has loaded, with its expiry, as text or JSON. */
final class CertsReport {
    private CertsReport() {
    }

    static AdminResponse handle(AdminViews views, AdminRequest request) {
        List<CertificateInfo> certificates = views.certificates();
        return request.wantsJson() ? AdminResponse.json(json(certificates))
                : AdminResponse.text(200, text(certificates));
    }

    /** One block per certificate: the owner, then indented {@code key: value} lines, blocks separated by a blank line. */
    static String text(List<CertificateInfo> certificates) {
        StringBuilder text = new StringBuilder();
        for (CertificateInfo c : certificates) {
            if (!text.isEmpty()) {
                text.append('\n');
            }
            text.append(c.owner()).append('\n')
                    .append("  subject: ").append(c.subject()).append('\n')
                    .append("  sans:").append(c.sans().isEmpty() ? "" : " " + String.join(", ", c.sans())).append('\n')
                    .append("  serial: ").append(c.serial()).append('\n')
                    .append("  not_after: ").append(c.notAfter()).append('\n')
                    .append("  days_left: ").append(c.daysLeft()).append('\n');
        }
        return text.toString();
    }

    static String json(List<CertificateInfo> certificates) {
        Json json = new Json().beginObject().name("certificates").beginArray();
        for (CertificateInfo c : certificates) {
            json.beginObject().field("owner", c.owner()).field("subject", c.subject()).name("sans").beginArray();
            for (String san : c.sans()) {
                json.value(san);
            }
            json.endArray().field("serial", c.serial()).field("not_after", c.notAfter())
                    .field("days_left", c.daysLeft()).endObject();
        }
        return json.endArray().endObject().toString();
    }
}
