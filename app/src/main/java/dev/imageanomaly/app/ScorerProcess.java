package dev.imageanomaly.app;

import dev.imageanomaly.embedded.ChildJvm;
import dev.imageanomaly.embedded.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The scorer as its own JVM, as it runs in production: it can be killed like a real process, its
 * heap and resident memory are its own (so a test can bound them and a benchmark measure them),
 * and it is reached through its HTTP endpoints. Its log goes to {@code <logDir>/scorer-<name>.log}.
 */
final class ScorerProcess implements AutoCloseable {

    private final ChildJvm jvm;
    private final int httpPort;

    private ScorerProcess(ChildJvm jvm, int httpPort) {
        this.jvm = jvm;
        this.httpPort = httpPort;
    }

    static ScorerProcess start(String name, Map<String, String> settings, String maxHeap) {
        return start(name, settings, maxHeap, Path.of("target"));
    }

    static ScorerProcess start(String name, Map<String, String> settings, String maxHeap, Path logDir) {
        return start(name, settings, maxHeap, logDir, List.of());
    }

    /** @param jvmOptions more options for the child JVM, e.g. to record a flight recording */
    static ScorerProcess start(String name, Map<String, String> settings, String maxHeap, Path logDir,
            List<String> jvmOptions) {
        int port = FreePorts.pick(1)[0];
        Map<String, String> all = new HashMap<>(settings);
        all.put("http.port", Integer.toString(port));
        List<String> args = new ArrayList<>(List.of("-Xmx" + maxHeap));
        args.addAll(jvmOptions);
        args.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.imageanomaly.stream.ScorerApp"));
        all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().forEach(args::add);
        Path log = logDir.resolve("scorer-" + name + ".log");
        return new ScorerProcess(ChildJvm.launch("scorer " + name, args, Map.of(), Path.of("."), log), port);
    }

    boolean isAlive() {
        return jvm.isAlive();
    }

    ProcessHandle handle() {
        return jvm.handle();
    }

    Path log() {
        return jvm.logFile();
    }

    /** Resident memory of the process (Linux {@code VmRSS}), or -1 where /proc cannot tell. */
    long residentBytes() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(jvm.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    /** Waits until {@code /health/ready} answers 200, or fails naming the log. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jvm.isAlive()) {
                throw new IllegalStateException("scorer exited with " + jvm.exitValue() + "; see " + log());
            }
            if (status("/health/ready") == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("scorer not ready within " + timeout + "; see " + log());
    }

    /** The HTTP status of {@code path}, or -1 when the scorer does not answer. */
    int status(String path) {
        try {
            return HttpClient.newHttpClient().send(request(path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request(path), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One sample of the Prometheus text format, or 0 when the series is absent. */
    double metric(String series) throws IOException, InterruptedException {
        for (String line : get("/metrics").split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    /** SIGKILL, as in a crash. */
    void kill() {
        jvm.kill();
    }

    /** SIGTERM, as an orchestrator stops a pod: the scorer closes cleanly. */
    @Override
    public void close() {
        jvm.stop(Duration.ofSeconds(40));
    }
}
