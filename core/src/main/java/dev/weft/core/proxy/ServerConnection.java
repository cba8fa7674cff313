package dev.weft.core.proxy;

/** A downstream connection as its listener sees it, whatever protocol it speaks. */
public interface ServerConnection {

    /** No request in flight. */
    boolean isIdle();

    /** Drain: an idle connection closes now; a busy one after what is in flight (HTTP/2: GOAWAY first). */
    void closeIfIdle();

    /** Closes at once (end of the drain timeout). */
    void abort();
}
