package dev.weft.core.proxy;

import java.io.IOException;

/** A failure on the upstream side that ends in a local reply with {@link #flag()}. Stackless: it is expected. */
public final class UpstreamException extends IOException {
    private final ResponseFlag flag;

    public UpstreamException(ResponseFlag flag, String message) {
        super(message, null);
        this.flag = flag;
    }

    public ResponseFlag flag() {
        return flag;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
