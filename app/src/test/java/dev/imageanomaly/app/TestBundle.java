package dev.imageanomaly.app;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.kinds.autoencoder.AutoencoderKinds;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.IntStream;

/**
 * A real conv-ae trained on the shipped MNIST digits 0-7999, once per test JVM: the streaming
 * tests score held-out digits (8000-9999) against Fashion-MNIST with it.
 */
final class TestBundle {

    static final int FIRST_HELD_OUT_DIGIT = 8000;

    /** The digits the test bundle never saw: 8000..9999. */
    static int[] heldOutDigits() {
        return IntStream.range(FIRST_HELD_OUT_DIGIT, digits().images().size()).toArray();
    }
    private static ModelBundle bundle;
    private static LoadedImages digits;
    private static LoadedImages fashion;

    private TestBundle() {}

    static synchronized ModelBundle get() {
        if (bundle == null) {
            SampleSet train = SampleSet.preprocess(digits(), InputSpec.image(1, 28, 28))
                    .subset(IntStream.range(0, FIRST_HELD_OUT_DIGIT).toArray());
            try {
                bundle = new TrainingJob(System.out).run(train, new TrainingJob.Request("test-mnist-conv-ae", "it",
                        Path.of("target", "test-bundles"), TrainingConfig.defaults(AutoencoderKinds.CONV_AE).withEpochs(10),
                        0.1, 0.01));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bundle;
    }

    static synchronized LoadedImages digits() {
        if (digits == null) {
            digits = load("mnist-10k-images-idx3-ubyte.gz");
        }
        return digits;
    }

    static synchronized LoadedImages fashion() {
        if (fashion == null) {
            fashion = load("fashion-mnist-test-images-idx3-ubyte.gz");
        }
        return fashion;
    }

    private static LoadedImages load(String file) {
        try {
            return ImageSources.load(Path.of(System.getProperty("data.dir", "../data"), file), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
