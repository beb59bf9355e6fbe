package dev.imageanomaly.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageanomaly.stream.HttpEndpoints;
import dev.imageanomaly.stream.ScorerConfig;
import dev.imageanomaly.stream.ScorerMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** k8s/: every overlay renders into valid objects, and the manifests say what the scorer does. */
class KubernetesManifestsTest {

    private static final Properties CONFIG = Repository.properties("k8s/base/scorer.properties");

    private static JsonNode scorerContainer() {
        return Repository.yaml("k8s/base/scorer-statefulset.yaml").path("spec").path("template").path("spec")
                .path("containers").get(0);
    }

    @Nested
    class Overlays {

        @ParameterizedTest
        @ValueSource(strings = {"overlays/cpu", "overlays/gpu", "optional/strimzi-kafka", "optional/apicurio"})
        void renderIntoObjectsTheKubernetesSchemasAccept(String kustomization, @TempDir Path dir) throws Exception {
            List<JsonNode> objects = render(kustomization);
            Map<String, Long> kinds = objects.stream().collect(Collectors.groupingBy(o -> o.path("kind").asText(),
                    TreeMap::new, Collectors.counting()));
            System.out.printf("k8s/%s: %d objects %s%n", kustomization, objects.size(), kinds);

            new Tool("node").require();
            Tool npm = new Tool("npm").require();
            Path validator = Repository.file("deploy/target/k8s-validate");
            if (!Files.isDirectory(validator.resolve("node_modules/kubernetes-models"))) {
                Files.createDirectories(validator);
                for (String f : List.of("package.json", "package-lock.json")) {
                    Files.copy(Repository.file("deploy/k8s-validate/" + f), validator.resolve(f),
                            StandardCopyOption.REPLACE_EXISTING);
                }
                Tool.Result install = npm.run(validator, "ci", "--no-audit", "--no-fund", "--loglevel=error");
                assertThat(install.exitCode()).as("npm ci: " + install.output()).isZero();
            }
            Files.copy(Repository.file("deploy/k8s-validate/validate.mjs"), validator.resolve("validate.mjs"),
                    StandardCopyOption.REPLACE_EXISTING);
            Path json = dir.resolve("objects.json");
            new ObjectMapper().writeValue(json.toFile(), objects);
            Tool.Result validation = new Tool("node").run(validator, "validate.mjs", json.toString(),
                    "--unchecked", "kafka.strimzi.io");
            System.out.print(validation.output());
            assertThat(validation.exitCode()).as(validation.output()).isZero();
        }

        @ParameterizedTest
        @ValueSource(strings = {"cpu", "gpu"})
        void holdTheScorerItsConfigurationAutoscalingAndTheTrainer(String overlay) {
            assertThat(render("overlays/" + overlay)).extracting(o -> o.path("kind").asText())
                    .contains("Namespace", "ConfigMap", "StatefulSet", "Service", "PodDisruptionBudget",
                            "ScaledObject", "Job", "PersistentVolumeClaim");
        }

        @Test
        void theGpuOverlayAsksForAGpuAndRunsTheCudaImageOnGpuNodes() {
            JsonNode scorer = render("overlays/gpu").stream().filter(o -> o.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
            JsonNode pod = scorer.path("spec").path("template").path("spec");
            JsonNode container = pod.path("containers").get(0);
            assertThat(container.path("image").asText()).endsWith("-cuda");
            assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asText()).isEqualTo("1");
            assertThat(pod.path("tolerations").toString()).contains("nvidia.com/gpu");
            assertThat(container.path("env").toString()).contains("SCORER_EXECUTION_PROVIDER", "cuda");
        }
    }

    private static List<JsonNode> render(String kustomization) {
        Tool.Result rendered = new Tool("kubectl").require().run(Repository.ROOT, "kustomize", "k8s/" + kustomization);
        assertThat(rendered.exitCode()).as(rendered.output()).isZero();
        return Repository.yamlDocuments(rendered.output());
    }

    @Test
    void theOptionalKafkaAndRegistryAreWhereTheScorerLooksByDefault() {
        JsonNode kafka = Repository.yamlDocuments(readString("k8s/optional/strimzi-kafka/kafka.yaml")).stream()
                .filter(o -> o.path("kind").asText().equals("Kafka")).findFirst().orElseThrow();
        String namespace = Repository.yaml("k8s/optional/strimzi-kafka/kustomization.yaml").path("namespace").asText();
        int port = kafka.path("spec").path("kafka").path("listeners").get(0).path("port").asInt();
        assertThat(CONFIG.getProperty("bootstrap.servers"))
                .isEqualTo(kafka.path("metadata").path("name").asText() + "-kafka-bootstrap." + namespace + ":" + port);

        JsonNode service = Repository.yamlDocuments(readString("k8s/optional/apicurio/registry.yaml")).stream()
                .filter(o -> o.path("kind").asText().equals("Service")).findFirst().orElseThrow();
        String registryNamespace = Repository.yaml("k8s/optional/apicurio/kustomization.yaml").path("namespace").asText();
        assertThat(CONFIG.getProperty("schema.registry.url")).isEqualTo("http://" + service.path("metadata").path("name")
                .asText() + "." + registryNamespace + ":" + service.path("spec").path("ports").get(0).path("port").asText()
                + "/apis/ccompat/v7");
    }

