package dev.weft.core.http1;

import dev.weft.codec.http1.RequestHead;
import dev.weft.core.filter.FilterRequest;
import java.util.Locale;

/** An HTTP/1.1 request head as the filters see its fields. Reused per connection. */
final class Http1Headers implements FilterRequest.Headers {
    private RequestHead head;

    Http1Headers wrap(RequestHead head) {
        this.head = head;
        return this;
    }

    @Override
    public int size() {
        return head.fieldCount();
    }

    @Override
    public String name(int i) {
        return head.name(i).toLowerCase(Locale.ROOT);
    }

    @Override
    public String value(int i) {
        return head.value(i);
    }

    @Override
    public boolean nameIs(int i, String lowerName) {
        return head.nameIs(i, lowerName);
    }
}
