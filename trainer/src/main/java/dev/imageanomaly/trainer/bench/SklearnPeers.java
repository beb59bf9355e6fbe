package dev.imageanomaly.trainer.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The detectors a scikit-learn user reaches for first (PCA reconstruction error, IsolationForest,
 * k-nearest-neighbour distance), run beside the project's kinds on the same splits. scikit-learn is
 * what such users actually run, so the peers are scikit-learn itself rather than a Java port: the
 * script {@code sklearn_peers.py} beside this class runs under a Python that has it (Debian's
 * {@code python3-sklearn}). Nothing of it ships in the scorer, and the benchmark needs none of it:
 * without Python or scikit-learn, {@link #find} says why and the benchmark prints its own rows only.
 */
public final class SklearnPeers {

    /** Debian's Python, where {@code apt-get install python3-sklearn} puts scikit-learn. */
    public static final String DEFAULT_PYTHON = "/usr/bin/python3";
    public static final List<String> NAMES = List.of("pca", "iforest", "knn");
    private static final String SCRIPT = "sklearn_peers.py";
    private static final long TIMEOUT_MINUTES = 60;

    /** One peer's test scores (higher = more anomalous) and the seconds it took to fit and score. */
    public record PeerScores(String name, float[] scores, double seconds) {}

    /** Either peers that run, or why there are none. */
    public record Availability(SklearnPeers peers, String reason) {
        public boolean available() {
            return peers != null;
        }
    }

    private final Path python;
    private final Path script;
    private final String version;

    private SklearnPeers(Path python, Path script, String version) {
        this.python = python;
        this.script = script;
        this.version = version;
    }

    /** Checks that {@code python} runs and imports scikit-learn; the script goes into {@code work}. */
    public static Availability find(Path python, Path work) {
        if (!Files.isExecutable(python)) {
            return new Availability(null, python + " not found (apt-get install python3-sklearn gives Debian's)");
        }
        try {
            Path script = work.resolve(SCRIPT);
            try (InputStream in = SklearnPeers.class.getResourceAsStream(SCRIPT)) {
                Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Run check = run(List.of(python.toString(), script.toString(), "--check"));
            if (check.exit() != 0) {
                String firstError = check.output().lines().filter(l -> l.contains("Error")).findFirst()
                        .orElse("exit " + check.exit());
                return new Availability(null, python + " cannot run the peers (" + firstError.trim()
                        + "; apt-get install python3-sklearn)");
            }
            return new Availability(new SklearnPeers(python, script, check.output().trim()), null);
        } catch (IOException e) {
            return new Availability(null, "cannot run " + python + ": " + e.getMessage());
        }
    }

    /** "scikit-learn 1.2.1", as the script reports it. */
    public String version() {
        return version;
    }

    /** Fits every peer on {@code train} and scores {@code test}; both as flat rows of the same width. */
    public List<PeerScores> score(SampleSet train, SampleSet test, long seed) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("peers");
            Path trainFile = write(dir.resolve("train.f32"), train.data());
            Path testFile = write(dir.resolve("test.f32"), test.data());
            Run run = run(List.of(python.toString(), script.toString(), "--train", trainFile.toString(), "--test",
                    testFile.toString(), "--features", Integer.toString(train.spec().sampleSize()), "--out",
                    dir.toString(), "--peers", String.join(",", NAMES), "--seed", Long.toString(seed)));
            if (run.exit() != 0) {
                throw new IllegalStateException("the scikit-learn peers failed (exit " + run.exit() + "):\n"
                        + run.output());
            }
            JsonNode report = new ObjectMapper().readTree(dir.resolve("peers.json").toFile());
            List<PeerScores> scores = new ArrayList<>();
            for (JsonNode peer : report.get("peers")) {
                String name = peer.get("name").asText();
                scores.add(new PeerScores(name, read(dir.resolve(name + ".f32"), test.count()),
                        peer.get("seconds").asDouble()));
            }
            return scores;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private record Run(int exit, String output) {}

    private static Run run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException("the peers took longer than " + TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the peers ran", e);
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static Path write(Path file, float[] values) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return Files.write(file, bytes.array());
    }

    private static float[] read(Path file, int count) throws IOException {
        float[] values = new float[count];
        ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary folder left behind is no reason to fail a benchmark
        }
    }
}
