package dev.weft.codec.hpack;

/**
 * Receives the fields of a decoded header block, in order, without allocation: name and value are byte ranges that
 * are valid only for the duration of the call (copy what you keep). Names are as sent (HTTP/2 requires lowercase;
 * validation is the caller's job, see {@code dev.weft.codec.http2.HeaderValidator}).
 */
@FunctionalInterface
public interface HeaderSink {

    /**
     * One header field.
     *
     * @param neverIndexed the field was sent as a never-indexed literal (RFC 7541 section 6.2.3): an intermediary must
     *                     forward it as never-indexed too
     */
    void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
               boolean neverIndexed);
}
