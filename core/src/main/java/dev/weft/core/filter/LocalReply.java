package dev.weft.core.filter;

import dev.weft.core.proxy.ResponseFlag;
import java.util.List;

/**
 * A response a filter sends instead of forwarding the request: its status, body and headers, the response flag and
 * the detail string the access log shows ({@code response_code_details}, e.g. {@code rbac_access_denied}).
 *
 * @param headers lower-case name / value pairs added to the reply (e.g. {@code www-authenticate})
 * @param flag    Envoy's response flag, e.g. {@link ResponseFlag#RBAC} or {@link ResponseFlag#RL}; NONE for none
 */
public record LocalReply(int status, String body, String contentType, List<String[]> headers, ResponseFlag flag,
                         String detail) {
    public LocalReply {
        if (status < 200 || status > 599) {
            throw new IllegalArgumentException("status " + status);
        }
        headers = headers == null ? List.of() : List.copyOf(headers);
        body = body == null ? "" : body;
        contentType = contentType == null ? "text/plain; charset=utf-8" : contentType;
        flag = flag == null ? ResponseFlag.NONE : flag;
    }

    /** A plain-text reply without extra headers. */
    public static LocalReply text(int status, String body, ResponseFlag flag, String detail) {
        return new LocalReply(status, body, null, List.of(), flag, detail);
    }
}
