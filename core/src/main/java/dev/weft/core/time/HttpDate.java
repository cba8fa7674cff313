package dev.weft.core.time;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The IMF-fixdate of the current second (RFC 9110 section 5.6.7), recomputed at most once per second. */
public final class HttpDate {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);
    /** The second and its text, replaced together so that readers never see a mismatched pair. */
    private record Stamp(long second, String text) {
    }

    private static volatile Stamp stamp = new Stamp(-1, "");

    private HttpDate() {
    }

    public static String now() {
        long s = System.currentTimeMillis() / 1000;
        Stamp st = stamp;
        if (st.second != s) {
            st = new Stamp(s, format(s));
            stamp = st;
        }
        return st.text;
    }

    private static String format(long epochSecond) {
        return FORMAT.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC));
    }
}
