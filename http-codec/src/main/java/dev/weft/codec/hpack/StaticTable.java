package dev.weft.codec.hpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The static table of RFC 7541 Appendix A (indices 1 to 61), with a lookup by name for the encoder that allocates
 * nothing: an open-addressing hash of the distinct names to the first index of each, the entries that share a name
 * being consecutive.
 */
final class StaticTable {
    static final int LENGTH = 61;

    private static final String[][] ENTRIES = {
            {":authority", ""},                   // 1
            {":method", "GET"},                   // 2
            {":method", "POST"},                  // 3
            {":path", "/"},                       // 4
            {":path", "/index.html"},             // 5
            {":scheme", "http"},                  // 6
            {":scheme", "https"},                 // 7
            {":status", "200"},                   // 8
            {":status", "204"},                   // 9
            {":status", "206"},                   // 10
            {":status", "304"},                   // 11
            {":status", "400"},                   // 12
            {":status", "404"},                   // 13
            {":status", "500"},                   // 14
            {"accept-charset", ""},               // 15
            {"accept-encoding", "gzip, deflate"}, // 16
            {"accept-language", ""},              // 17
            {"accept-ranges", ""},                // 18
            {"accept", ""},                       // 19
            {"access-control-allow-origin", ""},  // 20
            {"age", ""},                          // 21
            {"allow", ""},                        // 22
            {"authorization", ""},                // 23
            {"cache-control", ""},                // 24
            {"content-disposition", ""},          // 25
            {"content-encoding", ""},             // 26
            {"content-language", ""},             // 27
            {"content-length", ""},               // 28
            {"content-location", ""},             // 29
            {"content-range", ""},                // 30
            {"content-type", ""},                 // 31
            {"cookie", ""},                       // 32
            {"date", ""},                         // 33
            {"etag", ""},                         // 34
            {"expect", ""},                       // 35
            {"expires", ""},                      // 36
            {"from", ""},                         // 37
            {"host", ""},                         // 38
            {"if-match", ""},                     // 39
            {"if-modified-since", ""},            // 40
            {"if-none-match", ""},                // 41
            {"if-range", ""},                     // 42
            {"if-unmodified-since", ""},          // 43
            {"last-modified", ""},                // 44
            {"link", ""},                         // 45
            {"location", ""},                     // 46
            {"max-forwards", ""},                 // 47
            {"proxy-authenticate", ""},           // 48
            {"proxy-authorization", ""},          // 49
            {"range", ""},                        // 50
            {"referer", ""},                      // 51
            {"refresh", ""},                      // 52
            {"retry-after", ""},                  // 53
            {"server", ""},                       // 54
            {"set-cookie", ""},                   // 55
            {"strict-transport-security", ""},    // 56
            {"transfer-encoding", ""},            // 57
            {"user-agent", ""},                   // 58
            {"vary", ""},                         // 59
            {"via", ""},                          // 60
            {"www-authenticate", ""},             // 61
    };

    /** Names and values by index; slot 0 is unused (index 0 is invalid, RFC 7541 section 6.1). */
    private static final byte[][] NAMES = new byte[LENGTH + 1][];
    private static final byte[][] VALUES = new byte[LENGTH + 1][];

    private static final int BUCKETS = 128; // a power of two, above twice the 52 distinct names
    private static final int[] FIRST_BY_NAME = new int[BUCKETS];

    // Names the encoder always sends as never-indexed literals (RFC 7541 section 7.1.3: credentials, short cookies)
    private static final boolean[] SENSITIVE = new boolean[LENGTH + 1];
    // Names whose values change from request to request: indexing them would only evict useful entries
    private static final boolean[] NOT_INDEXED = new boolean[LENGTH + 1];

    static {
        for (int i = 1; i <= LENGTH; i++) {
            VALUES[i] = ENTRIES[i - 1][1].getBytes(StandardCharsets.ISO_8859_1);
            if (i > 1 && ENTRIES[i - 2][0].equals(ENTRIES[i - 1][0])) {
                NAMES[i] = NAMES[i - 1]; // one array per name: indexOfField walks the run by identity
                continue;                // and only the first index of a name goes into the hash
            }
            NAMES[i] = ENTRIES[i - 1][0].getBytes(StandardCharsets.ISO_8859_1);
            int bucket = bucket(hash(NAMES[i], 0, NAMES[i].length));
            while (FIRST_BY_NAME[bucket] != 0) {
                bucket = (bucket + 1) & (BUCKETS - 1);
            }
            FIRST_BY_NAME[bucket] = i;
        }
        for (String name : new String[] {"authorization", "proxy-authorization", "cookie", "set-cookie"}) {
            SENSITIVE[indexOf(name)] = true;
        }
        for (String name : new String[] {":path", "content-length", "etag", "if-modified-since", "if-none-match",
                "age"}) {
            NOT_INDEXED[indexOf(name)] = true;
        }
    }

    private StaticTable() {
    }

    /** The name at {@code index}, 1 to 61; the array is shared and must not be modified. */
    static byte[] name(int index) {
        return NAMES[index];
    }

    /** The value at {@code index}, 1 to 61 (empty for most); the array is shared and must not be modified. */
    static byte[] value(int index) {
        return VALUES[index];
    }

    /** The hash used for names and fields, in the static and the encoder's dynamic table alike. */
    static int hash(byte[] b, int from, int length) {
        int h = 0;
        for (int i = from, end = from + length; i < end; i++) {
            h = 31 * h + b[i];
        }
        return h;
    }

    /** The lowest index whose name is exactly {@code name[from, from + length)}, or 0. */
    static int indexOfName(byte[] name, int from, int length, int hash) {
        int bucket = bucket(hash);
        int index;
        while ((index = FIRST_BY_NAME[bucket]) != 0) {
            if (equal(NAMES[index], name, from, length)) {
                return index;
            }
            bucket = (bucket + 1) & (BUCKETS - 1);
        }
        return 0;
    }

    /** The index of the entry with the name at {@code nameIndex} and exactly this value, or 0. */
    static int indexOfField(int nameIndex, byte[] value, int from, int length) {
        byte[] name = NAMES[nameIndex];
        for (int i = nameIndex; i <= LENGTH && NAMES[i] == name; i++) {
            if (equal(VALUES[i], value, from, length)) {
                return i;
            }
        }
        return 0;
    }

    /** The encoder sends fields with this name (a static index, or 0) as never-indexed literals. */
    static boolean isSensitive(int nameIndex) {
        return SENSITIVE[nameIndex];
    }

    /** The encoder does not add fields with this name (a static index, or 0) to the dynamic table. */
    static boolean isNotIndexed(int nameIndex) {
        return NOT_INDEXED[nameIndex];
    }

    private static int indexOf(String name) {
        byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
        return indexOfName(b, 0, b.length, hash(b, 0, b.length));
    }

    private static int bucket(int hash) {
        return (hash ^ (hash >>> 7) ^ (hash >>> 16)) & (BUCKETS - 1);
    }

    private static boolean equal(byte[] a, byte[] b, int from, int length) {
        return a.length == length && Arrays.equals(a, 0, length, b, from, from + length);
    }
}