    private static String readString(String relative) {
        try {
            return Files.readString(Repository.file(relative));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theScorerAcceptsTheConfigMapAsItIs() {
        assertThat(CONFIG.stringPropertyNames()).isNotEmpty()
                .allSatisfy(key -> assertThat(Repository.isScorerSetting(key)).as("'%s' is a scorer setting", key).isTrue());
        // Loading also checks every value, as the scorer does on start-up.
        ScorerConfig config = ScorerConfig.load(Repository.file("k8s/base/scorer.properties"), Map.of(), Map.of());
        assertThat(config.applicationId()).isEqualTo(CONFIG.getProperty("application.id"));
    }

    @Test
    void everyScorerVariableInTheManifestsSetsASettingTheScorerKnows() {
        List<String> variables = new ArrayList<>();
        scorerContainer().path("env").forEach(e -> variables.add(e.path("name").asText()));
        Repository.yaml("k8s/overlays/gpu/scorer-gpu.yaml").path("spec").path("template").path("spec")
                .path("containers").get(0).path("env").forEach(e -> variables.add(e.path("name").asText()));
        assertThat(variables).filteredOn(v -> v.startsWith("SCORER_")).isNotEmpty()
                .allSatisfy(v -> assertThat(Repository.isScorerVariable(v)).as("%s is a scorer setting", v).isTrue());
    }

    @Test
    void probesAskTheScorersOwnEndpointsOnItsHttpPort() throws Exception {
        JsonNode container = scorerContainer();
        JsonNode port = container.path("ports").get(0);
        assertThat(port.path("containerPort").asText()).isEqualTo(CONFIG.getProperty("http.port"));

        // The real endpoints, not a list of their names: a scorer that is live but not yet ready
        // answers the liveness (and startup) path with 200 and the readiness path with 503.
        try (HttpEndpoints http = new HttpEndpoints("127.0.0.1", 0, new ScorerMetrics(),
                new HttpEndpoints.Check(() -> true, () -> "live"),
                new HttpEndpoints.Check(() -> false, () -> "streams REBALANCING"))) {
            HttpClient client = HttpClient.newHttpClient();
            Map<String, Integer> expected = Map.of("startupProbe", 200, "livenessProbe", 200, "readinessProbe", 503);
            for (var probe : expected.entrySet()) {
                JsonNode get = container.path(probe.getKey()).path("httpGet");
                assertThat(get.path("port").asText()).as(probe.getKey() + " port")
                        .isIn(port.path("name").asText(), port.path("containerPort").asText());
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + http.port() + get.path("path").asText())).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("%s %s", probe.getKey(), get.path("path").asText())
                        .isEqualTo(probe.getValue());
            }
        }
        JsonNode pod = Repository.yaml("k8s/base/scorer-statefulset.yaml").path("spec").path("template");
        assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asText())
                .isEqualTo(CONFIG.getProperty("http.port"));
    }

    @Test
    void kedaScalesOnTheScorersConsumerGroupAndInputTopicUpToThePartitionCount() {
        JsonNode spec = Repository.yaml("k8s/base/scorer-scaledobject.yaml").path("spec");
        JsonNode trigger = spec.path("triggers").get(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode kafka = trigger.path("metadata");
        assertThat(kafka.path("consumerGroup").asText()).isEqualTo(CONFIG.getProperty("application.id"));
        assertThat(kafka.path("topic").asText()).isEqualTo(CONFIG.getProperty("topic.images"));
        assertThat(kafka.path("bootstrapServers").asText()).isEqualTo(CONFIG.getProperty("bootstrap.servers"));
        assertThat(spec.path("maxReplicaCount").asInt()).isPositive()
                .isLessThanOrEqualTo(Integer.parseInt(CONFIG.getProperty("topics.partitions")));
        assertThat(spec.path("scaleTargetRef").path("name").asText()).isEqualTo("scorer");
    }

    @Test
    void theScorerReadsTheConfigMapTheKustomizationGeneratesAndTheBundleTheTrainerWrites() {
        JsonNode container = scorerContainer();
        assertThat(container.path("args").toString()).contains("--config", "/etc/image-anomaly/scorer.properties");
        JsonNode trainerArgs = Repository.yaml("k8s/base/trainer-job.yaml").path("spec").path("template").path("spec")
                .path("containers").get(0).path("args");
        List<String> args = new ArrayList<>();
        trainerArgs.forEach(a -> args.add(a.asText()));
        String modelFolder = args.get(args.indexOf("--out") + 1) + "/" + args.get(args.indexOf("--name") + 1);
        assertThat(CONFIG.getProperty("model.bundle")).as("the scorer follows the folder the trainer writes versions to")
                .isEqualTo(modelFolder);
        assertThat(CONFIG.getProperty("state.dir")).isEqualTo(container.path("volumeMounts").findValues("mountPath")
                .stream().map(JsonNode::asText).filter(p -> p.equals(CONFIG.getProperty("state.dir"))).findFirst()
                .orElse("not mounted"));
    }
}
