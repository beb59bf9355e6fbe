package dev.imageanomaly.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageanomaly.embedded.EmbeddedStack;
import dev.imageanomaly.embedded.EmbeddedStackExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credentials reach the clients but never a log line, an HTTP answer or a command's output: the
 * scorer and the producer run as their own processes with registry basic auth, SASL and TLS
 * passwords configured (the broker here speaks plaintext, so Kafka reads but does not use the
 * SASL and TLS ones), and everything they print is searched for the secrets.
 */
@ExtendWith(EmbeddedStackExtension.class)
class SecretsAreNeverLoggedTest {

    private static final List<String> SECRETS = List.of("RegistrySecret-1", "TrustSecret-2", "JaasSecret-3",
            "KeySecret-4", "ProducerSecret-5", "ProducerJaas-6");

    private static EmbeddedStack stack;

    @BeforeAll
    static void stack(EmbeddedStack shared) {
        stack = shared;
    }

    @Test
    void theScorerAndTheProducerUseTheirCredentialsWithoutShowingThem(@TempDir Path dir) throws Exception {
        StreamTestTopics topics = StreamTestTopics.unique("secrets");
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"scorer\" "
                + "password=\"JaasSecret-3\";";
        Map<String, String> settings = topics.settings(stack, TestBundle.get(), "at_least_once", "");
        settings.putAll(Map.of("schema.registry.basic.auth.user.info", "scorer:RegistrySecret-1",
                "schema.registry.ssl.truststore.password", "TrustSecret-2", "streams.sasl.jaas.config", jaas,
                "streams.ssl.keystore.password", "KeySecret-4", "http.bind.address", "127.0.0.1"));
        // Kafka prints every client setting at INFO; the scorer keeps Kafka at WARN, so this turns the
        // listings on as an operator chasing a connection problem would, to see that they stay masked.
        // (Kafka 4 logs every client's listing under AbstractConfig.)
        List<String> kafkaConfigListings = List.of("-Dorg.slf4j.simpleLogger.log.org.apache.kafka.common.config.AbstractConfig=info");
        try (ScorerProcess scorer = ScorerProcess.start(topics.prefix(), settings, "512m", Path.of("target"),
                        kafkaConfigListings);
                OutputCollector out = topics.collector(stack)) {
            scorer.awaitReady(Duration.ofSeconds(120));

            Path clientConfig = dir.resolve("client.properties");
            Files.writeString(clientConfig, String.join("\n",
                    "basic.auth.credentials.source=USER_INFO", "basic.auth.user.info=producer:ProducerSecret-5",
                    "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "username=\"producer\" password=\"ProducerJaas-6\";"));
            Path images = Files.createDirectories(dir.resolve("images"));
            for (int i = 0; i < 20; i++) {
                Files.write(images.resolve("digit-" + i + ".png"), ImageEvents.encodePng(TestBundle.digits().images().get(i)));
            }
            String produced = runCli("produce", "--input", images.toString(), "--topic", topics.images(),
                    "--bootstrap-servers", stack.bootstrapServers(), "--registry", stack.schemaRegistryUrl(),
                    "--client-config", clientConfig.toString());

            assertThat(out.awaitOutcomes(20, Duration.ofSeconds(120))).as("the events were scored").isTrue();
            String everything = String.join("\n", Files.readString(scorer.log()), produced, scorer.get("/metrics"),
                    scorer.get("/model"), scorer.get("/health/ready"), scorer.get("/health/live"));
            assertThat(produced).contains("published 20 events");
            assertThat(Files.readString(scorer.log())).as("Kafka logged the settings, masked")
                    .contains("sasl.jaas.config = [hidden]");
            for (String secret : SECRETS) {
                assertThat(everything).as("output shows %s", secret).doesNotContain(secret);
            }
        }
    }

    /** The command line as its own JVM, as a user runs it; its standard output and error together. */
    private static String runCli(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        return output;
    }
}
