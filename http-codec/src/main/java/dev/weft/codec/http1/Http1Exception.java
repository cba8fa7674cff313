package dev.weft.codec.http1;

/**
 * A protocol violation found while decoding HTTP/1.1: the connection must be closed after the error reply.
 * Stackless and preallocated, one instance per {@link Http1Violation}, so hostile input costs no allocation.
 */
public final class Http1Exception extends Exception {
    private static final long serialVersionUID = 1L;
    private static final Http1Exception[] INSTANCES = new Http1Exception[Http1Violation.values().length];

    static {
        for (Http1Violation v : Http1Violation.values()) {
            INSTANCES[v.ordinal()] = new Http1Exception(v);
        }
    }

    private final transient Http1Violation violation;

    private Http1Exception(Http1Violation violation) {
        super(violation.detail(), null, false, false);
        this.violation = violation;
    }

    /** The shared, immutable exception for a violation. */
    public static Http1Exception of(Http1Violation violation) {
        return INSTANCES[violation.ordinal()];
    }

    public Http1Violation violation() {
        return violation;
    }
}
