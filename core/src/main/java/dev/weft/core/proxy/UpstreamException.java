package dev.weft.core.proxy;

import java.io.IOException;

/** A failure on the upstream side that ends in a local reply with {@link #flag()}. Stackless: it is expected. */
public final class UpstreamException extends IOException {
    private final ResponseFlag flag;
    private final int status;

    public UpstreamException(ResponseFlag flag, String message) {
        this(flag, message, flag.status());
    }

    /** With a status other than the flag's own (a TLS identity refusal is UF but 503). */
    public UpstreamException(ResponseFlag flag, String message, int status) {
        super(message, null);
        this.flag = flag;
        this.status = status;
    }

    public ResponseFlag flag() {
        return flag;
    }

    /** The status of the local reply. */
    public int status() {
        return status;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
