package dev.weft.admin.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A complete admin response: the admin server builds whole bodies (reports are small) and sends them with a
 * Content-Length. {@code afterSend} runs once the bytes are written (e.g. {@code /quitquitquit} answers first,
 * then starts the shutdown); {@code close} ends the connection after this response.
 */
record AdminResponse(int status, String contentType, byte[] body, List<Header> headers, boolean close,
                     Runnable afterSend) {
    static final String TEXT = "text/plain; charset=utf-8";
    static final String JSON = "application/json";
    static final String HTML = "text/html; charset=utf-8";

    /** An extra response field. */
    record Header(String name, String value) {
    }

    AdminResponse {
        headers = List.copyOf(headers);
    }

    static AdminResponse text(int status, String body) {
        return of(status, TEXT, body);
    }

    static AdminResponse json(String body) {
        return of(200, JSON, body);
    }

    static AdminResponse of(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), List.of(), false, null);
    }

    AdminResponse withHeader(String name, String value) {
        List<Header> more = new ArrayList<>(headers);
        more.add(new Header(name, value));
        return new AdminResponse(status, contentType, body, more, close, afterSend);
    }

    AdminResponse closing() {
        return new AdminResponse(status, contentType, body, headers, true, afterSend);
    }

    AdminResponse then(Runnable action) {
        return new AdminResponse(status, contentType, body, headers, close, action);
    }
}
