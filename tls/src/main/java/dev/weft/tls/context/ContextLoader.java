package dev.weft.tls.context;

import dev.weft.tls.pem.PemException;

/**
 * Builds a TLS context from its files, validating everything; used for the first load and every reload.
 *
 * @param <T> {@link ServerTlsContext} or {@link ClientTlsContext}
 */
@FunctionalInterface
public interface ContextLoader<T> {
    T load() throws PemException;
}
