package dev.imageanomaly.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.imageanomaly.stream.ScorerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The repository's deployment files, read the way the tools read them. */
final class Repository {

    static final Path ROOT = findRoot();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Repository() {}

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path file(String relative) {
        return ROOT.resolve(relative);
    }

    static JsonNode yaml(String relative) {
        try {
            return YAML.readTree(file(relative).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every document of a multi-document YAML stream (kubectl kustomize output, say). */
    static List<JsonNode> yamlDocuments(String text) {
        List<JsonNode> docs = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(text)) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static Properties properties(String relative) {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file(relative))) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Whether {@code key} is a setting the scorer reads: one it defines, or a streams.* pass-through. */
    static boolean isScorerSetting(String key) {
        return ScorerConfig.knownKeys().contains(key) || key.startsWith(ScorerConfig.STREAMS_PREFIX);
    }

    /** Whether an environment variable sets a scorer setting (SCORER_ + the key, dots as underscores). */
    static boolean isScorerVariable(String name) {
        return name.startsWith(ScorerConfig.envName(ScorerConfig.STREAMS_PREFIX))
                || ScorerConfig.knownKeys().stream().anyMatch(key -> ScorerConfig.envName(key).equals(name));
    }

    /** The scorer's configuration with nothing but its defaults. */
    static ScorerConfig scorerDefaults() {
        return ScorerConfig.load(null, Map.of(), Map.of());
    }
}
