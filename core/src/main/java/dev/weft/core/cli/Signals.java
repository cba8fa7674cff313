package dev.weft.core.cli;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * SIGTERM and SIGINT start a graceful drain instead of the JVM's immediate exit (which would report status 143 and
 * cut in-flight requests). Uses {@code sun.misc.Signal} from the jdk.unsupported module: exported on every JDK since
 * 9 and needing no flag; a second signal during the drain is ignored.
 */
final class Signals {
    private Signals() {
    }

    static void onTermination(Runnable drain) {
        AtomicBoolean started = new AtomicBoolean();
        sun.misc.SignalHandler handler = sig -> {
            if (started.compareAndSet(false, true)) {
                Thread.ofPlatform().name("weft-drain").start(drain);
            }
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    }
}
