package dev.weft.core.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the real {@code ./weft} launcher script and the CLI behind it. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LauncherTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    record Result(int code, String out) {
    }

    private static Result weft(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("weft").toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    /**
     * The JDK running this test, for the launcher to find, and this build's class path, so that the launcher runs
     * the classes under test instead of building a jar in the middle of the build.
     */
    private static Map<String, String> jdk() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Map.of("JAVA_HOME", System.getProperty("java.home"), "WEFT_CLASSPATH", cp);
    }

    @Test
    void helpListsEveryCommand() throws Exception {
        Result r = weft(jdk(), "help");
        assertEquals(0, r.code(), r.out());
        for (String c : List.of("run [-c FILE]", "validate -c FILE", "test", "version", "help", "bench micro",
                "aot", "WEFT_JAVA_OPTS", "WEFT_AOT=0")) {
            assertTrue(r.out().contains(c), c + " in " + r.out());
        }
    }

    @Test
    void benchWithoutASubcommandShowsItsUsage() throws Exception {
        Result r = weft(jdk(), "bench");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("./weft bench micro [REGEX] [--json FILE]"), r.out());
    }

    @Test
    void unknownCommandExitsWithUsage() throws Exception {
        Result r = weft(jdk(), "frobnicate");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("Usage"), r.out());
    }

    @Test
    void versionPrintsVersionAndJava() throws Exception {
        Result r = weft(jdk(), "version");
        assertEquals(0, r.code(), r.out());
        assertTrue(r.out().matches("(?s).*weft \\S+ \\(Java \\d+.*\\).*"), r.out());
    }

    @Test
    void validateExamplesExitZero() throws Exception {
        for (String f : List.of("examples/quickstart.yaml", "examples/reverse-proxy.yaml")) {
            Result r = weft(jdk(), "validate", "-c", f);
            assertEquals(0, r.code(), r.out());
            assertTrue(r.out().contains(f + ": valid"), r.out());
        }
    }

    @Test
    void validateReportsEveryProblemWithPathAndExitsTwo(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                listeners:
                  - name: a
                    port: 70000
                    virtual_hosts:
                      - name: v
                        domains: ["*"]
                        routes:
                          - match: {prefix: /}
                            route: {cluster: nope}
                clusters:
                  - name: c
                    lb_policy: FASTEST
                    endpoints: [{address: 127.0.0.1, port: 0}]
                """);
        Result r = weft(jdk(), "validate", "-c", bad.toString());
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("listeners[0].port: must be 0..65535"), r.out());
        assertTrue(r.out().contains("listeners[0].virtual_hosts[0].routes[0].route.cluster: unknown cluster 'nope'"),
                r.out());
        assertTrue(r.out().contains("clusters[0].lb_policy: must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM"),
                r.out());
        assertTrue(r.out().contains("clusters[0].endpoints[0].port: must be 1..65535"), r.out());
    }

    @Test
    void validateOfMissingFileExitsTwo() throws Exception {
        Result r = weft(jdk(), "validate", "-c", "/nonexistent/weft.yaml");
        assertEquals(2, r.code(), r.out());
        assertTrue(r.out().contains("no such file"), r.out());
    }

    /** A PATH with every tool of /usr/bin and /bin but no java: the launcher cannot find a JDK there. */
    private static String pathWithoutJava(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String d : List.of("/usr/bin", "/bin")) {
            try (var files = Files.list(Path.of(d))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String name = f.getFileName().toString();
                    if (!name.startsWith("java") && !name.equals("javac") && !Files.exists(bin.resolve(name))) {
                        Files.createSymbolicLink(bin.resolve(name), f);
                    }
                }
            }
        }
        return bin.toString();
    }

    @Test
    void noJdkAtAllIsAClearErrorWithExitThree(@TempDir Path dir) throws Exception {
        Result r = weft(Map.of("JAVA_HOME", "", "PATH", pathWithoutJava(dir), "WEFT_JDK_DIRS", "/nonexistent/"),
                "version");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("no JDK 21 or newer found"), r.out());
    }

    /**
     * A "JDK" whose java answers {@code javaSays} as its specification version, the way
     * {@code java -XshowSettings:properties} prints it, with a {@code release} file saying {@code release} (or none).
     */
    private static Path fakeJdk(Path dir, String javaSays, String release) throws IOException {
        Path fake = dir.resolve("jdk");
        Path bin = Files.createDirectories(fake.resolve("bin"));
        if (release != null) {
            Files.writeString(fake.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + release + "\"\n");
        }
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho '    java.specification.version = " + javaSays
                + "' >&2\necho \"java started with: $*\"\n");
        Files.writeString(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
        assertTrue(bin.resolve("java").toFile().setExecutable(true));
        assertTrue(bin.resolve("javac").toFile().setExecutable(true));
        return fake;
    }

    @Test
    void onlyAnOldJdkIsRefused(@TempDir Path dir) throws Exception {
        // a "JDK 17": its java reports specification version 17, as `java -XshowSettings:properties` prints it
        Path fake = fakeJdk(dir, "17", null);
        Result r = weft(Map.of("JAVA_HOME", fake.toString(), "PATH", pathWithoutJava(dir), "WEFT_JDK_DIRS",
                fake + "/"), "version");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("no JDK 21 or newer found"), r.out());
    }

    @Test
    void theAotCacheNeedsJdk25(@TempDir Path dir) throws Exception {
        // a "JDK 21" that passes the launcher's own check but has no AOT cache (JEP 483 came in JDK 24, one-step in 25)
        Path fake = fakeJdk(dir, "21", null);
        Result r = weft(Map.of("JAVA_HOME", fake.toString(), "PATH", pathWithoutJava(dir), "WEFT_JDK_DIRS",
                fake + "/"), "aot");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("the AOT cache needs JDK 25 or newer (found 21"), r.out());
    }

    @Test
    void theCdsArchiveIsMappedInPlaceOnlyOnTheJdksItWasVerifiedWith(@TempDir Path dir) throws Exception {
        // -XX:ArchiveRelocationMode is a diagnostic option: given to JDK 21-25, never to a later JDK that may lack it
        for (String[] c : new String[][] {{"21.0.4", "yes"}, {"25.0.1", "yes"}, {"26", "no"}}) {
            Path fake = fakeJdk(Files.createDirectories(dir.resolve(c[0])), "21", c[0]);
            Result r = weft(Map.of("JAVA_HOME", fake.toString(), "PATH", pathWithoutJava(dir.resolve(c[0])),
                    "WEFT_JDK_DIRS", fake + "/", "WEFT_CLASSPATH", "/nonexistent"), "run");
            assertTrue(r.out().contains("java started with: -XX:+UseSerialGC"), r.out());
            assertEquals(c[1].equals("yes"), r.out().contains(
                    " -XX:+UnlockDiagnosticVMOptions -XX:ArchiveRelocationMode=0 "), c[0] + ": " + r.out());
        }
    }

    @Test
    void theJdkReleaseFileIsReadInsteadOfStartingAJvm(@TempDir Path dir) throws Exception {
        // the release file says 21; the java binary would say 25 if it were asked: the launcher must not ask it
        Path fake = fakeJdk(dir, "25", "21.0.4");
        Result r = weft(Map.of("JAVA_HOME", fake.toString(), "PATH", pathWithoutJava(dir), "WEFT_JDK_DIRS",
                fake + "/"), "aot");
        assertEquals(3, r.code(), r.out());
        assertTrue(r.out().contains("the AOT cache needs JDK 25 or newer (found 21"), r.out());
    }
}
