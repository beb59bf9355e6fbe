package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.trainer.TrainingJob;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.Precision;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

// No mixinStandardHelpOptions: its -V/--version clashes with the bundle's --version below, and picocli then
// silently dropped the whole mixin, so 'train --help' failed with "Missing required option". Help is declared here.
@Command(name = "train", sortOptions = false,
        description = {"Train a detector on normal images and write a model bundle <out>/<name>/<version>/.",
            "The threshold is calibrated on held-out normal images at --target-fpr. The bundle gets an",
            "HTML training report in report/index.html and the per-epoch metrics as JSON lines and CSV.",
            "Example: train --data data/mnist-10k-images-idx3-ubyte.gz --range 0:8000 --kind conv-ae --out models"})
public final class TrainCommand implements Callable<Integer> {

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "normal samples: an IDX file (gzipped or not), a folder of PNG/JPEG/BMP/GIF images, "
                    + "or a CSV table of numeric features with a header row (optional integer column label)")
    Path data;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "IDX label file (default: the sibling *-labels-idx1-* file, if any)")
    Path labels;

    @Option(names = "--classes", split = ",", paramLabel = "C",
            description = "train on these labels only (one-class setting), e.g. --classes 3")
    List<Integer> classes;

    @Option(names = "--range", paramLabel = "FROM:TO", description = "use only images FROM (inclusive) to TO")
    String range;

    @Mixin
    ModelOptions model;

    @Option(names = "--validation-fraction", defaultValue = "0.1",
            description = "share held out for early stopping and calibration (default: ${DEFAULT-VALUE})")
    double validationFraction;

    @Option(names = "--target-fpr", defaultValue = "0.01",
            description = "false-positive rate the threshold is calibrated to (default: ${DEFAULT-VALUE})")
    double targetFpr;

    @Option(names = {"--size"}, paramLabel = "HxW", description = "resize images to this size (default: the first image's)")
    String size;

    @Option(names = "--channels", description = "1 (grey) or 3 (RGB) (default: the first image's)")
    Integer channels;

    @Option(names = "--out", defaultValue = "models", description = "bundle root folder (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--name", description = "bundle name (default: <data file name>-<kind>)")
    String name;

    @Option(names = "--version", paramLabel = "VERSION", description = "bundle version (default: a UTC timestamp)")
    String version;

    @Option(names = "--no-report", description = "skip the HTML training report (<bundle>/report/index.html)")
    boolean noReport;

    @Option(names = "--quantize", paramLabel = "int8|fp16", converter = PrecisionConverter.class,
            description = "export the network in INT8 (static, calibrated on the first "
                    + Precision.CALIBRATION_SAMPLES + " training images; for CPUs) or FP16 (for GPUs) instead of "
                    + "FP32; the threshold is calibrated on the converted graph")
    Precision quantize = Precision.FP32;

    static final class PrecisionConverter implements picocli.CommandLine.ITypeConverter<Precision> {
        @Override
        public Precision convert(String value) {
            return Precision.parse(value);
        }
    }

    @Override
    public Integer call() throws Exception {
        TrainingConfig config = model.config();
        ModelKind modelKind = config.kind();
        SampleSet images = SampleLoader.load(data, labels, classes, range, spec(size, channels), System.out);
        String bundleName = name != null ? name : defaultName(modelKind);
        ModelBundle bundle = new TrainingJob(System.out, !noReport).run(images, new TrainingJob.Request(bundleName,
                version != null ? version : TrainingJob.Request.timestampVersion(), out, config,
                validationFraction, targetFpr, quantize));
        System.out.println(bundle.directory());
        return 0;
    }

    /** The input spec asked for by {@code --size} and {@code --channels}, or null for the first image's own. */
    static InputSpec spec(String size, Integer channels) {
        if (size == null && channels == null) {
            return null;
        }
        if (size == null || channels == null) {
            throw new IllegalArgumentException("--size and --channels go together");
        }
        String[] hw = size.toLowerCase().split("x");
        if (hw.length != 2) {
            throw new IllegalArgumentException("--size must look like 28x28, was " + size);
        }
        return InputSpec.image(channels, Integer.parseInt(hw[0]), Integer.parseInt(hw[1]));
    }

    private String defaultName(ModelKind modelKind) {
        String base = data.getFileName().toString().replaceAll("(-images)?(-idx3)?(-ubyte)?(\\.gz)?$", "");
        return base.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + modelKind.id();
    }
}
