package dev.weft.core.filter;

import java.util.Set;

/** What a filter's config may refer to while the config is being validated. */
public interface FilterBindContext {
    /** Every cluster name of the config (given, valid or not, so a typo is reported once). */
    Set<String> clusterNames();

    /** The listener whose chain is being read. */
    String listenerName();
}
