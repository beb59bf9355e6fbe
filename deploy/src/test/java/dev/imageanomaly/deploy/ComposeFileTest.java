package dev.imageanomaly.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml (and its GPU override) as Compose reads it, and as the scorer understands it. */
class ComposeFileTest {

    private static final Pattern PINNED_OVERRIDABLE_IMAGE =
            Pattern.compile("\\$\\{[A-Z_]+_IMAGE:-[^}:]+:[^}]+}");

    @Test
    void composeAcceptsTheFileAndTheGpuOverride() {
        Tool compose = new Tool("docker-compose").require();
        Tool.Result plain = compose.run(Repository.ROOT, "-f", "docker-compose.yml", "config", "-q");
        assertThat(plain.exitCode()).as(plain.output()).isZero();
        Tool.Result gpu = compose.run(Repository.ROOT, "-f", "docker-compose.yml", "-f", "docker-compose.gpu.yml",
                "config", "-q");
        assertThat(gpu.exitCode()).as(gpu.output()).isZero();
    }

    @Test
    void everyImageIsPinnedAndCanBeReplacedByAVariable() {
        for (String file : List.of("docker-compose.yml", "docker-compose.gpu.yml")) {
            Repository.yaml(file).path("services").fields().forEachRemaining(service -> {
                JsonNode image = service.getValue().path("image");
                if (!image.isMissingNode()) {
                    assertThat(image.asText()).as("%s: image of %s", file, service.getKey())
                            .matches(PINNED_OVERRIDABLE_IMAGE).doesNotContain(":latest");
                }
            });
        }
    }

    @Test
    void everyScorerVariableSetsASettingTheScorerKnows() {
        List<String> variables = new ArrayList<>();
        for (String file : List.of("docker-compose.yml", "docker-compose.gpu.yml")) {
            Repository.yaml(file).path("services").path("scorer").path("environment").fieldNames()
                    .forEachRemaining(variables::add);
        }
        assertThat(variables).filteredOn(v -> v.startsWith("SCORER_")).isNotEmpty()
                .allSatisfy(v -> assertThat(Repository.isScorerVariable(v)).as("%s is a scorer setting", v).isTrue());
    }

    @Test
    void theScorerHealthCheckAndPrometheusUseTheScorersPort() {
        JsonNode scorer = Repository.yaml("docker-compose.yml").path("services").path("scorer");
        String port = String.valueOf(Repository.scorerDefaults().httpPort());
        assertThat(scorer.path("healthcheck").path("test").toString()).contains(port, "/health/ready");
        assertThat(scorer.path("ports").get(0).asText()).endsWith(":" + port);

        JsonNode scrapes = Repository.yaml("deploy/prometheus/prometheus.yml").path("scrape_configs");
        Map<String, String> targets = new java.util.HashMap<>();
        scrapes.forEach(job -> targets.put(job.path("job_name").asText(),
                job.path("static_configs").get(0).path("targets").get(0).asText()));
        assertThat(targets).containsEntry("scorer", "scorer:" + port);
    }
}
