package dev.weft.core.http1;

import dev.weft.codec.http1.RequestHead;
import dev.weft.core.router.RequestView;
import dev.weft.core.router.Router;

/** The router's view of an HTTP/1.1 request head. Reused per connection. */
final class Http1RequestView implements RequestView {
    private RequestHead head;
    private String host;

    void wrap(RequestHead head) {
        this.head = head;
        this.host = Router.normalizeHost(head.host());
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public String path() {
        return head.path();
    }

    @Override
    public String query() {
        return head.query();
    }

    @Override
    public String header(String lowerName) {
        int i = head.indexOf(lowerName, 0);
        if (i < 0) {
            return null;
        }
        String v = head.value(i);
        for (int j = head.indexOf(lowerName, i + 1); j >= 0; j = head.indexOf(lowerName, j + 1)) {
            v = v + "," + head.value(j);
        }
        return v;
    }
}
