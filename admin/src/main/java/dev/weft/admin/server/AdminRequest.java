package dev.weft.admin.server;

/**
 * The parts of a parsed request head the admin endpoints and guards look at, copied out of the connection's
 * reusable {@code RequestHead}. Absent fields are null.
 *
 * @param method        GET, HEAD or POST (others are refused before a request is built)
 * @param path          the path, percent-escapes left as received (admin paths are plain ASCII)
 * @param query         the decoded query parameters
 * @param host          the Host field (RFC 9112 section 3.2: required in HTTP/1.1)
 * @param origin        the Origin field (RFC 6454 section 7), sent by browsers on POST
 * @param fetchSite     the Sec-Fetch-Site field (Fetch Metadata): same-origin, same-site, cross-site or none
 * @param authorization the Authorization field
 * @param contentType   the Content-Type field
 * @param body          the request body for endpoints that read one ({@link AdminEndpoints.Access#QUERY}), else
 *                      empty
 */
record AdminRequest(String method, String path, QueryParameters query, String host, String origin,
                    String fetchSite, String authorization, String contentType, byte[] body) {

    AdminRequest {
        body = body == null ? new byte[0] : body;
    }

    /** This request with the body that was read after the head. */
    AdminRequest withBody(byte[] b) {
        return new AdminRequest(method, path, query, host, origin, fetchSite, authorization, contentType, b);
    }

    boolean isPost() {
        return "POST".equals(method);
    }

    boolean isHead() {
        return "HEAD".equals(method);
    }

    /** Whether {@code ?format=json} was asked for. */
    boolean wantsJson() {
        return "json".equals(query.get("format"));
    }
}
