package dev.imageanomaly.app;

import dev.imageanomaly.scoring.ImageAnomalyDetector;
import dev.imageanomaly.scoring.bundle.ScoreStats;
import dev.imageanomaly.scoring.drift.ScoreDistance;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.source.ImageSources;
import dev.imageanomaly.scoring.source.LoadedImages;
import dev.imageanomaly.stream.ScorerConfig;
import dev.imageanomaly.trainer.cli.BundleOption;
import dev.imageanomaly.trainer.cli.ProviderOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "drift", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Would these images drift? The statistics the streaming scorer watches (Kolmogorov-Smirnov",
            "distance and population stability index against the bundle's held-out reference scores), offline:",
            "check a new camera's images before wiring it in. Sub-folders are reported one by one.",
            "Example: drift --bundle models/mnist-conv-ae/v1 --input new-camera/"})
final class DriftCommand implements Callable<Integer> {

    @Mixin
    BundleOption bundleOption;

    @Option(names = "--input", required = true, paramLabel = "PATH", description = "IDX file or folder of images")
    Path input;

    @Mixin
    ProviderOption providerOption;

    @Override
    public Integer call() throws Exception {
        ScorerConfig defaults = ScorerConfig.load(null, Map.of(), Map.of());
        double ksLevel = defaults.getDouble("drift.ks.level");
        double psiLevel = defaults.getDouble("drift.psi.level");
        try (ImageAnomalyDetector detector = ImageAnomalyDetector.load(bundleOption.bundle(),
                new EngineOptions(providerOption.provider(), 0, 0, 256))) {
            ScoreStats reference = detector.manifest().scoreStats();
            if (reference == null || !reference.hasQuantiles()) {
                throw new IllegalArgumentException("bundle " + bundleOption.bundle() + " records no reference score "
                        + "quantiles (it was made before they were); retrain it to watch it for drift");
            }
            LoadedImages images = ImageSources.load(input, null);
            images.skipped().forEach(s -> System.err.println("skipped " + s));
            double[] scores = toDoubles(detector.decisionFunction(images.images()));
            Map<String, List<Double>> sets = new LinkedHashMap<>();
            sets.put("all", Arrays.stream(scores).boxed().toList());
            for (int i = 0; i < scores.length; i++) {
                int label = images.labels()[i];
                if (label != LoadedImages.NO_LABEL && !images.classNames().isEmpty()) {
                    sets.computeIfAbsent(images.classNames().get(label), k -> new ArrayList<>()).add(scores[i]);
                }
            }
            System.out.printf("reference: %d held-out normal images at training; p50 %.4g, p90 %.4g, p99 %.4g%n",
                    reference.count(), reference.p50(), reference.p90(), reference.p99());
            System.out.printf("levels: KS > %.2f or PSI > %.2f drifts (the scorer's drift.ks.level, drift.psi.level)%n%n",
                    ksLevel, psiLevel);
            System.out.println("| set | images | KS | PSI | p50 | p90 | p99 | verdict |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|---|");
            for (Map.Entry<String, List<Double>> set : sets.entrySet()) {
                double[] s = set.getValue().stream().mapToDouble(Double::doubleValue).sorted().toArray();
                double ks = ScoreDistance.ks(s, reference.quantiles());
                double psi = ScoreDistance.psi(s, reference.quantiles());
                System.out.printf("| %s | %d | %.3f | %.3f | %.4g | %.4g | %.4g | %s |%n", set.getKey(), s.length, ks, psi,
                        ScoreStats.quantile(s, 0.5), ScoreStats.quantile(s, 0.9), ScoreStats.quantile(s, 0.99),
                        ks > ksLevel || psi > psiLevel ? "DRIFTS" : "like the reference");
            }
        }
        return 0;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
