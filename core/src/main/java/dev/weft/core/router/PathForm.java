package dev.weft.core.router;

/**
 * Whether a request path is in the one spelling that HTTP filters and routes match: RFC 3986 section 6.2.2 normal
 * form (no percent-encoded unreserved characters, no "." or ".." segments), no empty segments ("//", which Envoy's
 * {@code merge_slashes} folds and many servers ignore), and no escaped slash or backslash ({@code %2F}, {@code %5C},
 * which many servers decode into a separator; Envoy's {@code path_with_escaped_slashes_action}). Any other spelling
 * of a path may reach the upstream as a path a policy was written to refuse, e.g. {@code /api//orders} or
 * {@code /%61dmin/} past a rule on {@code /api/orders} or a route on {@code /admin/}.
 */
public final class PathForm {
    /** Envoy's response code detail for a path it could not normalize. */
    public static final String DETAIL = "path_normalization_failed";

    private PathForm() {
    }

    /** Null when {@code path} (without the query) is in normal form, else why it is not. */
    public static String problem(String path) {
        if (path == null || path.equals("*")) {
            return null;
        }
        int n = path.length();
        int segmentStart = 0;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? path.charAt(i) : '/';
            if (c == '/') {
                if (i > 0) {
                    int len = i - segmentStart;
                    if (len == 0 && i < n) { // a trailing slash ends the path with an empty segment: fine
                        return "empty path segment (//)";
                    }
                    if (len > 0 && len <= 2 && path.charAt(segmentStart) == '.'
                            && (len == 1 || path.charAt(segmentStart + 1) == '.')) {
                        return "dot segment in path";
                    }
                }
                segmentStart = i + 1;
            } else if (c == '\\') {
                return "backslash in path";
            } else if (c == '%' && i + 2 < n) {
                int h = hex(path.charAt(i + 1));
                int l = hex(path.charAt(i + 2));
                if (h >= 0 && l >= 0) {
                    int b = h << 4 | l;
                    if (b == '/' || b == '\\') {
                        return "escaped slash in path";
                    }
                    if (unreserved(b)) {
                        return "percent-encoded unreserved character in path";
                    }
                }
            }
        }
        return null;
    }

    /** RFC 3986 section 2.3. */
    private static boolean unreserved(int b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.'
                || b == '_' || b == '~';
    }

    private static int hex(char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : -1;
    }
}
