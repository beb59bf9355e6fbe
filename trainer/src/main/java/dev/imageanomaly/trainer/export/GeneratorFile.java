package dev.imageanomaly.trainer.export;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.ManifestException;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The generator graph of a generative kind, kept in the bundle beside {@code model.onnx} as
 * {@value GraphNames#GENERATOR_FILE} and
 * checked against the SHA-256 recorded in the manifest's training facts.
 */
public final class GeneratorFile {

    public static final String SHA256_FACT = "generatorSha256";

    private GeneratorFile() {}

    /** Writes the graph into the bundle directory and returns its SHA-256. */
    public static String write(Path bundleDirectory, byte[] generator) throws IOException {
        Files.write(bundleDirectory.resolve(GraphNames.GENERATOR_FILE), generator);
        return ModelBundle.sha256(generator);
    }

    public static byte[] read(ModelBundle bundle) {
        Object expected = bundle.manifest().training() == null ? null : bundle.manifest().training().get(SHA256_FACT);
        if (expected == null) {
            throw new ManifestException("bundle " + bundle.directory() + " (kind " + bundle.manifest().kind()
                    + ") has no generator; only generative kinds (vae, conv-vae, wgan) can generate images");
        }
        Path file = bundle.directory().resolve(GraphNames.GENERATOR_FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ManifestException("bundle " + bundle.directory() + " has no " + GraphNames.GENERATOR_FILE);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e.getMessage(), e);
        }
        String actual = ModelBundle.sha256(bytes);
        if (!actual.equals(expected)) {
            throw new ManifestException("SHA-256 of " + file + " is " + actual + " but manifest field 'training."
                    + SHA256_FACT + "' says " + expected + ": the generator file was changed or copied incompletely");
        }
        return bytes;
    }
}
