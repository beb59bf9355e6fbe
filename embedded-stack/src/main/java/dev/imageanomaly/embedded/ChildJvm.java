package dev.imageanomaly.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java child process with its output in a log file. Every live child is tracked so that a JVM
 * shutdown hook (ctrl-C on the demo or a benchmark, a test JVM exiting) destroys it: no orphan
 * broker, registry or scorer survives us.
 */
public final class ChildJvm {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ChildJvm::destroyAllLive, "embedded-stack-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
    }

    /** Starts {@code java <jvmArgs...>} in {@code workDir}, stdout and stderr appended to {@code logFile}. */
    public static ChildJvm launch(String name, List<String> jvmArgs, Map<String, String> env, Path workDir, Path logFile) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary().toString());
        command.addAll(jvmArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(env);
        try {
            Process process = builder.start();
            LIVE.add(process);
            LOG.debug("started {} (pid {}), log {}", name, process.pid(), logFile);
            return new ChildJvm(name, process, logFile);
        } catch (IOException e) {
            throw new EmbeddedStackException("could not start " + name + ": " + command, e);
        }
    }

    /** Runs a short-lived child to completion and fails with its log tail when it exits non-zero. */
    static void runToCompletion(String name, List<String> jvmArgs, Map<String, String> env, Path workDir,
            Path logFile, Duration timeout) {
        ChildJvm child = launch(name, jvmArgs, env, workDir, logFile);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.kill();
                throw new EmbeddedStackException(name + " did not finish within " + timeout + child.describeLog());
            }
            int exit = child.process.exitValue();
            LIVE.remove(child.process);
            if (exit != 0) {
                throw new EmbeddedStackException(name + " exited with code " + exit + child.describeLog());
            }
        } catch (InterruptedException e) {
            child.kill();
            Thread.currentThread().interrupt();
            throw new EmbeddedStackException("interrupted while running " + name, e);
        }
    }

    static Path javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public Path logFile() {
        return logFile;
    }

    /** The exit code; only for a child that is no longer alive. */
    public int exitValue() {
        return process.exitValue();
    }

    /** Asks the child to shut down (SIGTERM, so its shutdown hooks run), forcing it after {@code grace}. */
    public void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("{} (pid {}) did not stop within {}; killing it", name, process.pid(), grace);
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    /** Kills the child at once (SIGKILL): no shutdown hooks, no flushing, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(process);
    }

    /** The last lines of the child's log, formatted for an exception message. */
    public String describeLog() {
        return "\n--- last lines of " + logFile + " ---\n" + tail(logFile, 40);
    }

    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "(no log)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Deletes a directory tree; best effort, since a killed child may still be releasing files. */
    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.debug("could not delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    private static void destroyAllLive() {
        for (Process process : LIVE) {
            process.destroy();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (Process process : LIVE) {
            try {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.waitFor(left, TimeUnit.NANOSECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }
}
