package dev.imageanomaly.trainer.kinds.transform;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.train.MiniBatch;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A trained transformation classifier (best validation epoch) and the transformations it tells apart. */
public final class TrainedTransformClassifier implements TrainedModel {

    private final Model model;
    private final List<Transformation> transformations;
    private final InputSpec input;
    private final TrainingRun run;

    TrainedTransformClassifier(Model model, List<Transformation> transformations, InputSpec input, TrainingRun run) {
        this.model = model;
        this.transformations = List.copyOf(transformations);
        this.input = input;
        this.run = run;
    }

    @Override
    public TrainingRun run() {
        return run;
    }

    @Override
    public String architecture() {
        return "conv " + Arrays.toString(TransformClassifier.CHANNELS) + " (3x3, batch norm, ReLU, 2x2 max pool after "
                + "all but the last), global average -> " + TransformClassifier.FEATURES + " features -> linear "
                + transformations.size();
    }

    @Override
    public Map<String, Object> facts() {
        return Map.of("transformations", transformations.stream().map(Transformation::toString).toList());
    }

    @Override
    public ExportedModel export(String graphName) {
        return TransformExporter.export(graphName, (SequentialBlock) model.getBlock(), transformations, input);
    }

    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        return forward(model, transformations, input, batch, count);
    }

    /**
     * DJL's forward pass computing what the exported graph computes: the score (mean negative
     * log-likelihood of each transformation applied) and the feature vector of the untransformed image.
     */
    static Map<String, float[]> forward(Model model, List<Transformation> transformations, InputSpec in, float[] batch,
            int count) {
        int t = transformations.size();
        float[] score = new float[count];
        float[] latent;
        try (NDManager m = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(m, false);
            SequentialBlock block = (SequentialBlock) model.getBlock();
            Block features = block.getChildren().get(0).getValue();
            Block head = block.getChildren().get(1).getValue();
            latent = features.forward(ps, new NDList(MiniBatch.images(m, batch, in)), false).singletonOrThrow()
                    .toFloatArray();
            for (int k = 0; k < t; k++) {
                NDArray x = MiniBatch.images(m, transformations.get(k).apply(batch, count, in.channels(), in.width()), in);
                NDArray logits = head.forward(ps, features.forward(ps, new NDList(x), false), false).singletonOrThrow();
                float[] logLikelihood = logits.logSoftmax(1).toFloatArray();
                for (int i = 0; i < count; i++) {
                    score[i] -= logLikelihood[i * t + k] / t;
                }
            }
        }
        Map<String, float[]> out = new LinkedHashMap<>();
        out.put(GraphNames.SCORE, score);
        out.put(GraphNames.LATENT, latent);
        return out;
    }

    @Override
    public void close() {
        model.close();
    }
}
