package dev.imageanomaly.trainer.generate;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.export.GeneratorFile;
import java.util.List;
import java.util.Random;

/** Samples images from a generative bundle's prior through its generator graph with ONNX Runtime. */
public final class Generator {

    private final byte[] graph;
    private final int latent;
    private final InputSpec output;

    public Generator(ModelBundle bundle) {
        this.graph = GeneratorFile.read(bundle);
        this.output = bundle.manifest().input();
        this.latent = ((Number) bundle.manifest().training().get("latent")).intValue();
    }

    /** {@code count} images {@code [count, C, H, W]} from codes drawn from N(0, I) with a seeded generator. */
    public float[] sample(int count, long seed) {
        Random random = new Random(seed);
        float[] codes = new float[count * latent];
        for (int i = 0; i < codes.length; i++) {
            codes[i] = (float) random.nextGaussian();
        }
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(graph, new long[] {latent}, EngineOptions.cpu())) {
            return engine.run(codes, count, List.of(GraphNames.GENERATOR_OUTPUT)).get(GraphNames.GENERATOR_OUTPUT);
        }
    }

    public InputSpec output() {
        return output;
    }
}
