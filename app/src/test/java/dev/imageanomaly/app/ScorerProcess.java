package dev.imageanomaly.app;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
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
 * heap is its own (so a test can bound it), and it is reached through its HTTP endpoints. Its log
 * goes to {@code target/scorer-<name>.log}.
 */
final class ScorerProcess implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final Path log;

    private ScorerProcess(Process process, int httpPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.log = log;
    }

    static ScorerProcess start(String name, Map<String, String> settings, String maxHeap) throws IOException {
        int port = freePort();
        Map<String, String> all = new HashMap<>(settings);
        all.put("http.port", Integer.toString(port));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + maxHeap,
                "-cp", System.getProperty("java.class.path"), "dev.imageanomaly.stream.ScorerApp"));
        all.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).sorted().forEach(command::add);
        Path log = Path.of("target", "scorer-" + name + ".log");
        File logFile = log.toFile();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile).start();
        return new ScorerProcess(p, port, log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    /** Waits until {@code /health/ready} answers 200, or fails naming the log. */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("scorer exited with " + process.exitValue() + "; see " + log);
            }
            if (status("/health/ready") == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("scorer not ready within " + timeout + "; see " + log);
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
        return HttpRequest.newBuilder(URI.create("http://localhost:" + httpPort + path))
                .timeout(Duration.ofSeconds(5)).build();
    }

    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, as an orchestrator stops a pod: the scorer closes cleanly. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(40, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
