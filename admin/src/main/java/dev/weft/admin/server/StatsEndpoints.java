package dev.weft.admin.server;

import dev.weft.admin.stats.StatsFormat;
import dev.weft.admin.stats.StatsStore;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** {@code /stats} and {@code /stats/prometheus}: query parsing around {@link StatsFormat}. */
final class StatsEndpoints {
    private final StatsStore stats;

    StatsEndpoints(StatsStore stats) {
        this.stats = stats;
    }

    /** {@code /stats[?format=text|json|prometheus][&filter=<regex>][&usedonly]}, as in Envoy. */
    AdminResponse stats(AdminRequest request) {
        QueryParameters query = request.query();
        Pattern filter = null;
        String regex = query.get("filter");
        if (regex != null && !regex.isEmpty()) {
            try {
                filter = Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                return AdminResponse.text(400, "invalid regex in filter " + Json.quote(regex) + ": "
                        + e.getDescription() + "\n");
            }
        }
        boolean usedOnly = query.has("usedonly");
        String format = query.get("format");
        if (format == null || format.equals("text")) {
            return AdminResponse.text(200, StatsFormat.text(stats, filter, usedOnly));
        }
        return switch (format) {
            case "json" -> AdminResponse.json(StatsFormat.json(stats, filter, usedOnly));
            case "prometheus" -> prometheus(request);
            default -> AdminResponse.text(400, "unknown format " + Json.quote(format)
                    + ": use text, json or prometheus\n");
        };
    }

    AdminResponse prometheus(AdminRequest request) {
        return AdminResponse.of(200, StatsFormat.PROMETHEUS_CONTENT_TYPE, StatsFormat.prometheus(stats));
    }
}
