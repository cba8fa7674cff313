package dev.weft.bench.harness;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds the external tools the harness drives, their versions, and names the Debian package of a missing one. */
final class Tools {

    /** Tool to the Debian 12 package that provides it. */
    static final Map<String, String> DEBIAN_PACKAGES = Map.of(
            "wrk", "wrk",
            "h2load", "nghttp2-client",
            "nginx", "nginx-light (or nginx)",
            "haproxy", "haproxy",
            "openssl", "openssl",
            "taskset", "util-linux",
            "docker", "docker.io");

    private Tools() {
    }

    /** The executable on PATH (or in /usr/sbin and /sbin, where Debian puts nginx and haproxy), if any. */
    static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/sbin:/sbin:/usr/local/sbin";
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static boolean installed(String tool) {
        return find(tool).isPresent();
    }

    /** The tool's path, or an exception whose message says which Debian package to install. */
    static Path require(String tool, String why) {
        return find(tool).orElseThrow(() -> new HarnessException(missing(tool) + (why == null ? "" : " (" + why + ")")));
    }

    static String missing(String tool) {
        return tool + " not found: install it with `apt-get install " + DEBIAN_PACKAGES.getOrDefault(tool, tool) + "`";
    }

    /** First line of the tool's version output, or "unknown". */
    static String version(String tool) {
        List<String> args = switch (tool) {
            case "wrk" -> List.of("wrk", "-v");
            case "nginx" -> List.of("nginx", "-v");
            case "haproxy" -> List.of("haproxy", "-v");
            case "h2load" -> List.of("h2load", "--version");
            case "openssl" -> List.of("openssl", "version");
            default -> List.of(tool, "--version");
        };
        Optional<Path> exe = find(tool);
        if (exe.isEmpty()) {
            return "not installed";
        }
        try {
            List<String> cmd = new java.util.ArrayList<>(args);
            cmd.set(0, exe.get().toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** Runs a short command to completion and returns its output; a non-zero exit is an exception with the output. */
    static String run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + ": timed out after " + timeoutSeconds + " s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + "\n" + text);
        }
        return text;
    }
}
