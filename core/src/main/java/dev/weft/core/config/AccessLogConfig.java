package dev.weft.core.config;

/**
 * One access log of a listener.
 *
 * @param path          {@code /dev/stdout} (default), {@code /dev/stderr} or a file, appended to
 * @param format        null for JSON lines (default); otherwise an Envoy format string ({@code %START_TIME%} ...);
 *                      the word {@code envoy} selects Envoy's default format
 * @param queueCapacity lines waiting for the writer at most; beyond it lines are dropped and counted (default 16384)
 */
public record AccessLogConfig(String path, String format, int queueCapacity) {
}
