package dev.weft.core.http1;

import dev.weft.codec.http1.HeadWriter;
import dev.weft.core.router.HeaderPlan;
import dev.weft.core.time.HttpDate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Builds responses that Weft answers itself: errors, direct responses, redirects. */
final class LocalReplies {
    private LocalReplies() {
    }

    /**
     * Writes a complete response into {@code out}.
     *
     * @param location   the Location header, or null
     * @param keepAlive  false adds {@code connection: close}
     * @param http10KeepAlive the client is HTTP/1.0 and asked for keep-alive: say so
     * @param headBody   the request was HEAD: send the head only (with the length of the body it would have)
     */
    static ByteBuffer build(HeadWriter out, int status, String contentType, String body, String location,
                            String server, boolean keepAlive, boolean http10KeepAlive, boolean headBody,
                            HeaderPlan responseHeaders) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        out.reset();
        out.statusLine(status, null);
        out.field("date", HttpDate.now());
        if (server != null && !server.isEmpty()) {
            out.field("server", server);
        }
        if (location != null) {
            out.field("location", location);
        }
        if (bytes.length > 0 || status >= 200 && status != 204 && status != 304) {
            if (bytes.length > 0) {
                out.field("content-type", contentType);
            }
            if (status != 204 && status != 304) {
                out.field("content-length", bytes.length);
            }
        }
        if (!keepAlive) {
            out.field("connection", "close");
        } else if (http10KeepAlive) {
            out.field("connection", "keep-alive");
        }
        if (responseHeaders != null) {
            responseHeaders.writeAdds(out, null);
        }
        out.endHead();
        ByteBuffer head = out.buffer();
        if (headBody || bytes.length == 0 || status == 204 || status == 304) {
            return head;
        }
        ByteBuffer all = ByteBuffer.allocate(head.remaining() + bytes.length);
        all.put(head).put(bytes).flip();
        return all;
    }
}
