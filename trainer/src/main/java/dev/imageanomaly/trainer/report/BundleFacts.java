package dev.imageanomaly.trainer.report;

import dev.imageanomaly.scoring.bundle.InputSpec;
import dev.imageanomaly.scoring.bundle.Manifest;
import dev.imageanomaly.scoring.bundle.ModelBundle;
import dev.imageanomaly.scoring.bundle.Threshold;
import dev.imageanomaly.trainer.train.EpochMetrics;
import dev.imageanomaly.trainer.train.EpochMetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every report says about the bundle itself: its title, the facts table, the threshold's legend, the training curves. */
final class BundleFacts {

    private final ModelBundle bundle;
    private final Manifest manifest;

    BundleFacts(ModelBundle bundle) {
        this.bundle = bundle;
        this.manifest = bundle.manifest();
    }

    String title(String what) {
        return manifest.name() + " " + manifest.version() + " (" + manifest.kind() + "): " + what;
    }

    Map<String, String> facts(Map<String, String> extra) {
        InputSpec in = manifest.input();
        Threshold t = manifest.threshold();
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("model", manifest.name() + " " + manifest.version() + ", kind " + manifest.kind());
        facts.put("created", String.valueOf(manifest.createdAt()));
        facts.put("input", in.isFeatures() ? in.width() + " features, standardized by the training rows' column means "
                + "and standard deviations" : in.channels() + " x " + in.height() + " x " + in.width() + ", values in "
                + in.valueRange());
        facts.put("score", manifest.scoreDefinition() + " (graph output '" + manifest.scoreOutput() + "')");
        facts.put("threshold", String.format("%.6g (%s %s, over %,d scores)", t.value(), t.method(), t.rate(),
                t.calibrationSamples()));
        facts.put("graph outputs", String.join(", ", manifest.outputs()));
        if (manifest.training() != null) {
            manifest.training().forEach((k, v) -> facts.put("training: " + k, String.valueOf(v)));
        }
        facts.putAll(extra);
        return facts;
    }

    String thresholdLabel() {
        Threshold t = manifest.threshold();
        return String.format("threshold (%s %s)", t.method(), t.rate());
    }

    Section<List<EpochMetrics>> history() {
        Path log = bundle.directory().resolve(EpochMetricsLog.FILE);
        if (!Files.exists(log)) {
            return Section.omitted("the bundle has no " + EpochMetricsLog.FILE);
        }
        try {
            List<EpochMetrics> history = EpochMetricsLog.read(log);
            return history.isEmpty() ? Section.omitted(EpochMetricsLog.FILE + " has no epochs") : Section.of(history);
        } catch (IOException | RuntimeException e) {
            return Section.omitted(EpochMetricsLog.FILE + " could not be read: " + e.getMessage());
        }
    }
}
