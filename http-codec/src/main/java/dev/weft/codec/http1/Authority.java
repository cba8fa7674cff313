package dev.weft.codec.http1;

import static dev.weft.codec.http1.HttpChars.hex;
import static dev.weft.codec.http1.HttpChars.isDigit;
import static dev.weft.codec.http1.HttpChars.isRegName;

/**
 * Validates {@code uri-host [ ":" port ]} (RFC 3986 section 3.2.2 and 3.2.3) for the Host field and for
 * absolute-form and authority-form targets. No userinfo: RFC 9110 section 4.2.4 says to treat it as an error.
 */
final class Authority {
    private static final int MAX_PORT = 65535; // RFC 793 / RFC 9293: ports are 16-bit

    private Authority() {
    }

    static void validate(byte[] b, int from, int to, boolean requirePort, boolean allowEmptyHost,
                         Http1Violation violation) throws Http1Exception {
        int i = from;
        if (i < to && b[i] == '[') {
            i++;
            int literal = i;
            while (i < to && b[i] != ']') {
                if (hex(b[i]) < 0 && b[i] != ':' && b[i] != '.') {
                    throw Http1Exception.of(violation); // RFC 3986 section 3.2.2: IP-literal is IPv6address
                }
                i++;
            }
            if (i == to || i == literal) {
                throw Http1Exception.of(violation);
            }
            i++;
        } else {
            while (i < to && b[i] != ':') {
                if (!isRegName(b[i])) {
                    throw Http1Exception.of(violation); // RFC 3986 section 3.2.2: reg-name characters only
                }
                if (b[i] == '%' && (i + 2 >= to || hex(b[i + 1]) < 0 || hex(b[i + 2]) < 0)) {
                    throw Http1Exception.of(violation); // RFC 3986 section 2.1: pct-encoded = "%" HEXDIG HEXDIG
                }
                i++;
            }
            if (i == from && !allowEmptyHost) {
                throw Http1Exception.of(violation); // RFC 9110 section 4.2.1: an http URI with an empty host is invalid
            }
        }
        if (i == to) {
            if (requirePort) {
                throw Http1Exception.of(violation); // RFC 9112 section 3.2.3: authority-form = uri-host ":" port
            }
            return;
        }
        if (b[i++] != ':') {
            throw Http1Exception.of(violation);
        }
        if (requirePort && i == to) {
            throw Http1Exception.of(violation);
        }
        int port = 0;
        for (int digits = 0; i < to; i++, digits++) {
            if (!isDigit(b[i]) || digits == 5) {
                throw Http1Exception.of(violation); // RFC 3986 section 3.2.3: port = *DIGIT
            }
            port = port * 10 + (b[i] - '0');
        }
        if (port > MAX_PORT) {
            throw Http1Exception.of(violation);
        }
    }
}
