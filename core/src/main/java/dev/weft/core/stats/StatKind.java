package dev.weft.core.stats;

/** How a declared stat is kept. */
public enum StatKind {
    /** Only goes up (reset by /reset_counters). */
    COUNTER,
    /** Goes up and down: a current amount. */
    GAUGE,
    /** A latency distribution (HdrHistogram, microseconds recorded, milliseconds reported). */
    HISTOGRAM
}
