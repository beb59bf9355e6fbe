package dev.imageanomaly.scoring.engine;

/**
 * How to run ONNX Runtime.
 *
 * @param intraOpThreads threads one inference may use; 0 lets ONNX Runtime decide
 * @param maxBatch the largest batch sent to the runtime in one call; larger requests are split
 */
public record EngineOptions(ExecutionProvider provider, int cudaDevice, int intraOpThreads, int maxBatch) {

    public EngineOptions {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, was " + maxBatch);
        }
    }

    public static EngineOptions cpu() {
        return new EngineOptions(ExecutionProvider.CPU, 0, 0, 256);
    }

    public EngineOptions withProvider(ExecutionProvider p) {
        return new EngineOptions(p, cudaDevice, intraOpThreads, maxBatch);
    }
}
