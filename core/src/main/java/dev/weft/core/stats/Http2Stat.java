package dev.weft.core.stats;

/** {@code http.<stat_prefix>.http2.*}: the downstream HTTP/2 codec, its protocol errors and its flood defences. */
public enum Http2Stat implements StatDescriptor {
    CX_TOTAL(StatDescriptor.counter("http2.cx_total", "Downstream connections that spoke HTTP/2.")),
    STREAMS_ACTIVE(StatDescriptor.gauge("http2.streams_active", "Open HTTP/2 streams.")),
    RX_RESET(StatDescriptor.counter("http2.rx_reset", "RST_STREAM frames received.")),
    TX_RESET(StatDescriptor.counter("http2.tx_reset", "RST_STREAM frames sent.")),
    GOAWAY_SENT(StatDescriptor.counter("http2.goaway_sent", "GOAWAY frames sent (drain or error).")),
    RX_MESSAGING_ERROR(StatDescriptor.counter("http2.rx_messaging_error",
            "Frames or header blocks that broke RFC 9113 (stream or connection errors).")),
    STREAM_REFUSED_ERRORS(StatDescriptor.counter("http2.stream_refused_errors",
            "Streams refused because max_concurrent_streams were open (REFUSED_STREAM).")),
    HEADER_OVERFLOW(StatDescriptor.counter("http2.header_overflow",
            "Requests whose decoded headers exceeded max_header_list_size (431; HPACK bombs included).")),
    HEADER_BLOCK_FLOOD(StatDescriptor.counter("http2.header_block_flood",
            "Connections closed for a header block over the size limit, or split into too many CONTINUATION frames, before END_HEADERS (CONTINUATION flood).")),
    RAPID_RESET(StatDescriptor.counter("http2.rapid_reset",
            "Connections closed because the client reset streams faster than max_resets_per_second.")),
    INBOUND_CONTROL_FLOOD(StatDescriptor.counter("http2.inbound_control_flood",
            "Connections closed for SETTINGS, PING or PRIORITY frames beyond max_control_frames_per_second.")),
    INBOUND_EMPTY_FRAMES_FLOOD(StatDescriptor.counter("http2.inbound_empty_frames_flood",
            "Connections closed for consecutive frames without payload.")),
    INBOUND_WINDOW_UPDATE_FLOOD(StatDescriptor.counter("http2.inbound_window_update_frames_flood",
            "Connections closed for WINDOW_UPDATE frames beyond 100 + 10 per DATA frame sent.")),
    STREAM_IDLE_TIMEOUT(StatDescriptor.counter("http2.stream_idle_timeout",
            "Streams reset because they made no progress for stream_idle_timeout (a window never opened, a request "
                    + "body that stalled)."));

    private final Spec spec;

    Http2Stat(Spec spec) {
        this.spec = spec;
    }

    @Override
    public Spec spec() {
        return spec;
    }
}
