package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.image.PngEncoder;
import dev.imageanomaly.trainer.generate.Generator;
import dev.imageanomaly.trainer.generate.ImageGrid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        header = "Sample images from a generative bundle (vae, conv-vae, wgan) into a PNG grid.",
        description = {"Draw codes from the prior N(0, I), turn them into images with the bundle's generator graph",
            "(a VAE's decoder, a WGAN's generator), and tile the images into one PNG.",
            "Example: generate --bundle models/mnist-conv-vae/v1 --count 64 --out samples.png"})
public final class GenerateCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--count", defaultValue = "64", description = "images to generate (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--columns", defaultValue = "8", description = "images per row (default: ${DEFAULT-VALUE})")
    int columns;

    @Option(names = "--seed", defaultValue = "1", description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "FILE.png")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (count <= 0 || columns <= 0) {
            throw new IllegalArgumentException("--count and --columns must be positive");
        }
        Generator generator = new Generator(ModelBundle.load(bundleOption.bundle()));
        float[] images = generator.sample(count, seed);
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        Files.write(out, PngEncoder.encode(ImageGrid.tile(images, count, generator.output(), columns)));
        System.out.printf("%d generated images written to %s%n", count, out);
        return 0;
    }
}
