package dev.imageanomaly.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageanomaly.scoring.engine.ExecutionProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScorerConfigTest {

    @TempDir
    Path dir;

    private Path propertiesFile(String... lines) throws IOException {
        return Files.write(dir.resolve("scorer.properties"), java.util.List.of(lines));
    }

    private static ScorerConfig withOverrides(Map<String, String> overrides) {
        return ScorerConfig.load(null, Map.of(), overrides);
    }

    @Nested
    class Layers {

        @Test
        void theShippedDefaultsApplyWhenNothingElseIsGiven() {
            ScorerConfig config = ScorerConfig.load(null, Map.of(), Map.of());

            assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
            assertThat(config.applicationId()).isEqualTo("image-anomaly-scorer");
            assertThat(config.imagesTopic()).isEqualTo("images");
            assertThat(config.deadLetterTopic()).isEqualTo("images.dlq");
            assertThat(config.createTopics()).isTrue();
            assertThat(config.topicPartitions()).isEqualTo(4);
            assertThat(config.topicReplicationFactor()).isEqualTo((short) 1);
            assertThat(config.executionProvider()).isEqualTo(ExecutionProvider.AUTO);
            assertThat(config.batchMaxSize()).isEqualTo(64);
            assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(5));
            assertThat(config.severityRatios()).containsExactly(1.5, 2.5, 4.0);
            assertThat(config.thumbnailMaxSide()).isEqualTo(64);
            assertThat(config.inputSizePolicy()).isEqualTo(ImageEventDecoder.SizePolicy.RESIZE);
            assertThat(config.httpPort()).isEqualTo(8080);
            assertThat(config.asText("processing.guarantee")).isEqualTo(StreamsConfig.AT_LEAST_ONCE);
        }

        @Test
        void eachLayerWinsOverTheOnesBelowItAndLeavesTheRestAlone() throws IOException {
            Path file = propertiesFile(
                    "batch.max.size=10",        // set by the file only
                    "topic.images=file-images", // file, then environment
                    "topic.scores=file-scores", // file, environment, then overrides
                    "application.id=file-app"); // file, then overrides
            Map<String, String> env = Map.of(
                    "SCORER_TOPIC_IMAGES", "env-images",
                    "SCORER_TOPIC_SCORES", "env-scores",
                    "SCORER_TOPIC_ALERTS", "env-alerts"); // environment over a default
            Map<String, String> overrides = Map.of(
                    "topic.scores", "override-scores",
                    "application.id", "override-app");

            ScorerConfig config = ScorerConfig.load(file, env, overrides);

            assertThat(config.batchMaxWait()).as("default, untouched").isEqualTo(Duration.ofMillis(5));
            assertThat(config.batchMaxSize()).as("file over default").isEqualTo(10);
            assertThat(config.alertsTopic()).as("environment over default").isEqualTo("env-alerts");
            assertThat(config.imagesTopic()).as("environment over file").isEqualTo("env-images");
            assertThat(config.scoresTopic()).as("overrides over environment").isEqualTo("override-scores");
            assertThat(config.applicationId()).as("overrides over file").isEqualTo("override-app");
        }

        @Test
        void theEnvironmentNameIsTheKeyUpperCasedWithDotsAsUnderscoresAfterTheScorerPrefix() {
            assertThat(ScorerConfig.envName("bootstrap.servers")).isEqualTo("SCORER_BOOTSTRAP_SERVERS");
            assertThat(ScorerConfig.envName("topic.dead.letters")).isEqualTo("SCORER_TOPIC_DEAD_LETTERS");
            assertThat(ScorerConfig.envName("model.bundle")).isEqualTo("SCORER_MODEL_BUNDLE");
        }

        @Test
        void environmentVariablesAreReadUnderTheirScorerNamesOnly() {
            ScorerConfig config = ScorerConfig.load(null, Map.of(
                    "SCORER_TOPIC_DEAD_LETTERS", "dead", // multi-dot key
                    "BOOTSTRAP_SERVERS", "no-prefix:9092",   // not ours
                    "scorer_batch_max_size", "7"),          // wrong case
                    Map.of());

            assertThat(config.deadLetterTopic()).isEqualTo("dead");
            assertThat(config.bootstrapServers()).isEqualTo("localhost:9092");
            assertThat(config.batchMaxSize()).isEqualTo(64);
        }

        @Test
        void anUnknownKeyIsRefusedNamingTheNearestKnownOneSoATypoCannotPassSilently() throws IOException {
            Path file = propertiesFile("batch.max.wiat.ms=50");

            assertThatThrownBy(() -> ScorerConfig.load(file, Map.of(), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown setting 'batch.max.wiat.ms'")
                    .hasMessageContaining("did you mean 'batch.max.wait.ms'");
        }

        @Test
        void theDefaultsPrintAsAPropertiesFileThatLoadsBackToTheSameSettings() throws IOException {
            Path file = Files.writeString(dir.resolve("defaults.properties"), ScorerConfig.defaultsAsProperties());

            ScorerConfig fromFile = ScorerConfig.load(file, Map.of(), Map.of());

            assertThat(ScorerConfig.knownKeys()).allSatisfy(key ->
                    assertThat(fromFile.asText(key)).as(key).isEqualTo(ScorerConfig.load(null, Map.of(), Map.of()).asText(key)));
            assertThat(ScorerConfig.defaultsAsProperties()).contains("# Longest time an event waits for its batch to fill.\nbatch.max.wait.ms=5\n");
        }

        @Test
        void valuesAreTrimmed() {
            ScorerConfig config = withOverrides(Map.of("batch.max.size", "  32 ", "topic.alerts", " alerts "));

            assertThat(config.batchMaxSize()).isEqualTo(32);
            assertThat(config.alertsTopic()).isEqualTo("alerts");
        }

        @Test
        void anUnreadableFileIsReportedWithItsPath() {
            Path missing = dir.resolve("nowhere.properties");

            assertThatThrownBy(() -> ScorerConfig.load(missing, Map.of(), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot read scorer configuration")
                    .hasMessageContaining(missing.toString());
        }

        @Test
        void anUnknownSettingIsMissingAndTheMessageNamesTheKeyAndItsEnvironmentVariable() {
            ScorerConfig config = ScorerConfig.load(null, Map.of(), Map.of());

            assertThatThrownBy(() -> config.asText("no.such.key"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'no.such.key'")
                    .hasMessageContaining("SCORER_NO_SUCH_KEY");
        }
    }

    @Nested
    class StreamsProperties {

        @Test
        void streamsKeysFromEveryLayerArePassedOnWithoutThePrefix() throws IOException {
            Path file = propertiesFile("streams.replication.factor=3");
            Map<String, String> env = Map.of("SCORER_STREAMS_COMMIT_INTERVAL_MS", "100");
            Map<String, String> overrides = Map.of("streams.max.task.idle.ms", "5");

            Properties streams = ScorerConfig.load(file, env, overrides).streamsProperties();

            assertThat(streams).containsEntry("replication.factor", "3")
                    .containsEntry("commit.interval.ms", "100")
                    .containsEntry("max.task.idle.ms", "5");
            assertThat(streams.stringPropertyNames()).noneMatch(k -> k.startsWith("streams."));
        }

        @Test
        void aStreamsKeyFollowsTheSameLayerOrder() throws IOException {
            Path file = propertiesFile("streams.commit.interval.ms=1000");

            assertThat(ScorerConfig.load(file, Map.of("SCORER_STREAMS_COMMIT_INTERVAL_MS", "200"), Map.of())
                    .streamsProperties()).containsEntry("commit.interval.ms", "200");
            assertThat(ScorerConfig.load(file, Map.of("SCORER_STREAMS_COMMIT_INTERVAL_MS", "200"),
                    Map.of("streams.commit.interval.ms", "50")).streamsProperties())
                    .containsEntry("commit.interval.ms", "50");
        }

        @Test
        void carryTheScorersOwnSettingsUnderKafkaStreamsNames() {
            Properties streams = withOverrides(Map.of(
                    "application.id", "app", "bootstrap.servers", "broker:9092",
                    "processing.guarantee", "exactly_once_v2", "num.stream.threads", "3"))
                    .streamsProperties();

            assertThat(streams).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app")
                    .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                    .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2)
                    .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 3);
        }

        @Test
        void theProducerTakesTheLargestBufferedEventAndTheLargestOutput() {
            ScorerConfig config = withOverrides(Map.of("input.max.record.bytes", "4000000"));

            assertThat((int) config.streamsProperties().get("producer.max.request.size"))
                    .isGreaterThan(4_000_000 + 1024)
                    .isGreaterThanOrEqualTo(config.changelogMaxRecordBytes())
                    .isGreaterThan(config.outputMaxRecordBytes());
        }

        @Test
        void pollingNeverWaitsLongerThanABatchMayWaitNorLongerThan100Ms() {
            assertThat(withOverrides(Map.of("batch.max.wait.ms", "5")).streamsProperties())
                    .containsEntry(StreamsConfig.POLL_MS_CONFIG, 5L);
            assertThat(withOverrides(Map.of("batch.max.wait.ms", "5000")).streamsProperties())
                    .containsEntry(StreamsConfig.POLL_MS_CONFIG, 100L);
        }

        @Test
        void theStateDirectoryIsPassedOnOnlyWhenSet() {
            assertThat(withOverrides(Map.of()).streamsProperties())
                    .doesNotContainKey(StreamsConfig.STATE_DIR_CONFIG);
            assertThat(withOverrides(Map.of("state.dir", "/var/scorer")).streamsProperties())
                    .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/scorer");
        }
    }

    @Nested
    class Validation {

        @ParameterizedTest(name = "{0}={1}")
        @CsvSource(delimiter = '|', value = {
                "batch.max.size            | lots",
                "batch.max.size            | 0",
                "batch.max.size            | -3",
                "batch.max.size            | 1.5",
                "batch.max.size            | 99999999999",
                "batch.max.wait.ms         | 0",
                "batch.max.wait.ms         | soon",
                "execution.provider        | gpu",
                "processing.guarantee      | exactly_once",
                "processing.guarantee      | none",
                "alert.severity.ratios     | 2.5,1.5,4",
                "alert.severity.ratios     | 1.5,2.5",
                "alert.severity.ratios     | 0.5,2.5,4",
                "alert.severity.ratios     | low,mid,high",
                "alert.thumbnail.max.side  | 0",
                "topics.create             | yes",
                "topics.partitions         | 0",
                "topics.replication.factor | 0",
                "topics.replication.factor | 40000",
                "num.stream.threads        | 0",
                "onnx.intra.op.threads     | -1",
                "onnx.intra.op.threads     | many",
                "input.size.policy         | crop",
                "http.port                 | -1",
                "http.port                 | 70000",
                "http.port                 | http",
                "input.max.pixels          | none",
                "input.max.pixels          | 0",
                "input.max.record.bytes    | 10",
                "output.max.record.bytes   | 100",
                "alert.thumbnail.max.side  | 4096",
                "liveness.stall.timeout.ms | 10",
        })
        void aBadValueFailsTheLoadWithAMessageNamingTheKeyAndTheValue(String key, String value) {
            assertThatThrownBy(() -> withOverrides(Map.of(key, value)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("configuration " + key)
                    .hasMessageContaining("Invalid value " + value);
        }

        @Test
        void aBadValueFromTheEnvironmentIsReportedUnderItsKey() {
            assertThatThrownBy(() -> ScorerConfig.load(null, Map.of("SCORER_BATCH_MAX_SIZE", "lots"), Map.of()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("batch.max.size")
                    .hasMessageContaining("lots");
        }

        @Test
        void anUnknownExecutionProviderListsTheKnownOnes() {
            assertThatThrownBy(() -> withOverrides(Map.of("execution.provider", "gpu")))
                    .hasMessageContaining("execution.provider")
                    .hasMessageContaining("cpu, cuda, auto");
        }

        @ParameterizedTest(name = "{0}={1}")
        @CsvSource(delimiter = '|', value = {
                "execution.provider        | CUDA",
                "execution.provider        | cpu",
                "processing.guarantee      | exactly_once_v2",
                "alert.severity.ratios     | 1, 1, 1",
                "topics.create             | FALSE",
                "onnx.intra.op.threads     | 0",
                "input.size.policy         | reject",
                "http.port                 | 0",
                "batch.max.size            | 1",
                "input.max.pixels          | AUTO",
                "input.max.pixels          | 1",
        })
        void edgeValuesThatAreValidAreAccepted(String key, String value) {
            ScorerConfig config = withOverrides(Map.of(key, value));

            assertThat(config.asText(key)).isEqualToIgnoringCase(value.replace(" ", ""));
        }

        @Test
        void thePixelLimitFollowsTheModelUnlessSet() {
            var input = dev.imageanomaly.scoring.bundle.InputSpec.image(1, 28, 28);

            assertThat(withOverrides(Map.of("input.size.policy", "reject")).inputLimits(input).maxPixels())
                    .as("reject: exactly the model's input").isEqualTo(28 * 28);
            assertThat(withOverrides(Map.of()).inputLimits(input).maxPixels())
                    .as("resize: a 2048x2048 frame").isEqualTo(2048 * 2048);
            assertThat(withOverrides(Map.of("input.max.pixels", "5000")).inputLimits(input).maxPixels())
                    .isEqualTo(5000);
        }

        @Test
        void acceptedValuesAreReadAsTheirTypes() {
            ScorerConfig config = withOverrides(Map.of("execution.provider", " Cuda ", "topics.create", "False",
                    "input.size.policy", "REJECT", "http.port", "0"));

            assertThat(config.executionProvider()).isEqualTo(ExecutionProvider.CUDA);
            assertThat(config.createTopics()).isFalse();
            assertThat(config.inputSizePolicy()).isEqualTo(ImageEventDecoder.SizePolicy.REJECT);
            assertThat(config.httpPort()).isZero();
        }

        @Test
        void loadingNeedsNoModelBundleButAskingForOneNamesTheKeyAndItsEnvironmentVariable() {
            ScorerConfig config = ScorerConfig.load(null, Map.of(), Map.of());

            assertThatThrownBy(config::modelBundle)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("model.bundle")
                    .hasMessageContaining("SCORER_MODEL_BUNDLE");
        }

        @Test
        void aBlankModelBundleCountsAsMissing() {
            ScorerConfig config = withOverrides(Map.of("model.bundle", "   "));

            assertThatThrownBy(config::modelBundle).hasMessageContaining("model.bundle");
        }

        @Test
        void aConfiguredModelBundleIsAPath() {
            ScorerConfig config = ScorerConfig.load(null, Map.of("SCORER_MODEL_BUNDLE", "/models/mnist/v3"), Map.of());

            assertThat(config.modelBundle()).isEqualTo(Path.of("/models/mnist/v3"));
        }
    }
}
