package dev.weft.core.router;

/** What the router needs to see of a request, whatever the HTTP version it arrived on. */
public interface RequestView {
    String method();

    /** The host without port, lower case; empty when the request has none. */
    String host();

    /** The path without the query, as received. */
    String path();

    /** The query without '?', or null. */
    String query();

    /** All values of the header joined by ",", or null when absent. {@code lowerName} is lower case. */
    String header(String lowerName);
}
