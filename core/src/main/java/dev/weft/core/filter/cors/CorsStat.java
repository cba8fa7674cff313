package dev.weft.core.filter.cors;

import dev.weft.core.stats.StatDescriptor;

/**
 * {@code http.<stat_prefix>.cors.*}: Envoy's CORS stats, counted only for requests that carry an {@code Origin} and
 * meet a policy, plus the preflights the proxy answered itself.
 */
public enum CorsStat implements StatDescriptor {
    ORIGIN_VALID(StatDescriptor.counter("cors.origin_valid", "Requests whose Origin a CORS policy allows.")),
    ORIGIN_INVALID(StatDescriptor.counter("cors.origin_invalid", "Requests whose Origin no CORS policy allows.")),
    PREFLIGHT(StatDescriptor.counter("cors.preflight",
            "Preflight requests (OPTIONS with Origin and Access-Control-Request-Method) the proxy answered itself."));

    private final Spec spec;

    CorsStat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
