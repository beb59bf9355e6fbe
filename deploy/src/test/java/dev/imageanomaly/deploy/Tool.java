package dev.imageanomaly.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** An external command line tool (docker-compose, kubectl, node, prometheus) that a test needs. */
record Tool(String name) {

    record Result(int exitCode, String output) {}

    /** Skips the calling test, saying why, when the tool is not on the PATH. */
    Tool require() {
        assumeTrue(path() != null, name + " is not installed: skipped (install it to run this check)");
        return this;
    }

    Path path() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    Result run(Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(path().toString()));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("tool-", ".out");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(5, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(command + " did not finish within 5 minutes");
                }
                return new Result(p.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    Result run(Path workDir, String... args) {
        return run(workDir, Map.of(), args);
    }
}
