package dev.weft.core.http2;

import dev.weft.codec.hpack.HeaderSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects one decoded (and validated, see {@code HeaderValidator}) header block: the request pseudo-headers and the
 * regular fields as strings, in order. Reused per block on the connection's reader thread; {@link #request} and
 * {@link #fields} hand out copies.
 */
final class RequestFields implements HeaderSink {

    /**
     * A request head as received over HTTP/2.
     *
     * @param fields        regular fields in order, {name, value}; names are lowercase (RFC 9113 section 8.2.1)
     * @param contentLength the content-length field, or -1
     */
    record Request(String method, String scheme, String authority, String path, List<String[]> fields,
                   long contentLength) {

        /** The first value of a field, or null. */
        String first(String lowerName) {
            for (String[] f : fields) {
                if (f[0].equals(lowerName)) {
                    return f[1];
                }
            }
            return null;
        }

        /** All values of a field joined with ", " (cookie with "; ", RFC 9113 section 8.2.3), or null. */
        String joined(String lowerName) {
            String sep = lowerName.equals("cookie") ? "; " : ", ";
            String v = null;
            for (String[] f : fields) {
                if (f[0].equals(lowerName)) {
                    v = v == null ? f[1] : v + sep + f[1];
                }
            }
            return v;
        }
    }

    private String method;
    private String scheme;
    private String authority;
    private String path;
    private final List<String[]> fields = new ArrayList<>();

    void reset() {
        method = null;
        scheme = null;
        authority = null;
        path = null;
        fields.clear();
    }

    @Override
    public void field(byte[] name, int nameOffset, int nameLength, byte[] value, int valueOffset, int valueLength,
                      boolean neverIndexed) {
        String v = new String(value, valueOffset, valueLength, StandardCharsets.ISO_8859_1);
        if (nameLength > 0 && name[nameOffset] == ':') {
            String n = new String(name, nameOffset, nameLength, StandardCharsets.ISO_8859_1);
            switch (n) {
                case ":method" -> method = v;
                case ":scheme" -> scheme = v;
                case ":authority" -> authority = v;
                case ":path" -> path = v;
                default -> { } // the validator refuses any other
            }
            return;
        }
        fields.add(new String[] {new String(name, nameOffset, nameLength, StandardCharsets.ISO_8859_1), v});
    }

    Request request(long contentLength) {
        String auth = authority;
        if (auth == null) {
            for (String[] f : fields) {
                if (f[0].equals("host")) {
                    auth = f[1];
                    break;
                }
            }
        }
        return new Request(method, scheme, auth, path, List.copyOf(fields), contentLength);
    }

    List<String[]> fields() {
        return List.copyOf(fields);
    }
}
