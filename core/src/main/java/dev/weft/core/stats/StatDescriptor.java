package dev.weft.core.stats;

/**
 * A declared stat: its name suffix (after the scope), its kind and what it means. Implemented by the stat enums,
 * which each hold one {@link Spec}.
 */
public interface StatDescriptor {
    /** The declaration itself. */
    Spec spec();

    /** The part after {@code <scope>.<scope_name>.}, e.g. {@code upstream_rq_total}. */
    default String suffix() {
        return spec().suffix();
    }

    default StatKind kind() {
        return spec().kind();
    }

    /** One sentence for the README and the Prometheus HELP line. */
    default String help() {
        return spec().help();
    }

    /** The name suffix, kind and help text of one stat. */
    record Spec(String suffix, StatKind kind, String help) {
    }

    static Spec counter(String suffix, String help) {
        return new Spec(suffix, StatKind.COUNTER, help);
    }

    static Spec gauge(String suffix, String help) {
        return new Spec(suffix, StatKind.GAUGE, help);
    }

    static Spec histogram(String suffix, String help) {
        return new Spec(suffix, StatKind.HISTOGRAM, help);
    }
}
