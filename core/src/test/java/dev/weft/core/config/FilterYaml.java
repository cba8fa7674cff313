package dev.weft.core.config;

/**
 * The YAML the filter config tests start from: one listener ({@code main}, port 10000) with HTTP filters, one virtual
 * host ({@code default}) and the cluster {@code backend}, with the parts a test varies given as text at column 0.
 */
public final class FilterYaml {
    private FilterYaml() {
    }

    /**
     * @param filters      the {@code http_filters} list items
     * @param hostLines    more lines of the virtual host (e.g. its {@code per_filter_config}), or ""
     * @param routes       the route list items ({@link #route})
     * @param moreClusters cluster list items after {@code backend}, or ""
     */
    public static String listener(String filters, String hostLines, String routes, String moreClusters) {
        return "listeners:\n"
                + "  - name: main\n"
                + "    port: 10000\n"
                + "    http_filters:\n"
                + indent(filters, 6)
                + "    virtual_hosts:\n"
                + "      - name: default\n"
                + "        domains: [\"*\"]\n"
                + indent(hostLines, 8)
                + "        routes:\n"
                + indent(routes, 10)
                + "clusters:\n"
                + "  - name: backend\n"
                + "    endpoints:\n"
                + "      - {address: 127.0.0.1, port: 8080}\n"
                + indent(moreClusters, 2);
    }

    /** A route item on {@code prefix} to {@code backend}, with {@code lines} (e.g. its per_filter_config) or "". */
    public static String route(String prefix, String lines) {
        return "- match: {prefix: " + prefix + "}\n  route: {cluster: backend}\n" + indent(lines, 2);
    }

    /** {@code text} without its common indentation, each line indented by {@code n}; "" for blank text. */
    public static String indent(String text, int n) {
        return text == null || text.isBlank() ? "" : text.stripTrailing().stripIndent().indent(n);
    }
}
