package dev.imageanomaly.trainer.kinds.ensemble;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.Standardization;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.ModelKind;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import dev.imageanomaly.trainer.train.TrainingRun;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Trains the {@code ensemble} kind: each member kind on the same images with the ensemble's
 * settings, then the mean and spread of each member's exported score on the held-out normal images,
 * which put the members' scores on one scale. The held-out images are ones no member trained on (a
 * {@code knn} member's codebook holds training images only), so the scales are those of new images.
 */
public final class KindEnsembleTrainer {

    private final PrintStream console;
    private final Path metricsLog;

    public KindEnsembleTrainer(PrintStream console, Path metricsLog) {
        this.console = console;
        this.metricsLog = metricsLog;
    }

    public TrainedKindEnsemble fit(SampleSet train, SampleSet validation, TrainingConfig config) {
        long start = System.nanoTime();
        List<ModelKind> kinds = config.memberKinds().stream().map(ModelKinds::parse).toList();
        if (kinds.stream().anyMatch(k -> k.id().equals(config.kind().id()))) {
            throw new IllegalArgumentException("an ensemble cannot be a member of itself: " + config.memberKinds());
        }
        List<TrainedModel> members = new ArrayList<>();
        try {
            for (ModelKind kind : kinds) {
                say("ensemble member %s", kind.id());
                members.add(ModelKinds.fit(train, validation, config.withKind(kind), console, metricsLog));
            }
            List<Standardization> standardizations = new ArrayList<>();
            for (TrainedModel member : members) {
                standardizations.add(Standardization.of(scores(member.export("member"), validation)));
            }
            return new TrainedKindEnsemble(members, standardizations,
                    TrainingRun.since(start, config, members.get(0).history()));
        } catch (RuntimeException e) {
            members.forEach(TrainedModel::close);
            throw e;
        }
    }

    /** A member's exported score of every held-out image, as ONNX Runtime computes it. */
    private static float[] scores(ExportedModel member, SampleSet images) {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(member.model(), images.spec(), EngineOptions.cpu())) {
            return engine.run(images.data(), images.count(), List.of(GraphNames.SCORE)).get(GraphNames.SCORE);
        }
    }

    private void say(String format, Object... args) {
        if (console != null) {
            console.printf(format + "%n", args);
        }
    }
}
