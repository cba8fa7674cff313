package dev.weft.bench.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Options of {@code ./weft bench load}. Every option has a default, so the bare command measures HTTP/1.1 keep-alive
 * with an empty body over 50 connections, Weft only, and writes {@code perf-reports/<version>/}.
 */
record LoadOptions(List<Scenario> scenarios, List<String> bodies, List<Integer> connections, double durationSeconds,
                   double warmupSeconds, List<Double> rates, List<String> peers, Path out, String origin,
                   boolean docker, boolean pin, int h2Streams, Path weftJar, String weftClasspath,
                   String weftJavaOpts, List<String> weftJvmArgs) {

    /** The launcher's sidecar JVM profile; {@code ./weft} passes its own (or WEFT_JAVA_OPTS) explicitly. */
    static final String DEFAULT_WEFT_JAVA_OPTS = "-XX:+UseSerialGC -Xms8m -Xmx64m -Xss256k "
            + "-XX:MaxDirectMemorySize=128m -XX:ReservedCodeCacheSize=32m -XX:-UsePerfData -Xshare:auto";

    static final String USAGE = """
            usage: ./weft bench load [options]
              --scenario LIST      h1, h1-close, tls, mtls, h2 (comma-separated; default h1)
              --body LIST          response body sizes: 0, 4k, 64k, 1m, ... (default 0)
              -c, --connections LIST  concurrent connections (default 50)
              --duration SECONDS   each measured run (default 10)
              --warmup SECONDS     unrecorded load before each run (default 3)
              --rates LIST         open-loop rates as fractions of each target's maximum (default 0.25,0.5,0.75)
              --peers LIST         also measure these proxies, configured alike: nginx, haproxy (default none)
              --origin KIND        nginx | builtin | auto (default auto: nginx when installed)
              --out DIR            report folder (default perf-reports/<version>)
              --h2-streams N       concurrent streams per HTTP/2 connection (default 10)
              --no-pin             do not pin processes to CPUs with taskset
              --docker             run wrk and h2load from container images (needs a docker engine)
              --weft-jar JAR       the Weft jar to measure (the launcher passes the one it built)
              --weft-java-opts S   JVM options for Weft (default: the launcher's sidecar profile)
              --weft-jvm-arg ARG   one more JVM option for Weft, after those (repeatable; e.g. -XX:+UseParallelGC)
            """;

    static LoadOptions parse(String... args) {
        List<Scenario> scenarios = List.of(Scenario.H1);
        List<String> bodies = List.of("0");
        List<Integer> connections = List.of(50);
        double duration = 10;
        double warmup = 3;
        List<Double> rates = List.of(0.25, 0.5, 0.75);
        List<String> peers = List.of();
        Path out = null;
        String origin = "auto";
        boolean docker = false;
        boolean pin = true;
        int h2Streams = 10;
        Path weftJar = null;
        String weftClasspath = null;
        String weftJavaOpts = DEFAULT_WEFT_JAVA_OPTS;
        List<String> weftJvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--scenario" -> scenarios = list(a, value(args, ++i, a)).stream().map(Scenario::of).distinct()
                        .toList();
                case "--body" -> {
                    bodies = list(a, value(args, ++i, a));
                    bodies.forEach(b -> bodyBytes(b));
                }
                case "-c", "--connections" -> connections = list(a, value(args, ++i, a)).stream()
                        .map(v -> positiveInt(a, v)).toList();
                case "--duration" -> duration = positive(a, value(args, ++i, a));
                case "--warmup" -> {
                    warmup = number(a, value(args, ++i, a));
                    if (warmup < 0) {
                        throw new HarnessException("--warmup: must not be negative");
                    }
                }
                case "--rates" -> {
                    rates = list(a, value(args, ++i, a)).stream().map(v -> number(a, v)).sorted().toList();
                    for (double r : rates) {
                        if (!(r > 0 && r <= 1)) {
                            throw new HarnessException("--rates: " + r + " is not a fraction in (0, 1]");
                        }
                    }
                }
                case "--peers" -> {
                    peers = list(a, value(args, ++i, a)).stream().map(p -> p.toLowerCase(Locale.ROOT)).distinct()
                            .toList();
                    for (String p : peers) {
                        if (!p.equals("nginx") && !p.equals("haproxy")) {
                            throw new HarnessException("--peers: unknown peer '" + p + "' (known: nginx, haproxy)");
                        }
                    }
                }
                case "--origin" -> {
                    origin = value(args, ++i, a);
                    if (!List.of("nginx", "builtin", "auto").contains(origin)) {
                        throw new HarnessException("--origin: must be nginx, builtin or auto, not '" + origin + "'");
                    }
                }
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--h2-streams" -> h2Streams = positiveInt(a, value(args, ++i, a));
                case "--no-pin" -> pin = false;
                case "--docker" -> docker = true;
                case "--weft-jar" -> weftJar = Path.of(value(args, ++i, a));
                case "--weft-classpath" -> weftClasspath = value(args, ++i, a);
                case "--weft-java-opts" -> weftJavaOpts = value(args, ++i, a);
                case "--weft-jvm-arg" -> {
                    String arg = value(args, ++i, a).strip();
                    if (!arg.startsWith("-") || arg.contains(" ")) {
                        throw new HarnessException("--weft-jvm-arg: '" + arg + "' is not one JVM option (e.g. "
                                + "-Dname=value)");
                    }
                    weftJvmArgs.add(arg);
                }
                default -> throw new HarnessException("unknown option '" + a + "'\n" + USAGE);
            }
        }
        if (weftJar == null && weftClasspath == null) {
            Path guess = Path.of("core/target/weft.jar");
            if (!guess.toFile().isFile()) {
                throw new HarnessException("--weft-jar: not given and core/target/weft.jar does not exist "
                        + "(run it as ./weft bench load, which builds Weft first)");
            }
            weftJar = guess;
        }
        return new LoadOptions(scenarios, bodies, connections, duration, warmup, rates, peers, out, origin, docker,
                pin, h2Streams, weftJar, weftClasspath, weftJavaOpts, List.copyOf(weftJvmArgs));
    }

    /** "0" -> 0, "4k" -> 4096, "1m" -> 1048576 (binary units; b/k/m suffixes). */
    static int bodyBytes(String label) {
        String s = label.toLowerCase(Locale.ROOT).strip();
        long mult = 1;
        if (s.endsWith("k")) {
            mult = 1024;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            mult = 1024 * 1024;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        try {
            long v = Long.parseLong(s) * mult;
            if (v < 0 || v > 16L * 1024 * 1024) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new HarnessException("--body: '" + label + "' is not a size from 0 to 16m (e.g. 0, 4k, 64k, 1m)");
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new HarnessException(option + ": needs a value");
        }
        return args[i];
    }

    private static List<String> list(String option, String value) {
        List<String> items = new ArrayList<>(Arrays.stream(value.split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).toList());
        if (items.isEmpty()) {
            throw new HarnessException(option + ": empty list");
        }
        return List.copyOf(items);
    }

    private static double number(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new HarnessException(option + ": '" + value + "' is not a number");
        }
    }

    private static double positive(String option, String value) {
        double v = number(option, value);
        if (!(v > 0)) {
            throw new HarnessException(option + ": must be positive, not " + value);
        }
        return v;
    }

    private static int positiveInt(String option, String value) {
        try {
            int v = Integer.parseInt(value.strip());
            if (v < 1) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new HarnessException(option + ": '" + value + "' is not a positive whole number");
        }
    }
}
