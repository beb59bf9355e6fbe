package dev.imageanomaly.trainer.density;

import static dev.imageanomaly.trainer.export.OnnxGraph.integer;
import static dev.imageanomaly.trainer.export.OnnxGraph.ints;

import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.export.ExportedModel;
import dev.imageanomaly.trainer.export.OnnxGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a latent-density feature to a model with a latent code: a Gaussian mixture fitted on the
 * training images' codes gives {@code latent_density = -log p(z)}, and the final score becomes the
 * mean of the standardized model score and standardized density. An image can reconstruct well
 * yet land where no training code lies; the density sees that. Everything happens inside the
 * graph, so the scorer needs nothing new; the combination and its statistics go into the manifest.
 */
public final class LatentDensityFeature {

    public static final String DENSITY = "latent_density";
    public static final String COMBINED = "combined_score";

    /** How a feature enters the combined score: {@code (value - mean) / std}, averaged over features. */
    public record Feature(String output, double mean, double std) {
        double standardize(double value) {
            return (value - mean) / std;
        }
    }

    /** The extended model, and what the manifest records about the combination. */
    public record Result(ExportedModel model, GaussianMixture mixture, List<Feature> features) {
        public Map<String, Object> manifestFacts() {
            Map<String, Object> facts = new LinkedHashMap<>();
            facts.put("combinedOutput", COMBINED);
            facts.put("rule", "mean of (value - mean) / std over features");
            facts.put("features", features);
            facts.put("densityModel", "Gaussian mixture, diagonal covariances, " + mixture.components() + " components, "
                    + "fitted on the training images' latent codes");
            return facts;
        }

        /** What the graph computes for the combined score, from the two features' raw values. */
        public double combined(double score, double density) {
            return (features.get(0).standardize(score) + features.get(1).standardize(density)) / 2;
        }
    }

    private LatentDensityFeature() {}

    public static Result attach(ExportedModel base, SampleSet train, int components, long seed) {
        if (!base.outputs().contains(GraphNames.LATENT)) {
            throw new IllegalArgumentException("this kind has no latent code output, so --density-components cannot "
                    + "apply; kinds with a code: ae, deep-ae, conv-ae, denoising-ae, vae, conv-vae");
        }
        int n = train.count();
        Map<String, float[]> out;
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(base.model(), train.spec(), EngineOptions.cpu())) {
            out = engine.run(train.data(), n, List.of(base.scoreOutput(), GraphNames.LATENT));
        }
        float[] codes = out.get(GraphNames.LATENT);
        int d = codes.length / n;
        GaussianMixture gmm = GaussianMixture.fit(codes, n, d, components, seed);
        double[] density = new double[n];
        for (int i = 0; i < n; i++) {
            density[i] = -gmm.logDensity(codes, i * d);
        }
        List<Feature> features = List.of(feature(base.scoreOutput(), toDouble(out.get(base.scoreOutput()))),
                feature(DENSITY, density));

        OnnxGraph g = OnnxGraph.extending(base.model(), "density_");
        appendDensity(g, gmm);
        List<String> standardized = new ArrayList<>();
        for (Feature f : features) {
            String centered = g.node("Sub", f.output(), scalar(g, f.mean()));
            standardized.add(g.node("Div", centered, scalar(g, f.std())));
        }
        g.node("Mul", List.of(g.node("Add", standardized.get(0), standardized.get(1)), scalar(g, 0.5)), List.of(),
                COMBINED);
        g.output(DENSITY);
        g.output(COMBINED);
        List<String> outputs = new ArrayList<>(base.outputs());
        outputs.add(DENSITY);
        outputs.add(COMBINED);
        ExportedModel extended = new ExportedModel(g.toBytes(OnnxGraph.PRODUCER), outputs, COMBINED,
                "mean of the standardized '" + base.scoreOutput() + "' (" + base.scoreDefinition() + ") and the "
                        + "standardized latent density -log p(z) under a " + components + "-component Gaussian mixture",
                base.generator());
        return new Result(extended, gmm, features);
    }

    /** {@code -log sum_k exp(logNormalizer_k - 0.5 * sum_j (z_j - mean_kj)^2 / var_kj)} from the graph's latent. */
    private static void appendDensity(OnnxGraph g, GaussianMixture gmm) {
        int k = gmm.components();
        int d = gmm.dimensions();
        float[] means = new float[k * d];
        float[] inverseVariances = new float[k * d];
        float[] normalizers = new float[k];
        for (int c = 0; c < k; c++) {
            normalizers[c] = (float) gmm.logNormalizer(c);
            for (int j = 0; j < d; j++) {
                means[c * d + j] = (float) gmm.means()[c][j];
                inverseVariances[c * d + j] = (float) (1 / gmm.variances()[c][j]);
            }
        }
        String z = g.node("Unsqueeze", GraphNames.LATENT, g.longs("axes", 1));
        String diff = g.node("Sub", z, g.floats("means", means, k, d));
        String weighted = g.node("Mul", g.node("Mul", diff, diff), g.floats("inverse_variances", inverseVariances, k, d));
        String q = g.node("ReduceSum", List.of(weighted, g.longs("axes", 2)), List.of(integer("keepdims", 0)), null);
        String logs = g.node("Sub", g.floats("log_normalizers", normalizers, k), g.node("Mul", q, scalar(g, 0.5)));
        String logDensity = g.node("ReduceLogSumExp", List.of(logs), List.of(ints("axes", 1), integer("keepdims", 0)),
                null);
        g.node("Neg", List.of(logDensity), List.of(), DENSITY);
    }

    private static Feature feature(String output, double[] values) {
        double mean = java.util.Arrays.stream(values).average().orElseThrow();
        double var = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
        return new Feature(output, mean, Math.max(Math.sqrt(var), 1e-12));
    }

    private static double[] toDouble(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    private static String scalar(OnnxGraph g, double value) {
        return g.floats("const", new float[] {(float) value});
    }
}
