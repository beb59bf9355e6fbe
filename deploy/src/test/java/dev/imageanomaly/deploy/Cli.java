package dev.imageanomaly.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The image-anomaly command line in a child JVM on this test's classpath, as the CLI image runs
 * it: training and producing go through the same commands the compose file and k8s/ use.
 */
final class Cli {

    private Cli() {}

    static String run(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                "dev.imageanomaly.app.Main"));
        command.addAll(List.of(args));
        try {
            Path log = Files.createTempFile("cli-", ".log");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean finished = p.waitFor(5, TimeUnit.MINUTES);
            String output = Files.readString(log);
            Files.delete(log);
            assertThat(finished).as("image-anomaly %s finished within 5 minutes", args[0]).isTrue();
            assertThat(p.exitValue()).as("image-anomaly %s: %s", String.join(" ", args), output).isZero();
            return output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A small dense autoencoder on shipped digits 1000..2999, for tests that need any real bundle. */
    static Path trainSmallBundle(Path out) {
        Path bundle = out.resolve("deploy-test-ae").resolve("v1");
        if (!Files.isRegularFile(bundle.resolve("manifest.json"))) {
            run("train", "--data", Repository.file("data/mnist-10k-images-idx3-ubyte.gz").toString(),
                    "--range", "1000:3000", "--kind", "ae", "--epochs", "5", "--out", out.toString(),
                    "--name", "deploy-test-ae", "--version", "v1", "--no-report");
        }
        return bundle;
    }

    /** Publishes the first {@code limit} images of a shipped file, keyed and named by {@code source}. */
    static void produce(String bootstrap, String registry, String topic, String dataFile, int limit, String source) {
        run("produce", "--bootstrap-servers", bootstrap, "--registry", registry, "--topic", topic,
                "--input", Repository.file("data/" + dataFile).toString(), "--limit", String.valueOf(limit),
                "--source", source);
    }
}
