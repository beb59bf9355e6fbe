package dev.imageanomaly.trainer.cli;

import dev.imageanomaly.scoring.engine.ExecutionProvider;
import picocli.CommandLine.Option;

/** {@code --provider}, for every command that runs a bundle's graph with ONNX Runtime. */
public final class ProviderOption {

    @Option(names = "--provider", defaultValue = "auto", description = "cpu, cuda, auto (default: ${DEFAULT-VALUE})")
    String provider;

    /** As the scorer's settings spell it. */
    public String name() {
        return provider;
    }

    public ExecutionProvider provider() {
        return ExecutionProvider.parse(provider);
    }
}
