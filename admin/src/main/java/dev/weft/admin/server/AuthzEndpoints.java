package dev.weft.admin.server;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /authz/denials} and {@code POST /authz/explain}: the admin side of "why was I denied?". The proxy
 * renders the JSON ({@link AdminViews#authzDenialsJson}, {@link AdminViews#authzExplainJson}); this class checks
 * the query and the body.
 */
final class AuthzEndpoints {
    /** The most denials one answer lists (the proxy's ring holds fewer). */
    static final int MAX_LAST = 1024;

    private AuthzEndpoints() {
    }

    /** {@code /authz/denials[?last=N]}: N in 1..1024, default all the proxy keeps. */
    static AdminResponse denials(AdminViews views, AdminRequest request) {
        String last = request.query().get("last");
        int n = MAX_LAST;
        if (last != null) {
            try {
                n = Integer.parseInt(last);
            } catch (NumberFormatException e) {
                n = 0;
            }
            if (n < 1 || n > MAX_LAST) {
                return AdminResponse.text(400, "last must be an integer in 1.." + MAX_LAST + ", got "
                        + Json.quote(last) + "\n");
            }
        }
        return AdminResponse.json(views.authzDenialsJson(n));
    }

    /** {@code POST /authz/explain} with a JSON body (UTF-8, RFC 8259 section 8.1); 400 names what is wrong. */
    static AdminResponse explain(AdminViews views, AdminRequest request) {
        String body;
        try {
            body = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(request.body())).toString();
        } catch (CharacterCodingException e) {
            return AdminResponse.text(400, "bad explain request: the body is not UTF-8\n");
        }
        if (body.isBlank()) {
            return AdminResponse.text(400, "bad explain request: the body is empty; send a JSON object describing "
                    + "the request\n");
        }
        try {
            return AdminResponse.json(views.authzExplainJson(body));
        } catch (IllegalArgumentException e) {
            return AdminResponse.text(400, "bad explain request: " + e.getMessage() + "\n");
        }
    }
}
