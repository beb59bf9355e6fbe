package dev.imageanomaly.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.ModelFolder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "models", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"List the model versions under a bundle root, with their metrics, the rollout plan,",
            "and which version a running scorer serves (from its /model endpoint).",
            "Example: models --root runs/models --scorer http://localhost:8080"})
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--root", required = true, paramLabel = "DIR",
            description = "bundle root (<root>/<name>/<version>) or one model folder (<root>/<name>)")
    Path root;

    @Option(names = "--scorer", paramLabel = "URL", description = "a running scorer's HTTP address, to mark what it serves")
    URI scorer;

    @Override
    public Integer call() throws Exception {
        JsonNode serving = scorer == null ? null : servingModels(scorer);
        for (Path modelDir : modelFolders(root)) {
            ModelFolder folder = new ModelFolder(modelDir);
            ModelFolder.RolloutPlan plan = folder.plan();
            System.out.printf("%s  (%s)%n%n", modelDir.getFileName(), plan.pinned() == null
                    ? "follows the newest version" : "pinned to " + plan.pinned());
            System.out.println("| version | created | kind | threshold | AUROC | plan | scorer |");
            System.out.println("|---|---|---|---:|---:|---|---|");
            for (ModelFolder.Version v : folder.versions()) {
                String planRole = v.name().equals(plan.pinned()) ? "pinned"
                        : v.name().equals(plan.shadow()) ? "shadow" : "";
                if (!v.readable()) {
                    System.out.printf("| %s | | unreadable: %s | | | %s | |%n", v.name(), v.problem(), planRole);
                    continue;
                }
                Map<String, Object> metrics = v.manifest().metrics();
                Object auroc = metrics == null ? null : metrics.get("auroc");
                System.out.printf("| %s | %s | %s | %.6g | %s | %s | %s |%n", v.name(), v.manifest().createdAt(),
                        v.manifest().kind(), v.manifest().threshold().value(),
                        auroc instanceof Number n ? String.format("%.4f", n.doubleValue()) : "", planRole,
                        role(serving, v.directory()));
            }
            System.out.println();
        }
        if (serving != null && serving.path("refused").size() > 0) {
            System.out.println("refused by the scorer:");
            serving.path("refused").forEach(r -> System.out.println("  " + r.asText()));
        }
        return 0;
    }

    private static List<Path> modelFolders(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("no such folder: " + root);
        }
        if (!new ModelFolder(root).versions().isEmpty()) {
            return List.of(root);
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(Files::isDirectory).filter(ModelFolder::isModelFolder)
                    .filter(dir -> !new ModelFolder(dir).versions().isEmpty()).sorted().toList();
        }
    }

    private static JsonNode servingModels(URI scorer) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(scorer.resolve("/model"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(scorer.resolve("/model") + " answered HTTP " + response.statusCode());
        }
        return ModelBundle.json().readTree(response.body());
    }

    private static String role(JsonNode serving, Path versionDir) {
        if (serving == null) {
            return "";
        }
        for (String role : List.of("live", "shadow")) {
            JsonNode model = serving.path(role);
            if (!model.isMissingNode() && !model.isNull()
                    && Path.of(model.path("directory").asText()).toAbsolutePath().normalize()
                            .equals(versionDir.toAbsolutePath().normalize())) {
                return "**" + role + "**";
            }
        }
        return "";
    }
}
