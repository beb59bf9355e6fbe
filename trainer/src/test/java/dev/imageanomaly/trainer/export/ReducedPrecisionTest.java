package dev.imageanomaly.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.imageanomaly.scoring.bundle.GraphNames;
import dev.imageanomaly.scoring.engine.EngineOptions;
import dev.imageanomaly.scoring.engine.OnnxScoringEngine;
import dev.imageanomaly.trainer.ShippedData;
import dev.imageanomaly.trainer.data.SampleSet;
import dev.imageanomaly.trainer.eval.DetectionMetrics;
import dev.imageanomaly.trainer.eval.Evaluation;
import dev.imageanomaly.trainer.kinds.ModelKinds;
import dev.imageanomaly.trainer.train.TrainedModel;
import dev.imageanomaly.trainer.train.TrainingConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Networks trained on real digits, exported in INT8 and FP16, score held-out digits and Fashion
 * articles as their FP32 graph does, within stated tolerances, on the CPU.
 */
class ReducedPrecisionTest {

    static SampleSet train;
    static SampleSet digitsAndArticles;
    static final Map<String, byte[]> FP32 = new HashMap<>();

    /** Two short trainings (about 20 s together): ranking, not accuracy, is under test. */
    @BeforeAll
    static void trainADenseAndAConvolutionalAutoencoder() {
        SampleSet digits = ShippedData.mnist10k();
        train = digits.where(i -> i < 3000);
        digitsAndArticles = Evaluation.normalVersusAnomalous(digits.where(i -> i >= 9000),
                ShippedData.fashionTest().first(1000));
        for (String kind : List.of("deep-ae", "conv-ae")) {
            TrainingConfig config = TrainingConfig.defaults(ModelKinds.parse(kind)).withEpochs(2);
            try (TrainedModel model = ModelKinds.fit(train, digits.where(i -> i >= 3000 && i < 3300), config, null,
                    null)) {
                FP32.put(kind, model.export(kind).model());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deep-ae", "conv-ae"})
    void anInt8GraphTellsDigitsFromArticlesAsWellAsItsFp32Graph(String kind) {
        byte[] int8 = Int8Quantizer.quantize(FP32.get(kind), train.first(1000));

        float[] exact = scores(FP32.get(kind));
        float[] quantized = scores(int8);

        double aurocExact = DetectionMetrics.of(exact, digitsAndArticles.labels(), 0).auroc();
        double aurocQuantized = DetectionMetrics.of(quantized, digitsAndArticles.labels(), 0).auroc();
        assertThat(aurocQuantized).as("AUROC, FP32 %.4f", aurocExact).isCloseTo(aurocExact, within(0.003));
        assertThat(medianRelativeDifference(quantized, exact)).as("median relative score difference")
                .isLessThan(0.02);
    }

    @ParameterizedTest
    @ValueSource(strings = {"deep-ae", "conv-ae"})
    void onnxRuntimeRunsEveryLayerButAConvolutionalFirstOneOnIntegerKernels(String kind, @TempDir Path dir) throws Exception {
        List<String> ops = optimizedOps(Int8Quantizer.quantize(FP32.get(kind), train.first(200)), dir);

        long fp32Layers = ops.stream().filter(Set.of("Conv", "Gemm", "FusedGemm", "FusedConv")::contains).count();
        assertThat(fp32Layers).as("layers left in FP32 (a convolutional network's first: see Int8Quantizer)")
                .isEqualTo(kind.equals("conv-ae") ? 1 : 0);
        assertThat(ops).contains(kind.equals("conv-ae") ? "QLinearConv" : "QGemm");
    }

    /**
     * This ONNX Runtime has no FP16 kernels for these layers on this CPU: it computes them in FP32
     * from the FP16 weights. What the CPU can check is that the conversion loses nothing but the
     * weights' rounding; FP16 arithmetic is for scripts/gpu-check.sh on a GPU.
     */
    @ParameterizedTest
    @ValueSource(strings = {"deep-ae", "conv-ae"})
    void anFp16GraphScoresWithinATenthOfAPercentOfItsFp32GraphOnTheCpu(String kind) {
        float[] exact = scores(FP32.get(kind));
        float[] half = scores(Fp16Converter.convert(FP32.get(kind)));

        for (int i = 0; i < exact.length; i++) {
            assertThat(half[i]).as("score %d", i).isCloseTo(exact[i], within(1e-3f * exact[i]));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"deep-ae", "conv-ae"})
    void anFp16GraphKeepsFp32InputAndOutputsAndHoldsItsWeightsInFp16(String kind) throws Exception {
        OnnxMl.ModelProto half = OnnxMl.ModelProto.parseFrom(Fp16Converter.convert(FP32.get(kind)));

        int fp32 = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
        assertThat(half.getGraph().getInputList()).allMatch(i -> i.getType().getTensorType().getElemType() == fp32);
        assertThat(half.getGraph().getOutputList()).allMatch(o -> o.getType().getTensorType().getElemType() == fp32);
        long weightsInFp16 = half.getGraph().getInitializerList().stream()
                .filter(t -> t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT16.getNumber()).count();
        assertThat(weightsInFp16).as("a weight and a bias per layer").isGreaterThanOrEqualTo(8);
    }

    @Test
    void aGraphWithoutConvolutionOrFullyConnectedLayersIsRefusedEitherPrecisionRatherThanRelabelled() {
        byte[] fp32;
        try (TrainedModel forest = ModelKinds.fit(train.first(300), train.first(300),
                TrainingConfig.defaults(ModelKinds.parse("iforest")), null, null)) {
            fp32 = forest.export("iforest").model();
        }

        assertThatThrownBy(() -> Fp16Converter.convert(fp32)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the graph has no convolution or fully connected layer to convert to FP16");
        assertThatThrownBy(() -> Int8Quantizer.quantize(fp32, train.first(100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the graph has no convolution or fully connected layer to quantize");
    }

    private static float[] scores(byte[] model) {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(model, digitsAndArticles.spec(), EngineOptions.cpu())) {
            return engine.run(digitsAndArticles.data(), digitsAndArticles.count(), List.of(GraphNames.SCORE))
                    .get(GraphNames.SCORE);
        }
    }

    private static double medianRelativeDifference(float[] a, float[] b) {
        double[] relative = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            relative[i] = Math.abs(a[i] - b[i]) / Math.abs(b[i]);
        }
        Arrays.sort(relative);
        return relative[relative.length / 2];
    }

    /** The op types of the graph ONNX Runtime actually runs, after its optimizer. */
    private static List<String> optimizedOps(byte[] model, Path dir) throws Exception {
        Path optimized = dir.resolve("optimized.onnx");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setOptimizedModelFilePath(optimized.toString());
            OrtEnvironment.getEnvironment().createSession(model, options).close();
        }
        return OnnxMl.ModelProto.parseFrom(Files.readAllBytes(optimized)).getGraph().getNodeList().stream()
                .map(OnnxMl.NodeProto::getOpType).toList();
    }
}
