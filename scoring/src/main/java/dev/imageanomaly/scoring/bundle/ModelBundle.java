package dev.imageanomaly.scoring.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.InjectableValues;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A model bundle on disk: {@code <root>/<name>/<version>/} with {@code model.onnx} and
 * {@code manifest.json}. Loading verifies the manifest and the ONNX file's SHA-256, so a
 * half-copied or tampered model never reaches the scorer.
 */
public record ModelBundle(Path directory, Manifest manifest, byte[] onnxModel) {

    public static final String MODEL_FILE = "model.onnx";
    public static final String MANIFEST_FILE = "manifest.json";
    /**
     * The injection id of optional JSON fields: a field marked with it reads as null when absent
     * (a manifest field added after the first format, a plan field left out); every other field
     * stays required.
     */
    static final String OPTIONAL = "optional-field-absent";

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            // A bundle from a newer trainer may carry fields this scorer does not know; they are ignored.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .setInjectableValues(new InjectableValues.Std().addValue(OPTIONAL, null));

    public static ModelBundle load(Path directory) {
        Manifest manifest = readManifest(directory.resolve(MANIFEST_FILE));
        byte[] model;
        try {
            model = Files.readAllBytes(directory.resolve(MODEL_FILE));
        } catch (NoSuchFileException e) {
            throw new ManifestException("bundle " + directory + " has no " + MODEL_FILE);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + directory.resolve(MODEL_FILE) + ": " + e.getMessage(), e);
        }
        String actual = sha256(model);
        if (!actual.equals(manifest.onnxSha256())) {
            throw new ManifestException("SHA-256 of " + directory.resolve(MODEL_FILE) + " is " + actual
                    + " but manifest field 'onnxSha256' says " + manifest.onnxSha256()
                    + ": the model file was changed or copied incompletely");
        }
        return new ModelBundle(directory, manifest, model);
    }

    /** Writes a bundle to {@code root/name/version/}, filling in the model's hash. */
    public static ModelBundle write(Path root, Manifest manifest, byte[] onnxModel) throws IOException {
        Manifest sealed = new Manifest(manifest.formatVersion(), manifest.name(), manifest.version(), manifest.kind(),
                manifest.createdAt(), manifest.input(), manifest.outputs(), manifest.scoreOutput(),
                manifest.scoreDefinition(), manifest.threshold(), manifest.scoreStats(), manifest.training(),
                manifest.metrics(), sha256(onnxModel));
        sealed.validate();
        Path dir = root.resolve(manifest.name()).resolve(manifest.version());
        Files.createDirectories(dir);
        Files.write(dir.resolve(MODEL_FILE), onnxModel);
        Files.writeString(dir.resolve(MANIFEST_FILE), JSON.writeValueAsString(sealed));
        return new ModelBundle(dir, sealed, onnxModel);
    }

    /** Rewrites only the manifest (for metrics added after export); the model and its hash stay. */
    public ModelBundle withManifest(Manifest updated) throws IOException {
        updated.validate();
        Files.writeString(directory.resolve(MANIFEST_FILE), JSON.writeValueAsString(updated));
        return new ModelBundle(directory, updated, onnxModel);
    }

    static Manifest readManifest(Path file) {
        Manifest manifest;
        try {
            manifest = JSON.readValue(Files.readString(file), Manifest.class);
        } catch (NoSuchFileException e) {
            throw new ManifestException("bundle " + file.getParent() + " has no " + MANIFEST_FILE);
        } catch (MismatchedInputException e) {
            throw new ManifestException("manifest " + file + " field '" + fieldPath(e) + "' is wrong: "
                    + e.getOriginalMessage(), e);
        } catch (JsonProcessingException e) {
            throw new ManifestException("manifest " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ManifestException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            manifest.validate();
        } catch (ManifestException e) {
            throw new ManifestException(file + ": " + e.getMessage(), e);
        }
        return manifest;
    }

    private static String fieldPath(MismatchedInputException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JVM without SHA-256", e);
        }
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
