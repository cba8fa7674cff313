package dev.weft.codec.http1;

/** The trailer section of a chunked body: field lines only, none of them interpreted (RFC 9110 section 6.5). */
final class TrailerFields extends MessageHead {
    @Override
    void onField(int nameStart, int nameEnd, int valueStart, int valueEnd) {
        // RFC 9110 section 6.5.1: framing and routing fields in trailers carry no meaning for the message
    }
}
