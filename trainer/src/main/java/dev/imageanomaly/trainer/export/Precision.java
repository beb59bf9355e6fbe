package dev.imageanomaly.trainer.export;

import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.trainer.data.SampleSet;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The number format a scoring graph computes in: the exporter's FP32, or a conversion of it. */
public enum Precision {
    /** As trained. */
    FP32,
    /** Static INT8 quantization calibrated on training images: for CPUs (see {@link Int8Quantizer}). */
    INT8,
    /** The network in FP16: for GPUs (see {@link Fp16Converter}). */
    FP16;

    /** The manifest's training fact that names a bundle's precision; absent means FP32. */
    public static final String FACT = "precision";
    /** Training images the INT8 activation ranges are calibrated on (the first ones of the training set). */
    public static final int CALIBRATION_SAMPLES = 1000;

    public static Precision parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown precision '" + value + "'; expected one of "
                    + Arrays.stream(values()).map(Precision::id).collect(Collectors.joining(", ")));
        }
    }

    public static Precision of(Manifest manifest) {
        Object fact = manifest.training() == null ? null : manifest.training().get(FACT);
        return fact == null ? FP32 : parse(fact.toString());
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The scoring graph in this precision; {@code train} supplies INT8's calibration images. */
    public ExportedModel apply(ExportedModel exported, SampleSet train) {
        byte[] model = switch (this) {
            case FP32 -> exported.model();
            case INT8 -> Int8Quantizer.quantize(exported.model(), train.first(CALIBRATION_SAMPLES));
            case FP16 -> Fp16Converter.convert(exported.model());
        };
        return new ExportedModel(model, exported.outputs(), exported.scoreOutput(), exported.scoreDefinition(),
                exported.generator());
    }
}
