package dev.weft.core.cli;

import dev.weft.core.config.ConfigException;
import dev.weft.core.config.ConfigLoader;
import dev.weft.core.config.ListenerConfig;
import dev.weft.core.config.WeftConfig;
import dev.weft.core.io.Addresses;
import dev.weft.core.listener.Listener;
import dev.weft.core.server.WeftServer;
import dev.weft.core.server.WeftVersion;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** The {@code weft} command line: {@code run}, {@code validate}, {@code version}. */
public final class Main {
    /** Exit codes. */
    static final int OK = 0;
    static final int FAILED = 1;
    static final int INVALID = 2;

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != OK || args.length == 0 || !"run".equals(args[0])) {
            System.exit(code);
        }
    }

    /** Runs a command; for {@code run} this returns only when the server has stopped. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String cmd = args.length == 0 ? "help" : args[0];
        String file = null;
        for (int i = 1; i < args.length; i++) {
            if (("-c".equals(args[i]) || "--config".equals(args[i])) && i + 1 < args.length) {
                file = args[++i];
            } else {
                err.println("weft: unknown argument '" + args[i] + "'");
                return INVALID;
            }
        }
        return switch (cmd) {
            case "version" -> {
                out.println("weft " + version() + " (Java " + Runtime.version() + ")");
                yield OK;
            }
            case "validate" -> validate(file, out, err);
            case "run" -> serve(file, out, err);
            default -> {
                out.println("usage: weft run [-c FILE] | validate -c FILE | version");
                yield "help".equals(cmd) ? OK : INVALID;
            }
        };
    }

    static String version() {
        return WeftVersion.get();
    }

    private static WeftConfig load(String file) throws ConfigException, IOException {
        return file == null ? ConfigLoader.loadDefault() : ConfigLoader.load(Path.of(file));
    }

    private static int validate(String file, PrintStream out, PrintStream err) {
        if (file == null) {
            err.println("weft validate: -c FILE is required");
            return INVALID;
        }
        try {
            WeftConfig c = load(file);
            out.println(file + ": valid (" + c.listeners().size() + " listener(s), " + c.clusters().size()
                    + " cluster(s))");
            return OK;
        } catch (ConfigException e) {
            err.println(file + ": " + e.problems().size() + " problem(s):");
            for (String p : e.problems()) {
                err.println("  " + p);
            }
            return INVALID;
        } catch (NoSuchFileException e) {
            err.println(file + ": no such file");
            return INVALID;
        } catch (IOException e) {
            err.println(file + ": cannot read: " + e.getMessage());
            return INVALID;
        }
    }

    private static int serve(String file, PrintStream out, PrintStream err) {
        WeftConfig config;
        try {
            config = load(file);
        } catch (ConfigException e) {
            err.println((file == null ? "built-in config" : file) + ": " + e.problems().size() + " problem(s):");
            e.problems().forEach(p -> err.println("  " + p));
            return INVALID;
        } catch (IOException e) {
            err.println("weft: cannot read " + file + ": " + e.getMessage());
            return INVALID;
        }
        WeftServer server;
        try {
            server = WeftServer.start(config);
        } catch (IOException e) {
            err.println("weft: " + e.getMessage());
            return FAILED;
        }
        out.println("weft " + version() + " started with " + (file == null ? "the built-in quickstart config"
                : file) + " (pid " + ProcessHandle.current().pid() + ")");
        for (Listener l : server.listeners()) {
            ListenerConfig lc = l.config();
            var a = l.localAddress();
            out.println("listener " + lc.name() + ": " + (lc.tls() == null ? "http" : "https") + "://" + Addresses.of(a) + "/");
        }
        if (server.adminAddress() != null) {
            out.println("admin: http://" + Addresses.of(server.adminAddress()) + "/");
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return; // a second signal, or a signal after /quitquitquit
            }
            out.println("weft: draining (up to " + config.drainTimeout().toMillis() + " ms)");
            boolean clean = server.drain(config.drainTimeout());
            out.println(clean ? "weft: stopped" : "weft: drain timeout, closed remaining connections");
            out.flush();
            stopped.countDown();
        };
        Signals.onTermination(stop);
        server.onQuit(() -> Thread.ofPlatform().name("weft-quit").start(stop)); // POST /quitquitquit
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(OK);
        return OK;
    }

}
