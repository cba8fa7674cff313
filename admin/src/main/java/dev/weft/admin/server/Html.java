package dev.weft.admin.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * HTML for the admin pages: escaping, the per-response script nonce and the security headers that go with it.
 * Pages load nothing external and run only scripts carrying the response's nonce (CSP Level 3, nonce-source).
 */
final class Html {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE_BYTES = 18; // CSP3 section 7.1: at least 128 bits of randomness

    private Html() {
    }

    /** A fresh nonce for one response, base64 (the CSP nonce grammar). */
    static String nonce() {
        byte[] bytes = new byte[NONCE_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    /**
     * The Content-Security-Policy for a page whose inline script and style elements carry {@code nonce}: nothing
     * else runs, fetches go only to this server, forms post only here, and no site may frame the page.
     */
    static String contentSecurityPolicy(String nonce) {
        return "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'nonce-" + nonce + "'; "
                + "connect-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    }

    /** A 200 HTML response with the page's CSP and anti-framing headers. */
    static AdminResponse page(String html, String nonce) {
        return AdminResponse.of(200, AdminResponse.HTML, html)
                .withHeader("content-security-policy", contentSecurityPolicy(nonce))
                .withHeader("x-frame-options", "DENY")
                .withHeader("referrer-policy", "no-referrer");
    }

    /** Escapes text for an HTML element body or a quoted attribute value. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A UTF-8 template next to this class on the class path. */
    static String resource(String name) {
        try (InputStream in = Html.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing admin resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
