package dev.imageanomaly.scoring.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.imageanomaly.scoring.TinyOnnxModel;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The engine runs a real ONNX graph with ONNX Runtime on the provider asked for, and splits large
 * batches without changing a single score.
 */
class OnnxScoringEngineTest {

    private static final long[] SAMPLE = {1, 2, 3};
    private static final int SAMPLE_SIZE = 6;
    private static final byte[] MODEL = TinyOnnxModel.meanSquare(1, 2, 3);

    /** Whether this ONNX Runtime build and machine offer CUDA (CPU-only build: never). */
    private static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    @Test
    void cpuRunsTheGraphAndComputesTheScore() {
        float[] batch = randomBatch(5, new Random(1));
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, EngineOptions.cpu())) {
            assertThat(engine.activeProvider()).isEqualTo(ExecutionProvider.CPU);
            assertThat(engine.sampleSize()).isEqualTo(SAMPLE_SIZE);

            float[] scores = engine.run(batch, 5, List.of(TinyOnnxModel.SCORE)).get(TinyOnnxModel.SCORE);

            assertThat(scores).hasSize(5);
            for (int i = 0; i < 5; i++) {
                assertThat(scores[i]).as("score[%d]", i)
                        .isCloseTo(TinyOnnxModel.expectedScore(batch, i, SAMPLE_SIZE), within(1e-6f));
            }
        }
    }

    @Test
    void autoFallsBackToTheCpuWhenCudaIsUnavailable() {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE,
                EngineOptions.cpu().withProvider(ExecutionProvider.AUTO))) {
            assertThat(engine.activeProvider())
                    .as("auto with CUDA %s", cudaAvailable() ? "available" : "unavailable")
                    .isEqualTo(cudaAvailable() ? ExecutionProvider.CUDA : ExecutionProvider.CPU);
            float[] batch = randomBatch(2, new Random(2));
            assertThat(engine.run(batch, 2, List.of(TinyOnnxModel.SCORE)).get(TinyOnnxModel.SCORE)[1])
                    .isCloseTo(TinyOnnxModel.expectedScore(batch, 1, SAMPLE_SIZE), within(1e-5f));
        }
    }

    @Test
    void cudaWhenUnavailableFailsSayingSo() {
        EngineOptions cuda = EngineOptions.cpu().withProvider(ExecutionProvider.CUDA);
        if (cudaAvailable()) {
            try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, cuda)) {
                assertThat(engine.activeProvider()).isEqualTo(ExecutionProvider.CUDA);
            }
        } else {
            assertThatThrownBy(() -> OnnxScoringEngine.open(MODEL, SAMPLE, cuda))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'cuda'")
                    .hasMessageContaining("unavailable")
                    .hasMessageContaining("'auto'");
        }
    }

    @Test
    void batchesLargerThanMaxBatchAreSplitAndGiveTheSameScoresAsOneCall() {
        int count = 23;
        float[] batch = randomBatch(count, new Random(3));
        List<String> outputs = List.of(TinyOnnxModel.SCORE, TinyOnnxModel.DOUBLED);
        Map<String, float[]> whole;
        Map<String, float[]> split;
        try (OnnxScoringEngine one = OnnxScoringEngine.open(MODEL, SAMPLE, new EngineOptions(ExecutionProvider.CPU, 0, 1, 256));
                OnnxScoringEngine small = OnnxScoringEngine.open(MODEL, SAMPLE, new EngineOptions(ExecutionProvider.CPU, 0, 1, 5))) {
            whole = one.run(batch, count, outputs);
            split = small.run(batch, count, outputs);
        }

        // ONNX Runtime's vectorized reduction may round the last bit differently per batch shape
        assertThat(split.get(TinyOnnxModel.SCORE)).hasSize(count)
                .containsExactly(whole.get(TinyOnnxModel.SCORE), within(1e-6f));
        assertThat(split.get(TinyOnnxModel.DOUBLED)).hasSize(count * SAMPLE_SIZE)
                .containsExactly(whole.get(TinyOnnxModel.DOUBLED));
        // sample order survives the split: the last sample (in the last, partial chunk of 3) is itself
        assertThat(split.get(TinyOnnxModel.SCORE)[count - 1])
                .isCloseTo(TinyOnnxModel.expectedScore(batch, count - 1, SAMPLE_SIZE), within(1e-6f));
        assertThat(split.get(TinyOnnxModel.DOUBLED)[(count - 1) * SAMPLE_SIZE])
                .isEqualTo(2 * batch[(count - 1) * SAMPLE_SIZE]);
    }

    @Test
    void aReusedInputBufferGivesTheSameScoresAsAFreshOne() {
        List<String> outputs = List.of(TinyOnnxModel.SCORE, TinyOnnxModel.DOUBLED);
        float[] large = randomBatch(9, new Random(4));
        float[] small = randomBatch(3, new Random(5));
        Map<String, float[]> reused;
        Map<String, float[]> fresh;
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, EngineOptions.cpu())) {
            engine.run(large, 9, outputs); // leaves 9 samples in the buffer; the next call uses its first 3
            reused = engine.run(small, 3, outputs);
        }
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, EngineOptions.cpu())) {
            fresh = engine.run(small, 3, outputs);
        }

        assertThat(reused.get(TinyOnnxModel.SCORE)).containsExactly(fresh.get(TinyOnnxModel.SCORE));
        assertThat(reused.get(TinyOnnxModel.DOUBLED)).containsExactly(fresh.get(TinyOnnxModel.DOUBLED));
    }

    @Test
    void samplesWrittenStraightIntoTheInputBufferScoreAsTheSameSamplesInAnArray() {
        float[] batch = randomBatch(7, new Random(6));
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, new EngineOptions(ExecutionProvider.CPU, 0, 1, 4))) {
            float[] fromArray = engine.run(batch, 7, List.of(TinyOnnxModel.SCORE)).get(TinyOnnxModel.SCORE);
            float[] written = engine.run(7, (sample, input, offset) -> input.put(offset, batch, sample * SAMPLE_SIZE,
                    SAMPLE_SIZE), List.of(TinyOnnxModel.SCORE)).get(TinyOnnxModel.SCORE);

            assertThat(written).containsExactly(fromArray);
        }
    }

    @Test
    void aCallersDirectBufferIsReadWhereItIsAndScoresAsAnArray() {
        float[] batch = randomBatch(7, new Random(7));
        List<String> outputs = List.of(TinyOnnxModel.SCORE, TinyOnnxModel.DOUBLED);
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, new EngineOptions(ExecutionProvider.CPU, 0, 1, 4))) {
            Map<String, float[]> fromArray = engine.run(batch, 7, outputs);
            java.nio.FloatBuffer direct = OnnxScoringEngine.directBuffer(7 * SAMPLE_SIZE).put(0, batch);
            Map<String, float[]> fromDirect = engine.run(direct, 7, outputs); // split: 4 + 3, copied
            Map<String, float[]> firstFour = engine.run(direct, 4, outputs); // read in place
            direct.put(0, 100f); // the caller's buffer is the tensor: a change shows at the next call
            float changed = engine.run(direct, 4, List.of(TinyOnnxModel.DOUBLED)).get(TinyOnnxModel.DOUBLED)[0];
            Map<String, float[]> fromHeap = engine.run(java.nio.FloatBuffer.wrap(batch), 7, outputs);

            assertThat(direct.isDirect()).isTrue();
            assertThat(fromDirect.get(TinyOnnxModel.SCORE)).containsExactly(fromArray.get(TinyOnnxModel.SCORE));
            assertThat(fromDirect.get(TinyOnnxModel.DOUBLED)).containsExactly(fromArray.get(TinyOnnxModel.DOUBLED));
            assertThat(firstFour.get(TinyOnnxModel.SCORE))
                    .containsExactly(java.util.Arrays.copyOf(fromArray.get(TinyOnnxModel.SCORE), 4));
            assertThat(changed).isEqualTo(200f);
            assertThat(fromHeap.get(TinyOnnxModel.SCORE)).containsExactly(fromArray.get(TinyOnnxModel.SCORE));
            assertThatThrownBy(() -> engine.run(direct, 8, outputs)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("8 samples need 48");
        }
    }

    @Test
    void concurrentCallsNeverShareAnInputBuffer() throws Exception {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, EngineOptions.cpu())) {
            List<Callable<Boolean>> callers = IntStream.range(0, 4).<Callable<Boolean>>mapToObj(t -> () -> {
                Random random = new Random(100 + t);
                for (int call = 0; call < 200; call++) {
                    int count = 1 + random.nextInt(16);
                    float[] batch = randomBatch(count, random);
                    float[] scores = engine.run(batch, count, List.of(TinyOnnxModel.SCORE)).get(TinyOnnxModel.SCORE);
                    for (int i = 0; i < count; i++) {
                        if (Math.abs(scores[i] - TinyOnnxModel.expectedScore(batch, i, SAMPLE_SIZE)) > 1e-5f) {
                            return false;
                        }
                    }
                }
                return true;
            }).toList();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                for (Future<Boolean> caller : pool.invokeAll(callers)) {
                    assertThat(caller.get()).as("every score of every concurrent call is its own sample's").isTrue();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aBatchArrayThatIsTooShortIsRefused() {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, EngineOptions.cpu())) {
            assertThatThrownBy(() -> engine.run(new float[SAMPLE_SIZE * 2 - 1], 2, List.of(TinyOnnxModel.SCORE)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2 samples need 12");
        }
    }

    @Test
    void anEmptyBatchGivesEmptyOutputs() {
        try (OnnxScoringEngine engine = OnnxScoringEngine.open(MODEL, SAMPLE, EngineOptions.cpu())) {
            Map<String, float[]> out = engine.run(new float[0], 0, List.of(TinyOnnxModel.SCORE));
            assertThat(out.get(TinyOnnxModel.SCORE)).isEmpty();
        }
    }

    @Test
    void bytesThatAreNotAnOnnxModelAreRefused() {
        assertThatThrownBy(() -> OnnxScoringEngine.open(new byte[] {1, 2, 3, 4}, SAMPLE, EngineOptions.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ONNX Runtime cannot load the model");
    }

    @Test
    void aMaxBatchBelowOneIsRefused() {
        assertThatThrownBy(() -> new EngineOptions(ExecutionProvider.CPU, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxBatch");
    }

    @Test
    void providerNamesParseCaseInsensitively() {
        assertThat(ExecutionProvider.parse("cpu")).isEqualTo(ExecutionProvider.CPU);
        assertThat(ExecutionProvider.parse(" CUDA ")).isEqualTo(ExecutionProvider.CUDA);
        assertThat(ExecutionProvider.parse("Auto")).isEqualTo(ExecutionProvider.AUTO);
    }

    @Test
    void anUnknownProviderNameFailsNamingTheValidOnes() {
        assertThatThrownBy(() -> ExecutionProvider.parse("gpu"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'gpu'")
                .hasMessageContaining("cpu, cuda, auto");
        assertThatThrownBy(() -> ExecutionProvider.parse(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cpu, cuda, auto");
    }

    private static float[] randomBatch(int count, Random random) {
        float[] batch = new float[count * SAMPLE_SIZE];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = random.nextFloat() * 2 - 1;
        }
        return batch;
    }
}
