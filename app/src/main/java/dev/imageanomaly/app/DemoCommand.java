package dev.imageanomaly.app;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.schemas.avro.AnomalyAlert;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.cli.ProviderOption;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.data.Splits;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The whole product on one machine: train a conv-ae on real MNIST digits, start a real Kafka broker
 * and schema registry, run the streaming scorer, publish held-out digits mixed with Fashion-MNIST
 * articles (and some broken records), print alerts as they arrive, and end with a measured summary.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Everything on one machine: train, embedded Kafka + registry, stream, alerts, report.",
        description = {"Train on MNIST digits, stream digits + Fashion-MNIST images through Kafka and the scorer,",
            "print the alerts and write a report. Needs nothing but this repository: the broker and the",
            "schema registry are started on free local ports and removed at the end."})
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--data-dir", description = "folder with the shipped IDX files (default: <repo>/data)")
    Path dataDir;

    @Option(names = "--out", defaultValue = "runs/demo", description = "model bundles and report go here (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--epochs", defaultValue = "10", description = "training epochs (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--digits", defaultValue = "2000", description = "held-out digits to stream (default: ${DEFAULT-VALUE})")
    int digits;

    @Option(names = "--fashion", defaultValue = "400", description = "Fashion-MNIST images to stream (default: ${DEFAULT-VALUE})")
    int fashion;

    @Option(names = "--corrupt", defaultValue = "20", description = "broken records to stream (default: ${DEFAULT-VALUE})")
    int corrupt;

    // Paced like cameras by default, so the latency it prints is the service's; --rate 0 shows a burst queueing.
    @Option(names = "--rate", defaultValue = "500",
            description = "events per second; 0 = all at once, a burst that queues (default: ${DEFAULT-VALUE})")
    double rate;

    @Option(names = "--guarantee", defaultValue = "at_least_once",
            description = "at_least_once or exactly_once_v2 (default: ${DEFAULT-VALUE})")
    String guarantee;

    @Mixin
    ProviderOption providerOption;

    @Option(names = "--batch-size", defaultValue = "64", description = "scorer micro-batch size (default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--quiet-alerts", description = "do not print each alert")
    boolean quietAlerts;

    @Override
    public Integer call() throws Exception {
        Path data = dataDir != null ? dataDir : repoHome().resolve("data");
        InputSpec spec = InputSpec.image(1, 28, 28);
        LoadedImages mnist = ImageSources.load(data.resolve("mnist-10k-images-idx3-ubyte.gz"), null);
        LoadedImages fashionSet = ImageSources.load(data.resolve("fashion-mnist-test-images-idx3-ubyte.gz"), null);
        int trainCount = 8000;
        if (digits > mnist.images().size() - trainCount || fashion > fashionSet.images().size()) {
            throw new IllegalArgumentException("at most " + (mnist.images().size() - trainCount) + " digits and "
                    + fashionSet.images().size() + " Fashion-MNIST images are available");
        }

        // A seeded shuffle, not the file order: the MNIST test file holds its cleaner half first, so
        // training on the head and streaming the tail would put every streamed digit in the harder half
        // and the calibrated 1 % false-positive rate would come out near 2 %.
        int[] order = Splits.permutation(mnist.images().size(), new Random(42));
        int[] trainDigits = Arrays.copyOfRange(order, 0, trainCount);
        int[] heldOutDigits = Arrays.copyOfRange(order, trainCount, order.length);

        step(1, "training conv-ae on " + trainCount + " MNIST digits");
        SampleSet train = SampleSet.preprocess(mnist, spec).subset(trainDigits);
        ModelBundle bundle = new TrainingJob(System.out).run(train, new TrainingJob.Request("demo-mnist-conv-ae",
                TrainingJob.Request.timestampVersion(), out.resolve("models"),
                TrainingConfig.defaults(AutoencoderKinds.CONV_AE).withEpochs(epochs), 0.1, 0.01));

        step(2, "starting an embedded Kafka broker (KRaft) and Apicurio schema registry");
        Path stateDir = Files.createDirectories(out).resolve("scorer-state");
        try (EmbeddedStack stack = EmbeddedStack.start()) {
            System.out.printf("  kafka %s, registry %s%n", stack.bootstrapServers(), stack.schemaRegistryUrl());
            Map<String, String> overrides = new HashMap<>(Map.of(
                    "bootstrap.servers", stack.bootstrapServers(),
                    "schema.registry.url", stack.schemaRegistryUrl(),
                    "model.bundle", bundle.directory().toString(),
                    "execution.provider", providerOption.name(),
                    "processing.guarantee", guarantee,
                    "batch.max.size", String.valueOf(batchSize),
                    "state.dir", stateDir.toString(),
                    "http.port", "0"));
            ScorerConfig config = ScorerConfig.load(null, Map.of(), overrides);

            step(3, "starting the streaming scorer");
            try (ScorerApp scorer = ScorerApp.start(config)) {
                scorer.awaitRunning(Duration.ofSeconds(60));
                System.out.printf("  metrics: http://localhost:%d/metrics, health: /health/ready%n", scorer.httpPort());
                try (OutputCollector collector = new OutputCollector(stack.bootstrapServers(), stack.schemaRegistryUrl(),
                        config.scoresTopic(), config.alertsTopic(), config.deadLetterTopic(), this::printAlert);
                        ImagePublisher publisher = new ImagePublisher(stack.bootstrapServers(),
                                stack.schemaRegistryUrl(), config.imagesTopic())) {
                    step(4, String.format("publishing %d held-out digits, %d Fashion-MNIST images, %d broken records",
                            digits, fashion, corrupt));
                    long firstPublish = System.currentTimeMillis();
                    MixedTraffic.Sent sent = new MixedTraffic(mnist, heldOutDigits, fashionSet)
                            .publish(publisher, digits, fashion, corrupt, rate);
                    int published = sent.count();
                    Map<String, Boolean> truth = sent.anomalousTruth();
                    boolean complete = collector.awaitOutcomes(published, Duration.ofSeconds(180));

                    step(5, "summary");
                    RunSummary summary = RunSummary.of(published, collector, truth, firstPublish);
                    String report = report(bundle, summary, complete);
                    System.out.println(summary.markdown());
                    Path reportFile = out.resolve("report.md");
                    Files.createDirectories(out);
                    Files.writeString(reportFile, report);
                    System.out.println("\nreport written to " + reportFile);
                    if (!complete) {
                        System.err.printf("only %d of %d events came back within the time limit%n",
                                collector.outcomes(), published);
                        return 1;
                    }
                }
            }
        } finally {
            deleteRecursively(stateDir);
        }
        return 0;
    }

    private void printAlert(AnomalyAlert a) {
        if (!quietAlerts) {
            System.out.printf("  ALERT %-8s score %.4f (%.1fx threshold)  %-9s %-13s truth: %s%n", a.getSeverity(),
                    a.getScore(), a.getScore() / a.getThreshold(), a.getSource(), a.getEventId(),
                    a.getAttributes().getOrDefault("truth", "?"));
        }
    }

    private static String report(ModelBundle bundle, RunSummary summary, boolean complete) {
        var m = bundle.manifest();
        return String.join("\n",
                "# Streaming demo report",
                "",
                "Model: `" + m.name() + "` version `" + m.version() + "` (" + m.kind() + "), threshold "
                        + String.format("%.6g", m.threshold().value()) + " (" + m.threshold().method() + " "
                        + m.threshold().rate() + "), trained in "
                        + String.format("%.1f s", ((Number) m.training().get("trainingSeconds")).doubleValue()),
                "Bundle: `" + bundle.directory() + "`",
                "Machine: " + Runtime.getRuntime().availableProcessors() + " cores",
                complete ? "" : "\n**Incomplete: not every event came back within the time limit.**",
                "",
                summary.markdown(),
                "");
    }

    private static void step(int n, String what) {
        System.out.printf("%n[%d/5] %s%n", n, what);
    }

    /** The repository root, as the launcher script passes it; the working directory otherwise. */
    static Path repoHome() {
        return Path.of(System.getProperty("image-anomaly.home", "."));
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return; // Kafka Streams makes no state folder when every store is in memory
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
