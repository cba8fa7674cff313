package dev.weft.tls.pem;

import java.nio.file.Path;

/**
 * A PEM file could not be turned into certificates or a key; the message names the file and what is wrong,
 * and never contains key material.
 */
public final class PemException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public PemException(Path file, String problem) {
        this(file, problem, null);
    }

    public PemException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file the problem was found in. */
    public Path file() {
        return file;
    }

    /** What is wrong, without the file name. */
    public String problem() {
        return problem;
    }
}
