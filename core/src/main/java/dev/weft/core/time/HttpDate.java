package dev.weft.core.time;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The IMF-fixdate of the current second (RFC 9110 section 5.6.7), recomputed at most once per second. */
public final class HttpDate {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
    private static volatile long cachedSecond;
    private static volatile String cached = format(System.currentTimeMillis() / 1000);

    private HttpDate() {
    }

    public static String now() {
        long s = System.currentTimeMillis() / 1000;
        if (s != cachedSecond) {
            String v = format(s);
            cached = v;
            cachedSecond = s;
            return v;
        }
        return cached;
    }

    private static String format(long epochSecond) {
        return FORMAT.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }
}
