package dev.imageanomaly.trainer;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.trainer.data.SampleSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real image sets shipped in the repository's {@code data/} folder. */
public final class ShippedData {

    public static final InputSpec MNIST_SPEC = InputSpec.image(1, 28, 28);

    private ShippedData() {}

    public static Path dir() {
        Path dir = Path.of(System.getProperty("data.dir", "../data"));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("shipped data folder not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    /** A file in the shipped data folder; fails naming the path when it is not there. */
    public static Path path(String file) {
        Path p = dir().resolve(file);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException("shipped data file not found at " + p.toAbsolutePath());
        }
        return p;
    }

    /** The 10,000 MNIST test digits, labelled 0-9. */
    public static SampleSet mnist10k() {
        return load("mnist-10k-images-idx3-ubyte.gz");
    }

    /** The 10,000 Fashion-MNIST test articles, labelled 0-9. */
    public static SampleSet fashionTest() {
        return load("fashion-mnist-test-images-idx3-ubyte.gz");
    }

    private static SampleSet load(String file) {
        try {
            return SampleSet.preprocess(ImageSources.load(dir().resolve(file), null), MNIST_SPEC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
