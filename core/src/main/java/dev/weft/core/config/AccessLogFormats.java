package dev.weft.core.config;

import dev.weft.core.accesslog.AccessLogFormat;

/** Checks an access log {@code format} while loading, so that a bad operator is a config error with its path. */
final class AccessLogFormats {
    /** The word that selects Envoy's default text format. */
    static final String ENVOY = "envoy";

    private AccessLogFormats() {
    }

    /** Null when {@code format} is usable, else what is wrong with it. */
    static String check(String format) {
        if (ENVOY.equals(format)) {
            return null;
        }
        try {
            AccessLogFormat.parse(format);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
