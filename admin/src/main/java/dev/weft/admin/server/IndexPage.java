package dev.weft.admin.server;

/**
 * {@code /}: the list of admin endpoints generated from {@link AdminEndpoints}, links for the ones that read and
 * one-button forms for the ones that change state (those are POST-only).
 */
final class IndexPage {
    private IndexPage() {
    }

    static AdminResponse render(AdminEndpoints endpoints) {
        String nonce = Html.nonce();
        StringBuilder html = new StringBuilder(4096);
        html.append("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>Weft admin</title>\n<style nonce=\"").append(nonce).append("\">\n")
                .append("body { font: 14px/1.45 system-ui, sans-serif; margin: 1rem 2rem; color: #1d2330; }\n")
                .append("table { border-collapse: collapse; }\n")
                .append("td { padding: 0.25rem 1rem 0.25rem 0; vertical-align: top; }\n")
                .append("td.path, code { font-family: ui-monospace, monospace; }\n")
                .append("form { margin: 0; display: inline; }\n")
                .append(".method { color: #5a6170; font-size: 12px; }\n")
                .append("</style>\n</head>\n<body>\n<h1>Weft admin</h1>\n<table>\n");
        for (AdminEndpoints.Endpoint e : endpoints.all()) {
            String path = Html.escape(e.path());
            html.append("<tr data-path=\"").append(path).append("\"><td class=\"path\">");
            if (e.access() == AdminEndpoints.Access.MUTATE) {
                html.append("<form method=\"post\" action=\"").append(path).append("\"><button type=\"submit\">")
                        .append(path).append("</button></form>");
            } else if (e.access() == AdminEndpoints.Access.QUERY) {
                html.append(path); // needs a JSON body: nothing a link or a button could send
            } else {
                html.append("<a href=\"").append(path).append("\">").append(path).append("</a>");
                for (String example : e.examples()) {
                    String target = Html.escape(e.path() + example);
                    html.append("<br><a href=\"").append(target).append("\">").append(target).append("</a>");
                }
            }
            html.append("</td><td class=\"method\">").append(Html.escape(e.access().allow()))
                    .append("</td><td>").append(Html.escape(e.description())).append("</td></tr>\n");
        }
        html.append("</table>\n<form method=\"get\" action=\"/stats\"><p>Filter stats by regex: ")
                .append("<input name=\"filter\" placeholder=\"cluster\\.backend\\..*\"> ")
                .append("<button type=\"submit\">/stats</button></p></form>\n</body>\n</html>\n");
        return Html.page(html.toString(), nonce);
    }
}
