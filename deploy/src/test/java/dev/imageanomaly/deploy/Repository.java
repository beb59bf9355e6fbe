package dev.imageanomaly.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** The scorer's own settings and their defaults, as shipped in its jar. */
    static Properties scorerDefaults() {
        Properties p = new Properties();
        try (InputStream in = Repository.class.getResourceAsStream("/scorer-defaults.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** Whether {@code key} is a setting the scorer reads: a key of its defaults, or a streams.* pass-through. */
    static boolean isScorerSetting(String key) {
        return scorerDefaults().containsKey(key) || key.startsWith("streams.");
    }

    /** Whether an environment variable sets a scorer setting (SCORER_ + the key, dots as underscores). */
    static boolean isScorerVariable(String name) {
        return name.startsWith("SCORER_STREAMS_") || scorerDefaults().stringPropertyNames().stream()
                .anyMatch(key -> dev.imageanomaly.stream.ScorerConfig.envName(key).equals(name));
    }
}
