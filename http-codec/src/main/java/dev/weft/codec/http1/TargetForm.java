package dev.weft.codec.http1;

/** The four forms of an HTTP/1.1 request-target (RFC 9112 section 3.2). */
public enum TargetForm {
    /** {@code /path?query} (RFC 9112 section 3.2.1). */
    ORIGIN,
    /** {@code http://host/path?query}, sent to proxies (RFC 9112 section 3.2.2). */
    ABSOLUTE,
    /** {@code host:port}, only with CONNECT (RFC 9112 section 3.2.3). */
    AUTHORITY,
    /** {@code *}, only with OPTIONS (RFC 9112 section 3.2.4). */
    ASTERISK
}
