package dev.imageanomaly.scoring.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where ONNX Runtime runs the graph. */
public enum ExecutionProvider {
    /** Always the CPU. */
    CPU,
    /** The CUDA provider; fails if the runtime has no CUDA support or no GPU is visible. */
    CUDA,
    /** CUDA when available, otherwise the CPU, with one log line saying which and why. */
    AUTO;

    public static ExecutionProvider parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown execution provider '" + value + "'; expected one of "
                    + Arrays.stream(values()).map(p -> p.name().toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", ")));
        }
    }
}
