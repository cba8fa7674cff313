package dev.weft.core.accesslog;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * Renders a request's start time for {@code %START_TIME%} and the JSON {@code start_time} key, always in UTC.
 *
 * <p>The default is ISO-8601 with milliseconds ({@code 2024-05-01T12:34:56.789Z}), Envoy's default
 * {@code %Y-%m-%dT%H:%M:%E3SZ}. A custom format is either strftime-like (it contains {@code %}: the common POSIX
 * conversions plus Envoy's {@code %s}, {@code %f}, {@code %1f}..{@code %9f} and {@code %E1S}..{@code %E9S}) or else a
 * {@link DateTimeFormatter} pattern.
 *
 * <p>Immutable and safe to share between threads; the default format caches the text of the last second it rendered
 * in an immutable object published through a plain field (final-field semantics make a racy read safe; a stale read
 * only costs a recomputation).
 */
final class StartTimeFormat {
    /** Envoy's default: {@code %Y-%m-%dT%H:%M:%E3SZ}. */
    static final StartTimeFormat ISO_MILLIS = new StartTimeFormat(null);

    private final DateTimeFormatter custom;
    private SecondText last = new SecondText(Long.MIN_VALUE, "");

    private record SecondText(long epochSecond, String text) {}

    private StartTimeFormat(DateTimeFormatter custom) {
        this.custom = custom;
    }

    /** Parses the argument of {@code %START_TIME(...)%}; null or empty means the default. */
    static StartTimeFormat parse(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return ISO_MILLIS;
        }
        StartTimeFormat f;
        try {
            f = new StartTimeFormat(pattern.indexOf('%') >= 0 ? strftime(pattern)
                    : DateTimeFormatter.ofPattern(pattern, Locale.ROOT));
            f.append(new StringBuilder(), 0L); // fail now, not per request, on a field a date-time cannot print
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("invalid START_TIME pattern \"" + pattern + "\": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            if (pattern.indexOf('%') >= 0) {
                throw e;
            }
            throw new IllegalArgumentException("invalid START_TIME pattern \"" + pattern + "\": " + e.getMessage(), e);
        }
        return f;
    }

    void append(StringBuilder out, long epochMillis) {
        if (custom != null) {
            custom.formatTo(Instant.ofEpochMilli(epochMillis).atZone(ZoneOffset.UTC), out);
            return;
        }
        long second = Math.floorDiv(epochMillis, 1000L);
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        SecondText cached = last;
        if (cached.epochSecond != second) {
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            cached = new SecondText(second, SECONDS.format(t));
            last = cached;
        }
        out.append(cached.text).append('.');
        if (millis < 100) {
            out.append('0');
        }
        if (millis < 10) {
            out.append('0');
        }
        out.append(millis).append('Z');
    }

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT);

    /** Translates a strftime-like pattern into one formatter; an unknown conversion is a configuration error. */
    private static DateTimeFormatter strftime(String pattern) {
        DateTimeFormatterBuilder b = new DateTimeFormatterBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '%') {
                b.appendLiteral(c);
                i++;
                continue;
            }
            if (i + 1 >= pattern.length()) {
                throw new IllegalArgumentException("START_TIME pattern \"" + pattern + "\" ends with a lone '%'");
            }
            char k = pattern.charAt(i + 1);
            int consumed = 2;
            switch (k) {
                case 'Y' -> b.appendPattern("uuuu");
                case 'y' -> b.appendPattern("uu");
                case 'm' -> b.appendPattern("MM");
                case 'd' -> b.appendPattern("dd");
                case 'e' -> b.appendPattern("ppd");
                case 'H' -> b.appendPattern("HH");
                case 'I' -> b.appendPattern("hh");
                case 'M' -> b.appendPattern("mm");
                case 'S' -> b.appendPattern("ss");
                case 'p' -> b.appendPattern("a");
                case 'b', 'h' -> b.appendPattern("MMM");
                case 'B' -> b.appendPattern("MMMM");
                case 'a' -> b.appendPattern("EEE");
                case 'A' -> b.appendPattern("EEEE");
                case 'j' -> b.appendPattern("DDD");
                case 'F' -> b.appendPattern("uuuu-MM-dd");
                case 'T' -> b.appendPattern("HH:mm:ss");
                case 'R' -> b.appendPattern("HH:mm");
                case 'D' -> b.appendPattern("MM/dd/uu");
                case 'z' -> b.appendPattern("xx");
                case 'Z' -> b.appendLiteral("UTC");
                case 's' -> b.appendValue(ChronoField.INSTANT_SECONDS);
                case 'f' -> b.appendFraction(ChronoField.NANO_OF_SECOND, 9, 9, false);
                case '%' -> b.appendLiteral('%');
                case 'E' -> {
                    // Envoy/absl: %E3S is seconds with 3 fractional digits.
                    if (i + 3 < pattern.length() && isDigit19(pattern.charAt(i + 2)) && pattern.charAt(i + 3) == 'S') {
                        int digits = digit(pattern, i + 2);
                        b.appendPattern("ss").appendLiteral('.');
                        b.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, false);
                        consumed = 4;
                    } else {
                        throw unsupported(pattern, i);
                    }
                }
                default -> {
                    // Envoy: %3f is the fraction of the second with 3 digits.
                    if (isDigit19(k) && i + 2 < pattern.length() && pattern.charAt(i + 2) == 'f') {
                        int digits = digit(pattern, i + 1);
                        b.appendFraction(ChronoField.NANO_OF_SECOND, digits, digits, false);
                        consumed = 3;
                    } else {
                        throw unsupported(pattern, i);
                    }
                }
            }
            i += consumed;
        }
        return b.toFormatter(Locale.ROOT);
    }

    private static boolean isDigit19(char c) {
        return c >= '1' && c <= '9';
    }

    private static int digit(String s, int at) {
        return s.charAt(at) - '0';
    }

    private static IllegalArgumentException unsupported(String pattern, int at) {
        return new IllegalArgumentException("unsupported conversion " + pattern.substring(at, Math.min(at + 2,
                pattern.length())) + " at position " + at + " of START_TIME pattern \"" + pattern
                + "\"; supported: %Y %y %m %d %e %H %I %M %S %p %b %h %B %a %A %j %F %T %R %D %z %Z %s %f %1f-%9f"
                + " %E1S-%E9S %%");
    }
}
