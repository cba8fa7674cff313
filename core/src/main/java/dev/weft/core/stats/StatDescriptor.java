package dev.weft.core.stats;

/** A declared stat: its name suffix (after the scope), its kind and what it means. Implemented by the stat enums. */
public interface StatDescriptor {
    /** The part after {@code <scope>.<scope_name>.}, e.g. {@code upstream_rq_total}. */
    String suffix();

    StatKind kind();

    /** One sentence for the README and the Prometheus HELP line. */
    String help();
}
