package dev.weft.codec.http1;

import static dev.weft.codec.http1.HttpChars.equalsLower;

/**
 * A parsed HTTP/1.x request head: method, request-target split into its parts, and the fields.
 * Valid until its {@link RequestHeadParser} is reset.
 */
public final class RequestHead extends MessageHead {
    static final String[] KNOWN_METHODS = {
            "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"}; // RFC 9110 section 9.3, RFC 5789

    int methodEnd;
    String knownMethod;
    TargetForm targetForm;
    int targetStart;
    int targetEnd;
    int schemeEnd;
    int authorityStart;
    int authorityEnd;
    int pathStart;
    int pathEnd;
    int queryStart;
    int hostCount;
    int hostField;
    boolean expectContinue;

    RequestHead() {
    }

    @Override
    void clear() {
        super.clear();
        methodEnd = 0;
        knownMethod = null;
        targetForm = null;
        targetStart = targetEnd = schemeEnd = authorityStart = authorityEnd = pathStart = pathEnd = 0;
        queryStart = -1;
        hostCount = 0;
        hostField = -1;
        expectContinue = false;
    }

    /** The method; the standard ones are shared constants (compare with == or equals), others are allocated. */
    public String method() {
        return knownMethod != null ? knownMethod : string(0, methodEnd);
    }

    public boolean isHead() {
        return knownMethod == "HEAD"; // interned constant, set only by an exact match
    }

    public boolean isConnect() {
        return knownMethod == "CONNECT";
    }

    boolean isOptions() {
        return knownMethod == "OPTIONS";
    }

    public TargetForm targetForm() {
        return targetForm;
    }

    /** The request-target as received. */
    public String target() {
        return string(targetStart, targetEnd);
    }

    /** The path: up to '?' in origin form, the path part ("/" if empty) in absolute form, "*", or null for CONNECT. */
    public String path() {
        return switch (targetForm) {
            case ORIGIN -> string(pathStart, pathEnd);
            case ABSOLUTE -> pathEnd > pathStart ? string(pathStart, pathEnd) : "/";
            case ASTERISK -> "*";
            case AUTHORITY -> null;
        };
    }

    /** The query after '?' (possibly empty), or null when there is no '?'. */
    public String query() {
        return queryStart < 0 ? null : string(queryStart, targetEnd);
    }

    /** The scheme of an absolute-form target, else null. */
    public String scheme() {
        return targetForm == TargetForm.ABSOLUTE ? string(targetStart, schemeEnd) : null;
    }

    /** The authority of an absolute-form or authority-form target, else null. */
    public String authority() {
        return targetForm == TargetForm.ABSOLUTE || targetForm == TargetForm.AUTHORITY
                ? string(authorityStart, authorityEnd) : null;
    }

    /**
     * The host (with port, if any) the request is for: the target's authority when present (RFC 9112 section 3.2.2:
     * a proxy ignores Host then), else the Host field value, else null (HTTP/1.0 without Host).
     */
    public String host() {
        String authority = authority();
        if (authority != null) {
            return authority;
        }
        return hostField < 0 ? null : value(hostField);
    }

    /** Whether the client sent "Expect: 100-continue" (RFC 9110 section 10.1.1, case-insensitive). */
    public boolean expectContinue() {
        return expectContinue;
    }

    @Override
    void onField(int nameStart, int nameEnd, int valueStart, int valueEnd) throws Http1Exception {
        if (nameEnd - nameStart == 4 && equalsLower(bytes, nameStart, nameEnd, "host")) {
            if (++hostCount > 1) {
                throw Http1Exception.of(Http1Violation.DUPLICATE_HOST); // RFC 9112 section 3.2: more than one Host -> 400
            }
            hostField = fieldCount() - 1;
            Authority.validate(bytes, valueStart, valueEnd, false, true, Http1Violation.INVALID_HOST); // RFC 9112 section 3.2
        } else if (nameEnd - nameStart == 6 && equalsLower(bytes, nameStart, nameEnd, "expect")) {
            expectContinue |= equalsLower(bytes, valueStart, valueEnd, "100-continue"); // RFC 9110 section 10.1.1
        } else {
            super.onField(nameStart, nameEnd, valueStart, valueEnd);
        }
    }
}
