package dev.weft.core.config;

import java.time.Duration;

/**
 * HTTP/2 settings and limits of a listener ({@code http2:}); defaults follow Envoy's edge recommendations.
 *
 * @param maxConcurrentStreams        SETTINGS_MAX_CONCURRENT_STREAMS we advertise; more open streams are refused
 *                                    with RST_STREAM REFUSED_STREAM (100)
 * @param initialStreamWindowSize     SETTINGS_INITIAL_WINDOW_SIZE: bytes of request body buffered per stream (64 KiB)
 * @param initialConnectionWindowSize the connection's receive window: bytes of request bodies buffered per
 *                                    connection over all streams (1 MiB)
 * @param maxHeaderListSize           SETTINGS_MAX_HEADER_LIST_SIZE: decoded request header bytes (names + values + 32
 *                                    per field) per request; larger ones get 431 (60 KiB)
 * @param maxFrameSize                SETTINGS_MAX_FRAME_SIZE we accept (16 KiB, the RFC default)
 * @param hpackTableSize              SETTINGS_HEADER_TABLE_SIZE: our HPACK decoder's dynamic table (4 KiB)
 * @param maxResetsPerSecond          streams the client may reset before their response completed, per second on
 *                                    average over a connection (rapid reset, CVE-2023-44487); beyond, GOAWAY
 *                                    ENHANCE_YOUR_CALM (100)
 * @param maxControlFramesPerSecond   SETTINGS, PING and PRIORITY frames a client may send per second on average
 *                                    (flood protection; 1000)
 * @param maxConsecutiveEmptyFrames              consecutive frames without payload or END_STREAM tolerated (Envoy's
 *                                    max_consecutive_inbound_frames_with_empty_payload; 1)
 * @param streamIdleTimeout           a stream that makes no progress this long is reset: a client that never opens
 *                                    its window, a request body that stalls (5 min, as Envoy)
 */
public record Http2Options(int maxConcurrentStreams, int initialStreamWindowSize, int initialConnectionWindowSize,
                           int maxHeaderListSize, int maxFrameSize, int hpackTableSize, int maxResetsPerSecond,
                           int maxControlFramesPerSecond, int maxConsecutiveEmptyFrames, Duration streamIdleTimeout) {

    public static final Http2Options DEFAULTS = new Http2Options(100, 64 * 1024, 1024 * 1024, 60 * 1024, 16 * 1024,
            4096, 100, 1000, 1, Duration.ofMinutes(5));
}
