package dev.imageanomaly.scoring.bundle;

import com.fasterxml.jackson.annotation.JacksonInject;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.OptBoolean;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A model's folder, {@code <root>/<name>/}, holding its versions ({@code <name>/<version>/}, each
 * a bundle) and the rollout plan ({@value #PLAN_FILE}) that says which version serves and which one
 * shadows it. The trainer writes versions here; the scorer follows the plan (or, without one, the
 * newest version); {@code image-anomaly rollout} writes the plan. The folder is the one source of
 * truth: every scorer instance that can read it converges on the same model.
 */
public final class ModelFolder {

    public static final String PLAN_FILE = "rollout.json";

    /**
     * Which version serves and which shadows it; a null {@code pinned} follows the newest version.
     *
     * @param pinned a version folder name, or null to follow the newest
     * @param shadow a version folder name scored beside the live one without alerting, or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RolloutPlan(String pinned, String shadow) {
        public static final RolloutPlan FOLLOW_NEWEST = new RolloutPlan(null, null);

        /** Spelled out for Jackson: either field may be left out of the file. */
        @JsonCreator
        public RolloutPlan(
                @JacksonInject(value = ModelBundle.OPTIONAL, useInput = OptBoolean.TRUE) @JsonProperty("pinned") String pinned,
                @JacksonInject(value = ModelBundle.OPTIONAL, useInput = OptBoolean.TRUE) @JsonProperty("shadow") String shadow) {
            this.pinned = pinned;
            this.shadow = shadow;
        }
    }

    /**
     * One version folder, its manifest when it reads, else why not. Reading checks the manifest only;
     * loading the bundle (which checks the model file's hash) is the scorer's job.
     */
    public record Version(String name, Path directory, Manifest manifest, String problem) {
        public boolean readable() {
            return manifest != null;
        }
    }

    private final Path directory;

    public ModelFolder(Path directory) {
        this.directory = directory;
    }

    /** Whether {@code path} is a model folder (holds versions) rather than one version (holds a manifest). */
    public static boolean isModelFolder(Path path) {
        return Files.isDirectory(path) && !Files.exists(path.resolve(ModelBundle.MANIFEST_FILE));
    }

    public Path directory() {
        return directory;
    }

    /** Every version folder, oldest first by the manifest's creation time (unreadable ones last). */
    public List<Version> versions() {
        try (Stream<Path> children = Files.list(directory)) {
            return children.filter(Files::isDirectory)
                    .filter(dir -> Files.exists(dir.resolve(ModelBundle.MANIFEST_FILE)))
                    .map(ModelFolder::read)
                    .sorted(Comparator.comparing((Version v) -> !v.readable())
                            .thenComparing(v -> v.readable() ? v.manifest().createdAt() : null,
                                    Comparator.nullsLast(Comparator.naturalOrder()))
                            .thenComparing(Version::name))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list model folder " + directory, e);
        }
    }

    public Optional<Version> version(String name) {
        Path dir = directory.resolve(name);
        return Files.exists(dir.resolve(ModelBundle.MANIFEST_FILE)) ? Optional.of(read(dir)) : Optional.empty();
    }

    private static Version read(Path dir) {
        String name = dir.getFileName().toString();
        try {
            return new Version(name, dir, ModelBundle.readManifest(dir.resolve(ModelBundle.MANIFEST_FILE)), null);
        } catch (ManifestException e) {
            return new Version(name, dir, null, e.getMessage());
        }
    }

    public RolloutPlan plan() {
        Path file = directory.resolve(PLAN_FILE);
        if (!Files.exists(file)) {
            return RolloutPlan.FOLLOW_NEWEST;
        }
        try {
            return ModelBundle.json().readValue(Files.readString(file), RolloutPlan.class);
        } catch (IOException e) {
            throw new ManifestException("rollout plan " + file + " does not read: " + e.getMessage(), e);
        }
    }

    /** Replaces the plan in one atomic move, so a scorer reading it never sees half a file. */
    public void writePlan(RolloutPlan plan) {
        Path file = directory.resolve(PLAN_FILE);
        try {
            Path partial = Files.createTempFile(directory, PLAN_FILE, ".partial");
            Files.writeString(partial, ModelBundle.json().writeValueAsString(plan));
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write rollout plan " + file, e);
        }
    }
}
