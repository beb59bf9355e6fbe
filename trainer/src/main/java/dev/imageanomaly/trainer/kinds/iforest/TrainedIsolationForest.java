package dev.imageanomaly.trainer.kinds.iforest;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.util.Map;

/** An isolation forest and how it was grown. */
public final class TrainedIsolationForest implements TrainedModel {

    private final IsolationForest forest;
    private final TrainingRun run;

    TrainedIsolationForest(IsolationForest forest, TrainingRun run) {
        this.forest = forest;
        this.run = run;
    }

    @Override
    public TrainingRun run() {
        return run;
    }

    @Override
    public String architecture() {
        int nodes = forest.trees().stream().mapToInt(IsolationTree::nodes).sum();
        return forest.trees().size() + " isolation trees (" + nodes + " nodes) on " + forest.sampleSize()
                + " samples each, over " + forest.spec().sampleSize() + " features";
    }

    @Override
    public Map<String, Object> facts() {
        return Map.of("trees", forest.trees().size(), "treeSampleSize", forest.sampleSize());
    }

    @Override
    public ExportedModel export(String graphName) {
        return IsolationForestExporter.export(graphName, forest);
    }

    /** The trees walked plainly, sample by sample. */
    @Override
    public Map<String, float[]> reference(float[] batch, int count) {
        return Map.of(GraphNames.SCORE, forest.scores(batch, count));
    }

    @Override
    public void close() {
        // Plain arrays: nothing to release.
    }
}
