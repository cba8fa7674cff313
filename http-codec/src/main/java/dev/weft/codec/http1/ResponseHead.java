package dev.weft.codec.http1;

/** A parsed HTTP/1.x response head: status, reason and fields. Valid until its parser is reset. */
public final class ResponseHead extends MessageHead {
    int status;
    int reasonStart;
    int reasonEnd;
    boolean framingAmbiguous;

    ResponseHead() {
    }

    @Override
    void clear() {
        super.clear();
        status = 0;
        reasonStart = reasonEnd = 0;
        framingAmbiguous = false;
    }

    public int status() {
        return status;
    }

    /** The reason phrase as received, possibly empty. */
    public String reason() {
        return string(reasonStart, reasonEnd);
    }

    /** 1xx: an interim response, followed by another head for the same request (RFC 9110 section 15.2). */
    public boolean isInformational() {
        return status < 200;
    }

    /**
     * Whether the framing of this response was ambiguous (Content-Length with Transfer-Encoding, RFC 9112 section 6.3
     * rule 3; or Transfer-Encoding in HTTP/1.0, RFC 9112 section 6.1): the body is read per {@link BodyFraming}, the
     * Content-Length is not forwarded, and the upstream connection MUST be closed afterwards.
     */
    @Override
    public boolean framingAmbiguous() {
        return framingAmbiguous;
    }
}
