package dev.imageanomaly.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.stream.ScorerApp;
import dev.imageanomaly.stream.ScorerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The scorer against the images docker-compose.yml runs, the official apache/kafka and
 * apicurio/apicurio-registry, through Testcontainers, as users with Docker expect. Skipped (and
 * reported as skipped) where no Docker engine answers. KAFKA_IMAGE and REGISTRY_IMAGE replace
 * the images, as they do in the compose file: a mirror, or a local build.
 */
@Testcontainers(disabledWithoutDocker = true)
class OfficialImagesTest {

    private static final String KAFKA_IMAGE = System.getenv().getOrDefault("KAFKA_IMAGE", "apache/kafka:4.3.1");
    private static final String REGISTRY_IMAGE =
            System.getenv().getOrDefault("REGISTRY_IMAGE", "apicurio/apicurio-registry:3.0.9");

    @Container
    static final KafkaContainer KAFKA =
            new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE).asCompatibleSubstituteFor("apache/kafka"));

    @Container
    static final GenericContainer<?> REGISTRY = new GenericContainer<>(DockerImageName.parse(REGISTRY_IMAGE))
            .withExposedPorts(8080)
            .waitingFor(Wait.forHttp("/health/ready").forPort(8080).forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @TempDir
    Path dir;

    @Test
    void theScorerScoresEveryEventThroughTheOfficialBrokerAndRegistryImages() throws Exception {
        Path bundle = Cli.trainSmallBundle(Path.of("target", "test-bundles").toAbsolutePath());
        String registryUrl = "http://" + REGISTRY.getHost() + ":" + REGISTRY.getMappedPort(8080) + "/apis/ccompat/v7";
        Map<String, String> settings = new HashMap<>(Map.of(
                "bootstrap.servers", KAFKA.getBootstrapServers(), "schema.registry.url", registryUrl,
                "model.bundle", bundle.toString(), "execution.provider", "cpu", "http.port", "0"));
        settings.put("state.dir", dir.resolve("state").toString());
        try (ScorerApp scorer = ScorerApp.start(ScorerConfig.load(null, Map.of(), settings))) {
            scorer.awaitRunning(Duration.ofSeconds(90));
            Cli.produce(KAFKA.getBootstrapServers(), registryUrl, "images", "mnist-10k-images-idx3-ubyte.gz", 100, "digit");
            Cli.produce(KAFKA.getBootstrapServers(), registryUrl, "images", "fashion-mnist-test-images-idx3-ubyte.gz",
                    20, "fashion");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (scorer.metrics().scoredCount() < 120 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertThat(scorer.metrics().scoredCount()).as("events scored").isEqualTo(120);
        }
    }
}
