package dev.weft.bench.harness;

/** A problem that ends the run with a message for the user (missing tool, bad option, a target that won't start). */
final class HarnessException extends RuntimeException {
    HarnessException(String message) {
        super(message);
    }

    HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
