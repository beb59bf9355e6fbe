package dev.imageanomaly.trainer.kinds.knn;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.Map;

/** A codebook of normal samples, how many of the nearest the score averages over, and the flat through the nearest. */
public final class TrainedKnn implements TrainedModel {

    private final Codebook codebook;
    private final TrainingRun run;

    TrainedKnn(Codebook codebook, TrainingRun run) {
        this.codebook = codebook;
        this.run = run;
    }

    @Override
    public TrainingRun run() {
        return run;
    }

    private int neighbours() {
        return codebook.neighbours(run.config().neighbours().neighbours());
    }

    @Override
    public String architecture() {
        String prepared = codebook.representation().describe();
        String subspace = codebook.subspace().describe();
        return "codebook " + codebook.count() + " x " + codebook.width() + (prepared.isEmpty() ? "" : " (" + prepared
                + ")") + ", mean distance to the " + neighbours() + " nearest"
                + (subspace.isEmpty() ? "" : ", " + subspace);
    }

    @Override
    public Map<String, Object> facts() {
        Representation representation = codebook.representation();
        return Map.of("codebookSize", codebook.count(), "neighbours", neighbours(), "pixelExponent",
                representation.pixelExponent(), "blurSigma", representation.blur().sigma(), "lengthExponent",
                representation.lengthExponent(), "subspaceNeighbours", codebook.subspace().neighbours());
    }

    @Override
    public ExportedModel export(String graphName) {
        return KnnExporter.export(graphName, codebook, neighbours());
    }

    /** The distances computed plainly, one sample against each codebook sample. */
    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        return Map.of(GraphNames.SCORE, codebook.scores(batch, count, neighbours()));
    }

    @Override
    public void close() {
        // Plain arrays: nothing to release.
    }
}
